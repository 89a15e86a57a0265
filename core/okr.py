"""OKR rules: key-result progress, objective score, pace, warnings and ranking."""

from collections.abc import Mapping
from datetime import date

import msgspec

from core.errors import ValidationError
from core.health import Watch
from core.model import CheckIn, KeyResult, Objective
from core.periods import parse_cycle
from core.stats import fraction, mean

BEHIND_MARGIN = 0.15
MIN_KRS, MAX_KRS = 2, 5


def progress(start: float, target: float, current: float) -> float:
    """Share of the way from start to target, clamped to [0, 1]; works for 'reduce' KRs too
    (start != target: a key result refuses it)."""
    return min(1.0, max(0.0, fraction(current, start, target)))


def score(progresses: list[float]) -> float | None:
    return mean(progresses) if progresses else None


def score_band(value: float | None) -> str:
    if value is None:
        return "none"
    return "green" if value >= 0.7 else "amber" if value >= 0.4 else "red"


def refuse_too_many(count: int, field: str = "key_result") -> None:
    """At most MAX_KRS key results, wherever they come from (a form, an import): a sixth is
    refused. Fewer than MIN_KRS is only warned of (`warnings`): an objective is written one
    key result at a time."""
    if count > MAX_KRS:
        raise ValidationError(field, f"an objective has at most {MAX_KRS} key results "
                              f"(this one would have {count}); keep it focused")


def is_behind(progress_: float, elapsed: float) -> bool:
    return progress_ < elapsed - BEHIND_MARGIN


class OkrWarning(msgspec.Struct, frozen=True):
    """Something that makes an objective less useful than it could be: `code` for screens
    that say it short (core/words.py), `text` for those that say it whole."""

    code: str
    text: str


class KrView(msgspec.Struct, frozen=True):
    kr: KeyResult
    current: float
    progress: float
    behind: bool
    history: tuple[float, ...]
    checkins: tuple[CheckIn, ...] = ()


class ObjectiveView(msgspec.Struct, frozen=True):
    objective: Objective
    krs: tuple[KrView, ...]
    score: float | None
    elapsed: float
    warnings: tuple[OkrWarning, ...]


def kr_current(kr: KeyResult, kpi_latest: float | None) -> float:
    """A KPI-linked KR reads its KPI; otherwise the last check-in; until then, its start."""
    if kr.kpi is not None:
        return kpi_latest if kpi_latest is not None else kr.start
    return kr.current if kr.current is not None else kr.start


def pace_elapsed(objective: Objective, today: date) -> float:
    """The share of its time gone that an objective's key results are paced against: of its
    cycle, counted from the day it was written when that was mid-cycle (an objective written
    before `created` was kept counts from its cycle's start, as it always did: the minutes
    of past meetings stay as they were)."""
    return parse_cycle(objective.cycle).elapsed(today, objective.created)


def view(objective: Objective, krs: list[KeyResult], checkins: Mapping[str, list[CheckIn]],
         kpi_latest: Mapping[str, float | None], today: date) -> ObjectiveView:
    elapsed = pace_elapsed(objective, today)
    views = []
    for kr in sorted(krs, key=lambda k: k.position):
        current = kr_current(kr, kpi_latest.get(kr.kpi) if kr.kpi else None)
        share = progress(kr.start, kr.target, current)
        mine = tuple(checkins.get(kr.id, ()))
        history = tuple(c.value for c in mine if c.value is not None)
        views.append(KrView(kr, current, share, is_behind(share, elapsed), history, mine))
    total = score([v.progress for v in views])
    return ObjectiveView(objective, tuple(views), total, elapsed, tuple(warnings(objective, krs)))


def warnings(objective: Objective, krs: list[KeyResult]) -> list[OkrWarning]:
    found = []
    if not MIN_KRS <= len(krs) <= MAX_KRS:
        found.append(OkrWarning("kr_count", f"has {len(krs)} key result{'s' * (len(krs) != 1)}; "
                                f"{MIN_KRS} to {MAX_KRS} keep it focused"))
    if objective.status == "active" and not objective.kpis and not any(k.kpi for k in krs):
        found.append(OkrWarning("no_kpi", "points to no KPI: which health metric should it "
                                "move?"))
    return found


def is_draft(view: ObjectiveView) -> bool:
    """Nobody has checked it in yet: it can still be deleted (afterwards it is retired)."""
    return not any(kr.checkins for kr in view.krs)


def ranked(objectives: list[Objective]) -> list[Objective]:
    """Active objectives by priority (1 = top), then retired ones, newest retirement first."""
    active = sorted((o for o in objectives if o.status == "active"),
                    key=lambda o: (o.priority if o.priority is not None else 10**9, o.key))
    retired = sorted((o for o in objectives if o.status == "retired"),
                     key=lambda o: (o.retired_on or date.min, o.key), reverse=True)
    return active + retired


def watches(objectives: list[Objective], today: date) -> dict[str, Watch]:
    """KPI id -> the retirement its `relapse` flag watches: of the retired objectives linked
    to it (Objective.kpis) by `today`, the most recent (the later baseline is the one the
    team last reached). An active objective on the same KPI does not suspend the watch: a
    relapse is a fact about the KPI, as a breach stays flagged while an intervention is open;
    the new objective is the team's answer to it, not a reason to stop saying it."""
    found: dict[str, tuple[date, int, Watch]] = {}
    for o in objectives:
        day = o.retired_on
        if o.status != "retired" or day is None or day > today:
            continue
        for kpi in o.kpis:
            if kpi not in found or (day, o.key) > found[kpi][:2]:
                found[kpi] = (day, o.key, Watch(o.title, day))
    return {kpi: watch for kpi, (_, _, watch) in found.items()}
