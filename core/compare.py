"""How a KPI's latest value compares, as a weekly business review shows it: the change on the
previous period and on the same period a year earlier, and the trailing 4- and 13-period means;
and the 13-period grid of values (the EOS scorecard view).

The rules, each said where it is shown:
- The latest value is the newest period with a value (the one every screen calls "latest").
- A change is a percent of the earlier value's size ((now - then) / |then|, so a rise reads
  as + whatever the signs); for a KPI whose unit is `%` it is the difference in percentage
  points ("+0.4 pt"), as a percent of a percent misleads. No value for the period compared
  with: no comparison, and the reason says which period is missing. An earlier value of 0: no
  percent (points are still given). A change past the largest float (1.7e308 against 1e-300):
  none, "too large to show" — never inf or nan in a screen or the JSON.
- "The same period a year earlier": daily, 364 days earlier (the same weekday: operating data
  has a weekly rhythm); weekly, the same ISO week number of the previous ISO year, and for
  week 53 (which the previous year lacks, as 53-week years are at least five years apart)
  week 52 of the previous year; monthly and quarterly, the same month or quarter a year
  earlier.
- A trailing N-period mean is the mean of the values of the N periods ending with the latest;
  periods without a value are left out and the count says how many had one.

Computed for one KPI when asked (the detail, `status`, the minutes), never for the whole board
at launch.
"""

from datetime import date, timedelta
from math import isfinite
from typing import Any

import msgspec

from core import fmt
from core.health import band
from core.model import Kpi
from core.periods import period_label, period_start, periods_back, previous_period
from core.series import Series
from core.stats import mean

TRAILING = (4, 13)
GRID_PERIODS = 13


class Delta(msgspec.Struct, frozen=True):
    """The latest value against an earlier period's."""

    period: date                    # the period compared with
    base: float | None              # its value; None: it has none
    change: float | None            # percent, or points for a % KPI; None: see `why`
    points: bool                    # `change` is in percentage points
    why: str = ""                   # why there is no change ("no value for 2025-W47")


class Trailing(msgspec.Struct, frozen=True):
    periods: int                    # N
    count: int                      # how many of the N periods have a value
    mean: float | None


class Comparison(msgspec.Struct, frozen=True):
    period: date | None             # the latest period with a value
    value: float | None
    previous: Delta | None          # None: the KPI has no value at all
    year_ago: Delta | None
    trailing: tuple[Trailing, ...]


class Cell(msgspec.Struct, frozen=True):
    """One period of the scorecard grid: its value and band (`none` without a value)."""

    period: date
    label: str
    value: float | None
    band: str


def year_earlier(start: date, cadence: str) -> date:
    """The start of the same period a year earlier (the module's docstring says why so)."""
    if cadence == "daily":
        return start - timedelta(days=364)
    if cadence == "weekly":
        year, week, _ = start.isocalendar()
        try:
            return date.fromisocalendar(year - 1, week, 1)
        except ValueError:                  # week 53 of a year after one with 52 weeks
            return date.fromisocalendar(year - 1, 52, 1)
    return start.replace(year=start.year - 1)


def is_points(kpi: Kpi) -> bool:
    return kpi.unit.strip() == "%"


def change(value: float, base: float, points: bool) -> tuple[float | None, str]:
    """The change from `base` to `value` (points, or a percent of |base|), finite, or None
    and why not."""
    if base == 0 and not points:
        return None, "no percent change from 0"
    diff = value - base
    if not isfinite(diff):                  # 1.7e308 - -1.7e308: in halves, which cannot
        half = value / 2 - base / 2
        found = half * 2 if points else half / abs(base) * 200
    else:
        found = diff if points else diff / abs(base) * 100
    if not isfinite(found):
        return None, "too large to show"
    return found, ""


def delta(kpi: Kpi, series: Series, value: float, period: date) -> Delta:
    points = is_points(kpi)
    base = series.value_at(period)
    if base is None:
        return Delta(period, None, None, points,
                     f"no value for {period_label(period, kpi.cadence)}")
    found, why = change(value, base, points)
    return Delta(period, base, found, points, why)


def trailing(series: Series, kpi: Kpi, latest: date, periods: int) -> Trailing:
    """The mean of the values of the `periods` periods ending with `latest`, the newest
    period with a value (so every value from the first of them on is one of them)."""
    present = series.since(periods_back(latest, kpi.cadence, periods - 1))
    return Trailing(periods, len(present), mean(present) if present else None)


def compare(kpi: Kpi, series: Series) -> Comparison:
    newest = series.newest_period
    if newest is None:
        return Comparison(None, None, None, None, tuple(Trailing(n, 0, None) for n in TRAILING))
    start, value = period_start(newest, kpi.cadence), series.values(1)[0]
    return Comparison(start, value,
                      delta(kpi, series, value, previous_period(start, kpi.cadence)),
                      delta(kpi, series, value, year_earlier(start, kpi.cadence)),
                      tuple(trailing(series, kpi, start, n) for n in TRAILING))


def grid(kpi: Kpi, series: Series, periods: int = GRID_PERIODS) -> list[Cell]:
    """The latest `periods` periods up to the newest value, oldest first, each with its value
    (or none) and its band: the scorecard view."""
    newest = series.newest_period
    if newest is None:
        return []
    cells, start = [], period_start(newest, kpi.cadence)
    for _ in range(periods):
        value = series.value_at(start)
        cells.append(Cell(start, period_label(start, kpi.cadence), value, band(kpi, value)))
        start = previous_period(start, kpi.cadence)
    return cells[::-1]


# --- how it reads ------------------------------------------------------------------------------

def signed(number: float, suffix: str) -> str:
    """+12.5%, -0.4 pt, ±0%: the sign always written, so a change never reads as a level."""
    sign = "+" if number > 0 else "-" if number < 0 else "±"
    return f"{sign}{fmt.number(abs(number))}{suffix}"


def delta_phrase(kpi: Kpi, found: Delta) -> str:
    """`+0.4 pt on 2026-W45 (25.6%)`, or why there is no comparison."""
    label = period_label(found.period, kpi.cadence)
    if found.base is None:
        return found.why
    then = f"on {label} ({fmt.value(found.base, kpi.unit)})"
    if found.change is None:
        return f"{then}: {found.why}"
    return f"{signed(found.change, ' pt' if found.points else '%')} {then}"


def trailing_phrase(kpi: Kpi, found: Trailing) -> str:
    """`4-period mean 24.2%`, with how many periods it covers when some had no value."""
    if found.mean is None:
        return f"{found.periods}-period mean: no value"
    short = f" ({found.count} of {found.periods} periods)" if found.count < found.periods else ""
    return f"{found.periods}-period mean {fmt.value(found.mean, kpi.unit)}{short}"


def short_phrase(kpi: Kpi, found: Delta) -> str:
    """`+0.4 pt vs 2026-W45`, or why there is no comparison."""
    if found.change is None:
        return found.why if found.base is None else \
            f"{found.why} ({period_label(found.period, kpi.cadence)})"
    label = period_label(found.period, kpi.cadence)
    return f"{signed(found.change, ' pt' if found.points else '%')} vs {label}"


def summary(kpi: Kpi, found: Comparison) -> str:
    """One short line for the minutes: '+0.4 pt vs 2026-W45; a year earlier: +1.2 pt vs
    2025-W46; 4-period mean 24.2%, 13-period 22.9%'."""
    if found.previous is None or found.year_ago is None:
        return "no value yet"
    m4, m13 = (trailing_phrase(kpi, t) for t in found.trailing)
    return (f"{short_phrase(kpi, found.previous)}; a year earlier: "
            f"{short_phrase(kpi, found.year_ago)}; {m4}, {m13.replace(' mean', '', 1)}")


def as_json(kpi: Kpi, found: Comparison) -> dict[str, Any]:
    """The comparison for `status --format json` and the minutes (numbers, with the phrase
    each output shows)."""
    def one(d: Delta | None) -> dict[str, Any] | None:
        if d is None:
            return None
        return {"period": d.period.isoformat(), "label": period_label(d.period, kpi.cadence),
                "value": d.base, "change": d.change, "unit": "pt" if d.points else "%",
                "reason": d.why or None}
    return {"period": found.period and found.period.isoformat(), "value": found.value,
            "previous": one(found.previous), "year_ago": one(found.year_ago),
            **{f"mean_{t.periods}": {"mean": t.mean, "count": t.count}
               for t in found.trailing},
            "phrase": summary(kpi, found)}
