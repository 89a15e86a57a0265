"""Where will a key result land? A least-squares line through its points (day, value), read
at its cycle's last day, with a range from the scatter about the line; and the rate a week
now needed to reach its target from where it is.

Its points: the check-ins that carry a value, or for a key result linked to a KPI, the KPI's
values of periods that start within the cycle (each at its period's first day). At least two
points on at least two different days; otherwise no forecast (one point, or all on one day,
gives no direction).

The range: ± the residual standard deviation (residuals over n - 2 degrees of freedom),
widened for a prediction at the cycle's end by sqrt(1 + 1/n + (end - mean day)² / Sxx) — the
further the end lies beyond the check-ins, the wider. Two points lie on their line exactly:
the range is the point itself.

The rate needed: (target - current) / weeks from today to the cycle's last day. "target
reached" when the current value is already at or past the target; "cycle over" from the
cycle's last day on (no week is left to move it).
"""

from datetime import date
from math import isfinite, sqrt

import msgspec

from core import fmt
from core.okr import KrView, progress
from core.periods import Cycle
from core.stats import mean

Point = tuple[date, float]


class Forecast(msgspec.Struct, frozen=True):
    points: int
    lands: float            # the line's value on the cycle's last day
    low: float
    high: float
    state: str              # "needs", "target reached" or "cycle over"
    per_week: float | None  # the rate now needed, for "needs"
    misses: bool            # lands short of the target


def points(view: KrView, kpi_values: list[Point] | None, cycle: Cycle) -> list[Point]:
    """`kpi_values`: the linked KPI's (period start, value), oldest first; None when the key
    result is not linked to a KPI."""
    if kpi_values is not None:
        return [(day, v) for day, v in kpi_values if cycle.start <= day <= cycle.end]
    return [(c.day, c.value) for c in view.checkins if c.value is not None]


def forecast(view: KrView, found: list[Point], cycle: Cycle, today: date) -> Forecast | None:
    kr = view.kr
    line = fit(found, cycle.start, cycle.end)
    if line is None:
        return None
    lands, spread = line
    if not (isfinite(lands) and isfinite(spread)):
        return None                        # values near the float limit: no line to speak of
    misses = progress(kr.start, kr.target, lands) < 1
    if progress(kr.start, kr.target, view.current) >= 1:
        state, per_week = "target reached", None
    elif today >= cycle.end:
        state, per_week = "cycle over", None
    else:
        state, per_week = "needs", (kr.target - view.current) / ((cycle.end - today).days / 7)
        if not isfinite(per_week):
            return None
    return Forecast(len(found), lands, lands - spread, lands + spread, state, per_week, misses)


def fit(found: list[Point], origin: date, end: date) -> tuple[float, float] | None:
    """The least-squares line's value at `end`, and the half-width of its range there; None
    for fewer than two points or all on one day. Days count from `origin`."""
    if len(found) < 2:
        return None
    xs = [float((day - origin).days) for day, _ in found]
    ys = [v for _, v in found]
    x_mean, y_mean = mean(xs), mean(ys)
    sxx = sum((x - x_mean) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys)) / sxx
    at = float((end - origin).days)
    lands = y_mean + slope * (at - x_mean)
    n = len(found)
    if n == 2:
        return lands, 0.0
    residuals = sum((y - (y_mean + slope * (x - x_mean))) ** 2 for x, y in zip(xs, ys))
    spread = sqrt(residuals / (n - 2)) * sqrt(1 + 1 / n + (at - x_mean) ** 2 / sxx)
    return lands, spread


def describe(f: Forecast, unit: str, with_range: bool = True) -> str:
    """What a forecast says, e.g. "lands at 4.3% (3.9% to 4.7%); needs +0.12 pt a week" (points
    for a percentage, the unit otherwise), "lands at 4.3%; target reached", "lands at 61,000
    (58,200 to 63,800); cycle over". Without the range where a line has little room (the
    OKR stage's line under its list; the detail has it whole).
    """
    lands = fmt.value(f.lands, unit)
    if with_range and f.high > f.low:
        lands += f" ({fmt.value(f.low, unit)} to {fmt.value(f.high, unit)})"
    if f.state == "needs" and f.per_week is not None:
        return f"lands at {lands}; needs {fmt.delta(f.per_week, unit)} a week"
    return f"lands at {lands}; {f.state}"
