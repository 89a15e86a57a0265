"""KPI health: the band of a value and the flags of a KPI, each flag with a human reason.

Flags look at a KPI's recent values only (at most RECENT of them), oldest first.

`signal` is Wheeler's XmR chart read with three rules, each judging the latest values by the
process limits of the values before them (never by limits they moved themselves):
- `limit`: the latest value lies outside the limits (a value exactly on a limit is inside);
- `run`: the latest 8 values all lie strictly on one side of the mean;
- `half_way`: 3 of the latest 4 lie strictly beyond the half-way line to a limit on the same
  side (the line half-way from the mean to the limit; a value exactly on it is not beyond:
  it is no closer to the limit than to the mean, Wheeler's own wording).
Which values form the baseline: without a marked process change, the up to 24 values before
those judged, at least 8 (the contract's rolling baseline). After a marked change at P
(`Kpi.changes`), only values from P on: the first up to 20 of them before those judged, at
least 8 — so the limits lock once 20 exist, and later values are judged against them.
"""

from datetime import date
from math import isfinite
from operator import sub

import msgspec

from core import fmt
from core.model import Kpi
from core.periods import latest_finished, period_label, period_start, unit
from core.series import Series
from core.stats import mean

BANDS = ("green", "amber", "red", "none")        # their words: core/words.py
FLAGS = ("breach", "sustained", "drift", "stale", "no_data", "signal", "relapse")
XMR_FACTOR = 2.66
BASELINE_MIN, BASELINE_MAX, RUN_LENGTH = 8, 24, 8
RECENT = BASELINE_MAX + RUN_LENGTH   # the most values any flag looks at
# Wheeler's third rule: HALF_WAY_HITS of the latest HALF_WAY_OF values beyond the half-way line.
HALF_WAY_HITS, HALF_WAY_OF = 3, 4
# After a marked process change, the limits come from this many values of the new phase.
LOCKED_BASELINE = 20
# The rules of `signal`, as `Flag.rule` names them (in the order they are tried).
SIGNAL_RULES = ("limit", "run", "half_way")


class Flag(msgspec.Struct, frozen=True):
    name: str
    reason: str
    rule: str = ""          # for `signal`: which of SIGNAL_RULES fired


class Limits(msgspec.Struct, frozen=True):
    """Natural process limits of an XmR chart."""

    mean: float
    lower: float
    upper: float

    @property
    def half_upper(self) -> float:
        """Half-way from the mean to the upper limit (in halves: finite for any limits)."""
        return self.mean / 2 + self.upper / 2

    @property
    def half_lower(self) -> float:
        return self.mean / 2 + self.lower / 2


class Watch(msgspec.Struct, frozen=True):
    """A retired objective a KPI was linked to, and the day it retired: the KPI's level that
    day is the baseline `relapse` watches (core/okr.py watches says which objective)."""

    title: str
    day: date


class Health(msgspec.Struct, frozen=True):
    kpi: Kpi
    series: Series
    latest: float | None
    band: str
    flags: tuple[Flag, ...]
    limits: Limits | None
    # The marked process change the limits restart from (None: the rolling baseline), and
    # whether they are locked (LOCKED_BASELINE values of its phase before the latest).
    phase: date | None = None
    locked: bool = False

    @property
    def flag_names(self) -> list[str]:
        return [f.name for f in self.flags]


def band(kpi: Kpi, value: float | None) -> str:
    if value is None:
        return "none"
    if kpi.direction == "higher":
        return "green" if value >= kpi.target else "red" if value < kpi.threshold else "amber"
    return "green" if value <= kpi.target else "red" if value > kpi.threshold else "amber"


def worse(kpi: Kpi, before: float, after: float) -> bool:
    """Is `after` strictly worse than `before`? Equal values are not worse."""
    return after < before if kpi.direction == "higher" else after > before


def xmr_limits(baseline: list[float]) -> Limits | None:
    """Wheeler's limits: mean +/- 2.66 x mean moving range of consecutive values. None when
    one lies beyond the largest float (values near ±1.7e308): no value can be outside it, a
    chart cannot draw it, and the JSON of `status` has no number for it."""
    centre = mean(baseline)
    ranges = map(abs, map(sub, baseline[1:], baseline))   # in C: it runs for every KPI
    spread = XMR_FACTOR * sum(ranges) / (len(baseline) - 1)
    lower, upper = centre - spread, centre + spread
    return Limits(centre, lower, upper) if isfinite(lower) and isfinite(upper) else None


def assess(kpi: Kpi, series: Series, today: date, watch: Watch | None = None) -> Health:
    """`watch`: the retirement whose baseline the KPI is held to, if any (`relapse`)."""
    values = series.values(max(RECENT, kpi.sustain))
    latest = values[-1] if values else None
    newest = series.newest_period
    phase = process_phase(kpi, newest)
    process = Process(values) if phase is None else Process(series.since(phase), phase)
    bounds = process.limits_of(process.values[:-1])
    found = flags(kpi, values, newest, bounds, today, series.pull_error, process)
    if values and (relapsed := relapse(kpi, series, watch)) is not None:
        found.append(relapsed)           # never beside no_data: a relapse needs a value
    return Health(kpi, series, latest, band(kpi, latest), tuple(found), bounds, phase,
                  phase is not None and len(process.values) > LOCKED_BASELINE)


def process_phase(kpi: Kpi, newest: date | None) -> date | None:
    """The start of the latest marked process change the newest value belongs to (None when
    there is none): its limits restart there."""
    if not kpi.changes or newest is None:
        return None
    starts = [period_start(c, kpi.cadence) for c in kpi.changes]
    return max((s for s in starts if s <= newest), default=None)


class Process(msgspec.Struct, frozen=True):
    """The values the XmR rules judge, oldest first, and which of them form a baseline:
    without a marked change (`phase` None), the recent values and the rolling baseline;
    after one, the values from the change on and the baseline locked at their start."""

    values: list[float]
    phase: date | None = None

    def baseline(self, before: list[float]) -> list[float] | None:
        """The baseline of the values judged after `before` (the values that precede them);
        None while it has fewer than BASELINE_MIN values."""
        found = before[-BASELINE_MAX:] if self.phase is None else before[:LOCKED_BASELINE]
        return found if len(found) >= BASELINE_MIN else None

    def limits_of(self, before: list[float]) -> Limits | None:
        baseline = self.baseline(before)
        return xmr_limits(baseline) if baseline is not None else None


def limits(values: list[float]) -> Limits | None:
    """The process limits the latest value is judged by: those of the values before it (the
    rolling baseline, as no process change is marked)."""
    return Process(values).limits_of(values[:-1])


def flags(kpi: Kpi, values: list[float], newest: date | None, bounds: Limits | None,
          today: date, pull_error: str = "", process: Process | None = None) -> list[Flag]:
    """`values`: the recent values, oldest first; `newest`: the period of the last one;
    `bounds`: the process limits of the values before it; `pull_error`: why its source's last
    pull failed, if it did; `process`: what the XmR rules judge (default: `values`, with the
    rolling baseline)."""
    if not values or newest is None:
        return [Flag("no_data", "no value recorded yet")]
    found = [_breach(kpi, values[-1], newest), _sustained(kpi, values), _drift(kpi, values),
             _stale(kpi, newest, today, pull_error),
             _signal(kpi, process or Process(values), bounds)]
    return [f for f in found if f is not None]


def _v(kpi: Kpi, value: float) -> str:
    return fmt.value(value, kpi.unit)


def _off_target(kpi: Kpi, value: float) -> str:
    """'26% > threshold 25%' or '2.1x < target 3x', whichever boundary it crosses."""
    colour = band(kpi, value)
    boundary, name = (kpi.threshold, "threshold") if colour == "red" else (kpi.target, "target")
    sign = "<" if kpi.direction == "higher" else ">"
    return f"{_v(kpi, value)} {sign} {name} {_v(kpi, boundary)}"


def _breach(kpi: Kpi, latest: float, newest: date) -> Flag | None:
    if band(kpi, latest) != "red":
        return None
    return Flag("breach", f"{_off_target(kpi, latest)} in {period_label(newest, kpi.cadence)}")


def _sustained(kpi: Kpi, values: list[float]) -> Flag | None:
    recent = values[-kpi.sustain:]
    if len(recent) < kpi.sustain or any(band(kpi, v) == "green" for v in recent):
        return None
    shown = ", ".join(_v(kpi, v) for v in recent)
    return Flag("sustained", f"off target for {unit(kpi.cadence, len(recent))} running "
                f"({shown}; target {_v(kpi, kpi.target)})")


def _drift(kpi: Kpi, values: list[float]) -> Flag | None:
    recent = values[-4:]
    if len(recent) < 4 or not all(worse(kpi, a, b) for a, b in zip(recent, recent[1:])):
        return None
    path = " → ".join(_v(kpi, v) for v in recent)
    return Flag("drift", f"worse {unit(kpi.cadence, 3)} in a row ({path})")


def _stale(kpi: Kpi, newest: date, today: date, pull_error: str = "") -> Flag | None:
    due = latest_finished(today, kpi.cadence)
    if newest >= due:
        return None
    return Flag("stale", f"no value for {period_label(due, kpi.cadence)}; newest is "
                f"{period_label(newest, kpi.cadence)}{source_hint(kpi, pull_error)}")


def source_hint(kpi: Kpi, pull_error: str = "") -> str:
    """Where a stale KPI's value should have come from, and why its last pull failed: its
    source names who to ask."""
    failed = f"; its last pull failed: {pull_error}" if pull_error else ""
    if kpi.formula.strip():
        return f"; computed by its formula (cadence pull){failed}"
    if kpi.source == "sql":
        where = f"pulled from {kpi.connection!r} (sql)"
    elif kpi.source:
        where = f"pulled from its {kpi.source} source"
    else:
        return ""
    return f"; {where}{failed or ': cadence pull, or P in the meeting'}"


def _signal(kpi: Kpi, process: Process, bounds: Limits | None) -> Flag | None:
    """The first of the rules (SIGNAL_RULES) that fires, named in the flag; after a marked
    process change its reason says the limits are those since the change."""
    found = (_beyond_limit(kpi, process.values, bounds) or _run(kpi, process)
             or _half_way(kpi, process))
    if found is None or process.phase is None:
        return found
    since = f" (since the process change in {period_label(process.phase, kpi.cadence)})"
    return Flag(found.name, found.reason + since, found.rule)


def _beyond_limit(kpi: Kpi, values: list[float], bounds: Limits | None) -> Flag | None:
    latest = values[-1]
    if bounds is None or bounds.lower <= latest <= bounds.upper:
        return None
    return Flag("signal", f"{_v(kpi, latest)} outside the natural process limits "
                f"{_v(kpi, bounds.lower)}–{_v(kpi, bounds.upper)}", "limit")


def _run(kpi: Kpi, process: Process) -> Flag | None:
    run = process.values[-RUN_LENGTH:]
    before = process.baseline(process.values[:-RUN_LENGTH])
    if len(run) < RUN_LENGTH or before is None:
        return None
    centre = mean(before)
    side = "above" if min(run) > centre else "below" if max(run) < centre else None
    if side is None:
        return None
    return Flag("signal", f"{RUN_LENGTH} values in a row {side} the earlier mean "
                f"{_v(kpi, centre)}", "run")


def _half_way(kpi: Kpi, process: Process) -> Flag | None:
    window = process.values[-HALF_WAY_OF:]
    bounds = process.limits_of(process.values[:-HALF_WAY_OF])
    if len(window) < HALF_WAY_OF or bounds is None:
        return None
    above = sum(v > bounds.half_upper for v in window)       # strictly: on the line is not
    below = sum(v < bounds.half_lower for v in window)
    if max(above, below) < HALF_WAY_HITS:
        return None
    side, line, limit = (("upper", bounds.half_upper, bounds.upper) if above >= HALF_WAY_HITS
                         else ("lower", bounds.half_lower, bounds.lower))
    return Flag("signal", f"{HALF_WAY_HITS} of the latest {HALF_WAY_OF} values beyond "
                f"{_v(kpi, line)}, half-way to the {side} limit {_v(kpi, limit)}", "half_way")


def relapse(kpi: Kpi, series: Series, watch: Watch | None) -> Flag | None:
    """The KPI's latest value strictly worse than its level when the objective retired: the
    value of the latest period that started on or before the retire day. Values only up to
    that period, or none by then (no baseline), raise nothing."""
    if watch is None:
        return None
    base, newest = series.at_or_before(watch.day), series.newest
    if base is None or newest is None or newest.period <= base.period \
            or not worse(kpi, base.value, newest.value):
        return None
    return Flag("relapse", f"{_v(kpi, newest.value)} again after '{watch.title}' retired at "
                f"{_v(kpi, base.value)} on {watch.day.isoformat()}")
