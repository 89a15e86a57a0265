"""What every sql source's query runs under, on the SQLAlchemy path and the SQLite file's
own: a deadline, kept by one thread that cancels the queries past theirs through their
drivers (sqlite3 and DuckDB `interrupt()`, psycopg `cancel_safe()`, a server-side cancel),
and a cap on the rows read: a KPI's query gives one row per period, and anything past that is
a query that forgot to aggregate (the aggregation belongs in the warehouse)."""

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from core.errors import CadenceError

ROW_CAP = 10_000


class Deadlines:
    """One thread that calls each query's cancel when its deadline passes. A timer thread per
    query cost more than the query itself (starting a thread waits for it to run): a pull of
    500 KPIs started 500."""

    def __init__(self) -> None:
        self._due: dict[int, tuple[float, Callable[[], None]]] = {}
        self._changed = threading.Condition()
        self._next = 0
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf       # when the thread next looks, unless woken sooner

    def add(self, seconds: float, call: Callable[[], None]) -> int:
        with self._changed:
            self._next += 1
            deadline = time.monotonic() + seconds
            self._due[self._next] = (deadline, call)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="cadence-sql-deadlines")
                self._thread.start()
            if deadline < self._wakes_at:   # only then: waking it per query cost a pull of
                self._changed.notify()      # 500 local queries a fifth of its time
            return self._next

    def remove(self, token: int) -> None:
        with self._changed:
            self._due.pop(token, None)

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                late = [t for t, (deadline, _) in self._due.items() if deadline <= now]
                calls = [self._due.pop(t)[1] for t in late]
                if not calls:
                    self._wakes_at = min((d for d, _ in self._due.values()), default=math.inf)
                    self._changed.wait(None if self._wakes_at == math.inf
                                       else self._wakes_at - now)
                    self._wakes_at = -math.inf          # awake: it looks at every deadline
                    continue
            for call in calls:                  # outside the lock: a cancel may take a while
                call()


_deadlines = Deadlines()


@contextmanager
def cancel_after(raw: Any, timeout: float, fired: threading.Event) -> Iterator[None]:
    """Cancel the query running on the driver's connection `raw` once `timeout` seconds have
    passed; `fired` says it did, so the error that follows is reported as the timeout."""
    cancel = next((getattr(raw, name) for name in ("cancel_safe", "cancel", "interrupt")
                   if callable(getattr(raw, name, None))), None)

    def stop() -> None:
        fired.set()
        if cancel is not None:
            with suppress(Exception):   # a driver's cancel may fail as it likes
                cancel()
    token = _deadlines.add(timeout, stop)
    try:
        yield
    finally:
        _deadlines.remove(token)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def stopped(timeout: float) -> CadenceError:
    return CadenceError(f"stopped after {timeout:g} s (the query took longer; aggregate "
                        "less, or raise --timeout)")


def capped(rows: list[tuple[Any, ...]], cap: int) -> list[tuple[Any, ...]]:
    """The rows, unless there are more than `cap` (read: at most cap + 1)."""
    if len(rows) > cap:
        raise CadenceError(f"more than {cap:,} rows: a KPI's query gives one row per period "
                           "(aggregate in the query)")
    return rows


NO_ROWS = "the query returns no rows (a SELECT gives them)"
