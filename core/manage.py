"""Keeping the operating system itself: KPIs added, edited and archived; objectives written,
edited, deleted while still drafts, and closed with their cycle. Mixed into `Service`, so every
change is an event like any other (undoable inside a meeting, in the minutes when it happened
in one)."""

from core import okr
from core.errors import CadenceError, ValidationError
from core.model import KeyResult, Kpi, Objective, make_id, split_id
from core.names import name_key, require_plain_fields
from core.periods import parse_cycle
from core.store import Transaction


def active_ranking(tx: Transaction) -> list[Objective]:
    objectives = tx.records(Objective)
    return [o for o in okr.ranked(objectives) if o.status == "active"]


def write_ranking(tx: Transaction, ranking: list[Objective]) -> None:
    """Priorities 1..n in list order, so the ranking never has gaps or ties."""
    for rank, objective in enumerate(ranking, start=1):
        if objective.priority != rank:
            tx.put("objectives", objective.key, objective.evolve(priority=rank).to_doc())


KPI_NAMES = ("name", "owner", "unit", "area")
OBJECTIVE_NAMES = ("title", "owner")
KR_NAMES = ("title", "unit")


def add_objective(tx: Transaction, title: str, owner: str, cycle: str, key_results: list[dict],
                  kpis: tuple[str, ...] = ()) -> Objective:
    """A new active objective ranked last, with its key results (dicts of KeyResult fields)."""
    parse_cycle(cycle)
    require_plain_fields({"title": title, "owner": owner}, OBJECTIVE_NAMES, "objective")
    for fields in key_results:
        require_plain_fields(fields, KR_NAMES, "key result")
    objective = Objective(id="", title=title.strip(), owner=owner.strip(), cycle=cycle,
                          priority=len(active_ranking(tx)) + 1, kpis=tuple(kpis))
    key = tx.insert("objectives", objective.to_doc())
    objective = objective.evolve(id=make_id("objectives", key))
    for position, fields in enumerate(key_results):
        kr = KeyResult(id="", objective=objective.id, position=position, **fields)
        tx.insert("key_results", kr.to_doc())
    return objective


class ManageMixin:
    def _evolve(self, tx, cls, ident: str, **fields):
        """Load a document as its value, change some fields (validated), and put it back."""
        key = self._key(tx, ident, cls.TABLE)
        value = tx.record(cls, key).evolve(**fields)
        tx.put(cls.TABLE, key, value.to_doc())
        return value

    # --- KPIs ----------------------------------------------------------------------------

    def _unique_name(self, tx, name: str, key: int | None) -> None:
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

    def add_kpi(self, **fields) -> Kpi:
        require_plain_fields(fields, KPI_NAMES, "KPI")
        kpi = Kpi(id="", **{**fields, "name": fields["name"].strip()})
        with self._tx("kpi.create", f"KPI {kpi.name!r} added") as tx:
            self._unique_name(tx, kpi.name, None)
            return kpi.evolve(id=make_id("kpis", tx.insert("kpis", kpi.to_doc())))

    def update_kpi(self, kpi_id: str, **fields) -> Kpi:
        require_plain_fields(fields, KPI_NAMES, "KPI")
        with self._tx("kpi.update") as tx:
            kpi = self._evolve(tx, Kpi, kpi_id, **fields)
            self._unique_name(tx, kpi.name, kpi.key)
            tx.summary = f"KPI {kpi.name!r} edited"
        return kpi

    def archive_kpi(self, kpi_id: str) -> Kpi:
        """The KPI leaves the meeting; its history stays in the store."""
        with self._tx("kpi.archive") as tx:
            kpi = self._evolve(tx, Kpi, kpi_id, archived=True)
            tx.summary = f"KPI {kpi.name!r} archived"
        return kpi

    # --- objectives and key results ------------------------------------------------------

    def _linked_kpis(self, tx, refs: tuple[str, ...]) -> tuple[str, ...]:
        for ref in refs:
            found = split_id(ref)
            if not found or found[0] != "kpis" or tx.get(*found) is None:
                raise ValidationError("kpis", f"no KPI with id {ref!r}")
        return tuple(dict.fromkeys(refs))

    def update_objective(self, objective_id: str, **fields) -> Objective:
        require_plain_fields(fields, OBJECTIVE_NAMES, "objective")
        with self._tx("objective.update") as tx:
            if "cycle" in fields:
                fields["cycle"] = parse_cycle(fields["cycle"]).label
            if "kpis" in fields:
                fields["kpis"] = self._linked_kpis(tx, fields["kpis"])
            objective = self._evolve(tx, Objective, objective_id, **fields)
            tx.summary = f"objective {objective.title!r} edited"
        return objective

    def add_key_result(self, objective_id: str, **fields) -> KeyResult:
        require_plain_fields(fields, KR_NAMES, "key result")
        with self._tx("kr.create") as tx:
            self._key(tx, objective_id, "objectives")         # it must exist
            mine = [d for d in tx.docs("key_results").values() if d["objective"] == objective_id]
            if len(mine) >= okr.MAX_KRS:
                raise CadenceError(f"an objective has at most {okr.MAX_KRS} key results")
            kr = KeyResult(id="", objective=objective_id, position=len(mine), **fields)
            if kr.kpi:
                self._linked_kpis(tx, (kr.kpi,))
            tx.summary = f"key result {kr.title!r} added"
            return kr.evolve(id=make_id("key_results", tx.insert("key_results", kr.to_doc())))

    def update_key_result(self, kr_id: str, **fields) -> KeyResult:
        require_plain_fields(fields, KR_NAMES, "key result")
        with self._tx("kr.update") as tx:
            kr = self._evolve(tx, KeyResult, kr_id, **fields)
            if kr.kpi:
                self._linked_kpis(tx, (kr.kpi,))
            tx.summary = f"key result {kr.title!r} edited"
        return kr

    def delete_draft(self, objective_id: str) -> Objective:
        """An objective nobody has checked in yet can go; one with history is retired instead."""
        with self._tx("objective.delete") as tx:
            key = self._key(tx, objective_id, "objectives")
            objective = tx.record(Objective, key)
            krs = {k for k, d in tx.docs("key_results").items() if d["objective"] == objective_id}
            kr_ids = {make_id("key_results", k) for k in krs}
            if any(d["kr"] in kr_ids for d in tx.docs("checkins").values()):
                raise CadenceError(f"{objective.title!r} has check-ins: retire it (r) instead")
            for k in krs:
                tx.put("key_results", k, None)
            tx.put("objectives", key, None)
            write_ranking(tx, [o for o in active_ranking(tx) if o.id != objective_id])
            tx.summary = f"draft objective {objective.title!r} deleted"
        return objective

    def retire_objectives(self, notes: dict[str, str]) -> list[Objective]:
        """Retire several objectives at once (a cycle close), each with its final score and
        closing note, as one change."""
        board = self.board()
        retired = []
        for objective_id, note in notes.items():
            view = board.by_id.get(objective_id)
            if not isinstance(view, okr.ObjectiveView) or view.objective.status != "active":
                raise CadenceError(f"no active objective with id {objective_id!r}")
            retired.append(view.objective.evolve(
                status="retired", priority=None, retired_on=self.today(),
                final_score=view.score, closing_note=note.strip()))
        titles = ", ".join(repr(o.title) for o in retired)
        with self._tx("objective.retire", f"retired {titles}") as tx:
            for objective in retired:
                tx.put("objectives", objective.key, objective.to_doc())
            gone = {o.id for o in retired}
            write_ranking(tx, [o for o in active_ranking(tx) if o.id not in gone])
        return retired
