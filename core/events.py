"""The kinds of change the event log records, and what each means for undo and the minutes.

An event's kind is stored as its plain string (StrEnum members equal it). Stores made by hand,
tests and tools write kinds of their own; `kind_of` gives None for those, and such an event is
undoable (a change in a meeting that nothing says is bookkeeping) and no system change.
"""

from enum import StrEnum


class EventKind(StrEnum):
    MEASUREMENT = "measurement"
    MEETING_START = "meeting.start"
    MEETING_UPDATE = "meeting.update"
    DECISION = "decision"
    ACTION = "action"
    INTERVENTION = "intervention"
    ACTION_VERDICT = "action.verdict"
    EXPLANATION = "explanation"     # an owner's word on a flagged KPI (core/explanations.py)
    CHECKIN = "checkin"
    OBJECTIVE_CREATE = "objective.create"
    OBJECTIVE_PRIORITY = "objective.priority"
    OBJECTIVE_RETIRE = "objective.retire"
    OBJECTIVE_UPDATE = "objective.update"
    OBJECTIVE_DELETE = "objective.delete"
    KR_CREATE = "kr.create"
    KR_UPDATE = "kr.update"
    KPI_CREATE = "kpi.create"
    KPI_UPDATE = "kpi.update"
    KPI_ARCHIVE = "kpi.archive"
    KPI_PROCESS_CHANGE = "kpi.process_change"   # a process change marked (or unmarked)
    ISSUE_RAISE = "issue.raise"         # the issues list (core/commands/issues.py)
    ISSUE_RANK = "issue.rank"
    ISSUE_TOP = "issue.top"
    ISSUE_SOLVE = "issue.solve"
    ISSUE_KEEP = "issue.keep"
    ISSUE_DROP = "issue.drop"
    PEOPLE_MERGE = "people.merge"       # one name merged into another (core/commands/people.py)
    UNDO = "undo"
    IMPORT = "import"
    PULL = "pull"               # `cadence pull`: values from sources and formulas
    DEMO = "demo"

    @property
    def undoable(self) -> bool:
        """`u` takes it back: not an undo itself, not the meeting's own bookkeeping (its start,
        attendees, clock and end), and not a bulk load (an import, a pull or the demo)."""
        return self not in _NOT_UNDOABLE

    @property
    def system(self) -> bool:
        """A change to the operating system itself (KPIs, objectives and key results edited),
        which the minutes list as it was described, rather than a meeting move."""
        return self in _SYSTEM


_NOT_UNDOABLE = frozenset({EventKind.UNDO, EventKind.MEETING_START, EventKind.MEETING_UPDATE,
                           EventKind.IMPORT, EventKind.PULL, EventKind.DEMO})
_SYSTEM = frozenset({EventKind.KPI_CREATE, EventKind.KPI_UPDATE, EventKind.KPI_ARCHIVE,
                     EventKind.KPI_PROCESS_CHANGE,
                     EventKind.OBJECTIVE_UPDATE, EventKind.OBJECTIVE_DELETE, EventKind.KR_CREATE,
                     EventKind.KR_UPDATE})
_BY_VALUE = {kind.value: kind for kind in EventKind}


def kind_of(kind: str) -> EventKind | None:
    """The kind of a stored event, or None for one Cadence does not write."""
    return _BY_VALUE.get(kind)


def undoable(kind: str) -> bool:
    found = kind_of(kind)
    return found is None or found.undoable


def is_system(kind: str) -> bool:
    found = kind_of(kind)
    return found is not None and found.system
