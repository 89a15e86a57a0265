"""People: the roster the store names (owners, attendees, facilitators, who raised an issue),
what each owns, and their follow-through — Ninety's to-do completion rate.

**The to-do completion rate** counts actions and interventions (a decision is taken, not
done) that have a due day on or before the day it is read for, and are not dropped: those
are *due*. One is *done on time* when it was marked done on or before its due day. The day it
was done is the one it keeps (`done_on`: the day of the meeting whose verdict said done);
for an action done before Cadence kept that day, the day of the meeting whose verdict said
done, else the day of the event that wrote it done (an import, the demo, a hand edit). So:
done on its due day counts; done a day later does not; no due day, or dropped: not counted
at all; still open on or after its due day: due, and not done on time.

A person's follow-through is the rate over their actions due by today. A meeting's is over
the actions due since the meeting before it (after that meeting's day, up to and including
this one's): the to-dos this meeting reviews (all due by its day for the first meeting).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

import msgspec

from core import okr
from core.action_list import select
from core.as_of import instant
from core.board import Board, Readable
from core.health import Health
from core.model import Action, Event, Issue, Meeting
from core.names import name_key


class Completion(msgspec.Struct, frozen=True):
    """Actions due and how many of them were done on time."""

    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def phrase(self) -> str:
        """"2 of 3 done on time (67%)", "nothing due yet"."""
        if not self.due:
            return "nothing due yet"
        return f"{self.on_time} of {self.due} done on time ({self.rate:.0%})"


def is_due(action: Action, day: date, after: date | None = None) -> bool:
    """Counted by the rate read on `day` (and, for a meeting's, due after `after`)."""
    return (action.kind != "decision" and action.status != "dropped" and action.due is not None
            and action.due <= day and (after is None or action.due > after))


def on_time(action: Action, done: date | None) -> bool:
    return action.status == "done" and done is not None and action.due is not None \
        and done <= action.due


def completion(actions: Iterable[Action], day: date, done: dict[str, date],
               after: date | None = None) -> Completion:
    due = [a for a in actions if is_due(a, day, after)]
    return Completion(len(due), sum(1 for a in due if on_time(a, done.get(a.id))))


def done_days(board: Board, store: Readable | None = None) -> dict[str, date]:
    """Action id -> the day it was done, for every done action whose day is known (the
    module's docstring says how it is known). The event log is read only for actions done
    before Cadence kept the day, and only when `store` is given."""
    verdicts: dict[str, date] = {}
    for m in sorted(board.meetings, key=lambda m: (m.day, m.key)):
        verdicts.update((ident, m.day) for ident, v in m.verdicts.items() if v == "done")
    found, missing = {}, set()
    for a in (a for a in board.actions if a.status == "done"):
        day = a.done_on or verdicts.get(a.id)
        if day is not None:
            found[a.id] = day
        else:
            missing.add(a.key)
    if missing and store is not None:
        found.update(_written_done(store, missing))
    return found


def _written_done(store: Readable, keys: set[int]) -> dict[str, date]:
    """The day of the latest event that wrote each of these actions done."""
    found = {}
    for event in store.records(Event):
        for change in event.changes:
            if change.table == Action.TABLE and change.key in keys \
                    and (change.after or {}).get("status") == "done":
                found[f"a{change.key}"] = instant(event.at, store.path).date()
    return found


def meeting_completion(board: Board, meeting: Meeting, done: dict[str, date]) -> Completion:
    """The meeting's to-do completion rate: the actions due since the meeting before it."""
    earlier = [m.day for m in board.meetings if m.day < meeting.day]
    return completion(board.actions, meeting.day, done, max(earlier, default=None))


class Person(msgspec.Struct, frozen=True):
    """One person of the roster, with what they own and their follow-through."""

    name: str
    kpis: tuple[Health, ...]
    objectives: tuple[okr.ObjectiveView, ...]        # active ones
    key_results: tuple[okr.KrView, ...]              # of those objectives
    open_actions: tuple[Action, ...]                 # as `cadence actions --owner --status open`
    issues: tuple[Issue, ...]                        # open issues they raised
    follow_through: Completion


def person(board: Board, name: str, done: dict[str, date]) -> Person:
    """What a person owns, matched by name as people read it (core.names.name_key)."""
    key = name_key(name)
    objectives = tuple(v for v in board.active if name_key(v.objective.owner) == key)
    mine = [a for a in board.actions if name_key(a.owner) == key]
    return Person(
        name=name, kpis=tuple(h for h in board.kpis if name_key(h.kpi.owner) == key),
        objectives=objectives, key_results=tuple(k for v in objectives for k in v.krs),
        open_actions=tuple(select(board, name, "open")),
        issues=tuple(i for i in board.open_issues if name_key(i.raised_by) == key),
        follow_through=completion(mine, board.today, done))


def roster(board: Board, store: Readable | None = None) -> list[Person]:
    """Everyone the store names (Board.people), each with what they own."""
    done = done_days(board, store)
    return [person(board, name, done) for name in board.people]


def find(board: Board, name: str) -> str | None:
    """The roster's spelling of a name as people read it, if the store names that person."""
    key = name_key(name)
    return next((p for p in board.people if name_key(p) == key), None)


def as_json(people: list[Person]) -> list[dict[str, Any]]:
    return [{"name": p.name,
             "kpis": [{"id": h.kpi.id, "name": h.kpi.name, "band": h.band} for h in p.kpis],
             "objectives": [{"id": v.objective.id, "title": v.objective.title,
                             "score": v.score} for v in p.objectives],
             "key_results": [{"id": k.kr.id, "title": k.kr.title, "objective": k.kr.objective,
                              "progress": k.progress, "behind": k.behind}
                             for k in p.key_results],
             "open_actions": [{"id": a.id, "kind": a.kind, "text": a.text,
                               "due": a.due.isoformat() if a.due else None}
                              for a in p.open_actions],
             "issues": [{"id": i.id, "title": i.title, "rank": i.rank} for i in p.issues],
             "follow_through": completion_json(p.follow_through)} for p in people]


def completion_json(found: Completion) -> dict[str, Any]:
    return {"due": found.due, "on_time": found.on_time, "rate": found.rate}


def as_text(people: list[Person]) -> list[str]:
    """Each person in a few lines (raw: the command shows each through core/display.py)."""
    if not people:
        return ["Nobody yet: owners and attendees appear here once the store names them."]
    lines: list[str] = []
    for p in people:
        lines.append(f"{p.name} — follow-through: {p.follow_through.phrase()}")
        if p.kpis:
            lines.append("  KPIs: " + ", ".join(h.kpi.name for h in p.kpis))
        for v in p.objectives:
            lines.append(f"  objective: {v.objective.title}")
            lines += [f"    key result: {k.kr.title} ({k.progress:.0%})" for k in v.krs]
        for a in p.open_actions:
            due = f", due {a.due.isoformat()}" if a.due else ", no due date"
            lines.append(f"  open {a.kind}: {a.text}{due}")
        lines += [f"  raised issue #{i.rank}: {i.title}" for i in p.issues]
    return lines
