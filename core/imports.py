"""CSV import of KPIs, measurements and OKRs: all-or-nothing, one write, safe to repeat.

Each import runs in one store transaction (one event, kind `import`) and makes its changes
through the commands (core/commands/); the first bad row raises, so nothing is written.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from core import bulk, csvrows, okr, queries, series
from core.commands import documents, kpis, okrs
from core.errors import ValidationError
from core.events import EventKind
from core.inputs import parse_number
from core.model import CONFIDENCES, DIRECTIONS, SOURCES, CheckIn, Doc, KeyResult, Kpi, Objective
from core.names import name_key, require_plain_fields
from core.periods import (CADENCES, current_quarter, parse_cycle, parse_period, period_label,
                          period_start, require_day)
from core.store import Store, Transaction

KPI_COLUMNS = ("name", "owner", "unit", "direction", "target", "threshold", "cadence")
MEASUREMENT_COLUMNS = ("kpi", "date", "value")
OKR_COLUMNS = ("objective", "key_result", "start", "target")


class Report(msgspec.Struct):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = msgspec.field(default_factory=list)

    def summary(self, noun: str) -> str:
        return (f"{noun}: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged")


def _count(report: Report, before: Doc | None, after: Doc) -> None:
    """Documents compared as stored: a hand-written one lacking a default field is updated."""
    if before is None:
        report.created += 1
    elif before != after:
        report.updated += 1
    else:
        report.unchanged += 1


def _imported(store: Store, tx: Transaction, summary: str) -> None:
    """The import's event says what it did, set last (a command it ran named its own change
    in `tx.summary`); the store holds the team's data, not the demo's, from now on."""
    store.meta()["demo"] = False
    tx.summary = summary


# --- KPIs ----------------------------------------------------------------------------------

def import_kpis(store: Store, path: str | Path, meeting: str | None = None) -> Report:
    rows = csvrows.read(path, KPI_COLUMNS)
    report = Report()
    with store.transaction(EventKind.IMPORT, meeting=meeting) as tx:
        names = queries.kpi_names(tx)
        first_row: dict[str, int] = {}
        saved: list[tuple[csvrows.Row, Kpi]] = []
        for row in rows:
            name, key = row.text("name"), name_key(row.text("name"))
            if key in first_row:
                raise row.error("name", f"{name!r} is already on row {first_row[key]}")
            first_row[key] = row.line
            existing = names.named(name)
            with row.checked():
                kpi = _kpi_from_row(row, existing)
            _count(report, tx.get(Kpi.TABLE, existing.key) if existing else None, kpi.to_doc())
            saved.append((row, documents.save(tx, kpi)))
        for row, kpi in saved:        # once all are in: a formula may name a later row's KPI
            with row.checked():
                kpis.check_formula(tx, kpi)
                kpis.check_dependents(tx, kpi)
        _imported(store, tx, f"imported KPIs from {Path(path).name}: "
                  f"{report.summary('KPIs')}")
    return report


def _kpi_from_row(row: csvrows.Row, existing: Kpi | None) -> Kpi:
    """The row's KPI. A row naming an existing KPI updates it; it renames it only when the
    names differ in case alone (a look-alike spelling, say from another tool's Unicode form,
    is not a new name)."""
    unit = row.text("unit", False)           # values may be written with it: 89.1%
    fields: dict[str, Any] = dict(
        name=row.text("name"), owner=row.text("owner"), unit=unit,
        direction=row.choice("direction", DIRECTIONS), target=row.number("target", unit=unit),
        threshold=row.number("threshold", unit=unit), cadence=row.choice("cadence", CADENCES))
    optional: dict[str, Callable[[], object]] = dict(
        area=lambda: row.text("area", False),
        baseline=lambda: row.number("baseline", False, unit),
        description=lambda: row.text("description", False),
        north_star=lambda: row.flag("north_star"), sustain=lambda: row.integer("sustain") or 2,
        formula=lambda: row.text("formula", False),
        source=lambda: row.choice("source", SOURCES, False),
        connection=lambda: row.text("connection", False),
        query=lambda: row.text("query", False),
        changes=lambda: process_changes(row, fields["cadence"]))
    fields.update((name, read()) for name, read in optional.items() if row.has(name))
    kpis.check_names(fields)
    if existing is not None:
        if fields["name"].casefold() != existing.name.casefold():
            fields["name"] = existing.name
        return existing.evolve(**fields)
    return Kpi(id="", **fields)


def process_changes(row: csvrows.Row, cadence: str) -> tuple[date, ...]:
    """The optional `changes` column: the periods the KPI's process changed at (its limits
    restart at the latest: core/health.py), dates or period labels separated by `;`."""
    with row.checked():
        return tuple(sorted({parse_period(part, cadence, "changes")
                             for part in row.text("changes", False).split(";") if part.strip()}))


# --- measurements ----------------------------------------------------------------------------

def import_measurements(store: Store, path: str | Path, today: date,
                        meeting: str | None = None) -> Report:
    with bulk.collector_paused():   # the rows are freed inside: the collector never sees them
        return _import_measurements(store, path, today, meeting)


def _import_measurements(store: Store, path: str | Path, today: date,
                         meeting: str | None) -> Report:
    table = csvrows.read_table(path, MEASUREMENT_COLUMNS)
    report = Report()
    with store.transaction(EventKind.IMPORT, meeting=meeting) as tx:
        by_kpi = _entries_by_kpi(table, queries.kpi_names(tx), today, meeting)
        for kpi, entries in by_kpi.values():
            replaced = kpis.record_values(tx, kpi, entries, today)
            same = sum(entries[period] == entry for period, entry in replaced.items())
            report.created += len(entries) - len(replaced)
            report.updated += len(replaced) - same
            report.unchanged += same
        _imported(store, tx, f"imported measurements from {Path(path).name}: "
                  f"{report.summary('measurements')}")
    return report


# A KPI a row names: the KPI, its cadence's periods by date cell, and its entries by period.
Target = tuple[Kpi, dict[str, str], dict[str, series.Entry]]


def _entries_by_kpi(table: csvrows.Table, kpis: queries.KpiNames, today: date,
                    meeting: str | None) -> dict[str, tuple[Kpi, dict[str, series.Entry]]]:
    """Every row's entry, by KPI id and period. An import may hold 100k rows, so a row costs a
    few dict look-ups: each KPI reference and each date is resolved once, on first sight."""
    kpi_at, date_at, value_at = (_at(table, c) for c in MEASUREMENT_COLUMNS)
    note_at = table.column("note")
    bare = note_at is None and meeting is None          # then an entry is only its value
    targets: dict[str, Target] = {}
    periods: dict[str, dict[str, str]] = {}     # per cadence: date cell -> period key
    by_kpi: dict[str, tuple[Kpi, dict[str, series.Entry]]] = {}
    for index, cells in enumerate(table.rows):
        try:
            target = targets.get(cells[kpi_at])
            if target is None:
                if csvrows.blank(cells):
                    continue
                kpi = kpis.find(cells[kpi_at])
                target = targets[cells[kpi_at]] = (kpi, periods.setdefault(kpi.cadence, {}),
                                                   by_kpi.setdefault(kpi.id, (kpi, {}))[1])
            kpi, known, entries = target
            day = cells[date_at]
            period = known.get(day) or known.setdefault(day, period_of(day, kpi, today))
            if period in entries:
                raise _repeated(table, index, targets, period, kpi_at, date_at)
            value = parse_number(cells[value_at], "value", unit=kpi.unit)
            entries[period] = value if bare else series.entry(
                value, cells[note_at].strip() if note_at is not None else "", meeting)
        except ValidationError as exc:
            raise table.error(index, exc.field, exc.message) from None
    return by_kpi


def period_of(cell: str, kpi: Kpi, today: date) -> str:
    """The start of the KPI's period that a date falls in, as a series key; a period that has
    not started is refused (a source's rows are read with it too: core/sources/pull.py)."""
    raw = cell.strip()
    if not raw:
        raise ValidationError("date", "must not be empty")
    try:
        start = period_start(require_day(date.fromisoformat(raw), "date"), kpi.cadence)
    except ValueError:
        raise ValidationError("date", f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if problem := series.not_started(kpi, start, today):
        raise ValidationError("date", problem)
    return start.isoformat()


def _at(table: csvrows.Table, column: str) -> int:
    """A required column's position (csvrows.read_table checked that it is there)."""
    found = table.column(column)
    assert found is not None
    return found


def _repeated(table: csvrows.Table, index: int, targets: dict[str, Target], period: str,
              kpi_at: int, date_at: int) -> ValidationError:
    """A second value for one period: the error names the row of the first (every row before
    `index` is resolved, so its KPI and period are known)."""
    kpi = targets[table.rows[index][kpi_at]][0]

    def same(cells: list[str]) -> bool:
        found = targets.get(cells[kpi_at])
        return found is not None and found[0] is kpi and found[1].get(cells[date_at]) == period
    first = next(i for i in range(index) if same(table.rows[i]))
    label = period_label(date.fromisoformat(period), kpi.cadence)
    return ValidationError("date", f"{label} of {kpi.name!r} is already on row "
                           f"{table.lines[first]}")


# --- OKRs ------------------------------------------------------------------------------------

# A key result as its row gives it: KeyResult fields, checked.
Spec = dict[str, Any]


def import_okrs(store: Store, path: str | Path, today: date,
                meeting: str | None = None) -> Report:
    rows = csvrows.read(path, OKR_COLUMNS)
    report = Report()
    groups: dict[str, list[csvrows.Row]] = {}
    for row in rows:
        groups.setdefault(name_key(row.text("objective")), []).append(row)
    with store.transaction(EventKind.IMPORT, meeting=meeting) as tx:
        names = queries.kpi_names(tx)
        for group in groups.values():
            objective = _import_objective(tx, group, names, today, report, meeting)
            krs = queries.key_results_of(tx, objective.id)
            report.warnings += [f"objective {objective.title!r} {w.text}"
                                for w in okr.warnings(objective, krs)]
        _imported(store, tx, f"imported OKRs from {Path(path).name}: "
                  f"{report.summary('key results')}")
    return report


def _shared(group: list[csvrows.Row], column: str, default: str) -> str:
    """A per-objective column: the rows of one objective may not disagree on it."""
    found: tuple[str, int] | None = None
    for row in group:
        value = row.text(column, required=False)
        if value and found and value != found[0]:
            raise row.error(column, f"{value!r} differs from {found[0]!r} on row {found[1]} "
                            "for the same objective")
        found = found or ((value, row.line) if value else None)
    return found[0] if found else default


def _import_objective(tx: Transaction, group: list[csvrows.Row], names: queries.KpiNames,
                      today: date, report: Report, meeting: str | None) -> Objective:
    title = group[0].text("objective")
    owner = _shared(group, "owner", "")
    cycle = _shared(group, "cycle", current_quarter(today))
    with group[0].checked():
        require_plain_fields({"objective": title, "owner": owner}, ("objective", "owner"))
        cycle = parse_cycle(cycle).label
    specs = [_kr_from_row(row, names) for row in group]
    _refuse_repeated_titles(group, specs)
    linked = tuple(dict.fromkeys(s["kpi"] for s in specs if s["kpi"]))
    existing = queries.active_titled(tx, title)
    if existing is None:
        _refuse_too_many(group, len(specs))
        with group[0].checked():
            objective = okrs.create(tx, title, owner, cycle, specs, linked, today=today)
        report.created += len(specs)
    else:
        objective = documents.save(tx, existing.evolve(
            kpis=tuple(dict.fromkeys(existing.kpis + linked)), owner=owner or existing.owner))
        _update_key_results(tx, objective, group, specs, report)
    _record_imported_currents(tx, objective, specs, today, meeting)
    return objective


def _refuse_repeated_titles(group: list[csvrows.Row], specs: list[Spec]) -> None:
    """The file's own repeats, named by row (core.commands.okrs.refuse_repeated_kr is the
    rule; this says where in the file)."""
    seen: dict[str, int] = {}
    for row, spec in zip(group, specs):
        if name_key(spec["title"]) in seen:
            raise row.error("key_result", f"{spec['title']!r} is already on row "
                            f"{seen[name_key(spec['title'])]} for this objective")
        seen[name_key(spec["title"])] = row.line


def _refuse_too_many(rows: list[csvrows.Row], count: int) -> None:
    """More key results than an objective may have (core.okr.refuse_too_many), named at the
    row of the first one too many (`rows`: the rows that add key results, in order)."""
    if count > okr.MAX_KRS:
        with rows[len(rows) - (count - okr.MAX_KRS)].checked():
            okr.refuse_too_many(count)


def _kr_from_row(row: csvrows.Row, names: queries.KpiNames) -> Spec:
    with row.checked():
        kpi = names.find(row.text("kpi", False)) if row.text("kpi", False) else None
    unit = row.text("unit", False)           # values may be written with it: 89.1%
    current = row.number("current", False, unit)
    if kpi is not None and current is not None:
        raise row.error("current", f"the key result takes its value from KPI {kpi.name!r}; "
                        "leave current empty")
    spec: Spec = dict(title=row.text("key_result"), start=row.number("start", unit=unit),
                target=row.number("target", unit=unit), unit=unit, current=current,
                kpi=kpi.id if kpi else None,
                confidence=row.choice("confidence", CONFIDENCES, False) or "on_track")
    with row.checked():
        require_plain_fields({"key_result": spec["title"], "unit": spec["unit"]},
                             ("key_result", "unit"))
        KeyResult(id="", objective="", **spec)
    return spec


def _update_key_results(tx: Transaction, objective: Objective, group: list[csvrows.Row],
                        specs: list[Spec], report: Report) -> None:
    """Re-importing an objective updates its key results by title and adds new ones, as many
    as an objective may have (core.okr.refuse_too_many, as in the app)."""
    krs = queries.key_results_of(tx, objective.id)
    mine = {name_key(kr.title): kr for kr in krs}
    adding = [row for row, spec in zip(group, specs) if name_key(spec["title"]) not in mine]
    _refuse_too_many(adding, len(krs) + len(adding))
    position = max((kr.position for kr in krs), default=-1) + 1
    for spec in specs:
        found = mine.get(name_key(spec["title"]))
        if found is None:
            documents.insert(tx, KeyResult(id="", objective=objective.id, position=position,
                                           **spec))
            position += 1
            report.created += 1
            continue
        current = spec["current"] if spec["current"] is not None else found.current
        kr = found.evolve(**{**spec, "current": current})
        _count(report, tx.get(KeyResult.TABLE, kr.key), kr.to_doc())
        documents.save(tx, kr)


def _record_imported_currents(tx: Transaction, objective: Objective, specs: list[Spec],
                              today: date, meeting: str | None) -> None:
    """A `current` given in the file is a check-in: it starts the key result's history. (Not
    okrs.check_in, which checks in a key result as a meeting does: the file has set the key
    result's current already, and the check-in records it as it was given.)"""
    krs = {name_key(kr.title): kr.id for kr in queries.key_results_of(tx, objective.id)}
    last = queries.last_checked_values(tx)
    for spec in specs:
        kr_id = krs[name_key(spec["title"])]
        if spec["current"] is None or last.get(kr_id) == spec["current"]:
            continue
        documents.insert(tx, CheckIn(id="", kr=kr_id, day=today, confidence=spec["confidence"],
                                     value=spec["current"], previous=last.get(kr_id),
                                     note="imported", meeting=meeting))
