"""Arithmetic the rules share. statistics.fmean would do, but importing `statistics` pulls in
decimal, fractions and random (~3 ms on every start) and it is 5x slower on short lists.

Values are finite (the store refuses others), but arithmetic on them need not be: 1.7e308 +
1.7e308 is inf, and inf - inf is nan, which int() and round() refuse. These functions give a
finite answer for any finite input, at the cost of one check on the usual path.
"""

from collections.abc import Sequence
from math import isfinite


def mean(values: Sequence[float]) -> float:
    total = sum(values)
    if isfinite(total):
        return total / len(values)
    count = len(values)                   # the sum overflowed: each share of it cannot
    return sum(v / count for v in values)


def fraction(value: float, low: float, high: float) -> float:
    """Where `value` lies from `low` (0) to `high` (1), `low != high`; not clamped. Computed
    on halves when a difference overflows (1.7e308 - -1.7e308), which then cannot."""
    part, whole = value - low, high - low
    if not (isfinite(part) and isfinite(whole)):
        part, whole = value / 2 - low / 2, high / 2 - low / 2
    return part / whole


def moving_range(values: Sequence[float]) -> float:
    """The mean of the moves between consecutive values (a KPI's typical period-to-period
    movement, Wheeler's mR-bar); 0 for fewer than two values. Finite for finite values."""
    if len(values) < 2:
        return 0.0
    moves = [abs(b - a) if isfinite(b - a) else abs(b / 2 - a / 2) * 2
             for a, b in zip(values, values[1:])]
    return mean(moves)
