"""A KPI's values, kept as one document per KPI in the `series` table (same key as the KPI):
`{period start "YYYY-MM-DD": entry}`, where an entry is the bare number, or
`{"value", "note", "meeting"}` when it has a note or was recorded in a meeting, or
`{"value", "pull": N}` when `cadence pull` recorded it from a source or a formula
(core/sources/pull.py). N names one pull of the KPI in the `pulls` table (same key as the KPI):
`{"runs": {"N": {"kind", "connection", "pulled_at", "query_hash"}}, "error", "failed_at"}`.
A pull's source is kept once, not beside each of its values: 500 KPIs of three years' weekly
values pulled once made the store 42 MB with it beside every value, and every write rewrites
the store. `error` is the KPI's last failed pull (cleared by the next good one): a stale KPI
names it.

One document per KPI rather than one per value: a store of 520k values parses in a tenth of
the time, a git diff shows one line per new value, and the read model converts only the
recent values a screen shows — the rest stay as parsed until a chart asks for them.
"""

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Annotated, Any, cast

import msgspec

from core.errors import ValidationError
from core.model import Kpi, require_number
from core.periods import FIRST_DAY, LAST_DAY, period_label

if TYPE_CHECKING:
    from core.store import Transaction          # which imports this module

TABLE = "series"
# Keys already parsed as calendar days within the supported days: most KPIs share their
# periods, so each distinct key is parsed once per process rather than once per series (a
# tenth of opening a large store).
_REAL_DAYS: set[str] = set()
_PERIOD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FIRST, _LAST = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
Entry = float | dict[str, Any]


class Measurement(msgspec.Struct, frozen=True):
    """One value of a KPI for one period (identified by the period's first day)."""

    kpi: str
    period: date
    value: float
    note: str = ""
    meeting: str | None = None

    def __post_init__(self) -> None:
        require_number(self.value, "value", f"measurement of {self.kpi} for {self.period}")

    @property
    def entry(self) -> Entry:
        return entry(self.value, self.note, self.meeting)


def entry(value: float, note: str = "", meeting: str | None = None) -> Entry:
    """The bare number unless there is more to keep: most values are only a number."""
    if not note and meeting is None:
        return value
    return {"value": value, "note": note, "meeting": meeting}


PULLS = "pulls"
# What a pull's run holds, each a string.
SOURCE_KEYS = ("kind", "connection", "pulled_at", "query_hash")


def pulled(value: float, run: int) -> Entry:
    """A value `cadence pull` recorded in its run `run` (the KPI's `pulls` document)."""
    return {"value": value, "pull": run}


def run_of(found: Entry | None, pulls: dict[str, Any] | None) -> dict[str, str] | None:
    """The pull run an entry came from (SOURCE_KEYS), or None. Read defensively: the pulls
    table is only provenance, and a hand-edited one must not stop a meeting."""
    if not isinstance(found, dict) or not isinstance(pulls, dict):
        return None
    runs = pulls.get("runs")
    run = runs.get(str(found.get("pull"))) if isinstance(runs, dict) else None
    return run if isinstance(run, dict) else None


def value_of(found: Entry) -> float:
    return cast(float, found["value"]) if isinstance(found, dict) else found


class Provenance(msgspec.Struct, frozen=True):
    """Where a recorded value came from, as the KPI detail tells it: pulled from a source or
    a formula (`kind` sql, csv, command or formula), typed in a meeting, or neither of those
    on record (typed outside a meeting, imported, or the demo: the event log says which)."""

    kind: str                   # "sql", "csv", "command", "formula", "meeting" or ""
    connection: str = ""
    pulled_at: str = ""         # when `cadence pull` recorded it (UTC)
    query_hash: str = ""        # which query, file or command line gave it
    meeting: str | None = None
    note: str = ""

    @property
    def is_pulled(self) -> bool:
        return bool(self.pulled_at)


def provenance(found: Entry, pulls: dict[str, Any] | None = None) -> Provenance:
    """Where an entry's value came from (see Provenance); `pulls`: the KPI's pulls document."""
    if not isinstance(found, dict):
        return Provenance("")
    note = found.get("note") or ""
    source = run_of(found, pulls)
    if source is not None:
        return Provenance(**{k: str(source.get(k) or "") for k in SOURCE_KEYS}, note=note)
    meeting = found.get("meeting")
    return Provenance("meeting" if meeting else "", meeting=meeting, note=note)


class Series:
    """A KPI's values up to a day, oldest first, read lazily from its document."""

    __slots__ = ("kpi", "_doc", "_periods", "_bare", "_pulls")

    def __init__(self, kpi: str, doc: dict[str, Entry], upto: date | None = None,
                 pulls: dict[str, Any] | None = None):
        """`doc`: a checked document (`check`, which the store runs on every one it reads);
        `pulls`: the KPI's pulls document, if it has one."""
        self._pulls = pulls
        periods = sorted(doc)
        kinds = set(map(type, doc.values()))
        if upto is not None:
            del periods[bisect_right(periods, upto.isoformat()):]
        self.kpi, self._doc, self._periods = kpi, doc, periods
        self._bare = dict not in kinds     # only numbers: values() need not unwrap any entry

    @classmethod
    def of(cls, kpi: str, measurements: list[Measurement]) -> "Series":
        return cls(kpi, {m.period.isoformat(): m.entry for m in measurements})

    def __len__(self) -> int:
        return len(self._periods)

    def values(self, last: int | None = None) -> list[float]:
        """The values, or the newest `last` of them, oldest first."""
        entries = list(map(self._doc.__getitem__, self._periods[-last if last else 0:]))
        if self._bare:
            return cast(list[float], entries)
        return [e["value"] if isinstance(e, dict) else e for e in entries]

    def since(self, start: date) -> list[float]:
        """The values of the periods from `start` on, oldest first (a process's phase after a
        marked change: core/health.py)."""
        first = bisect_left(self._periods, start.isoformat())
        return self.values(len(self._periods) - first) if first < len(self._periods) else []

    def value_at(self, period: date) -> float | None:
        """The value of one period (its start), None when it has none."""
        key = period.isoformat()
        found = self._doc.get(key)
        if found is None or not self._periods or key > self._periods[-1]:   # after `upto`
            return None
        return value_of(found)

    def recent(self, last: int | None = None) -> list[Measurement]:
        """The measurements, or the newest `last` of them, oldest first."""
        return [self._measurement(p) for p in self._periods[-last if last else 0:]]

    @property
    def newest_period(self) -> date | None:
        return date.fromisoformat(self._periods[-1]) if self._periods else None

    @property
    def newest(self) -> Measurement | None:
        return self._measurement(self._periods[-1]) if self._periods else None

    def at_or_before(self, day: date) -> Measurement | None:
        """The value of the latest period that started on or before `day` (a baseline: a
        KPI's level when an objective retired, before an intervention was due)."""
        index = bisect_right(self._periods, day.isoformat())
        return self._measurement(self._periods[index - 1]) if index else None

    def has(self, period: date) -> bool:
        key = period.isoformat()
        return key in self._doc and bool(self._periods) and key <= self._periods[-1]

    def provenance(self, period: date) -> Provenance | None:
        """Where the period's value came from; None when the series has no value for it."""
        found = self._doc.get(period.isoformat())
        return None if found is None or not self.has(period) else provenance(found, self._pulls)

    @property
    def pull_error(self) -> str:
        """Why the KPI's last pull failed ("" when it did not, or it was never pulled)."""
        found = self._pulls.get("error") if isinstance(self._pulls, dict) else ""
        return found if isinstance(found, str) else ""

    def recorded_in(self, meeting: str) -> list[Measurement]:
        return [self._measurement(p) for p in self._periods
                if _meeting_of(self._doc[p]) == meeting]

    def _measurement(self, period: str) -> Measurement:
        entry = self._doc[period]
        if not isinstance(entry, dict):
            return Measurement(self.kpi, date.fromisoformat(period), entry)
        return Measurement(self.kpi, date.fromisoformat(period), entry["value"],
                           entry.get("note") or "", entry.get("meeting"))


def _meeting_of(entry: Entry) -> str | None:
    return entry.get("meeting") if isinstance(entry, dict) else None


def check(doc: dict[str, Any]) -> set[type]:
    """Raise ValueError (or a ValidationError) unless every key is a YYYY-MM-DD date within
    the supported days and every entry a value; return the types of the entries."""
    _check_periods(list(doc))
    return _check_entries(doc)


def check_all(docs: Collection[dict[str, Any]]) -> None:
    """`check` of every document at once. It runs on every open, over the 520k values of a
    large store, so it looks at all the keys at once as one string, and at the values in a C
    loop. The error does not say which document: the caller then checks each to say so."""
    _check_periods(list(chain.from_iterable(docs)))
    kinds = set(map(type, chain.from_iterable(map(dict.values, docs))))
    if dict not in kinds:
        _refuse_kinds(kinds)
        return
    _refuse_kinds(kinds)
    entries = [e for e in chain.from_iterable(map(dict.values, docs)) if type(e) is dict]
    try:        # in C: a pulled store holds a dict per value (78k for 500 KPIs x 3 years)
        checked = msgspec.convert(entries, list[_Checked])
        if all(map(math.isfinite, [e.value for e in checked])):
            return
    except (msgspec.ValidationError, TypeError, ValueError):
        pass
    for doc in docs:            # which one is wrong, and the few shapes the types are too strict
        _check_entries(doc)     # for (a note of 0 that was always read as "")


class _Checked(msgspec.Struct):
    """What `_check_entries` asks of an entry that is an object, as msgspec checks it."""

    value: float
    note: str | None = None
    meeting: str | None = None
    pull: Annotated[int, msgspec.Meta(ge=1)] | None = None


def _check_periods(periods: list[str]) -> None:
    keys, count = "".join(periods), len(periods)
    if not count:
        return
    if not (keys.isascii() and len(keys) == 10 * count
            and keys[4::10] == keys[7::10] == "-" * count     # then, digits only:
            and keys.encode().translate(None, b"0123456789") == b"--" * count):
        raise ValueError(f"{next(p for p in periods if not _PERIOD.fullmatch(p))!r} "
                         "is not a period")
    if not _REAL_DAYS.issuperset(periods):
        for period in set(periods).difference(_REAL_DAYS):
            try:
                date.fromisoformat(period)
            except ValueError:
                raise ValueError(f"{period!r} is not a day of the calendar") from None
            if not _FIRST <= period <= _LAST:
                raise ValueError(f"{period!r} is outside the days Cadence supports "
                                 f"({_FIRST} to {_LAST})")
        _REAL_DAYS.update(periods)


def _refuse_kinds(kinds: set[type]) -> None:
    if not kinds <= {int, float, dict}:
        raise ValueError(f"a value of type {(kinds - {int, float, dict}).pop().__name__}")


def _check_entries(doc: dict[str, Any]) -> set[type]:
    kinds = set(map(type, doc.values()))
    _refuse_kinds(kinds)
    if dict in kinds:
        for period, entry in doc.items():
            if type(entry) is dict:
                require_number(entry.get("value"), f"value of {period}", "measurement")
                if not isinstance(entry.get("note") or "", str) \
                        or not isinstance(entry.get("meeting") or "", str):
                    raise ValueError(f"the note or meeting of {period} is not text")
                pull = entry.get("pull")
                if pull is not None and (type(pull) is not int or pull < 1):
                    raise ValueError(f"the pull of {period} is not a run number")
    return kinds


def not_started(kpi: Kpi, period: date, today: date) -> str | None:
    return f"{period_label(period, kpi.cadence)} has not started yet" if period > today else None


def put(tx: "Transaction", kpi: Kpi, entries: dict[str, Entry], today: date) -> dict[str, Entry]:
    """Record or replace values of one KPI (`{period start "YYYY-MM-DD": entry}`) in one
    change; replaced values stay in the event log. Returns the entries it replaced."""
    if not entries:
        return {}
    newest = max(entries)
    if newest > today.isoformat():
        raise ValidationError("period", str(not_started(kpi, date.fromisoformat(newest), today)))
    doc = tx.get(TABLE, kpi.key) or {}
    replaced = {period: doc[period] for period in entries.keys() & doc.keys()}
    merged = {**doc, **entries}
    if list(merged) != sorted(merged):      # kept in period order, for readable diffs
        merged = dict(sorted(merged.items()))
    tx.put(TABLE, kpi.key, merged)
    return replaced
