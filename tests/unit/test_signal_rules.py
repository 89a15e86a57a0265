"""Wheeler's XmR rules of `signal` at their boundaries, and process changes: the limits restart
at a marked change and lock after 20 values of the new phase."""

from datetime import date, timedelta
from math import inf, nextafter

import pytest

from core.health import LOCKED_BASELINE, assess, xmr_limits
from core.periods import latest_finished, previous_period
from tests.helpers import TODAY, kpi, series

WIDE = dict(target=100.0, threshold=200.0)       # no band flag gets in the way
BEFORE = [14.0, 10.0] * 6                        # mean 12, ends below it
RUN = [12.5, 13.0] * 4                           # above 12, well inside the half-way line


def signal(k, values):
    return next((f for f in assess(k, series(k, values), TODAY).flags if f.name == "signal"),
                None)


def period_back(k, periods: int) -> date:
    """The start of the period `periods` before the latest finished one (series' newest)."""
    found = latest_finished(TODAY, k.cadence)
    for _ in range(periods):
        found = previous_period(found, k.cadence)
    return found


def test_a_run_of_exactly_8_fires_and_7_does_not():
    k = kpi(**WIDE)
    fired = signal(k, BEFORE + RUN)
    assert fired.rule == "run" and fired.reason == "8 values in a row above the earlier mean 12%"
    assert signal(k, BEFORE + RUN[:7]) is None                 # 10 then 7 above: no run of 8
    assert signal(k, BEFORE + [11.9] + RUN[:7]) is None        # broken by one value below


def test_a_run_below_the_mean_fires_too():
    k = kpi(**WIDE)
    assert signal(k, BEFORE[::-1] + [11.5, 11.0] * 4).reason.endswith("below the earlier mean 12%")


def test_3_of_4_exactly_on_the_half_way_line_do_not_fire_just_beyond_do():
    k = kpi(**WIDE)
    line = xmr_limits(BEFORE).half_upper          # the limits of the values before the four
    assert line == pytest.approx(12 + 2.66 * 4 / 2)
    assert signal(k, BEFORE + [12.0, line, line, line]) is None
    beyond = nextafter(line, inf)
    fired = signal(k, BEFORE + [12.0, beyond, beyond, beyond])
    assert fired.rule == "half_way"
    assert fired.reason == "3 of the latest 4 values beyond 17.32%, half-way to the upper limit " \
        "22.64%"
    assert signal(k, BEFORE + [12.0, 12.0, beyond, beyond]) is None     # 2 of 4 are not enough


def test_3_of_4_beyond_the_lower_half_way_line():
    k = kpi(**WIDE)
    line = xmr_limits(BEFORE).half_lower
    assert signal(k, BEFORE + [line, 12.0, line, line]) is None
    below = nextafter(line, -inf)
    assert signal(k, BEFORE + [below, 12.0, below, below]).rule == "half_way"
    assert signal(k, BEFORE + [below, 12.0, below, 20.0]) is None      # sides do not mix


def test_a_point_exactly_on_a_limit_is_inside():
    k = kpi(**WIDE)
    limits = xmr_limits(BEFORE)
    assert signal(k, BEFORE + [limits.upper]) is None
    assert signal(k, BEFORE + [nextafter(limits.upper, inf)]).rule == "limit"
    assert signal(k, BEFORE + [limits.lower]) is None
    assert signal(k, BEFORE + [nextafter(limits.lower, -inf)]).rule == "limit"


def test_the_rules_are_named_in_status_order_limit_first():
    k = kpi(**WIDE)
    # A run of 8 above whose last value is also beyond the limit: the limit is named.
    assert signal(k, BEFORE + RUN[:7] + [40.0]).rule == "limit"


# --- a marked process change ----------------------------------------------------------------

OLD = [50.0, 54.0] * 10                         # before the change: far from the new level


def phase(values_before_latest: list[float], latest: float):
    """A KPI whose process changed at the first of `values_before_latest`, and its health."""
    values = OLD + values_before_latest + [latest]
    k = kpi(**WIDE, changes=(period_back(kpi(), len(values_before_latest)),))
    return k, assess(k, series(k, values), TODAY)


def test_7_values_after_a_change_set_no_limits_8_do():
    _, seven = phase([10.0, 12.0] * 3 + [10.0], 40.0)
    assert seven.limits is None and "signal" not in seven.flag_names
    k, eight = phase([10.0, 12.0] * 4, 40.0)
    assert eight.limits == xmr_limits([10.0, 12.0] * 4)
    found = next(f for f in eight.flags if f.name == "signal")
    assert found.rule == "limit" and found.reason == (
        f"40% outside the natural process limits 5.68%–16.32% (since the process change in "
        f"2026-W{46 - 8})")
    assert eight.phase == k.changes[0] and not eight.locked


def test_without_the_mark_the_same_values_use_the_rolling_baseline():
    values = OLD + [10.0, 12.0] * 4 + [40.0]
    health = assess(kpi(**WIDE), series(kpi(), values), TODAY)
    assert health.limits == xmr_limits(values[-25:-1]) and health.phase is None


def test_limits_lock_after_20_values_of_the_new_phase():
    first = [10.0, 12.0] * 10                                   # 20 values
    _, twenty = phase(first, 11.0)
    assert twenty.limits == xmr_limits(first) and twenty.locked
    _, nineteen = phase(first[:19], 11.0)
    assert nineteen.limits == xmr_limits(first[:19]) and not nineteen.locked
    # A 21st value, however far out, does not move the locked limits.
    _, twenty_one = phase(first + [16.0], 11.0)
    assert twenty_one.limits == xmr_limits(first) and twenty_one.locked
    assert len(first + [16.0]) == LOCKED_BASELINE + 1


def test_a_run_after_a_change_is_judged_by_the_new_phase_mean():
    k, health = phase(BEFORE + RUN[:7], RUN[7])
    found = next(f for f in health.flags if f.name == "signal")
    assert found.rule == "run" and "above the earlier mean 12%" in found.reason


def test_a_change_after_the_newest_value_is_not_in_force_yet():
    k = kpi(**WIDE, changes=(latest_finished(TODAY, "weekly") + timedelta(weeks=1),))
    values = BEFORE + [40.0]
    health = assess(k, series(k, values), TODAY)
    assert health.phase is None and health.limits == xmr_limits(BEFORE)


def test_the_latest_of_several_changes_counts():
    k = kpi(**WIDE, changes=(period_back(kpi(), 30), period_back(kpi(), 9)))
    health = assess(k, series(k, OLD + [10.0, 12.0] * 4 + [11.0, 40.0]), TODAY)
    assert health.phase == period_back(kpi(), 9)
    assert health.limits == xmr_limits([10.0, 12.0] * 4 + [11.0])


def test_a_change_marked_mid_period_counts_from_its_period_start():
    k = kpi(**WIDE, changes=(period_back(kpi(), 8) + timedelta(days=3),))
    health = assess(k, series(k, OLD + [10.0, 12.0] * 4 + [40.0]), TODAY)
    assert health.phase == period_back(kpi(), 8)
