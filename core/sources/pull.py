"""`cadence pull`: run the chosen KPIs' sources, check every value, compute the formulas, and
record what changed — all of it in one store transaction, each value with its provenance.

The sources run in a bounded pool of threads (a query waits on its database, a command on
its program), each with its own timeout; one that fails is reported and the others' values
are recorded all the same. The store is only locked for the last step, after every source
has answered: a slow warehouse never holds a meeting's writes up. A value the store already
has from the same source is not written again, so a pull with nothing new writes nothing.
"""

import hashlib
import math
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from core import clock, credentials, queries, series
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.imports import period_of
from core.inputs import parse_number
from core.model import Kpi
from core.names import name_key
from core.periods import latest_finished, period_label
from core.sources import connections
from core.store import Source, Store, Transaction

TIMEOUT = 60.0      # seconds per source
# Sources running at once: a warehouse is shared, and so is the machine. No more than its
# cores: a local warehouse's queries are work for this machine (500 SQLite queries took a
# third longer in four threads than in two on two cores).
WORKERS = min(4, os.cpu_count() or 1)
Rows = Sequence[tuple[Any, ...]]


class Outcome(msgspec.Struct):
    """What a pull did (or, dry, would do) for one KPI."""

    kpi: str
    id: str
    kind: str                                   # sql, csv, command or formula
    connection: str = ""
    recorded: dict[str, float] = msgspec.field(default_factory=dict)   # new or changed
    unchanged: int = 0
    running: int = 0            # rows of the period still running: left for a later pull
    missing: dict[str, str] = msgspec.field(default_factory=dict)      # formula: why none
    # Every value it gave, changed or not: kept in a dry run only (`cadence sources test`
    # shows them all; a pull needs only what changed).
    given: dict[str, float] = msgspec.field(default_factory=dict)
    error: str | None = None


class PullReport(msgspec.Struct):
    today: date
    dry_run: bool
    results: list[Outcome]
    warnings: list[str] = msgspec.field(default_factory=list)
    written: bool = False       # a change reached the store

    @property
    def failed(self) -> list[Outcome]:
        return [r for r in self.results if r.error is not None]


Progress = Callable[[int, int], None]           # (sources answered, sources in all)


def run(store: Store, names: Iterable[str], today: date, dry_run: bool = False, *,
        timeout: float = TIMEOUT, workers: int = WORKERS, meeting: str | None = None,
        connections_file: Path | None = None, progress: Progress | None = None) -> PullReport:
    """Pull the named KPIs (every KPI with a source or a formula when none is named). Safe to
    call from a worker thread: the store's transaction takes the cross-process lock. Raises
    CadenceError only for what stops the whole pull (an unknown KPI, a broken store)."""
    chosen = choose(store, names)
    sourced = [k for k in chosen if k.source]
    found = connections.load(connections_file) if any(
        k.source == "sql" for k in sourced) else None
    outcomes = {k.id: Outcome(k.name, k.id, k.source or "formula", k.connection)
                for k in chosen}
    fetched = _fetch_all(store, sourced, found, timeout, workers, progress)
    pulled: dict[str, dict[str, float]] = {}
    periods: dict[str, dict[object, str]] = {}        # per cadence: date cell -> period
    for kpi in sourced:
        rows = fetched[kpi.id]
        outcome = outcomes[kpi.id]
        if isinstance(rows, str):
            outcome.error = credentials.blanked(rows)
            continue
        try:
            pulled[kpi.id], outcome.running = normalise(
                kpi, rows, today, periods.setdefault(kpi.cadence, {}))
        except CadenceError as exc:
            outcome.error = credentials.blanked(str(exc))   # a cell's text is the source's
    report = PullReport(today, dry_run, list(outcomes.values()),
                        list(found.warnings) if found else [])
    formulas = [k for k in chosen if k.formula.strip()]
    if dry_run:
        _record(store, store, chosen, formulas, pulled, outcomes, today, write=None)
        return report
    with store.transaction(EventKind.PULL, meeting=meeting) as tx:
        _record(store, tx, chosen, formulas, pulled, outcomes, today, write=tx)
        report.written = bool(tx.changes)
        tx.summary = summary(report)
    return report


def choose(store: Store, names: Iterable[str]) -> list[Kpi]:
    """The KPIs named (by name or id), or every pulled KPI in the meeting when none is."""
    wanted = list(names)
    if not wanted:
        return [k for k in store.records(Kpi) if k.pulled and not k.archived]
    known = queries.kpi_names(store)
    chosen: dict[str, Kpi] = {}
    for ref in wanted:
        kpi = known.find(ref)
        if not kpi.pulled:
            raise CadenceError(f"KPI {kpi.name!r} has no source or formula to pull from "
                               "(its values are typed or imported)")
        chosen[kpi.id] = kpi
    return list(chosen.values())


# --- running the sources ---------------------------------------------------------------------

def _fetch_all(store: Store, kpis: list[Kpi], found: "connections.Connections | None",
               timeout: float, workers: int, progress: Progress | None) -> dict[str, Rows | str]:
    """Every source's rows, or the one-line reason it gave none, by KPI id."""
    results: dict[str, Rows | str] = {}
    if not kpis:
        return results
    done, lock = [0], threading.Lock()

    def one(kpi: Kpi) -> None:
        try:
            results[kpi.id] = fetch(kpi, store.path, found, timeout)
        except CadenceError as exc:
            results[kpi.id] = str(exc)
        except Exception as exc:        # a driver's own error, reported as one line
            first = str(exc).strip().splitlines()
            results[kpi.id] = f"{type(exc).__name__}: {first[0] if first else ''}".rstrip(": ")
        with lock:
            done[0] += 1
            if progress is not None:
                progress(done[0], len(kpis))
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(kpis)))) as pool:
        list(pool.map(one, kpis))
    return results


def fetch(kpi: Kpi, store: Path, found: "connections.Connections | None",
          timeout: float = TIMEOUT) -> Rows:
    """One KPI's rows as its source gives them (its driver loaded on first use)."""
    if kpi.source == "sql":
        assert found is not None
        connection = found.get(kpi.connection, store)
        url = connections.resolve(connection, found.path)
        from core.sources import sqlite_file
        if (path := sqlite_file.path_of(url)) is not None:
            return sqlite_file.fetch(path, kpi.query, timeout)
        from core.sources import sql
        return sql.fetch(url, kpi.query, timeout)
    if kpi.source == "csv":
        from core.sources import csv_source
        return csv_source.fetch(kpi.query, store)
    from core.sources import command
    return command.fetch(kpi.query, store, timeout)


# --- checking what they gave -----------------------------------------------------------------

def normalise(kpi: Kpi, rows: Rows, today: date,
              known: dict[object, str] | None = None) -> tuple[dict[str, float], int]:
    """The rows as `{period start: value}`, and how many fell in the period still running
    (left for a later pull: a week's number is the whole week's). A row per period, dated as
    a CSV import's are; or one value alone, for the latest finished period. Any bad row and
    the KPI records nothing (its error names the row). `known`: date cells already turned
    into this cadence's periods (most KPIs share their weeks: each is worked out once)."""
    latest = latest_finished(today, kpi.cadence).isoformat()
    if rows and len(rows[0]) == 1 and len(rows) == 1:
        return {latest: number(rows[0][0], 1)}, 0
    known = {} if known is None else known
    values: dict[str, float] = {}
    running = 0
    for index, row in enumerate(rows, start=1):
        if len(row) != 2:
            raise CadenceError(f"row {index} has {len(row)} columns; a source gives (date, "
                               "value) rows, or one value")
        cell, value = row
        period = known.get(cell)
        if period is None:
            period = known[cell] = _period(cell, kpi, today, index)
        if period > latest:
            running += 1
            continue
        if period in values:
            label = period_label(date.fromisoformat(period), kpi.cadence)
            raise CadenceError(f"row {index}: a second value for {label} (one row per period: "
                               "aggregate in the query)")
        if type(value) is float and math.isfinite(value):       # most are: the fast path
            values[period] = value
        else:
            values[period] = number(value, index, kpi.unit)
    return values, running


def _period(cell: object, kpi: Kpi, today: date, index: int) -> str:
    try:
        return period_of(day_text(cell), kpi, today)
    except ValidationError as exc:
        raise CadenceError(f"row {index}: {exc.field}: {exc.message}") from None


def day_text(cell: object) -> str:
    """A date cell as YYYY-MM-DD text: a database gives a date, a timestamp, or text (SQLite
    has no date type), a CSV file text."""
    if isinstance(cell, date):                  # a datetime is a date too
        return cell.isoformat()[:10]
    text = str(cell).strip() if cell is not None else ""
    if len(text) > 10 and text[:10].count("-") == 2 and text[10] in " T":
        return text[:10]                        # '2026-11-16 00:00:00'
    return text


def number(cell: object, row: int, unit: str = "") -> float:
    """A value cell as a finite number: a database's number, or text as people write it."""
    where = f"row {row}: value"
    if cell is None:
        raise CadenceError(f"{where}: is empty (NULL)")
    if isinstance(cell, bool):
        raise CadenceError(f"{where}: {cell!r} is not a number")
    if isinstance(cell, int | float | Decimal):
        found = float(cell)
        if not math.isfinite(found):
            raise CadenceError(f"{where}: {cell} is not a finite number")
        return found
    try:
        return parse_number(str(cell), "value", unit=unit)
    except ValidationError as exc:
        raise CadenceError(f"row {row}: {exc.field}: {exc.message}") from None


# --- recording ---------------------------------------------------------------------------------

def provenance(kpi: Kpi) -> dict[str, str]:
    """A pulled value's source (core/series.py SOURCE_KEYS), but the time."""
    text = kpi.formula.strip() if not kpi.source else kpi.query
    return {"kind": kpi.source or "formula", "connection": kpi.connection,
            "query_hash": hashlib.sha256(text.encode()).hexdigest()[:16]}


def _record(store: Store, src: Source, chosen: list[Kpi], formulas: list[Kpi],
            pulled: dict[str, dict[str, float]], outcomes: dict[str, Outcome], today: date,
            write: Transaction | None) -> None:
    """Compare with the store (as `src` sees it) and, when `write` is a transaction, put
    what changed."""
    docs, pulls = src.docs(series.TABLE), src.docs(series.PULLS)
    values = dict(pulled)
    values.update(_formulas(src, formulas, pulled, outcomes, today))
    now = clock.now()
    for kpi in chosen:
        outcome = outcomes[kpi.id]
        before = pulls.get(kpi.key) or {}
        found = before.get("runs")
        runs: dict[str, Any] = found if isinstance(found, dict) else {}
        source = provenance(kpi)
        found_values = values.get(kpi.id, {})
        if write is None:
            outcome.given = dict(found_values)
        entries = _changed(docs.get(kpi.key, {}), found_values, before, source,
                           outcome, run := _next_run(runs))
        after = _pulls_doc(before, runs, run if entries else None, {**source, "pulled_at": now},
                           outcome.error, now)
        if write is None:
            continue
        if entries:
            series.put(write, kpi, entries, today)
        if after != before:
            write.put(series.PULLS, kpi.key, after)


def _changed(doc: dict[str, series.Entry], found: dict[str, float], pulls: dict[str, Any],
             source: dict[str, str], outcome: Outcome, run: int) -> dict[str, series.Entry]:
    """The entries of a KPI's pulled values that differ from the store's (as `run`), each
    value also in `outcome.recorded`. It runs for every value of a pull (78k for 500 KPIs of
    three years): one pass, no call per value where the store has none."""
    entries: dict[str, series.Entry] = {}
    recorded = outcome.recorded
    for period, value in found.items():
        stored = doc.get(period)
        if stored is not None and same(stored, value, source, pulls):
            outcome.unchanged += 1
            continue
        entries[period] = {"value": value, "pull": run}     # series.pulled, inlined
        recorded[period] = value
    return entries


def _next_run(runs: dict[str, Any]) -> int:
    return 1 + max((int(n) for n in runs if n.isdigit()), default=0)


def _pulls_doc(before: dict[str, Any], runs: dict[str, Any], run: int | None,
               stamped: dict[str, str], error: str | None, now: str) -> dict[str, Any]:
    """The KPI's pulls document after this pull: its new run (when it recorded values) and
    its last error (kept with its first time while it repeats, so a re-pull that fails the
    same way changes nothing; gone with the next good pull)."""
    after: dict[str, Any] = {"runs": {**runs, **({str(run): stamped} if run else {})}}
    if error is not None:
        same_error = before.get("error") == error
        after.update(error=error, failed_at=before.get("failed_at") if same_error else now)
    nothing = after == {"runs": {}} and not before      # never pulled, and nothing now
    return before if nothing else after


def same(stored: series.Entry | None, value: float, source: dict[str, str],
         pulls: dict[str, Any] | None = None) -> bool:
    """Is the stored entry already this value from this source? A value a person recorded
    in a meeting (with its note) that agrees is left as it is too; a value the same source
    gave before keeps the time it was first pulled."""
    if stored is None or series.value_of(stored) != value:
        return False
    if not isinstance(stored, dict):
        return False                # a bare number: pulled now, it gains its provenance
    earlier = series.run_of(stored, pulls)
    if earlier is None:
        return bool(stored.get("meeting") or stored.get("note"))
    return all(earlier.get(k) == v for k, v in source.items())


def _formulas(src: Source, formulas: list[Kpi], pulled: dict[str, dict[str, float]],
              outcomes: dict[str, Outcome], today: date) -> dict[str, dict[str, float]]:
    """Every formula KPI's values over the store's series and what was just pulled, up to
    its latest finished period; a period without a value keeps its reason (a missing input,
    a division by zero)."""
    if not formulas:
        return {}
    from core import formula
    kpis = {name_key(k.name): k for k in src.records(Kpi)}     # archived inputs too
    docs = src.docs(series.TABLE)
    texts = {k.name: k.formula for k in formulas}
    inputs: dict[str, dict[str, float]] = {}
    for kpi in formulas:
        try:
            names = formula.parse(kpi.formula).names
        except ValidationError as exc:
            outcomes[kpi.id].error = f"formula: {exc.message}"
            del texts[kpi.name]
            continue
        for used in names:
            other = kpis.get(name_key(used))
            if other is None or other.formula.strip() or other.name in inputs:
                continue
            stored = docs.get(other.key, {})
            inputs[other.name] = {p: series.value_of(e) for p, e in stored.items()}
            inputs[other.name].update(pulled.get(other.id, {}))
    cadences = {k.name: k.cadence for k in kpis.values()}
    results = formula.evaluate_all(texts, inputs, cadences)
    found: dict[str, dict[str, float]] = {}
    for kpi in formulas:
        if kpi.name not in results:
            continue
        good = found[kpi.id] = {}
        latest = latest_finished(today, kpi.cadence).isoformat()
        for period, value in sorted(results[kpi.name].items()):
            if period > latest:
                outcomes[kpi.id].running += 1
            elif isinstance(value, formula.Missing):
                outcomes[kpi.id].missing[period] = value.reason
            elif not math.isfinite(value):
                outcomes[kpi.id].missing[period] = f"{value} is not a finite number"
            else:
                good[period] = value
    return found


def _brought(report: PullReport) -> tuple[list[Outcome], int]:
    """The KPIs that got new values, and how many values in all."""
    changed = [r for r in report.results if r.recorded]
    return changed, sum(len(r.recorded) for r in changed)


def summary(report: PullReport) -> str:
    """The pull's event summary: what it recorded, by KPI."""
    changed, count = _brought(report)
    if not count:
        return "pulled: nothing new"
    names = ", ".join(f"{r.kpi} ({len(r.recorded)})" for r in changed[:10])
    more = f" and {len(changed) - 10} more" if len(changed) > 10 else ""
    return f"pulled {count} value{'s' * (count != 1)}: {names}{more}"


def said(report: PullReport) -> str:
    """What a pull brought, in a line for the meeting (`P`): "Pulled 3 new values (MRR,
    CSAT); 1 KPI failed."."""
    if not report.results:
        return "No KPI has a source or a formula (README: Where the numbers come from)."
    changed, count = _brought(report)
    head = (f"Pulled {count} new value{'s' * (count != 1)} ("
            + ", ".join(r.kpi for r in changed[:5]) + ("…" if len(changed) > 5 else "") + ")"
            if count else "Pulled: nothing new")
    failed = len(report.failed)
    return head + (f"; {failed} KPI{'s' * (failed != 1)} failed" if failed else "") + "."
