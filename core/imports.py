"""CSV import of KPIs, measurements and OKRs: all-or-nothing, one write, safe to repeat.

Each import runs in one store transaction; the first bad row raises, so nothing is written.
"""

from datetime import date
from pathlib import Path

import msgspec

from core import bulk, csvrows, okr, series
from core.errors import ValidationError
from core.inputs import parse_number
from core.manage import KPI_NAMES, add_objective
from core.model import CONFIDENCES, DIRECTIONS, CheckIn, KeyResult, Kpi, Objective, make_id
from core.names import name_key, require_plain_fields
from core.periods import (CADENCES, current_quarter, parse_cycle, period_label, period_start,
                          require_day)
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


def _count(report: Report, before, after) -> None:
    if before is None:
        report.created += 1
    elif before != after:
        report.updated += 1
    else:
        report.unchanged += 1


def _kpi_lookup(tx: Transaction) -> tuple[dict[str, Kpi], dict[str, Kpi]]:
    """KPIs by name as people read it (core.names.name_key) and by id."""
    kpis = tx.records(Kpi)
    return {name_key(k.name): k for k in kpis}, {k.id: k for k in kpis}


def _resolve_kpi(cell: str, by_name: dict, by_id: dict) -> Kpi:
    ref = cell.strip()
    if not ref:
        raise ValidationError("kpi", "must not be empty")
    found = by_name.get(name_key(ref)) or by_id.get(ref.lower())
    if found is None:
        raise ValidationError("kpi", f"no KPI named {ref!r} (nor with that id)")
    return found


# --- KPIs ----------------------------------------------------------------------------------

def import_kpis(store: Store, path: str | Path, meeting: str | None = None) -> Report:
    rows = csvrows.read(path, KPI_COLUMNS)
    report = Report()
    with store.transaction("import", f"imported KPIs from {Path(path).name}", meeting) as tx:
        by_name, _ = _kpi_lookup(tx)
        first_row: dict[str, int] = {}
        for row in rows:
            name, key = row.text("name"), name_key(row.text("name"))
            if key in first_row:
                raise row.error("name", f"{name!r} is already on row {first_row[key]}")
            first_row[key] = row.line
            existing = by_name.get(key)
            with row.checked():
                kpi = _kpi_from_row(row, existing)
            key = existing.key if existing else None
            before = tx.get("kpis", key) if key else None
            _count(report, before, kpi.to_doc())
            if key is None:
                tx.insert("kpis", kpi.to_doc())
            else:
                tx.put("kpis", key, kpi.to_doc())
        store.meta()["demo"] = False
        tx.summary = f"{tx.summary}: {report.summary('KPIs')}"
    return report


def _kpi_from_row(row: csvrows.Row, existing: Kpi | None) -> Kpi:
    """The row's KPI. A row naming an existing KPI updates it; it renames it only when the
    names differ in case alone (a look-alike spelling, say from another tool's Unicode form,
    is not a new name)."""
    fields = dict(name=row.text("name"), owner=row.text("owner"), unit=row.text("unit", False),
                  direction=row.choice("direction", DIRECTIONS),
                  target=row.number("target"), threshold=row.number("threshold"),
                  cadence=row.choice("cadence", CADENCES))
    optional = dict(area=lambda: row.text("area", False),
                    baseline=lambda: row.number("baseline", False),
                    description=lambda: row.text("description", False),
                    north_star=lambda: row.flag("north_star"),
                    sustain=lambda: row.integer("sustain") or 2)
    fields.update((name, read()) for name, read in optional.items() if row.has(name))
    require_plain_fields(fields, KPI_NAMES)
    if existing is not None:
        if fields["name"].casefold() != existing.name.casefold():
            fields["name"] = existing.name
        return existing.evolve(**fields)
    return Kpi(id="", **fields)


# --- measurements ----------------------------------------------------------------------------

def import_measurements(store: Store, path: str | Path, today: date,
                        meeting: str | None = None) -> Report:
    with bulk.collector_paused():   # the rows are freed inside: the collector never sees them
        return _import_measurements(store, path, today, meeting)


def _import_measurements(store: Store, path: str | Path, today: date,
                         meeting: str | None) -> Report:
    table = csvrows.read_table(path, MEASUREMENT_COLUMNS)
    report = Report()
    with store.transaction("import", f"imported measurements from {Path(path).name}",
                           meeting) as tx:
        by_kpi = _entries_by_kpi(table, _kpi_lookup(tx), today, meeting)
        for kpi, entries in by_kpi.values():
            replaced = series.put(tx, kpi, entries, today)
            same = sum(entries[period] == entry for period, entry in replaced.items())
            report.created += len(entries) - len(replaced)
            report.updated += len(replaced) - same
            report.unchanged += same
        store.meta()["demo"] = False
        tx.summary = f"{tx.summary}: {report.summary('measurements')}"
    return report


def _entries_by_kpi(table: csvrows.Table, kpis: tuple[dict, dict], today: date,
                    meeting: str | None) -> dict[str, tuple[Kpi, dict[str, series.Entry]]]:
    """Every row's entry, by KPI id and period. An import may hold 100k rows, so a row costs a
    few dict look-ups: each KPI reference and each date is resolved once, on first sight."""
    kpi_at, date_at, value_at = map(table.column, MEASUREMENT_COLUMNS)
    note_at = table.column("note")
    bare = note_at is None and meeting is None          # then an entry is only its value
    targets: dict[str, tuple[Kpi, dict[str, str], dict[str, series.Entry]]] = {}
    periods: dict[str, dict[str, str]] = {}     # per cadence: date cell -> period key
    by_kpi: dict[str, tuple[Kpi, dict[str, series.Entry]]] = {}
    for index, cells in enumerate(table.rows):
        try:
            target = targets.get(cells[kpi_at])
            if target is None:
                if csvrows.blank(cells):
                    continue
                kpi = _resolve_kpi(cells[kpi_at], *kpis)
                target = targets[cells[kpi_at]] = (kpi, periods.setdefault(kpi.cadence, {}),
                                                   by_kpi.setdefault(kpi.id, (kpi, {}))[1])
            kpi, known, entries = target
            day = cells[date_at]
            period = known.get(day) or known.setdefault(day, _period(day, kpi, today))
            if period in entries:
                raise _repeated(table, index, kpi, period, lambda c: c[kpi_at] in targets
                                and targets[c[kpi_at]][0] is kpi and known[c[date_at]] == period)
            value = parse_number(cells[value_at], "value")
            entries[period] = value if bare else series.entry(
                value, cells[note_at].strip() if note_at is not None else "", meeting)
        except ValidationError as exc:
            raise table.error(index, exc.field, exc.message) from None
    return by_kpi


def _period(cell: str, kpi: Kpi, today: date) -> str:
    """The start of the KPI's period that a date falls in, as a series key."""
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


def _repeated(table: csvrows.Table, index: int, kpi: Kpi, period: str, same) -> ValidationError:
    """A second value for one period: the error names the row of the first (`same(cells)`)."""
    first = table.lines[next(i for i in range(index) if same(table.rows[i]))]
    label = period_label(date.fromisoformat(period), kpi.cadence)
    return ValidationError("date", f"{label} of {kpi.name!r} is already on row {first}")


# --- OKRs ------------------------------------------------------------------------------------

def import_okrs(store: Store, path: str | Path, today: date,
                meeting: str | None = None) -> Report:
    rows = csvrows.read(path, OKR_COLUMNS)
    report = Report()
    groups: dict[str, list[csvrows.Row]] = {}
    for row in rows:
        groups.setdefault(row.text("objective").casefold(), []).append(row)
    with store.transaction("import", f"imported OKRs from {Path(path).name}", meeting) as tx:
        kpis = _kpi_lookup(tx)
        for group in groups.values():
            objective = _import_objective(tx, group, kpis, today, report, meeting)
            krs = [kr for kr in tx.records(KeyResult) if kr.objective == objective.id]
            report.warnings += [f"objective {objective.title!r} {w}"
                                for w in okr.warnings(objective, krs)]
        store.meta()["demo"] = False
        tx.summary = f"{tx.summary}: {report.summary('key results')}"
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


def _import_objective(tx: Transaction, group: list[csvrows.Row], kpis, today: date,
                      report: Report, meeting: str | None) -> Objective:
    title = group[0].text("objective")
    owner = _shared(group, "owner", "")
    cycle = _shared(group, "cycle", current_quarter(today))
    with group[0].checked():
        require_plain_fields({"objective": title, "owner": owner}, ("objective", "owner"))
        cycle = parse_cycle(cycle).label
    specs = [_kr_from_row(row, kpis) for row in group]
    _refuse_repeated_titles(group, specs)
    linked = tuple(dict.fromkeys(s["kpi"] for s, _ in specs if s["kpi"]))
    existing = next((o for o in tx.records(Objective)
                     if o.status == "active" and o.title.casefold() == title.casefold()), None)
    if existing is None:
        with group[0].checked():
            objective = add_objective(tx, title, owner, cycle, [s for s, _ in specs], linked)
        report.created += len(specs)
    else:
        objective = existing.evolve(kpis=tuple(dict.fromkeys(existing.kpis + linked)),
                                    owner=owner or existing.owner)
        tx.put("objectives", objective.key, objective.to_doc())
        _update_key_results(tx, objective, specs, report)
    _record_imported_currents(tx, objective, specs, today, meeting)
    return objective


def _refuse_repeated_titles(group: list[csvrows.Row], specs: list) -> None:
    seen: dict[str, int] = {}
    for row, (spec, _) in zip(group, specs):
        if spec["title"].casefold() in seen:
            raise row.error("key_result", f"{spec['title']!r} is already on row "
                            f"{seen[spec['title'].casefold()]} for this objective")
        seen[spec["title"].casefold()] = row.line


def _kr_from_row(row: csvrows.Row, kpis) -> tuple[dict, csvrows.Row]:
    with row.checked():
        kpi = _resolve_kpi(row.text("kpi", False), *kpis) if row.text("kpi", False) else None
    current = row.number("current", False)
    if kpi is not None and current is not None:
        raise row.error("current", f"the key result takes its value from KPI {kpi.name!r}; "
                        "leave current empty")
    spec = dict(title=row.text("key_result"), start=row.number("start"),
                target=row.number("target"), unit=row.text("unit", False), current=current,
                kpi=kpi.id if kpi else None,
                confidence=row.choice("confidence", CONFIDENCES, False) or "on_track")
    with row.checked():
        require_plain_fields({"key_result": spec["title"], "unit": spec["unit"]},
                             ("key_result", "unit"))
        KeyResult(id="", objective="", **spec)
    return spec, row


def _update_key_results(tx: Transaction, objective: Objective, specs: list,
                        report: Report) -> None:
    """Re-importing an objective updates its key results by title and adds new ones."""
    mine = {d["title"].casefold(): (k, d) for k, d in tx.docs("key_results").items()
            if d["objective"] == objective.id}
    position = max((d["position"] for _, d in mine.values()), default=-1) + 1
    for spec, _ in specs:
        key, doc = mine.get(spec["title"].casefold(), (None, None))
        if doc is None:
            kr = KeyResult(id="", objective=objective.id, position=position, **spec)
            position += 1
            tx.insert("key_results", kr.to_doc())
            report.created += 1
            continue
        current = spec["current"] if spec["current"] is not None else doc.get("current")
        kr = tx.record(KeyResult, key).evolve(**{**spec, "current": current})
        _count(report, doc, kr.to_doc())
        tx.put("key_results", key, kr.to_doc())


def _record_imported_currents(tx: Transaction, objective: Objective, specs: list, today: date,
                              meeting: str | None) -> None:
    """A `current` given in the file is a check-in: it starts the key result's history."""
    krs = {d["title"].casefold(): k for k, d in tx.docs("key_results").items()
           if d["objective"] == objective.id}
    last = {d["kr"]: d.get("value") for _, d in sorted(tx.docs("checkins").items())}
    for spec, _ in specs:
        kr_id = make_id("key_results", krs[spec["title"].casefold()])
        if spec["current"] is None or last.get(kr_id) == spec["current"]:
            continue
        checkin = CheckIn(id="", kr=kr_id, day=today, confidence=spec["confidence"],
                          value=spec["current"], previous=last.get(kr_id), note="imported",
                          meeting=meeting)
        tx.insert("checkins", checkin.to_doc())

