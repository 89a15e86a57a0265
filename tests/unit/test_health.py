from datetime import date

import pytest

from core.health import assess, band, xmr_limits
from tests.helpers import TODAY, kpi, series


def names(k, values, **kw):
    return [f.name for f in assess(k, series(k, values, **kw), TODAY).flags]


def reasons(k, values, **kw):
    return {f.name: f.reason for f in assess(k, series(k, values, **kw), TODAY).flags}


@pytest.mark.parametrize("value, expected", [
    (19.9, "green"), (20, "green"), (20.1, "amber"), (25, "amber"), (25.1, "red")])
def test_band_when_lower_is_better(value, expected):
    assert band(kpi(), value) == expected


@pytest.mark.parametrize("value, expected", [
    (3.1, "green"), (3, "green"), (2.9, "amber"), (2.5, "amber"), (2.49, "red")])
def test_band_when_higher_is_better(value, expected):
    k = kpi(direction="higher", target=3, threshold=2.5, unit="x")
    assert band(k, value) == expected


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_target_equal_to_threshold_leaves_no_amber(direction):
    k = kpi(direction=direction, target=10, threshold=10)
    assert band(k, 10) == "green"
    worse = 9 if direction == "higher" else 11
    assert band(k, worse) == "red"


def test_no_value_is_band_none_and_only_no_data():
    assert band(kpi(), None) == "none"
    health = assess(kpi(), series(kpi(), []), TODAY)
    assert health.band == "none" and health.flag_names == ["no_data"]
    assert health.latest is None


def test_breach_only_when_the_latest_is_red():
    assert "breach" in names(kpi(), [18, 26])
    assert "breach" not in names(kpi(), [26, 18])
    assert "breach" not in names(kpi(), [25])          # equal to threshold is amber


def test_breach_reason_names_value_and_threshold():
    assert reasons(kpi(), [18, 26])["breach"] == "26% > threshold 25% in 2026-W46"
    k = kpi(direction="higher", target=3, threshold=2.5, unit="x")
    assert reasons(k, [2])["breach"].startswith("2x < threshold 2.5x")


def test_sustained_needs_n_not_green_values_in_a_row():
    assert "sustained" in names(kpi(), [18, 22, 26])
    assert "sustained" not in names(kpi(), [22, 19])
    assert "sustained" not in names(kpi(), [26])       # one value cannot sustain anything
    assert "sustained" in names(kpi(), [21, 21])        # amber counts as not green


def test_sustained_uses_the_kpis_own_n():
    k = kpi(sustain=3)
    assert "sustained" not in names(k, [18, 22, 26])
    assert "sustained" in names(k, [22, 23, 26])
    assert reasons(k, [22, 23, 26])["sustained"] == \
        "off target for 3 weeks running (22%, 23%, 26%; target 20%)"


def test_drift_is_three_worsening_steps_in_any_band():
    assert "drift" in names(kpi(), [10, 11, 12, 13])          # all green, still drifting
    assert "drift" not in names(kpi(), [11, 12, 13])          # only two steps
    assert "drift" not in names(kpi(), [10, 11, 11, 12])      # equal is not worse
    assert "drift" not in names(kpi(), [13, 12, 11, 10])      # improving
    k = kpi(direction="higher", target=90, threshold=80)
    assert reasons(k, [88, 84, 79, 75])["drift"] == "worse 3 weeks in a row (88% → 84% → 79% → 75%)"


def test_stale_when_the_previous_whole_period_has_no_value():
    assert "stale" not in names(kpi(), [18])               # newest is last week (W46)
    assert "stale" in names(kpi(), [18], gap=1)            # newest is W45, today in W47
    assert reasons(kpi(), [18], gap=1)["stale"] == "no value for 2026-W46; newest is 2026-W45"


def test_stale_across_a_year_boundary():
    k = kpi(cadence="monthly")
    today = date(2027, 1, 10)
    fresh = series(k, [18], today=today)                   # December 2026
    assert fresh.newest.period == date(2026, 12, 1)
    assert "stale" not in [f.name for f in assess(k, fresh, today).flags]
    old = series(k, [18], today=today, gap=1)              # November 2026
    found = {f.name: f.reason for f in assess(k, old, today).flags}
    assert found["stale"] == "no value for 2026-12; newest is 2026-11"


def test_stale_weekly_across_iso_week_53():
    today = date(2021, 1, 6)                               # 2021-W01
    k = kpi()
    assert "stale" not in [f.name for f in assess(k, series(k, [18], today=today), today).flags]
    assert series(k, [18], today=today).newest.period == date(2020, 12, 28)   # 2020-W53
    stale = {f.name: f.reason for f in assess(k, series(k, [18], today=today, gap=1), today).flags}
    assert stale["stale"] == "no value for 2020-W53; newest is 2020-W52"


def test_a_single_value_gets_only_the_flags_one_value_can_have():
    assert names(kpi(), [26]) == ["breach"]
    assert names(kpi(), [18]) == []


def test_xmr_limits():
    limits = xmr_limits([10, 12, 10, 12, 10, 12, 10, 12])
    assert limits.mean == 11
    assert limits.upper == pytest.approx(11 + 2.66 * 2)
    assert limits.lower == pytest.approx(11 - 2.66 * 2)


def test_signal_rule_a_value_outside_the_natural_process_limits():
    baseline = [10, 12] * 4                                 # limits 5.68 .. 16.32
    assert "signal" in names(kpi(target=100, threshold=200), baseline + [17])
    assert "signal" not in names(kpi(target=100, threshold=200), baseline + [16])
    assert "signal" not in names(kpi(target=100, threshold=200), [10, 12] * 3 + [10, 40])
    reason = reasons(kpi(target=100, threshold=200), baseline + [17])["signal"]
    assert reason == "17% outside the natural process limits 5.68%–16.32%"


def test_signal_rule_a_needs_eight_baseline_values():
    assert "signal" not in names(kpi(target=100, threshold=200), [10, 12, 10, 12, 10, 12, 10, 40])


def test_signal_rule_b_eight_values_on_one_side_of_the_earlier_mean():
    before = [10, 14] * 4                                   # mean 12, wide limits
    run = [12.5, 13, 12.5, 13, 12.5, 13, 12.5, 13]
    k = kpi(target=100, threshold=200)
    assert "signal" in names(k, before + run)
    assert reasons(k, before + run)["signal"] == "8 values in a row above the earlier mean 12%"
    assert "signal" not in names(k, before + run[:-1] + [11.9])
    assert "signal" not in names(k, [10, 14] * 3 + run)     # only 6 values before the run


def test_constant_baseline_makes_any_change_a_signal():
    k = kpi(target=100, threshold=200)
    assert "signal" not in names(k, [10] * 9)
    assert "signal" in names(k, [10] * 8 + [10.5])


def test_health_exposes_the_limits_for_the_chart():
    health = assess(kpi(target=100, threshold=200), series(kpi(), [10, 12] * 4 + [11]), TODAY)
    assert health.limits.mean == 11 and health.latest == 11
