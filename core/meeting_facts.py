"""What a meeting did, in numbers, beside its rating: a 7/10 means more next to "2 of 5 stages
over time, 3 of 5 flagged KPIs discussed". The wrap-up shows them live and the minutes keep
them; both call `facts`, so they are the same numbers.

A flagged KPI counts as discussed when the meeting touched it with a change that was not
undone: a value recorded or replaced, an intervention, a decision or action about it (or a
verdict on one), an explanation, an objective or key result started or edited on it, the KPI
itself edited. Flagged means flagged as things stand (at the meeting's end, for the minutes):
a KPI whose flags a new value cleared is no longer on the list to discuss.
"""

from collections.abc import Iterable, Sequence

import msgspec
import msgspec.structs

from core import series
from core.board import Board
from core.events import EventKind
from core.meeting import TimeboxState, timebox_state
from core.model import Action, Change, Event, KeyResult, Kpi, Objective, Stage, make_id
from core.store import Source


class Facts(msgspec.Struct, frozen=True):
    stages: int                 # stages on the agenda
    stages_over: int            # past their timebox (exactly at it is not over)
    flagged: int                # KPIs flagged now
    discussed: int              # of them, touched by the meeting (the rest were left)
    decisions: int              # decisions taken in the meeting
    decisions_owned: int        # of them, with an owner
    actions: int                # actions and interventions created in the meeting
    carried: int                # actions carried over from earlier meetings
    settled: int                # of them, given a verdict in the meeting

    @property
    def left(self) -> int:
        return self.flagged - self.discussed


def kept_events(src: Source, meeting_id: str | None) -> list[Event]:
    """The meeting's changes that still stand: its events, less the undos and what they
    undid (what the minutes list, and what counts as the meeting touching something). None
    for a meeting not yet written: it has none (the changes of no meeting are not its)."""
    if meeting_id is None:
        return []
    events = src.records(Event)
    undone = {e.undoes for e in events if e.undoes}
    return [e for e in events if e.meeting == meeting_id and e.kind != EventKind.UNDO
            and e.id not in undone]


def facts(board: Board, meeting_id: str | None, stages: Sequence[Stage],
          events: Iterable[Event]) -> Facts:
    """The meeting's facts from the board as it stands, its stages (the running clock's, or
    as the store kept them) and its kept events (`kept_events`)."""
    mine = _taken_in(board, meeting_id)
    carried = board.carried_over(meeting_id)
    settled = board.verdicts(meeting_id)
    touched = discussed(board, meeting_id, events)
    flagged = {h.kpi.id for h in board.flagged}
    decisions = [a for a in mine if a.kind == "decision"]
    return with_stages(Facts(
        stages=0, stages_over=0, flagged=len(flagged), discussed=len(flagged & touched),
        decisions=len(decisions), decisions_owned=sum(1 for a in decisions if a.owner.strip()),
        actions=len(mine) - len(decisions),
        carried=len(carried), settled=sum(1 for a in carried if a.id in settled)), stages)


def with_stages(found: Facts, stages: Sequence[Stage]) -> Facts:
    """The facts with the stages' times counted again: the wrap-up's clock moves every
    second, the rest only with a change."""
    over = sum(1 for s in stages if timebox_state(s.spent_s, s.timebox_min) != TimeboxState.OK)
    return msgspec.structs.replace(found, stages=len(stages), stages_over=over)


def _taken_in(board: Board, meeting_id: str | None) -> list[Action]:
    return [a for a in board.actions if a.meeting == meeting_id and meeting_id is not None]


NOT_A_DISCUSSION = frozenset({EventKind.PEOPLE_MERGE})


def discussed(board: Board, meeting_id: str | None, events: Iterable[Event]) -> set[str]:
    """The ids of the KPIs the meeting discussed: touched by one of its kept events, or by a
    decision, action, verdict or explanation that carries its id — which counts even without
    its event (a store made by hand, the demo's past meeting), as does a verdict ("still
    open" changes no action). The wrap-up's count, and the minutes' split of the flagged KPIs
    into those discussed and the appendix, both come from here."""
    settled = board.verdicts(meeting_id)
    # A name merged rewrites the owner of every KPI that person owns: a change to the roster,
    # not a word about those KPIs.
    talked = (e for e in events if e.kind not in NOT_A_DISCUSSION)
    touched = touched_kpis(talked) | {a.link for a in _taken_in(board, meeting_id) if a.link}
    touched |= {e.kpi for e in board.explanations
                if e.meeting == meeting_id and meeting_id is not None}   # not one outside any
    touched |= {a.link for a in board.carried_over(meeting_id) if a.id in settled and a.link}
    return touched


def touched_kpis(events: Iterable[Event]) -> set[str]:
    """The ids of the KPIs whose values, settings or objectives the events changed (the
    decisions, actions, verdicts and explanations of a meeting carry its id: `facts`)."""
    found: set[str] = set()
    for event in events:
        for change in event.changes:
            found.update(_kpis_of(change))
    return found


def _kpis_of(change: Change) -> list[str]:
    doc = change.after or change.before or {}
    if change.table in (series.TABLE, Kpi.TABLE):
        return [make_id(Kpi.TABLE, change.key)]
    if change.table == Objective.TABLE:
        linked = doc.get("kpis")
        return [k for k in linked if isinstance(k, str)] if isinstance(linked, list) else []
    if change.table == KeyResult.TABLE:
        return [doc["kpi"]] if isinstance(doc.get("kpi"), str) else []
    return []


def phrases(found: Facts) -> list[str]:
    """The facts as the wrap-up and the minutes say them, one short phrase each."""
    return [
        f"{found.stages_over} of {found.stages} stages over time" if found.stages_over
        else "no stage over time",
        f"{_share(found.discussed, found.flagged, 'flagged KPI')} discussed"
        + (f", {found.left} left" if found.left else "") if found.flagged
        else "nothing flagged",
        f"{_share(found.decisions_owned, found.decisions, 'decision')} with an owner"
        if found.decisions else "no decision",
        f"{_count(found.actions, 'action')} created" if found.actions else "no action created",
        f"{_share(found.settled, found.carried, 'carried-over action')} settled"
        if found.carried else "nothing carried over"]


def _share(part: int, whole: int, noun: str) -> str:
    """"2 of 5 flagged KPIs", "all 3 decisions", "the 1 decision"."""
    if part == whole:
        return f"all {_count(whole, noun)}" if whole > 1 else f"the {_count(whole, noun)}"
    return f"{part} of {_count(whole, noun)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def as_json(found: Facts) -> dict[str, int]:
    return {**{name: getattr(found, name) for name in found.__struct_fields__},
            "left": found.left}


def from_json(found: dict[str, int]) -> Facts:
    """The facts as `as_json` wrote them (the minutes' `facts`), for the outputs made from
    the minutes' JSON: the Markdown and the HTML say them in the same phrases."""
    return Facts(**{name: found[name] for name in Facts.__struct_fields__})
