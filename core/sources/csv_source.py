"""A csv source: a file, or every file a glob matches, with `date,value` columns — an export
from a spreadsheet or a BI tool that lands in a folder. A relative path is read from the
store's folder (a team keeps its exports beside its store, and cron runs anywhere)."""

import glob
import os
import stat
from pathlib import Path

from core import csvrows
from core.errors import CadenceError

COLUMNS = ("date", "value")
# A source's file is named by the store, which may come from anyone's commit: only a regular
# file, and not a large one, is read (/dev/zero or a FIFO would hold the pull for good, a
# 100 MB file take 600 MB of memory). A KPI's export is a row per period: kilobytes.
SIZE_CAP = 16 * 1024 * 1024


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
        _refuse_unless_small_file(name)
        table = csvrows.read_table(name, COLUMNS)
        at, value_at = table.column("date"), table.column("value")
        assert at is not None and value_at is not None     # read_table checked them
        rows += [(cells[at], cells[value_at]) for cells in table.rows if not csvrows.blank(cells)]
    return rows


def _refuse_unless_small_file(name: str) -> None:
    try:
        found = os.stat(name)
    except FileNotFoundError:
        raise CadenceError(f"{name}: no such file") from None
    except OSError as exc:
        raise CadenceError(f"{name}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(found.st_mode):
        raise CadenceError(f"{name}: is a folder, not a CSV file")
    if not stat.S_ISREG(found.st_mode):
        raise CadenceError(f"{name}: is not a regular file (a device, a FIFO or a socket)")
    if found.st_size > SIZE_CAP:
        raise CadenceError(f"{name}: {found.st_size:,} bytes, more than {SIZE_CAP:,} (a KPI's "
                           "export has a row per period: aggregate before exporting)")
