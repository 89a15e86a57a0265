"""KPIs: added, edited and archived, and their values recorded."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from core import queries, series
from core.commands import documents
from core.errors import ValidationError
from core.model import Kpi
from core.names import name_key, require_plain_fields
from core.periods import parse_period, period_label
from core.store import Source, Transaction

# The fields that are names (plain text: core/names.py).
NAMES = ("name", "owner", "unit", "area")


def check_names(fields: dict[str, Any]) -> None:
    """What a KPI's names must be wherever they come from (the app's form, an import): plain
    text, and an owner (a KPI nobody owns is a number nobody answers for)."""
    require_plain_fields(fields, NAMES, "KPI")
    if "owner" in fields and not str(fields["owner"]).strip():
        raise ValidationError("owner", "must not be empty", "KPI")


def add(tx: Transaction, **fields: Any) -> Kpi:
    check_names(fields)
    kpi = Kpi(id="", **{**fields, "name": fields["name"].strip()})
    refuse_look_alike(tx, kpi.name, None)
    check_formula(tx, kpi)
    tx.summary = f"KPI {kpi.name!r} added"
    return documents.insert(tx, kpi)


def update(tx: Transaction, kpi_id: str, **fields: Any) -> Kpi:
    check_names(fields)
    before = queries.kpi(tx, kpi_id)
    kpi = documents.evolve(tx, Kpi, kpi_id, **fields)
    refuse_look_alike(tx, kpi.name, kpi.key)
    check_formula(tx, kpi)
    check_dependents(tx, kpi, before.name)
    tx.summary = f"KPI {kpi.name!r} edited"
    return kpi


Catalogue = Mapping[str, tuple[str, str | None]]


def catalogue(src: Source) -> Catalogue:
    """What a formula may name: every KPI, with its cadence and its own formula (to find
    cycles). An archived KPI too: it left the meeting, its history stays, and a formula over
    it goes on computing from that history. In a roll-up's store, its teams' KPIs too
    (`growth:Revenue`: Store.outside_kpis)."""
    found = {k.name: (k.cadence, k.formula.strip() or None) for k in src.records(Kpi)}
    outside = getattr(getattr(src, "store", src), "outside_kpis", None)   # a Transaction's
    return found if outside is None else {**outside(), **found}


def check_formula(src: Source, kpi: Kpi) -> None:
    """A formula names only KPIs of the same cadence, and none of them leads back to it
    (core.formula.check: unknown names, other cadences, cycles), checked when it is saved."""
    if not kpi.formula.strip():
        return
    from core import formula        # only a KPI with a formula needs the evaluator
    others = {name: found for name, found in catalogue(src).items()
              if name_key(name) != name_key(kpi.name)}
    formula.check(kpi.name, kpi.cadence, kpi.formula, others)


def check_dependents(src: Source, kpi: Kpi, old_name: str | None = None) -> None:
    """The formulas that use `kpi` (by `old_name` too, when it was renamed) still hold once it
    is saved: a KPI renamed, or moved to another cadence, under a formula is refused, naming
    the formula, rather than leaving it to compute nothing."""
    from core import formula
    names = {name_key(kpi.name), name_key(old_name or kpi.name)}
    known = catalogue(src)
    for other in src.records(Kpi):
        if other.key == kpi.key or not other.formula.strip():
            continue
        try:
            uses = {name_key(n) for n in formula.parse(other.formula).names}
        except ValidationError:
            continue                    # already broken: its own save or pull says so
        if not uses & names:
            continue
        try:
            formula.check(other.name, other.cadence, other.formula,
                          {n: f for n, f in known.items() if name_key(n) != name_key(other.name)})
        except ValidationError as exc:
            field = "name" if names != {name_key(kpi.name)} else "cadence"
            raise ValidationError(field, f"the formula of {other.name!r} uses this KPI: "
                                  f"{exc.message}", f"KPI {kpi.name!r}") from None


def archive(tx: Transaction, kpi_id: str) -> Kpi:
    """The KPI leaves the meeting; its history stays in the store."""
    kpi = documents.evolve(tx, Kpi, kpi_id, archived=True)
    tx.summary = f"KPI {kpi.name!r} archived"
    return kpi


def mark_change(tx: Transaction, kpi_id: str, period: date | str, today: date) -> Kpi:
    """Mark that the KPI's process changed at a period (an intervention landed): its process
    limits restart there (core/health.py). A period not yet started, or already marked, is
    refused."""
    kpi, start = _change_period(tx, kpi_id, period, today)
    label = period_label(start, kpi.cadence)
    if start in kpi.changes:
        raise ValidationError("period", f"{label} is already marked as a process change")
    changed = documents.evolve(tx, Kpi, kpi.id, changes=tuple(sorted({*kpi.changes, start})))
    tx.summary = f"{kpi.name}: process change marked at {label}"
    return changed


def unmark_change(tx: Transaction, kpi_id: str, period: date | str, today: date) -> Kpi:
    """Take a process change mark back (the limits no longer restart there)."""
    kpi, start = _change_period(tx, kpi_id, period, today)
    label = period_label(start, kpi.cadence)
    if start not in kpi.changes:
        raise ValidationError("period", f"{label} is not marked as a process change")
    changed = documents.evolve(tx, Kpi, kpi.id,
                               changes=tuple(c for c in kpi.changes if c != start))
    tx.summary = f"{kpi.name}: process change at {label} unmarked"
    return changed


def _change_period(tx: Transaction, kpi_id: str, period: date | str,
                   today: date) -> tuple[Kpi, date]:
    kpi = queries.kpi(tx, kpi_id)
    start = parse_period(period, kpi.cadence) if isinstance(period, str) else period
    if (later := series.not_started(kpi, start, today)) is not None:
        raise ValidationError("period", later)
    return kpi, start


def refuse_look_alike(tx: Transaction, name: str, key: int | None) -> None:
    """One KPI per name as people read it (core.names.name_key): a look-alike of another
    KPI's name is refused naming that KPI."""
    wanted = name_key(name)
    for other in tx.records(Kpi):
        if other.key == key or name_key(other.name) != wanted:
            continue
        if other.name.casefold() == name.strip().casefold():
            raise ValidationError("name", f"{name.strip()!r} is taken by another KPI")
        raise ValidationError("name", f"{name.strip()!r} reads the same as KPI "
                              f"{other.name!r} (names differing only in case, spacing, "
                              "invisible characters or Unicode form are one name)")


def measure(tx: Transaction, kpi_id: str, period: date | str, value: float, note: str,
            today: date) -> series.Measurement:
    """One value for one period of a KPI (`period`: its start, or as people write it),
    replacing the period's value if it had one."""
    kpi = queries.kpi(tx, kpi_id)
    start = parse_period(period, kpi.cadence) if isinstance(period, str) else period
    measurement = series.Measurement(kpi.id, start, value, note.strip(), tx.meeting)
    record_values(tx, kpi, {start.isoformat(): measurement.entry}, today)
    tx.summary = f"{kpi.name}: {value:g} for {period_label(start, kpi.cadence)}"
    return measurement


def record_values(tx: Transaction, kpi: Kpi, entries: dict[str, series.Entry],
                  today: date) -> dict[str, series.Entry]:
    """Many values of one KPI (`{period start: entry}`) in one change; returns the entries
    they replaced. An import's fast path: one call per KPI, however many rows."""
    return series.put(tx, kpi, entries, today)
