"""Meetings: started, kept up to date (attendees, ratings, stage times) and ended. This is
the meeting's bookkeeping, never undone; its lifecycle in an app is core/session.py's."""

from typing import Any

from core import queries
from core.commands import documents
from core.errors import CadenceError
from core.model import Meeting, Stage
from core.names import require_plain, require_plain_fields
from core.store import Transaction


def check_names(title: str | None, attendees: tuple[str, ...], facilitator: str) -> None:
    """The names a meeting starts with (`--title`, `--attendee`, `--facilitator`): plain text,
    checked before the app opens, as well as when the meeting is planned."""
    require_plain_fields({"title": title or "", "facilitator": facilitator},
                         ("title", "facilitator"), "meeting")
    for person in attendees:
        require_plain(person, "attendees", "meeting")


def start(tx: Transaction, planned: Meeting) -> Meeting:
    """Write a planned meeting (core.session.Session.plan); returned with its id. The
    transaction belongs to the meeting from here on, its start included."""
    started = documents.insert(tx, planned)
    tx.summary, tx.meeting = f"started {planned.title}", started.id
    return started


def update(tx: Transaction, meeting_id: str | None, **fields: Any) -> Meeting:
    """Attendees, facilitator, ratings, stage times, end. Fields given as None are left as
    they are."""
    for person in fields.get("attendees") or ():
        require_plain(person, "attendees", "meeting")
    if isinstance(fields.get("facilitator"), str):
        require_plain(fields["facilitator"], "facilitator", "meeting")
    meeting = documents.evolve(tx, Meeting, meeting_id,
                               **{k: v for k, v in fields.items() if v is not None})
    tx.summary = f"updated {meeting.title}: {', '.join(sorted(fields))}"
    return meeting


def refuse_ended(tx: Transaction, meeting_id: str | None) -> None:
    """Nothing is written to a meeting that has ended (its minutes are what it saw): a
    meeting taken over while its first facilitator, thought gone, was ending it."""
    found = queries.find(tx, Meeting, meeting_id)
    if found is not None and found.ended_at is not None:
        raise CadenceError(f"{meeting_id} has ended: nothing more is written to it")


def end(tx: Transaction, meeting_id: str | None, ended_at: str,
        stages: tuple[Stage, ...] | None = None,
        ratings: dict[str, int] | None = None) -> Meeting:
    """The meeting's end, with its stage times and ratings when given."""
    return update(tx, meeting_id, stages=stages, ratings=ratings, ended_at=ended_at)
