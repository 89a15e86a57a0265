"""Typed questions to the store: a value by its id, a KPI by its name, the key results of an
objective, the active ranking. Asked of a transaction (which sees its own pending changes) or
of a store the caller has checked; each answer is a value (core/model.py), never a raw
document, and "not there" is the one-line error people see.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from core import okr, series
from core.errors import CadenceError, ValidationError
from core.model import Action, CheckIn, KeyResult, Kpi, Meeting, Objective, Record, split_id
from core.names import name_key
from core.store import Source

R = TypeVar("R", bound=Record)


# --- one value by its id ---------------------------------------------------------------------

def find(src: Source, cls: type[R], ident: str | None) -> R | None:
    """The value with this id, or None (no such id, an id of another table, or no id)."""
    found = split_id(ident or "")
    if found is None or found[0] != cls.TABLE:
        return None
    doc = src.docs(cls.TABLE).get(found[1])
    return None if doc is None else cls.from_doc(found[1], doc)


def require(src: Source, cls: type[R], ident: str | None) -> R:
    """The value with this id, or the error that names what is missing."""
    value = find(src, cls, ident)
    if value is None:
        noun = cls.TABLE.rstrip("s").replace("_", " ")
        raise CadenceError(f"no {noun} with id {ident!r}")
    return value


def kpi(src: Source, ident: str | None) -> Kpi:
    return require(src, Kpi, ident)


def objective(src: Source, ident: str | None) -> Objective:
    return require(src, Objective, ident)


def key_result(src: Source, ident: str | None) -> KeyResult:
    return require(src, KeyResult, ident)


def action(src: Source, ident: str | None) -> Action:
    return require(src, Action, ident)


def meeting(src: Source, ident: str | None) -> Meeting:
    return require(src, Meeting, ident)


def link_target(src: Source, link: str, outside: Callable[[str], bool] | None = None) -> str:
    """A decision's or action's link: the id of a KPI, an objective or a key result; or, for a
    store that links outside itself (a roll-up's: `Store.outside`), an id it knows there."""
    if not any(find(src, cls, link) for cls in (Kpi, Objective, KeyResult)) and not (
            outside is not None and outside(link)):
        raise CadenceError(f"link: no KPI, objective or key result with id {link!r}")
    return link


# --- KPIs by name ----------------------------------------------------------------------------

class KpiNames:
    """The KPIs by name as people read it (core.names.name_key: any case, spacing, Unicode
    form) and by id, indexed once: an import resolves every distinct cell through it."""

    def __init__(self, kpis: Iterable[Kpi]):
        found = list(kpis)
        self._by_name = {name_key(k.name): k for k in found}
        self._by_id = {k.id: k for k in found}

    def named(self, name: str) -> Kpi | None:
        """The KPI whose name reads as this one, if any."""
        return self._by_name.get(name_key(name))

    def find(self, ref: str) -> Kpi:
        """The KPI a person means by this name or id."""
        wanted = ref.strip()
        if not wanted:
            raise ValidationError("kpi", "must not be empty")
        found = self.named(wanted) or self._by_id.get(wanted.lower())
        if found is None:
            raise ValidationError("kpi", f"no KPI named {wanted!r} (nor with that id)")
        return found


def kpi_names(src: Source) -> KpiNames:
    return KpiNames(src.records(Kpi))


def kpi_by_name(src: Source, ref: str) -> Kpi:
    """One KPI by name or id (for many, `kpi_names` once)."""
    return kpi_names(src).find(ref)


def kpi_latest(src: Source, kpi_id: str, today: date) -> float | None:
    """A KPI's newest value of a period started by `today`, as the read model has it (an
    archived KPI's too: the key results linked to it still read it)."""
    found = split_id(kpi_id)
    doc = src.docs(series.TABLE).get(found[1]) if found and found[0] == Kpi.TABLE else None
    values = series.Series(kpi_id, doc or {}, today).values(1)
    return values[0] if values else None


# --- objectives and key results --------------------------------------------------------------

def key_results_of(src: Source, objective_id: str) -> list[KeyResult]:
    """An objective's key results, in their order."""
    mine = [kr for kr in src.records(KeyResult) if kr.objective == objective_id]
    return sorted(mine, key=lambda kr: kr.position)


def active_ranking(src: Source) -> list[Objective]:
    """The active objectives, top priority first."""
    return [o for o in okr.ranked(src.records(Objective)) if o.status == "active"]


def active_titled(src: Source, title: str) -> Objective | None:
    """The active objective with this title as people read it (core.names.name_key: any case,
    spacing, Unicode form): an import's rows name it so."""
    wanted = name_key(title)
    return next((o for o in src.records(Objective)
                 if o.status == "active" and name_key(o.title) == wanted), None)


def active_objective(src: Source, ident: str) -> Objective:
    found = find(src, Objective, ident)
    if found is None or found.status != "active":
        raise CadenceError(f"no active objective with id {ident!r}")
    return found


def objective_view(src: Source, found: Objective, today: date) -> okr.ObjectiveView:
    """An objective's score and its key results' progress on `today` (what the read model
    shows of it), without building the whole read model."""
    krs = key_results_of(src, found.id)
    linked = {kr.kpi for kr in krs if kr.kpi is not None}
    latest = {ident: kpi_latest(src, ident, today) for ident in linked}
    return okr.view(found, krs, {}, latest, today)


def has_checkins(src: Source, kr_ids: Iterable[str]) -> bool:
    wanted = set(kr_ids)
    return any(c.kr in wanted for c in src.records(CheckIn))


def last_checked_values(src: Source) -> dict[str, float | None]:
    """Each key result's value at its newest check-in, by key result id."""
    return {c.kr: c.value for c in src.records(CheckIn)}
