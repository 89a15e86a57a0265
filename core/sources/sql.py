"""A sql source: one query over a named connection, through SQLAlchemy (a SQLite file's,
through sqlite3 alone: core/sources/sqlite_file.py).

Imported only when a sql source runs (SQLAlchemy and a driver cost ~100 ms to load). The
query runs read-only where the database has a way to say so — SQLite's `PRAGMA query_only`,
`SET TRANSACTION READ ONLY` on PostgreSQL and MySQL, DuckDB files opened read-only — and is
cancelled through its driver when it outlasts its timeout. At most `cap` rows are read: a
KPI's query gives one row per period, and anything past that is a query that forgot to
aggregate (the aggregation belongs in the warehouse, which is built for it).
"""

import sqlite3
import threading
from typing import Any

import sqlalchemy
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from core.errors import CadenceError
from core.sources import guard
from core.sources.guard import ROW_CAP
from core.sources.guard import first_line as _first_line

# The drivers an extra brings, by the dialect that needs them.
EXTRAS = {"postgresql": "postgres", "duckdb": "duckdb"}

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def fetch(url: str, query: str, timeout: float, cap: int = ROW_CAP) -> list[tuple[Any, ...]]:
    """The query's rows (each a tuple), read in a read-only transaction that is rolled back;
    CadenceError (one line) when the database refuses, the query fails, runs past `timeout`
    seconds or returns more than `cap` rows."""
    engine = _engine(url)
    fired = threading.Event()
    try:
        with engine.connect() as conn, guard.cancel_after(
                conn.connection.dbapi_connection, timeout, fired):
            try:
                _read_only(conn)
                result = conn.exec_driver_sql(query)
                if not result.returns_rows:
                    raise CadenceError(guard.NO_ROWS)
                rows = [tuple(row) for row in result.fetchmany(cap + 1)]
            finally:
                conn.rollback()
    except SQLAlchemyError as exc:
        if fired.is_set():
            raise guard.stopped(timeout) from None
        raise CadenceError(_why(exc)) from None
    return guard.capped(rows, cap)


def _engine(url: str) -> Engine:
    """One engine (and its pool) per url for the process: 500 KPIs on one warehouse open
    one pool, not 500."""
    with _engines_lock:
        found = _engines.get(url)
        if found is None:
            found = _engines[url] = _create(url)
        return found


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Its message repeats the url, password and all: say what is wrong without it.
        raise CadenceError("the connection's url is not a SQLAlchemy URL "
                           "(dialect+driver://user@host/database)") from None
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "duckdb" and parsed.database not in (None, "", ":memory:"):
        options["connect_args"] = {"read_only": True}
    try:
        engine = sqlalchemy.create_engine(parsed, **options)
    except (NoSuchModuleError, ImportError) as exc:
        backend = parsed.get_backend_name()
        extra = EXTRAS.get(backend)
        hint = (f"python -m pip install 'cadence[{extra}]'" if extra
                else "install its SQLAlchemy dialect and driver")
        raise CadenceError(f"no driver for {parsed.drivername} ({type(exc).__name__}: "
                           f"{_first_line(exc)}); {hint}") from None
    if engine.dialect.name == "sqlite":     # once per connection of the pool, not per query
        sqlalchemy.event.listen(engine, "connect", _sqlite_read_only)
    return engine


def _sqlite_read_only(dbapi_connection: Any, record: Any) -> None:
    from core.sources.sqlite_file import select_only
    select_only(dbapi_connection)


def _read_only(conn: Connection) -> None:
    """Say read-only before the query, in the query's own transaction."""
    backend = conn.dialect.name                 # SQLite's: _sqlite_read_only
    if backend in ("postgresql", "mysql", "mariadb"):
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")


def _why(exc: SQLAlchemyError) -> str:
    """The database's own message, first line: SQLAlchemy's adds the statement and a link."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        if isinstance(exc.orig, sqlite3.Error):
            from core.sources.sqlite_file import why
            return why(exc.orig)
        return f"{type(exc.orig).__name__}: {_first_line(exc.orig)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"
