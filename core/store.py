"""The store: one TinyDB JSON file, one writer at a time, every change an event.

All writes go through `Store.transaction()`: it takes the cross-process lock, re-reads the file
if another process changed it, collects the changes, appends one event describing them (with each
document's before and after, so nothing is lost and a meeting's changes can be undone), and
writes the file once, atomically.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

from core import clock, schema, series
from core.errors import MALFORMED, CadenceError, StoreError
from core.lock import Busy, Lock
from core.model import (PREFIXES, Action, Change, CheckIn, Event, KeyResult, Kpi, Meeting,
                        Objective, Record, make_id)
from core.storage import DurableJSONStorage

LOCK_TIMEOUT_S = float(os.environ.get("CADENCE_LOCK_TIMEOUT", "120"))
# Every table of values: a version of the file is checked whole (Store.check).
RECORDS = (Kpi, Objective, KeyResult, CheckIn, Meeting, Action, Event)


class Store:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.storage = DurableJSONStorage(self.path)
        self._db = None
        self._index: dict[str, dict[int, dict[str, Any]]] = {}
        self._typed: dict[str, list] = {}      # a table's values, while the table is unchanged
        self.version = 0
        self._checked = -1                     # the version known to be whole (check())
        self._in_tx = False
        self.refresh()

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True when it did."""
        if not self.storage.changed_on_disk():
            return False
        self.storage.load()
        self._changed()
        return True

    def _changed(self) -> None:
        self._index.clear()
        self._typed.clear()
        self.version += 1

    def apply(self, name: str, docs: dict[int, dict | None]) -> None:
        """Write documents through TinyDB, and keep this table's index up to date."""
        if self._db is None:
            from core.tinydb_tables import open_tinydb
            self._db = open_tinydb(self.storage)
        self._db.table(name, cache_size=0).apply(docs)
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

    def records(self, cls: type[Record]) -> list:
        """Every document of the class's table as its value, in key order (read-only: the
        list is kept until the table changes)."""
        self.check()
        return self._values(cls)

    def _values(self, cls: type[Record]) -> list:
        found = self._typed.get(cls.TABLE)
        if found is None:
            found = self._typed[cls.TABLE] = values(self, cls, self.docs(cls.TABLE))
        return found

    def events(self) -> list[Event]:
        return self.records(Event)

    @contextmanager
    def transaction(self, kind: str, summary: str = "", meeting: str | None = None
                    ) -> Iterator["Transaction"]:
        if self._in_tx:
            raise RuntimeError("transactions do not nest")
        lock = Lock(self.path.with_name(f"{self.path.name}.lock"), LOCK_TIMEOUT_S)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Busy:
            raise StoreError(f"{self.path}: still busy after {LOCK_TIMEOUT_S:g} s "
                             "(another Cadence is writing)") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot take the lock ({exc.strerror})") from None
        self._in_tx = True
        whole = False
        try:
            self.refresh()
            self.check()                      # a broken store is never written
            self.storage.deferred = True
            tx = Transaction(self, kind, summary, meeting)
            yield tx
            tx.commit()
            self.storage.flush()
            whole = True                      # what we wrote came from checked values
        except BaseException:
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
            lock.release()


class Transaction:
    """Changes staged in memory; committed as one event and one write."""

    def __init__(self, store: Store, kind: str, summary: str, meeting: str | None):
        self.store = store
        self.kind = kind
        self.summary = summary
        self.meeting = meeting
        self.undoes: str | None = None
        self.changes: list[Change] = []
        self._pending: dict[str, dict[int, dict | None]] = {}
        self._tables: dict[str, dict[int, dict]] = {}
        self._highest: dict[str, int] = {}

    def docs(self, table: str) -> dict[int, dict]:
        """The table as this transaction sees it (pending changes included)."""
        if table not in self._tables:
            self._tables[table] = dict(self.store.docs(table))
        return self._tables[table]

    def get(self, table: str, key: int) -> dict | None:
        return self.docs(table).get(key)

    def records(self, cls: type[Record]) -> list:
        """Every document of the class's table as this transaction sees it, as its value
        (the store's, checked when the transaction began, while it has changed none)."""
        if cls.TABLE not in self._pending:
            return self.store.records(cls)
        return values(self.store, cls, self.docs(cls.TABLE))

    def record(self, cls: type[Record], key: int):
        return typed(self.store, cls, key, self.docs(cls.TABLE)[key])

    def insert(self, table: str, doc: dict) -> int:
        key = self._allocate(table)
        self.put(table, key, doc)
        return key

    def put(self, table: str, key: int, doc: dict | None) -> None:
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
        key = max(counters.get(table, 1), self._highest[table] + 1)
        counters[table] = key + 1
        self._highest[table] = key
        self.store.storage.dirty = True
        return key

    def commit(self) -> Event | None:
        if not self.changes:
            return None
        for table, docs in self._pending.items():
            self.store.apply(table, docs)
        event = Event(id=make_id("events", 0), at=clock.now(), kind=self.kind,
                      summary=self.summary, meeting=self.meeting,
                      changes=tuple(self.changes), undoes=self.undoes)
        self.store.apply("events", {self._allocate("events"): event.to_doc()})
        return event


def malformed(store: Store, table: str, key: int, exc: Exception) -> StoreError:
    why = str(exc) if isinstance(exc, CadenceError) else f"{type(exc).__name__}: {exc}"
    return StoreError(f"{store.path}: {table} document {key} is malformed ({why}); the file "
                      "was left as it is")


def typed(store: Store, cls: type[Record], key: int, doc: dict):
    """A document as its value. One that a hand edit broke is the store's problem, reported
    with file, table and key by every command alike (never as an internal error)."""
    try:
        return cls.from_doc(key, doc)
    except MALFORMED as exc:
        raise malformed(store, cls.TABLE, key, exc) from None


def values(store: Store, cls: type[Record], docs: dict[int, dict]) -> list:
    """Every document as its value, in key order: one msgspec call for the whole table (a
    third faster than one per document, and every command checks every table); if one is
    malformed, again one by one, so the error names it."""
    prefix = PREFIXES[cls.TABLE]
    ordered = sorted(docs.items())
    try:
        return msgspec.convert([{**doc, "id": f"{prefix}{key}"} for key, doc in ordered],
                               list[cls])
    except MALFORMED:
        return [typed(store, cls, key, doc) for key, doc in ordered]


ABSENT = object()


def changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys()
                  if before.get(k, ABSENT) != after.get(k, ABSENT))


def change(table: str, key: int, before: dict | None, after: dict | None) -> Change:
    """An added or removed document is kept whole; an update keeps only the fields it
    changed, so a new value in a series of 520 records one value, not 1,040."""
    if before is None or after is None:
        return Change(table, key, _plain(before), _plain(after))
    fields = changed_fields(before, after)
    return Change(table, key, {k: before[k] for k in fields if k in before},
                  {k: after[k] for k in fields if k in after})


def _plain(doc: dict | None) -> dict | None:
    return None if doc is None else dict(doc)

