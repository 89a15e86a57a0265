"""The store as it stood after one event: what an ended meeting saw, whatever came later.

Every change is an event that keeps each document's before and after (core/store.py), so the
state after an event is today's documents with every later event taken back, newest first.
Nothing extra is stored: it works for every store, including meetings that ended before this
module existed. The view is read-only and offers what the read model (`core/board.load`) and
the minutes read.
"""

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar, cast

from core import series
from core.errors import MALFORMED, StoreError
from core.model import Change, Doc, Event, Meeting, Record, split_id
from core.store import Store, malformed, values

R = TypeVar("R", bound=Record)


class StoreAsOf:
    """The store's documents and events as they were once its first `kept` events were
    written (`events`: all of them, in key order, as `Store.events()` gives them)."""

    def __init__(self, store: Store, events: list[Event], kept: int):
        self.store, self.path = store, store.path
        self._events = events[:kept]
        self._tables: dict[str, dict[int, dict[str, Any]]] = {}
        self._copied: set[tuple[str, int]] = set()
        for event in reversed(events[kept:]):
            for change in reversed(event.changes):
                self._take_back(_current_shape(change))

    def docs(self, name: str) -> dict[int, dict[str, Any]]:
        if name == Event.TABLE and name not in self._tables:
            kept = {e.key for e in self._events}
            self._tables[name] = {k: d for k, d in self.store.docs(name).items() if k in kept}
        found = self._tables.get(name)
        return self.store.docs(name) if found is None else found

    def records(self, cls: type[R]) -> list[R]:
        if cls is Event:
            return cast(list[R], list(self._events))
        if cls.TABLE not in self._tables:      # nothing taken back: the store's, converted once
            return self.store.records(cls)
        return values(self, cls, self.docs(cls.TABLE))

    def events(self) -> list[Event]:
        return list(self._events)

    def check(self) -> None:
        """The store's documents are checked by the store; the series documents taken back
        hold values from the event log, checked here as the store checks its own."""
        self.store.check()
        for key, doc in self._tables.get(series.TABLE, {}).items():
            if (series.TABLE, key) in self._copied:
                try:
                    series.check(doc)
                except MALFORMED as exc:
                    raise malformed(self, series.TABLE, key, exc) from None

    def _take_back(self, change: Change) -> None:
        """Undo one change, with none of undo's checks (core/undo.py: reverted): every later
        change is already taken back, so the document is exactly as this change left it. Each
        document is copied once, then changed in place: a KPI's series holds hundreds of
        values, and a year of imports after a meeting takes each series back fifty times."""
        docs = self._tables.get(change.table)
        if docs is None:
            docs = self._tables[change.table] = dict(self.store.docs(change.table))
        mine = (change.table, change.key)
        if change.before is None:
            docs.pop(change.key, None)
        elif change.after is None:
            docs[change.key] = dict(change.before)
            self._copied.add(mine)
        else:
            if mine not in self._copied:
                docs[change.key] = dict(docs.get(change.key) or {})
                self._copied.add(mine)
            doc = docs[change.key]
            for field in change.after:             # an update keeps only the changed fields
                doc.pop(field, None)
            doc.update(change.before)


def _current_shape(change: Change) -> Change:
    """Stores before schema 2 kept one document per measurement; their events are taken back
    as the change they made to the KPI's series (core/schema.py: _v1_to_v2)."""
    if change.table != "measurements":
        return change
    docs = [d for d in (change.before, change.after) if d is not None]
    found = split_id(str(docs[0].get("kpi", ""))) if docs else None
    if found is None or found[0] != "kpis" or not all({"period", "value"} <= d.keys()
                                                      for d in docs):
        return change                       # no part of any series: nothing reads it

    def entry(d: Doc | None) -> Doc:
        if d is None:
            return {}
        return {d["period"]: series.entry(d["value"], d.get("note") or "", d.get("meeting"))}
    return Change(series.TABLE, found[1], entry(change.before), entry(change.after))


def meeting_end(events: list[Event], key: int) -> int | None:
    """How many events there were once meeting `key` had ended: up to the first that gave it
    an end time (the demo's one event inserts its past meeting already ended). None when no
    event says so (a store made by hand). Counted from the meeting's latest insert, should a
    hand-made store have reused its id."""
    found = None
    for index, event in enumerate(events):
        for change in event.changes:
            if change.table != Meeting.TABLE or change.key != key:
                continue
            if change.before is None:
                found = None
            if found is None and change.after and change.after.get("ended_at"):
                found = index + 1
    return found


def written_by(events: list[Event], ended_at: str, path: Path) -> int:
    """How many events were written by `ended_at`: the fallback cut-off of a meeting whose
    end no event records. An event in the same second counts as before the end."""
    end = instant(ended_at, path)
    return next((i for i, e in enumerate(events) if instant(e.at, path) > end), len(events))


def instant(stamp: str, path: Path) -> datetime:
    """A timestamp of the store as an aware time (a hand-written one without zone is UTC)."""
    try:
        found = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        raise StoreError(f"{path}: {stamp!r} is not a time (YYYY-MM-DDTHH:MM:SS+00:00)") from None
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)
