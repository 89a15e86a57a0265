"""A sql source on a SQLite file, through Python's own sqlite3: the connection is still named
by its SQLAlchemy url (`sqlite:///path`), but loading SQLAlchemy costs a pull of a local
warehouse more than its queries (~170 ms of ~240 ms for 500 KPIs), and sqlite3 is what
SQLAlchemy would call anyway. The file is opened read-only (`mode=ro`: nothing is created or
written, a missing file is an error), and each query runs under the same deadline and row cap
as on the SQLAlchemy path (core/sources/guard.py).

A url with options (`?mode=…`, `?uri=true`) or an in-memory database takes the SQLAlchemy
path, which knows every form of them."""

import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.errors import CadenceError
from core.sources import guard

PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")


def path_of(url: str) -> Path | None:
    """The file a plain SQLite url names (relative to the working folder, as SQLAlchemy
    reads it), or None when another path should read the url."""
    prefix = next((p for p in PREFIXES if url.startswith(p)), None)
    if prefix is None:
        return None
    rest = url[len(prefix):]
    if not rest or "?" in rest or rest == ":memory:":
        return None
    return Path(rest)


def fetch(path: Path, query: str, timeout: float,
          cap: int = guard.ROW_CAP) -> list[tuple[Any, ...]]:
    """The query's rows, as core/sources/sql.py fetch gives them."""
    fired = threading.Event()
    opened = _which(path)
    conn = _take(opened)
    try:
        with guard.cancel_after(conn, timeout, fired):
            cursor = conn.execute(query)
            if cursor.description is None:
                raise CadenceError(guard.NO_ROWS)
            rows = cursor.fetchmany(cap + 1)
            cursor.close()
    except sqlite3.Error as exc:
        if fired.is_set():
            raise guard.stopped(timeout) from None
        raise CadenceError(why(exc)) from None
    finally:
        _give_back(opened, conn)
    return guard.capped(rows, cap)


# Open connections, each used by one query at a time: a new connection reads the file's
# schema and pages afresh, which cost 500 queries a third of their time. They stay open with
# the process (read-only, they hold no lock between queries), by the file they opened: one
# replaced since (a rename over it, as `cadence demo` writes its warehouse) gets new ones.
Opened = tuple[Path, int]
_idle: dict[Opened, list[sqlite3.Connection]] = {}
_idle_lock = threading.Lock()


def _which(path: Path) -> Opened:
    try:
        return path, path.stat().st_ino
    except OSError:
        return path, -1                 # opening it says why


def _take(opened: Opened) -> sqlite3.Connection:
    path = opened[0]
    with _idle_lock:
        idle = _idle.get(opened)
        if idle:
            return idle.pop()
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True,
                               check_same_thread=False)
        select_only(conn)
    except sqlite3.Error as exc:
        raise CadenceError(f"{type(exc).__name__}: {guard.first_line(exc)} ({path})") from None
    return conn


# What a query may do: read tables and call functions, in a SELECT (WITH and recursive CTEs
# included). `PRAGMA query_only` alone let `ATTACH` create a file anywhere and `VACUUM INTO`
# write a copy of the warehouse wherever the query said.
_ALLOWED = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                      getattr(sqlite3, "SQLITE_RECURSIVE", 33)})


READ_ONLY = ("the query may only read (a SELECT); this one would write, attach a file or "
             "change a setting")


def why(exc: sqlite3.Error) -> str:
    """SQLite's own words, or what its refusal of a write means here."""
    said = guard.first_line(exc)
    if "not authorized" in said or "authorization denied" in said or "readonly" in said:
        return READ_ONLY
    return f"{type(exc).__name__}: {said}"


def select_only(conn: sqlite3.Connection) -> None:
    """Make a SQLite connection refuse all but reading (also SQLAlchemy's, core/sources/sql.py)."""
    conn.execute("PRAGMA query_only = ON")
    conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_OK if action in _ALLOWED
                        else sqlite3.SQLITE_DENY)


def _give_back(opened: Opened, conn: sqlite3.Connection) -> None:
    if conn.in_transaction:             # read-only: nothing to keep, but never left open
        conn.rollback()
    with _idle_lock:
        _idle.setdefault(opened, []).append(conn)
