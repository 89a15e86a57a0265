"""Objectives and key results: created, ranked, checked in, edited, retired, and deleted
while still drafts. The rules (score, pace, how many key results) are core/okr.py's."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from core import okr, queries
from core import turn as turns
from core.commands import documents
from core.errors import CadenceError, ValidationError
from core.model import CheckIn, KeyResult, Kpi, Objective
from core.names import name_key, require_plain_fields
from core.periods import next_cycle, parse_cycle
from core.store import Transaction

# The fields that are names (plain text: core/names.py).
OBJECTIVE_NAMES = ("title", "owner")
KR_NAMES = ("title", "unit")


def create(tx: Transaction, title: str, owner: str, cycle: str,
           key_results: Sequence[Mapping[str, Any]], kpis: tuple[str, ...] = (), *,
           today: date, carried_from: str | None = None) -> Objective:
    """A new active objective ranked last, with its key results (KeyResult fields each),
    written `today`: its pace counts from then when that is mid-cycle. `carried_from`: the
    objective of the cycle before it carries on (`turn`)."""
    cycle = parse_cycle(cycle).label
    # A carried objective's names are copied from the store, not typed: one an older store
    # holds with a control character (shown visibly everywhere) must not block the turn.
    typed = carried_from is None
    if typed:
        require_plain_fields({"title": title, "owner": owner}, OBJECTIVE_NAMES, "objective")
    refuse_taken_title(tx, title, None)
    okr.refuse_too_many(len(key_results))
    for index, fields in enumerate(key_results):
        if typed:
            require_plain_fields(dict(fields), KR_NAMES, "key result")
        refuse_repeated_kr(key_results[:index], str(fields.get("title", "")))
    objective = documents.insert(tx, Objective(
        id="", title=title.strip(), owner=owner.strip(), cycle=cycle,
        priority=len(queries.active_ranking(tx)) + 1, kpis=tuple(kpis), created=today,
        carried_from=carried_from))
    for position, fields in enumerate(key_results):
        documents.insert(tx, KeyResult(id="", objective=objective.id, position=position,
                                       **fields))
    tx.summary = f"objective {title!r} created"
    return objective


def move(tx: Transaction, objective_id: str, up: bool) -> Objective:
    """Swap an active objective with its neighbour above (or below)."""
    ranking = queries.active_ranking(tx)
    index = next((i for i, o in enumerate(ranking) if o.id == objective_id), None)
    if index is None:
        raise CadenceError(f"no active objective with id {objective_id!r}")
    other = documents.swap_with_neighbour(ranking, index, up, "priority")
    rank(tx, ranking)
    tx.summary = f"{ranking[other].title!r} moved {'up' if up else 'down'}"
    return queries.objective(tx, objective_id)


def rank(tx: Transaction, ranking: Sequence[Objective]) -> None:
    """Priorities 1..n in list order, so the ranking never has gaps or ties."""
    for position, objective in enumerate(ranking, start=1):
        if objective.priority != position:
            tx.put(Objective.TABLE, objective.key, objective.evolve(priority=position).to_doc())


def retire(tx: Transaction, notes: Mapping[str, str], today: date) -> list[Objective]:
    """Retire objectives (a cycle close retires several in one change), each with its final
    score as of `today` and its closing note."""
    retired = []
    for objective_id, note in notes.items():
        found = queries.active_objective(tx, objective_id)
        view = queries.objective_view(tx, found, today)
        retired.append(found.evolve(status="retired", priority=None, retired_on=today,
                                    final_score=view.score, closing_note=note.strip()))
    for objective in retired:
        tx.put(Objective.TABLE, objective.key, objective.to_doc())
    gone = {o.id for o in retired}
    rank(tx, [o for o in queries.active_ranking(tx) if o.id not in gone])
    tx.summary = f"retired {', '.join(repr(o.title) for o in retired)}"
    return retired


class Turned(NamedTuple):
    """What a cycle's turn did: the objectives retired (all of the cycle's active ones) and
    the next cycle's objectives carried forward from some of them."""
    retired: list[Objective]
    carried: list[Objective]


def turn(tx: Transaction, cycle: str, carry: Collection[str], notes: Mapping[str, str],
         today: date) -> Turned:
    """Close `cycle` and draft the next (core/turn.py): every active objective of it retired
    with its final score as of `today` and its closing note; those in `carry` carried
    forward, each as a new active objective of the next cycle with its key results not at
    target, starting from today's values. One change: one undo takes it all back."""
    label = parse_cycle(cycle).label
    actives = [o for o in queries.active_ranking(tx) if o.cycle == label]
    if not actives:
        raise CadenceError(f"{label} has no active objective to close")
    views = {o.id: queries.objective_view(tx, o, today) for o in actives}
    stray = next((i for i in carry if i not in views), None)
    if stray is not None:
        raise CadenceError(f"{stray!r} is no active objective of {label}")
    after = next_cycle(label)
    for ident in carry:
        if not turns.remaining(views[ident]):
            raise CadenceError(f"{views[ident].objective.title!r}: every key result is at "
                               "target; nothing to carry forward (it retires)")
    said = {o.id: (notes.get(o.id) or "").strip() or
            (f"carried forward to {after}" if o.id in carry else "") for o in actives}
    retired = retire(tx, said, today)
    carried = [create(tx, o.title, o.owner, after,
                      [turns.carried_kr(k) for k in turns.remaining(views[o.id])], o.kpis,
                      today=today, carried_from=o.id)
               for o in actives if o.id in carry]
    tx.summary = (f"closed {label}: retired {len(retired)}"
                  + (f", carried {len(carried)} forward to {after}" if carried else ""))
    return Turned(retired, carried)


def update(tx: Transaction, objective_id: str, **fields: Any) -> Objective:
    require_plain_fields(fields, OBJECTIVE_NAMES, "objective")
    if "title" in fields:
        refuse_taken_title(tx, fields["title"], objective_id)
    if "cycle" in fields:
        fields["cycle"] = parse_cycle(fields["cycle"]).label
    if "kpis" in fields:
        fields["kpis"] = linked_kpis(tx, fields["kpis"])
    objective = documents.evolve(tx, Objective, objective_id, **fields)
    tx.summary = f"objective {objective.title!r} edited"
    return objective


def delete_draft(tx: Transaction, objective_id: str) -> Objective:
    """An objective nobody has checked in yet can go; one with history is retired instead."""
    objective = queries.objective(tx, objective_id)
    krs = queries.key_results_of(tx, objective_id)
    if queries.has_checkins(tx, (kr.id for kr in krs)):
        raise CadenceError(f"{objective.title!r} has check-ins: retire it (r) instead")
    for kr in krs:
        tx.put(KeyResult.TABLE, kr.key, None)
    tx.put(Objective.TABLE, objective.key, None)
    rank(tx, [o for o in queries.active_ranking(tx) if o.id != objective_id])
    tx.summary = f"draft objective {objective.title!r} deleted"
    return objective


def add_key_result(tx: Transaction, objective_id: str, **fields: Any) -> KeyResult:
    require_plain_fields(fields, KR_NAMES, "key result")
    queries.objective(tx, objective_id)                     # it must exist
    mine = queries.key_results_of(tx, objective_id)
    okr.refuse_too_many(len(mine) + 1)
    refuse_repeated_kr([k.to_doc() for k in mine], fields.get("title", ""))
    kr = KeyResult(id="", objective=objective_id, position=len(mine), **fields)
    if kr.kpi:
        linked_kpis(tx, (kr.kpi,))
    tx.summary = f"key result {kr.title!r} added"
    return documents.insert(tx, kr)


def update_key_result(tx: Transaction, kr_id: str, **fields: Any) -> KeyResult:
    require_plain_fields(fields, KR_NAMES, "key result")
    kr = documents.evolve(tx, KeyResult, kr_id, **fields)
    others = [k.to_doc() for k in queries.key_results_of(tx, kr.objective) if k.id != kr.id]
    refuse_repeated_kr(others, kr.title)
    if kr.kpi:
        linked_kpis(tx, (kr.kpi,))
    tx.summary = f"key result {kr.title!r} edited"
    return kr


def check_in(tx: Transaction, kr_id: str, value: float | None, confidence: str, note: str,
             today: date) -> CheckIn:
    """A key result's new value and confidence. One linked to a KPI takes the KPI's value
    (and keeps none of its own); any other needs one."""
    kr = queries.key_result(tx, kr_id)
    latest = queries.kpi_latest(tx, kr.kpi, today) if kr.kpi is not None else None
    current = okr.kr_current(kr, latest)
    if kr.kpi is not None:
        if value is not None:
            raise CadenceError(f"value: {kr.title!r} takes its value from its KPI")
        value = current
    elif value is None:
        raise CadenceError("value: a check-in needs the key result's current value")
    tx.put(KeyResult.TABLE, kr.key, kr.evolve(
        confidence=confidence, current=kr.current if kr.kpi is not None else value).to_doc())
    tx.summary = f"check-in {kr.title}: {current:g} -> {value:g}"
    return documents.insert(tx, CheckIn(id="", kr=kr.id, day=today, confidence=confidence,
                                        value=value, previous=current, note=note.strip(),
                                        meeting=tx.meeting))


def refuse_taken_title(tx: Transaction, title: str, objective_id: str | None) -> None:
    """One active objective per title as people read it: an import's rows name an objective
    by its title (and update it), so a second one of that title would be ambiguous."""
    wanted = name_key(title)
    for other in queries.active_ranking(tx):
        if other.id != objective_id and name_key(other.title) == wanted:
            raise ValidationError("title", f"{other.title!r} is already an active objective",
                                  "objective")


def refuse_repeated_kr(others: Sequence[Mapping[str, Any]], title: str) -> None:
    """A key result's title is its name within its objective (an import updates it by title),
    so two of one objective may not share it."""
    wanted = name_key(title)
    if wanted and any(name_key(str(o.get("title", ""))) == wanted for o in others):
        raise ValidationError("title", f"{title.strip()!r} is already a key result of this "
                              "objective", "key result")


def linked_kpis(tx: Transaction, refs: Iterable[str]) -> tuple[str, ...]:
    """KPI ids to link, each checked, repeats dropped."""
    found = tuple(dict.fromkeys(refs))
    for ref in found:
        if queries.find(tx, Kpi, ref) is None:
            raise ValidationError("kpis", f"no KPI with id {ref!r}")
    return found
