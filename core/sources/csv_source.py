"""A csv source: a file, or every file a glob matches, with `date,value` columns — an export
from a spreadsheet or a BI tool that lands in a folder. A relative path is read from the
store's folder (a team keeps its exports beside its store, and cron runs anywhere)."""

import glob
from pathlib import Path

from core import csvrows
from core.errors import CadenceError

COLUMNS = ("date", "value")


def fetch(pattern: str, store: Path) -> list[tuple[str, str]]:
    """Every row's `(date, value)` cells, file after file in name order."""
    where = Path(pattern).expanduser()
    if not where.is_absolute():
        where = store.resolve().parent / where
    files = sorted(glob.glob(str(where))) if glob.has_magic(str(where)) else [str(where)]
    if not files:
        raise CadenceError(f"{where}: no file matches")
    rows: list[tuple[str, str]] = []
    for name in files:
        table = csvrows.read_table(name, COLUMNS)
        at, value_at = table.column("date"), table.column("value")
        assert at is not None and value_at is not None     # read_table checked them
        rows += [(cells[at], cells[value_at]) for cells in table.rows if not csvrows.blank(cells)]
    return rows
