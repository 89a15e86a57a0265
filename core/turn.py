"""The quarter's turn: closing a cycle drafts the next one. Every active objective of the
cycle retires with its final score; an unfinished one (score below 1.0) is carried forward
unless the facilitator says otherwise — a new active objective in the next cycle (same title,
owner and KPIs) with its remaining key results, those not at target, each starting from
today's value. The KPIs behind the retired objectives go on baseline watch (`relapse`,
core/okr.py watches): a carried objective's too, from the level it reached at the turn.

This module plans the turn (what the app shows before it is made); the change itself is
core/commands/okrs.py `turn`, one event, undone as one.
"""

from collections.abc import Iterable, Mapping

import msgspec

from core import okr
from core.periods import next_cycle, parse_cycle


def remaining(view: okr.ObjectiveView) -> tuple[okr.KrView, ...]:
    """The key results a carried objective takes along: those not at target."""
    return tuple(k for k in view.krs if k.progress < 1.0)


def unfinished(view: okr.ObjectiveView) -> bool:
    """Carried forward unless the facilitator says otherwise: a score below 1.0 (an
    objective without key results has nothing to carry)."""
    return view.score is not None and view.score < 1.0


class Item(msgspec.Struct, frozen=True):
    """One objective of the closing cycle: retired, and carried forward or not."""

    view: okr.ObjectiveView
    carry: bool

    @property
    def remaining(self) -> tuple[okr.KrView, ...]:
        return remaining(self.view)

    @property
    def dropped(self) -> tuple[okr.KrView, ...]:
        """Key results at target: done, they stay behind with the retired objective."""
        return tuple(k for k in self.view.krs if k.progress >= 1.0)


class Turn(msgspec.Struct, frozen=True):
    cycle: str
    next: str
    items: tuple[Item, ...]

    @property
    def carried(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.carry)

    @property
    def retiring(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if not i.carry)


def plan(views: Iterable[okr.ObjectiveView], cycle: str,
         choices: Mapping[str, bool] | None = None) -> Turn:
    """The turn of `cycle` as it would be made now: its active objectives in priority order,
    each carried forward by the facilitator's choice (objective id -> carry), else when
    unfinished. One with nothing left to carry (every key result at target) is never
    carried."""
    label = parse_cycle(cycle).label
    items = []
    for view in views:
        o = view.objective
        if o.status != "active" or o.cycle != label:
            continue
        wanted = (choices or {}).get(o.id, unfinished(view))
        items.append(Item(view, carry=wanted and bool(remaining(view))))
    return Turn(label, next_cycle(label), tuple(items))


def closing_cycle(views: Iterable[okr.ObjectiveView], ended: list[str]) -> str | None:
    """The cycle a quarterly review closes: the earliest that has ended with objectives still
    active, else the cycle of the active objectives that ends first (a review in the cycle's
    last week); None without an active objective."""
    if ended:
        return ended[0]
    active = [v.objective.cycle for v in views if v.objective.status == "active"]
    return min(active, key=lambda c: (parse_cycle(c).end, c), default=None)


def carried_kr(kr: okr.KrView) -> dict[str, object]:
    """A remaining key result as the next cycle's: from today's value to the same target, on
    the same KPI, at the confidence its owner last gave."""
    k = kr.kr
    return {"title": k.title, "unit": k.unit, "start": kr.current, "target": k.target,
            "kpi": k.kpi, "confidence": k.confidence}
