"""Decisions, actions and interventions: recorded, and settled when carried over."""

from datetime import date

from core import queries
from core.commands import documents
from core.model import Action, Meeting
from core.names import require_plain
from core.store import Transaction
from core.words import VERDICT_LABEL


def record(tx: Transaction, kind: str, text: str, owner: str, due: date | None,
           link: str | None, today: date, issue: str | None = None) -> Action:
    """A decision, action or intervention of the transaction's meeting (`link`: the KPI,
    objective or key result it is about; `issue`: the issue it solves, core/commands/issues.py)."""
    require_plain(owner, "owner", kind)      # a name; the text is free text, like a note
    action = Action(id="", kind=kind, text=text.strip(), owner=owner.strip(),
                    meeting=tx.meeting, created=today, due=due, link=link, issue=issue)
    if link is not None:
        queries.link_target(tx, link, tx.store.outside)
    tx.summary = f"{kind}: {action.text} ({action.owner})"
    return documents.insert(tx, action)


def review(tx: Transaction, action_id: str, verdict: str, meeting_id: str | None) -> Action:
    """A carried-over action's verdict (core.model.Verdict): its status, and the verdict kept
    on the meeting that gave it (so "still open" is on record too)."""
    meeting = queries.meeting(tx, meeting_id)
    # The day it was done, for the to-do completion rate (core/people.py): the meeting's.
    action = documents.evolve(tx, Action, action_id, status=verdict,
                              done_on=meeting.day if verdict == "done" else None)
    settled = meeting.verdicts
    documents.evolve(tx, Meeting, meeting_id, verdicts={**settled, action.id: verdict})
    tx.summary = f"{action.kind} {action.text!r}: {VERDICT_LABEL[verdict]}"
    return action
