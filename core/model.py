"""The domain values: typed, immutable, validated on construction.

Each value knows its store table and id prefix; `to_doc` / `from_doc` convert to and from the
JSON documents kept in TinyDB (dates as ISO strings, tuples as lists, the id as the doc key).

Value types throughout Cadence are frozen msgspec Structs rather than dataclasses: msgspec
builds a class's methods in C, where a dataclass compiles them anew in every process (two
dozen classes cost `cadence status` and the app's launch ~15 ms each time), and it converts a
document to a value (dates, floats, nested values, type checks) in one C call.
"""

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Self

import msgspec
from msgspec.structs import replace

from core import credentials, stages
from core.errors import ValidationError
from core.periods import CADENCES, parse_cycle, require_day


class Verdict(StrEnum):
    """An action's status, as a carried-over action's review settles it."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


DIRECTIONS = ("higher", "lower")
CONFIDENCES = ("on_track", "at_risk", "off_track")
ACTION_KINDS = ("decision", "action", "intervention")
ACTION_STATUSES = tuple(v.value for v in Verdict)
OBJECTIVE_STATUSES = ("active", "retired")
# An issue of the issues list (EOS "IDS"): open until the room solves it into decisions and
# actions, or drops it; an open issue carries over to the next meeting by staying open.
ISSUE_STATUSES = ("open", "solved", "dropped")
# Where a KPI's values come from, besides being typed or imported (core/sources/).
SOURCES = ("sql", "csv", "command")
# The fields that say so: absent from a KPI's document while empty, so the stores written
# before they existed read (and re-import) as they were.
SOURCE_FIELDS = ("formula", "source", "connection", "query")
# Likewise absent while empty: the periods at which a KPI's process changed (core/health.py
# restarts its process limits there).
OPTIONAL_FIELDS = (*SOURCE_FIELDS, "changes")
# A connection is named, never spelled out: its URL (and password) stays in connections.toml.
_CONNECTION_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
# The most periods `sustained` may wait for: a year of weekly values. Its reason lists each
# of them, and a count past any series' length would only switch the flag off.
SUSTAIN_MAX = 52
# A document as the store keeps it: a value's fields as JSON (core.model.Record.to_doc).
Doc = dict[str, Any]
PREFIXES = {"kpis": "k", "objectives": "o", "key_results": "kr", "checkins": "c",
            "meetings": "m", "actions": "a", "events": "e", "explanations": "x",
            "issues": "i", "agendas": "ag"}


def make_id(table: str, key: int) -> str:
    return f"{PREFIXES[table]}{key}"


def split_id(ident: str) -> tuple[str, int] | None:
    """'kr12' -> ('key_results', 12); None when it is no id of ours (ASCII digits only:
    `isdigit` alone takes `²`, which int() refuses)."""
    ident = ident.strip().lower()
    for table, prefix in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        rest = ident[len(prefix):]
        if ident.startswith(prefix) and rest.isascii() and rest.isdigit() and len(rest) < 19:
            return table, int(rest)
    return None


def require_text(value: str, name: str, entity: str) -> None:
    if not value.strip():
        raise ValidationError(name, "must not be empty", entity)


def require_number(value: object, name: str, entity: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(name, f"{value!r} is not a finite number", entity)


def require_choice(value: str, choices: tuple[str, ...], name: str, entity: str) -> None:
    if value not in choices:
        raise ValidationError(name, f"{value!r} is not one of {', '.join(choices)}", entity)


def require_timestamp(value: str, name: str, entity: str) -> None:
    """An ISO timestamp with its UTC offset, as clock.now() writes it: durations subtract
    two of them, which a naive one would make a TypeError."""
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(name, f"{value!r} is not a timestamp (YYYY-MM-DDTHH:MM:SS+00:00)",
                              entity) from None
    if found.tzinfo is None:
        raise ValidationError(name, f"{value!r} has no UTC offset (+00:00)", entity)
    require_day(found.date(), name, entity)


class Record(msgspec.Struct, frozen=True):
    """A value kept in a store table: its table, and its conversion to and from a document."""

    TABLE: ClassVar[str]
    if TYPE_CHECKING:           # each subclass declares it first, as msgspec orders fields
        id: str

    def to_doc(self) -> dict[str, Any]:
        return {name: _dump(getattr(self, name))
                for name in self.__struct_fields__ if name != "id"}

    @classmethod
    def from_doc(cls, key: int, doc: dict[str, Any]) -> Self:
        """The value a document holds (dates parsed, types checked, keys that are no field
        ignored); a mistyped field raises msgspec.ValidationError, a ValueError."""
        return msgspec.convert({**doc, "id": make_id(cls.TABLE, key)}, cls)

    @property
    def key(self) -> int:
        return int(self.id[len(PREFIXES[self.TABLE]):])

    def evolve(self, **changes: Any) -> Self:
        return replace(self, **changes)


def _dump(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, msgspec.Struct):
        return {name: _dump(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, dict):
        return dict(value)     # documents, ratings, verdicts: JSON already, and a series is big
    return value


class Kpi(Record, frozen=True):
    TABLE: ClassVar[str] = "kpis"
    id: str
    name: str
    owner: str
    unit: str
    direction: str
    target: float
    threshold: float
    cadence: str
    baseline: float | None = None
    description: str = ""
    area: str = ""
    north_star: bool = False
    archived: bool = False
    sustain: int = 2
    formula: str = ""           # over other KPIs of its cadence (core/formula.py)
    source: str = ""            # "", or one of SOURCES
    connection: str = ""        # a sql source's connection name (core/sources/connections.py)
    query: str = ""             # the SQL, the CSV file (or glob), or the command line
    # Starts of the periods at which the process changed (an intervention landed), oldest
    # first: the XmR limits restart at the latest one (core/health.py).
    changes: tuple[date, ...] = ()

    def to_doc(self) -> dict[str, Any]:
        doc = super().to_doc()
        for name in OPTIONAL_FIELDS:
            if not doc[name]:
                del doc[name]
        return doc

    def __post_init__(self) -> None:
        who = f"KPI {self.name!r}"
        require_no_password(self, who)
        self._check_source(who)
        require_text(self.name, "name", who)
        require_choice(self.direction, DIRECTIONS, "direction", who)
        require_choice(self.cadence, CADENCES, "cadence", who)
        for change in self.changes:
            require_day(change, "changes", who)
        require_number(self.target, "target", who)
        require_number(self.threshold, "threshold", who)
        if self.baseline is not None:
            require_number(self.baseline, "baseline", who)
        if isinstance(self.sustain, bool) or not isinstance(self.sustain, int) or self.sustain < 1:
            raise ValidationError("sustain", f"{self.sustain!r} is not a whole number >= 1", who)
        if self.sustain > SUSTAIN_MAX:
            raise ValidationError("sustain", f"{self.sustain} is more than {SUSTAIN_MAX} "
                                  "periods", who)
        if self.direction == "higher" and self.threshold > self.target:
            raise ValidationError("threshold", f"{self.threshold:g} must be <= target "
                                  f"{self.target:g} when higher is better", who)
        if self.direction == "lower" and self.threshold < self.target:
            raise ValidationError("threshold", f"{self.threshold:g} must be >= target "
                                  f"{self.target:g} when lower is better", who)

    def _check_source(self, who: str) -> None:
        """A source with what it needs, and only that; a formula or a source, not both (the
        formula's names are checked against the other KPIs by core.commands.kpis)."""
        if self.source:
            require_choice(self.source, SOURCES, "source", who)
            if self.formula.strip():
                raise ValidationError("formula", "a KPI takes its values from a formula or "
                                      "from a source, not both", who)
            if not self.query.strip():
                raise ValidationError("query", f"a {self.source} source needs its query "
                                      f"({QUERY_MEANS[self.source]})", who)
        elif self.query.strip():
            raise ValidationError("query", "needs a source (sql, csv or command)", who)
        if self.source == "sql" and not self.connection.strip():
            raise ValidationError("connection", "a sql source needs a connection name (a "
                                  "table of connections.toml)", who)
        if self.connection and self.source != "sql":
            raise ValidationError("connection", "only a sql source takes a connection", who)
        if self.connection and not _CONNECTION_NAME.fullmatch(self.connection):
            raise ValidationError("connection", f"{self.connection!r} is not a connection "
                                  "name (letters, digits, _ . -; the URL belongs in "
                                  "connections.toml)", who)

    @property
    def pulled(self) -> bool:
        """Are its values pulled (`cadence pull`) rather than typed or imported?"""
        return bool(self.source or self.formula.strip())


# What a source's query holds, for the error that asks for it.
QUERY_MEANS = {"sql": "the SQL text", "csv": "the file path or glob",
               "command": "the program and its arguments"}


def require_no_password(value: "msgspec.Struct", who: str) -> None:
    """No text field of a value holds a URL with a password in it: the store is shared and
    kept in git, and a credential belongs in connections.toml (or the environment)."""
    texts = [getattr(value, name) for name in value.__struct_fields__]
    # One look at every text at once first (a credential in one field is one in the whole):
    # every KPI of every store read is checked, fifty stores' worth in a roll-up.
    if not credentials.holds_one("\n".join(t for t in texts if isinstance(t, str))):
        return
    for name, text in zip(value.__struct_fields__, texts):
        if isinstance(text, str) and credentials.holds_one(text):
            raise ValidationError(name, "holds a password; the store never keeps "
                                  "one: name a connection of connections.toml, whose url can "
                                  "read the password from the environment (${NAME})", who)


class Objective(Record, frozen=True):
    TABLE: ClassVar[str] = "objectives"
    id: str
    title: str
    owner: str
    cycle: str
    status: str = "active"
    priority: int | None = None
    kpis: tuple[str, ...] = ()
    retired_on: date | None = None
    final_score: float | None = None
    closing_note: str = ""
    # The day it was written: its pace counts from then (core/okr.py pace_elapsed). None in
    # objectives written before Cadence kept it.
    created: date | None = None
    # The objective of the cycle before whose unfinished key results this one carries on
    # (core/turn.py). Absent from the document while None, as every objective written
    # before the cycle's turn existed reads.
    carried_from: str | None = None

    def to_doc(self) -> dict[str, Any]:
        doc = super().to_doc()
        if doc["carried_from"] is None:
            del doc["carried_from"]
        return doc

    def __post_init__(self) -> None:
        who = f"objective {self.title!r}"
        require_text(self.title, "title", who)
        require_choice(self.status, OBJECTIVE_STATUSES, "status", who)
        parse_cycle(self.cycle)
        if self.created is not None:
            require_day(self.created, "created", who)
        if self.retired_on is not None:
            require_day(self.retired_on, "retired_on", who)
        if self.final_score is not None:
            require_number(self.final_score, "final_score", who)


class KeyResult(Record, frozen=True):
    TABLE: ClassVar[str] = "key_results"
    id: str
    objective: str
    title: str
    start: float
    target: float
    unit: str = ""
    current: float | None = None
    kpi: str | None = None
    confidence: str = "on_track"
    position: int = 0

    def __post_init__(self) -> None:
        who = f"key result {self.title!r}"
        require_text(self.title, "title", who)
        require_number(self.start, "start", who)
        require_number(self.target, "target", who)
        if self.current is not None:
            require_number(self.current, "current", who)
        require_choice(self.confidence, CONFIDENCES, "confidence", who)
        if self.start == self.target:
            raise ValidationError("target", f"equals start ({self.start:g}): the key result "
                                  "would measure no change", who)


class CheckIn(Record, frozen=True):
    TABLE: ClassVar[str] = "checkins"
    id: str
    kr: str
    day: date
    confidence: str
    value: float | None = None
    previous: float | None = None
    note: str = ""
    meeting: str | None = None

    def __post_init__(self) -> None:
        who = f"check-in of {self.kr}"
        require_day(self.day, "day", who)
        if self.value is not None:
            require_number(self.value, "value", who)
        if self.previous is not None:
            require_number(self.previous, "previous", who)
        require_choice(self.confidence, CONFIDENCES, "confidence", who)


# Longer than any meeting (31 years), short enough for a clock to show.
LONGEST_MEETING_S = 1e9


class Stage(msgspec.Struct, frozen=True):
    """One stage of a meeting's agenda, with the time the meeting spent in it."""

    name: str
    timebox_min: int
    spent_s: float = 0.0
    skipped: bool = False
    id: str = ""        # the registry's (core/stages.py); "" in stores written before it

    def __post_init__(self) -> None:
        if self.timebox_min < 0:
            raise ValidationError("timebox_min", f"{self.timebox_min} is below 0", self.name)
        require_number(self.spent_s, "spent_s", self.name)
        if not 0 <= self.spent_s <= LONGEST_MEETING_S:
            raise ValidationError("spent_s", f"{self.spent_s:g} is not 0 to "
                                  f"{LONGEST_MEETING_S:g} seconds", self.name)

    @property
    def kind(self) -> stages.StageType | None:
        """What stage of the registry this is: by its id, or for a stage written before
        stages had ids, by its title; None for a stage the registry does not know."""
        return stages.find(self.id) if self.id else stages.titled(self.name)

    def evolve(self, **changes: Any) -> "Stage":
        return replace(self, **changes)


def planned_stages(agenda: Sequence[str] = stages.WEEKLY) -> tuple[Stage, ...]:
    """A new meeting's stages: the agenda's stage types, no time spent yet. (Here beside
    Stage rather than in core/stages.py, which the model imports for its default.)"""
    return tuple(Stage(t.title, t.timebox_min, id=t.id) for t in stages.agenda(agenda))


DEFAULT_STAGES = planned_stages()


class Meeting(Record, frozen=True):
    TABLE: ClassVar[str] = "meetings"
    id: str
    title: str
    day: date
    started_at: str
    ended_at: str | None = None
    facilitator: str = ""
    attendees: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    ratings: dict[str, int] = msgspec.field(default_factory=dict)
    # Carried-over actions reviewed in this meeting: action id -> open / done / dropped.
    verdicts: dict[str, str] = msgspec.field(default_factory=dict)
    # The agenda template it ran (core/agendas.py): a built-in's name or the team's. Every
    # meeting before templates existed was the weekly operating review.
    agenda: str = "weekly"

    def __post_init__(self) -> None:
        require_text(self.title, "title", "meeting")
        for person, rating in self.ratings.items():
            if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 10:
                raise ValidationError("rating", f"{rating!r} from {person} is not 1-10", "meeting")
        require_day(self.day, "day", "meeting")
        require_timestamp(self.started_at, "started_at", "meeting")
        if self.ended_at is not None:
            require_timestamp(self.ended_at, "ended_at", "meeting")


# An agenda is at most nine stages (the keys 1..9 jump to them), each 1 to 240 minutes long.
AGENDA_MOST_STAGES = 9
TIMEBOX_MOST_MIN = 240


class AgendaStage(msgspec.Struct, frozen=True):
    """A stage of a team's agenda: a stage of the registry (core/stages.py) and its timebox."""

    id: str
    timebox_min: int


class Agenda(Record, frozen=True):
    """A team's own agenda template, kept in the store (core/agendas.py has the built-ins)."""

    TABLE: ClassVar[str] = "agendas"
    id: str
    name: str
    stages: tuple[AgendaStage, ...]

    def __post_init__(self) -> None:
        who = f"agenda {self.name!r}"
        require_text(self.name, "name", "agenda")
        if not self.stages:
            raise ValidationError("stages", "names no stage (e.g. health,okrs,decisions)", who)
        if len(self.stages) > AGENDA_MOST_STAGES:
            raise ValidationError("stages", f"{len(self.stages)} stages; an agenda has at most "
                                  f"{AGENDA_MOST_STAGES} (keys 1-{AGENDA_MOST_STAGES})", who)
        seen: set[str] = set()
        for stage in self.stages:
            if stages.find(stage.id) is None:
                raise ValidationError("stages", f"no stage {stage.id!r} (stages: "
                                      f"{', '.join(t.id for t in stages.REGISTRY)})", who)
            if stage.id in seen:
                raise ValidationError("stages", f"{stage.id!r} is named twice", who)
            seen.add(stage.id)
            box = stage.timebox_min
            if isinstance(box, bool) or not isinstance(box, int) \
                    or not 1 <= box <= TIMEBOX_MOST_MIN:
                raise ValidationError("timebox", f"{stage.id}={box!r} is not a whole number of "
                                      f"minutes from 1 to {TIMEBOX_MOST_MIN}", who)


class Action(Record, frozen=True):
    """A decision, an action, or an intervention (an action on a flagged KPI)."""

    TABLE: ClassVar[str] = "actions"
    id: str
    kind: str
    text: str
    owner: str
    meeting: str | None
    created: date
    due: date | None = None
    link: str | None = None
    status: str = "open"
    # The issue it solves (core/commands/issues.py: solve), if any; the issue names it back.
    issue: str | None = None
    # The day it was marked done (a verdict's meeting day), for the to-do completion rate
    # (core/people.py); None while not done, and in actions done before Cadence kept it.
    done_on: date | None = None

    def to_doc(self) -> dict[str, Any]:
        """Absent while empty, so the stores written before these fields read (and the
        documents of older actions stay) as they were."""
        doc = super().to_doc()
        for name in ("issue", "done_on"):
            if doc[name] is None:
                del doc[name]
        return doc

    def __post_init__(self) -> None:
        who = self.kind
        require_choice(self.kind, ACTION_KINDS, "kind", "action")
        require_text(self.text, "text", who)
        require_text(self.owner, "owner", who)
        require_choice(self.status, ACTION_STATUSES, "status", who)
        require_day(self.created, "created", who)
        if self.due is not None:
            require_day(self.due, "due", who)
        if self.done_on is not None:
            require_day(self.done_on, "done_on", who)


class Issue(Record, frozen=True):
    """An issue of the issues list: raised in a meeting (from a flagged KPI, an objective or
    as free text), ranked while open, and solved into decisions and actions or dropped in a
    meeting. Unsolved, it is simply still open: the next meeting lists it again."""

    TABLE: ClassVar[str] = "issues"
    id: str
    title: str
    raised_by: str
    meeting: str | None         # the meeting it was raised in
    created: date
    link: str | None = None     # a KPI, objective or key result id; None for free text
    status: str = "open"
    rank: int | None = None     # 1 = the top; None once it is settled
    top_in: str | None = None   # the meeting that picked it for discussion (its top three)
    kept_in: tuple[str, ...] = ()   # the meetings that discussed it and kept it open
    settled_in: str | None = None   # the meeting that solved or dropped it
    settled_on: date | None = None
    actions: tuple[str, ...] = ()   # the decisions and actions it was solved into

    def __post_init__(self) -> None:
        who = f"issue {self.title!r}"
        require_text(self.title, "title", who)
        require_text(self.raised_by, "raised_by", who)
        require_choice(self.status, ISSUE_STATUSES, "status", who)
        require_day(self.created, "created", who)
        if self.settled_on is not None:
            require_day(self.settled_on, "settled_on", who)
        if self.rank is not None and (isinstance(self.rank, bool) or self.rank < 1):
            raise ValidationError("rank", f"{self.rank!r} is not a rank from 1", who)
        if (self.status == "open") != (self.rank is not None):
            raise ValidationError("rank", "an open issue has a rank, a settled one none", who)


# An owner's word on a flagged KPI (core/explanations.py has what each means and how long it
# stands): the flags are understood, or someone is finding out why.
EXPLANATION_KINDS = ("explained", "investigating")


class Explanation(Record, frozen=True):
    """An owner's explanation of a KPI's flags as they stood: which flags, on which value (the
    newest period and its value then, None for a KPI without one), so that a new value can end
    it. Recorded in a meeting, undone like a decision."""

    TABLE: ClassVar[str] = "explanations"
    id: str
    kpi: str
    kind: str
    text: str
    owner: str
    created: date
    flags: tuple[str, ...]
    period: date | None = None
    value: float | None = None
    meeting: str | None = None

    def __post_init__(self) -> None:
        who = f"explanation of {self.kpi}"
        require_choice(self.kind, EXPLANATION_KINDS, "kind", who)
        if self.kind == "explained":            # "investigating" may say no more than that
            require_text(self.text, "text", who)
        require_text(self.owner, "owner", who)
        require_day(self.created, "created", who)
        if not self.flags:
            raise ValidationError("flags", "an explanation is of a flagged KPI", who)
        if self.period is not None:
            require_day(self.period, "period", who)
        if self.value is not None:
            require_number(self.value, "value", who)


class Change(msgspec.Struct, frozen=True):
    """One document's state before and after; None means absent. For an update, only the
    fields that changed (events written before schema 2 hold whole documents)."""

    table: str
    key: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class Event(Record, frozen=True):
    TABLE: ClassVar[str] = "events"
    id: str
    at: str
    kind: str
    summary: str
    meeting: str | None = None
    changes: tuple[Change, ...] = ()
    undoes: str | None = None
