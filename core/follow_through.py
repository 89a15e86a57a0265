"""Did it work? Each intervention (an action of kind `intervention` linked to a KPI) judged by
its KPI's values after it was due.

The day it is judged from: its due day, or with no due day, the day it was recorded. Values
"before" are those of periods that started on or before that day, values "after" those of
periods that started later (the first period after is the first the fix could move whole).

- `too early`: no value after yet (or one after and none before to compare it with).
- `recovered`: a green value in one of the first RECOVERY_PERIODS periods after (the period of
  the day counts as period 0; the Nth period after is the last that counts).
- otherwise the latest value after against the last value before: a change smaller than the
  KPI's typical period-to-period movement (the mean moving range of up to NOISE_VALUES
  values up to the one before) is `no change`; a larger one `improving` or `worse` by the
  KPI's direction. A change exactly as large as the typical move counts as a change. With no
  value before, the first value after stands in for it.
"""

from bisect import bisect_right
from datetime import date

import msgspec

from core import fmt
from core.health import BASELINE_MAX, Health, band, worse
from core.model import Action
from core.periods import next_period, period_label, period_start, unit
from core.series import Measurement
from core.stats import moving_range

RECOVERY_PERIODS = 4        # "back to green within N periods"
NOISE_VALUES = BASELINE_MAX  # the values whose moves say how much the KPI moves by itself
VERDICTS = ("recovered", "improving", "no change", "worse", "too early")   # words: core/words.py


class FollowThrough(msgspec.Struct, frozen=True):
    """An intervention's verdict, the reason for it, and the day it is judged from."""

    action: Action
    verdict: str
    reason: str
    since: date


def since(action: Action) -> date:
    return action.due or action.created


def judge(action: Action, h: Health) -> FollowThrough:
    day = since(action)
    measured = h.series.recent()
    split = bisect_right([m.period for m in measured], day)
    before, after = measured[:split], measured[split:]
    verdict, reason = _verdict(h, day, before, after)
    return FollowThrough(action, verdict, reason, day)


def _verdict(h: Health, day: date, before: list[Measurement],
             after: list[Measurement]) -> tuple[str, str]:
    kpi = h.kpi
    if not after:
        return "too early", f"no value after {day} yet"
    if (found := _recovery(h, day, after)) is not None:
        green, periods = found
        return "recovered", (f"green again in {period_label(green.period, kpi.cadence)} "
                             f"({fmt.value(green.value, kpi.unit)}), "
                             f"{periods} {unit(kpi.cadence)}{'s' * (periods > 1)} after {day}")
    if not before and len(after) == 1:
        return "too early", f"one value after {day} and none before to compare it with"
    base, latest = (before or after)[-1 if before else 0], after[-1]
    noise = moving_range([m.value for m in (before or after[:1])][-NOISE_VALUES:])
    moved = f"{_at(h, base)} → {_at(h, latest)}"
    typical = fmt.delta(noise, kpi.unit, signed=False)
    if abs(latest.value - base.value) < noise or latest.value == base.value:
        return "no change", f"{moved}: within its typical move of {typical}"
    if worse(kpi, base.value, latest.value):
        return "worse", f"{moved}: worse by more than its typical move of {typical}"
    return "improving", f"{moved}: better by more than its typical move of {typical}"


def _at(h: Health, m: Measurement) -> str:
    return f"{fmt.value(m.value, h.kpi.unit)} in {period_label(m.period, h.kpi.cadence)}"


def _recovery(h: Health, day: date, after: list[Measurement]) -> tuple[Measurement, int] | None:
    """The first green value within RECOVERY_PERIODS periods after the day, and which period
    after it is (1 = the first)."""
    period = period_start(day, h.kpi.cadence)
    ends = []                               # the starts of periods 1..N after
    for _ in range(RECOVERY_PERIODS):
        period = next_period(period, h.kpi.cadence)
        ends.append(period)
    for m in after:
        if m.period > ends[-1]:
            return None
        if band(h.kpi, m.value) == "green":
            return m, bisect_right(ends, m.period)
    return None


def past(items: list[FollowThrough], today: date) -> list[FollowThrough]:
    """Interventions whose day has passed: those a meeting asks "did it work?" of."""
    return [f for f in items if f.since < today]


def recovered(items: list[FollowThrough]) -> int:
    return sum(1 for f in items if f.verdict == "recovered")
