"""KPI health: the band of a value and the flags of a KPI, each flag with a human reason.

The series handed to these functions is the KPI's measurements in period order, oldest first.
"""

from dataclasses import dataclass
from datetime import date
from statistics import fmean

from core import fmt
from core.model import Kpi, Measurement
from core.periods import latest_finished, period_label, unit

BANDS = ("green", "amber", "red", "none")
# Words and symbols, so a band reads without colour (NO_COLOR, monochrome projectors).
BAND_LABEL = {"green": "● ok", "amber": "▲ watch", "red": "✖ off", "none": "· no data"}
FLAGS = ("breach", "sustained", "drift", "stale", "no_data", "signal")
XMR_FACTOR = 2.66
BASELINE_MIN, BASELINE_MAX, RUN_LENGTH = 8, 24, 8


@dataclass(frozen=True, slots=True)
class Flag:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Natural process limits of an XmR chart."""

    mean: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class Health:
    kpi: Kpi
    series: tuple[Measurement, ...]
    band: str
    flags: tuple[Flag, ...]
    limits: Limits | None

    @property
    def latest(self) -> float | None:
        return self.series[-1].value if self.series else None

    @property
    def values(self) -> list[float]:
        return [m.value for m in self.series]

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


def xmr_limits(baseline: list[float]) -> Limits:
    """Wheeler's limits: mean +/- 2.66 x mean moving range of consecutive values."""
    mean = fmean(baseline)
    spread = XMR_FACTOR * fmean(abs(b - a) for a, b in zip(baseline, baseline[1:]))
    return Limits(mean, mean - spread, mean + spread)


def assess(kpi: Kpi, series: list[Measurement], today: date) -> Health:
    values = [m.value for m in series]
    baseline = values[-1 - BASELINE_MAX:-1]
    limits = xmr_limits(baseline) if len(baseline) >= BASELINE_MIN else None
    latest = values[-1] if values else None
    return Health(kpi, tuple(series), band(kpi, latest), tuple(flags(kpi, series, today)), limits)


def flags(kpi: Kpi, series: list[Measurement], today: date) -> list[Flag]:
    if not series:
        return [Flag("no_data", "no value recorded yet")]
    found = [_breach(kpi, series), _sustained(kpi, series), _drift(kpi, series),
             _stale(kpi, series, today), _signal(kpi, series)]
    return [f for f in found if f is not None]


def _v(kpi: Kpi, value: float) -> str:
    return fmt.value(value, kpi.unit)


def _off_target(kpi: Kpi, value: float) -> str:
    """'26% > threshold 25%' or '2.1x < target 3x', whichever boundary it crosses."""
    colour = band(kpi, value)
    boundary, name = (kpi.threshold, "threshold") if colour == "red" else (kpi.target, "target")
    sign = "<" if kpi.direction == "higher" else ">"
    return f"{_v(kpi, value)} {sign} {name} {_v(kpi, boundary)}"


def _breach(kpi: Kpi, series: list[Measurement]) -> Flag | None:
    latest = series[-1].value
    if band(kpi, latest) != "red":
        return None
    period = period_label(series[-1].period, kpi.cadence)
    return Flag("breach", f"{_off_target(kpi, latest)} in {period}")


def _sustained(kpi: Kpi, series: list[Measurement]) -> Flag | None:
    recent = series[-kpi.sustain:]
    if len(recent) < kpi.sustain or any(band(kpi, m.value) == "green" for m in recent):
        return None
    shown = ", ".join(_v(kpi, m.value) for m in recent)
    return Flag("sustained", f"off target for {unit(kpi.cadence, len(recent))} running "
                f"({shown}; target {_v(kpi, kpi.target)})")


def _drift(kpi: Kpi, series: list[Measurement]) -> Flag | None:
    recent = [m.value for m in series[-4:]]
    if len(recent) < 4 or not all(worse(kpi, a, b) for a, b in zip(recent, recent[1:])):
        return None
    path = " → ".join(_v(kpi, v) for v in recent)
    return Flag("drift", f"worse {unit(kpi.cadence, 3)} in a row ({path})")


def _stale(kpi: Kpi, series: list[Measurement], today: date) -> Flag | None:
    due = latest_finished(today, kpi.cadence)
    newest = series[-1].period
    if newest >= due:
        return None
    return Flag("stale", f"no value for {period_label(due, kpi.cadence)}; newest is "
                f"{period_label(newest, kpi.cadence)}")


def _signal(kpi: Kpi, series: list[Measurement]) -> Flag | None:
    values = [m.value for m in series]
    latest = values[-1]
    baseline = values[-1 - BASELINE_MAX:-1]
    if len(baseline) >= BASELINE_MIN:
        limits = xmr_limits(baseline)
        if not limits.lower <= latest <= limits.upper:
            return Flag("signal", f"{_v(kpi, latest)} outside the natural process limits "
                        f"{_v(kpi, limits.lower)}–{_v(kpi, limits.upper)}")
    run, before = values[-RUN_LENGTH:], values[-RUN_LENGTH - BASELINE_MAX:-RUN_LENGTH]
    if len(run) == RUN_LENGTH and len(before) >= BASELINE_MIN:
        mean = fmean(before)
        side = ("above" if all(v > mean for v in run)
                else "below" if all(v < mean for v in run) else None)
        if side:
            return Flag("signal", f"{RUN_LENGTH} values in a row {side} the earlier mean "
                        f"{_v(kpi, mean)}")
    return None
