"""TinyDB on top of our storage, for the write path only: reads take the parsed file straight
from the storage, so a read-only command never imports TinyDB (~3 ms it need not spend)."""

from tinydb import TinyDB
from tinydb.table import Table

from core.model import Doc
from core.storage import DurableJSONStorage


class CadenceTable(Table):
    """A TinyDB table that can replace or remove many documents in one update. Table's own
    `_update_table` re-keys the whole table twice per update (str -> int -> str), a
    millisecond per change at 2,000 decisions; this changes the touched documents only."""

    def apply(self, docs: dict[int, Doc | None]) -> None:
        tables = self._storage.read()
        assert tables is not None              # our storage always holds a document
        table = tables.setdefault(self.name, {})
        for key, doc in docs.items():
            if doc is None:
                table.pop(str(key), None)
            else:
                table[str(key)] = doc
        self._storage.write(tables)
        self.clear_cache()


def open_tinydb(storage: DurableJSONStorage) -> TinyDB:
    db = TinyDB(storage=lambda: storage)
    db.table_class = CadenceTable
    return db


def table(db: TinyDB, name: str) -> CadenceTable:
    """A table of a TinyDB made by `open_tinydb`, uncached (the store keeps its own index)."""
    found = db.table(name, cache_size=0)
    assert isinstance(found, CadenceTable)
    return found
