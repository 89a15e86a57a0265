"""The store: one TinyDB JSON file, one writer at a time, every change an event.

All writes go through `Store.transaction()`: it takes the cross-process lock, re-reads the file
if another process changed it, collects the changes, appends one event describing them (with each
document's before and after, so nothing is lost and a meeting's changes can be undone), and
writes the file once, atomically.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

import msgspec

from core import clock, lock, schema, series
from core.errors import MALFORMED, CadenceError, StoreError
from core.model import (PREFIXES, Action, Agenda, Change, CheckIn, Doc, Event, Explanation,
                        Issue, KeyResult, Kpi, Meeting, Objective, Record, make_id)
from core.storage import (DurableJSONStorage, Stamp, beside, permissions, remove_stale_temps,
                          resolved)

if TYPE_CHECKING:
    from tinydb import TinyDB

R = TypeVar("R", bound=Record)

# Every table of values: a version of the file is checked whole (Store.check).
RECORDS = (Kpi, Objective, KeyResult, CheckIn, Meeting, Action, Issue, Event, Explanation,
           Agenda)


class Located(Protocol):
    """A store, or the store as of an event: what names the file in an error."""

    path: Path


class Source(Protocol):
    """What reads the documents and values of a store: the store, a transaction (which sees
    its own pending changes), or the store as of an event (core/as_of.py)."""

    def docs(self, name: str) -> dict[int, Doc]: ...

    def records(self, cls: type[R]) -> list[R]: ...


class StoreLost(StoreError):
    """The file vanished or was replaced under a process that holds it (a rename, a `git stash`
    or checkout, another store copied over it). Until `adopt()` or `write_back()` decides,
    every write is refused and the store keeps the last version it had."""


class Seen(NamedTuple):
    """What makes a version of the file this store rather than another: the id the store was
    given with its first write, and its newest event. Writes by any Cadence keep both (the
    event log only grows); an older copy lacks the event, another store has another id."""
    store_id: str | None
    event: tuple[str, Any] | None          # the newest event's key and time

    @classmethod
    def of(cls, data: dict[str, Any]) -> "Seen":
        meta = schema.meta(data)
        events = data.get(Event.TABLE) or {}
        counter = meta.get("next_ids", {}).get(Event.TABLE)
        key = str(counter - 1) if isinstance(counter, int) else None
        if key not in events:                  # a hand-made file: no counter, or a wrong one
            key = max(events, key=int, default=None)
        event = None if key is None else (key, events[key].get("at"))
        return cls(meta.get("store_id"), event)

    def lost_in(self, data: dict[str, Any]) -> bool:
        if self.store_id is not None and schema.meta(data).get("store_id") != self.store_id:
            return True
        if self.event is None:
            return False
        doc = (data.get(Event.TABLE) or {}).get(self.event[0])
        return not isinstance(doc, dict) or doc.get("at") != self.event[1]


class Guard:
    """Every version of the file a store reads is checked here: still this store (Seen), or
    StoreLost, and the version held is kept. Sticky: once lost, the store stays lost until
    the person decides. Its own object, not a method of Store, so the storage that calls it
    holds no reference back to the store (a cycle would keep old file versions open)."""

    def __init__(self, path: Path):
        self.path = path
        self.seen: Seen | None = None       # the file as last read or written; None: no file
        self.lost: str | None = None        # why writes are refused
        self.gone = False                   # lost because there is no file at all

    def __call__(self, data: dict[str, Any], found: Stamp) -> None:
        if self.seen is not None and found is None:
            self.gone = True
            self.lost = (f"{self.path}: the store was moved or deleted while Cadence had it "
                         "open; nothing was written")
        elif self.seen is not None and self.seen.lost_in(data):
            self.lost = (f"{self.path}: the store was replaced while Cadence had it open (by "
                         "an older copy or another store); nothing was written")
        if self.lost is not None:
            raise StoreLost(self.lost)
        self.seen = Seen.of(data) if found is not None else None


class Store:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.guard = Guard(self.path)
        self.storage = DurableJSONStorage(self.path)
        self.storage.check = self.guard
        self._db: TinyDB | None = None
        self._index: dict[str, dict[int, Doc]] = {}
        self._typed: dict[str, list[Any]] = {}    # a table's values, while it is unchanged
        self.version = 0
        self._checked = -1                     # the version known to be whole (check())
        self._in_tx = False
        self._swept = False
        # What a link may name outside this store: a roll-up's store links its decisions to
        # its teams' KPIs and objectives (`growth:k3`, core/rollup.py), which live in theirs.
        self.outside: Callable[[str], bool] | None = None
        # And what a formula may name outside it: a roll-up's org KPIs compute from its
        # teams' KPIs (`growth:Revenue`), name -> (cadence, formula or None).
        self.outside_kpis: Callable[[], dict[str, tuple[str, str | None]]] | None = None
        self.refresh()

    @property
    def lost(self) -> str | None:
        """Why writes are refused: the file vanished or was replaced (StoreLost)."""
        return self.guard.lost

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True when it did."""
        if self.guard.lost is not None:
            raise StoreLost(self.guard.lost)
        if not self.storage.changed_on_disk():
            return False
        self.storage.load()
        self._changed()
        return True

    def adopt(self) -> None:
        """After StoreLost: the file as it is now (or no file) is the store from here on."""
        self.guard.lost, self.guard.seen, self.guard.gone = None, None, False
        self.storage.discard()
        self._changed()

    def write_back(self) -> None:
        """After StoreLost: write the store as this process last had it over whatever is
        there now. Raises StoreError (and stays lost) when it cannot be written."""
        with self._locked():
            self.storage.dirty = True
            self.storage.flush()
        self.guard.lost, self.guard.seen = None, Seen.of(self.storage.read())
        self.guard.gone = False
        self._changed()

    def _changed(self) -> None:
        self._index.clear()
        self._typed.clear()
        self.version += 1

    def apply(self, name: str, docs: dict[int, Doc | None]) -> None:
        """Write documents through TinyDB, and keep this table's index up to date."""
        from core.tinydb_tables import open_tinydb, table   # the write path only
        if self._db is None:
            self._db = open_tinydb(self.storage)
        table(self._db, name).apply(docs)
        self._typed.pop(name, None)
        index = self._index.get(name)
        if index is None:                     # not indexed yet: built from the file when read
            return
        for key, doc in docs.items():
            if doc is None:
                index.pop(key, None)
            else:
                index[key] = doc

    def docs(self, name: str) -> dict[int, dict[str, Any]]:
        """A table's documents by key, straight from the parsed file and indexed once per
        version of it: read-only (changes go through a transaction), and without TinyDB's
        per-document copies and re-reads."""
        index = self._index.get(name)
        if index is None:
            table = self.storage.read().get(name, {})
            index = self._index[name] = {int(key): doc for key, doc in table.items()}
        return index

    def meta(self) -> dict[str, Any]:
        return schema.meta(self.storage.read())

    def is_empty(self) -> bool:
        data = self.storage.read()
        return not any(data.get(name) for name in data if name != schema.META)

    def check(self) -> None:
        """Every document as its value and every series checked, once per version of the file
        read from disk (our own writes keep it whole): a document a hand edit broke is then
        reported by every command alike, naming the file, the table and the key, before any
        of them shows or writes anything. The values are kept for `records`, so the read
        model converts nothing twice."""
        if self._checked == self.version:
            return
        for cls in RECORDS:
            self._values(cls)
        self._check_series()
        self._checked = self.version

    def _check_series(self) -> None:
        docs = self.docs(series.TABLE)
        try:
            series.check_all(docs.values())
        except MALFORMED as exc:
            for key, doc in docs.items():        # which one: the error names it
                try:
                    series.check(doc)
                except MALFORMED as found:
                    raise malformed(self, series.TABLE, key, found) from None
            raise StoreError(f"{self.path}: the series table is malformed ({exc})") from None

    def records(self, cls: type[R]) -> list[R]:
        """Every document of the class's table as its value, in key order (read-only: the
        list is kept until the table changes)."""
        self.check()
        return self._values(cls)

    def _values(self, cls: type[R]) -> list[R]:
        found: list[R] | None = self._typed.get(cls.TABLE)
        if found is None:
            found = self._typed[cls.TABLE] = values(self, cls, self.docs(cls.TABLE))
        return found

    def events(self) -> list[Event]:
        return self.records(Event)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the cross-process lock (beside the file the store resolves to: two links to
        one store share it), with the store's permission bits for the lock file."""
        target = resolved(self.path)
        held = lock.Lock(beside(self.path, ".lock"), lock.timeout(), permissions(target))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            held.acquire()
        except lock.Busy:
            raise StoreError(f"{self.path}: still busy after {held.timeout:g} s "
                             "(another Cadence is writing)") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot take the lock ({exc.strerror})") from None
        try:
            if not self._swept:                # once per process: writers killed mid-write
                self._swept = True
                remove_stale_temps(self.path)
            yield
        finally:
            held.release()

    @contextmanager
    def transaction(self, kind: str, summary: str = "", meeting: str | None = None
                    ) -> Iterator["Transaction"]:
        if self._in_tx:
            raise RuntimeError("transactions do not nest")
        self.refresh()                 # a lost store refuses before anything, the lock included
        with self._locked():
            self._in_tx = True
            whole = False
            try:
                self.refresh()
                self.check()                   # a broken store is never written
                self.storage.deferred = True
                tx = Transaction(self, kind, summary, meeting)
                yield tx
                tx.commit()
                if self.storage.dirty:
                    self.storage.flush()
                    self.guard.seen = Seen.of(self.storage.read())
                whole = True                   # what we wrote came from checked values
            except BaseException:
                if self.guard.lost is None:    # a lost store keeps what it had, to write back
                    self.storage.discard()
                self._index.clear()
                self._typed.clear()
                raise
            finally:
                self.storage.deferred = False
                self._in_tx = False
                self.version += 1
                if whole:
                    self._checked = self.version


class Transaction:
    """Changes staged in memory; committed as one event (or a few, `next_event`) and one
    write."""

    def __init__(self, store: Store, kind: str, summary: str, meeting: str | None):
        self.store = store
        self.kind = kind
        self.summary = summary
        self.meeting = meeting
        self.undoes: str | None = None
        self.changes: list[Change] = []
        self._events: list[Event] = []          # ended by next_event, written with the rest
        self._pending: dict[str, dict[int, Doc | None]] = {}
        self._tables: dict[str, dict[int, Doc]] = {}
        self._highest: dict[str, int] = {}

    def docs(self, table: str) -> dict[int, Doc]:
        """The table as this transaction sees it (pending changes included)."""
        if table not in self._tables:
            self._tables[table] = dict(self.store.docs(table))
        return self._tables[table]

    def get(self, table: str, key: int) -> Doc | None:
        return self.docs(table).get(key)

    def records(self, cls: type[R]) -> list[R]:
        """Every document of the class's table as this transaction sees it, as its value
        (the store's, checked when the transaction began, while it has changed none)."""
        if cls.TABLE not in self._pending:
            return self.store.records(cls)
        return values(self.store, cls, self.docs(cls.TABLE))

    def record(self, cls: type[R], key: int) -> R:
        return typed(self.store, cls, key, self.docs(cls.TABLE)[key])

    def insert(self, table: str, doc: Doc) -> int:
        key = self._allocate(table)
        self.put(table, key, doc)
        return key

    def put(self, table: str, key: int, doc: Doc | None) -> None:
        """Set (or with None, remove) one document, remembering what it was."""
        current = self.docs(table)
        before = current.get(key)
        if before == doc:
            return
        if doc is None:
            current.pop(key, None)
        else:
            current[key] = dict(doc)
        self._pending.setdefault(table, {})[key] = doc
        self.changes.append(change(table, key, before, doc))

    def _allocate(self, table: str) -> int:
        """Ids are never reused, even after an undo removed the newest document. The table's
        highest key is looked up once per transaction: an import allocates thousands."""
        counters = self.store.meta().setdefault("next_ids", {})
        if table not in self._highest:
            self._highest[table] = max(self.docs(table), default=0)
        key: int = max(counters.get(table, 1), self._highest[table] + 1)
        counters[table] = key + 1
        self._highest[table] = key
        self.store.storage.dirty = True
        return key

    def next_event(self, kind: str, summary: str = "", meeting: str | None = None) -> None:
        """End the event so far; what follows is another event of the same write. A planned
        meeting's start and the first change made in it are two events (the change can be
        undone, the start cannot), written together or, when the change is refused, not at
        all."""
        self._end_event()
        self.kind, self.summary, self.meeting = kind, summary, meeting

    def _end_event(self) -> None:
        if self.changes:
            self._events.append(Event(
                id=make_id("events", 0), at=clock.now(), kind=self.kind, summary=self.summary,
                meeting=self.meeting, changes=tuple(self.changes), undoes=self.undoes))
        self.changes, self.undoes = [], None

    def commit(self) -> None:
        self._end_event()
        if not self._events:
            return
        # The store's identity (Seen), given with its first change.
        self.store.meta().setdefault("store_id", os.urandom(12).hex())
        for table, docs in self._pending.items():
            self.store.apply(table, docs)
        self.store.apply("events", {self._allocate("events"): e.to_doc() for e in self._events})


def malformed(store: Located, table: str, key: int, exc: Exception) -> StoreError:
    why = str(exc) if isinstance(exc, CadenceError) else f"{type(exc).__name__}: {exc}"
    return StoreError(f"{store.path}: {table} document {key} is malformed ({why}); the file "
                      "was left as it is")


def typed(store: Located, cls: type[R], key: int, doc: Doc) -> R:
    """A document as its value. One that a hand edit broke is the store's problem, reported
    with file, table and key by every command alike (never as an internal error)."""
    try:
        return cls.from_doc(key, doc)
    except MALFORMED as exc:
        raise malformed(store, cls.TABLE, key, exc) from None


def values(store: Located, cls: type[R], docs: dict[int, Doc]) -> list[R]:
    """Every document as its value, in key order: one msgspec call for the whole table (a
    third faster than one per document, and every command checks every table); if one is
    malformed, again one by one, so the error names it."""
    prefix = PREFIXES[cls.TABLE]
    ordered = sorted(docs.items())
    try:
        return msgspec.convert([{**doc, "id": f"{prefix}{key}"} for key, doc in ordered],
                               list[cls])  # type: ignore[valid-type]  # a class, at run time
    except MALFORMED:
        return [typed(store, cls, key, doc) for key, doc in ordered]


ABSENT = object()


def changed_fields(before: Doc, after: Doc) -> list[str]:
    return sorted(k for k in before.keys() | after.keys()
                  if before.get(k, ABSENT) != after.get(k, ABSENT))


def change(table: str, key: int, before: Doc | None, after: Doc | None) -> Change:
    """An added or removed document is kept whole; an update keeps only the fields it
    changed, so a new value in a series of 520 records one value, not 1,040."""
    if before is None or after is None:
        return Change(table, key, _plain(before), _plain(after))
    fields = changed_fields(before, after)
    return Change(table, key, {k: before[k] for k in fields if k in before},
                  {k: after[k] for k in fields if k in after})


def _plain(doc: Doc | None) -> Doc | None:
    return None if doc is None else dict(doc)

