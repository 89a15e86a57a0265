from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.health import band
from core.model import CheckIn, KeyResult, Objective
from core.okr import (OkrWarning, is_behind, progress, ranked, score, score_band, view,
                      warnings)
from tests.helpers import kpi

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


def kr(**overrides) -> KeyResult:
    fields = dict(id="kr1", objective="o1", title="CSAT", start=85.0, target=95.0, unit="%")
    return KeyResult(**{**fields, **overrides})


def objective(**overrides) -> Objective:
    fields = dict(id="o1", title="Make support feel effortless", owner="Lena", cycle="2026-Q4",
                  priority=1)
    return Objective(**{**fields, **overrides})


@pytest.mark.parametrize("start, target, current, expected", [
    (85, 95, 85, 0), (85, 95, 90, 0.5), (85, 95, 95, 1), (85, 95, 99, 1), (85, 95, 80, 0),
    (60, 30, 60, 0), (60, 30, 45, 0.5), (60, 30, 30, 1), (60, 30, 20, 1), (60, 30, 70, 0),
])
def test_progress_for_increase_and_decrease(start, target, current, expected):
    assert progress(start, target, current) == pytest.approx(expected)


def test_a_key_result_that_would_move_nothing_is_refused():
    with pytest.raises(ValidationError) as err:
        kr(start=5, target=5)
    assert err.value.field == "target" and "CSAT" in str(err.value)


def test_score_is_the_mean_and_null_without_key_results():
    assert score([0.5, 1.0, 0.0]) == pytest.approx(0.5)
    assert score([]) is None


@pytest.mark.parametrize("value, expected", [
    (None, "none"), (0.0, "red"), (0.39, "red"), (0.4, "amber"), (0.69, "amber"), (0.7, "green"),
    (1.0, "green")])
def test_score_band(value, expected):
    assert score_band(value) == expected


def test_behind_means_more_than_fifteen_points_behind_the_clock():
    assert is_behind(0.30, 0.50)
    assert not is_behind(0.35, 0.50)
    assert not is_behind(0.36, 0.50)
    assert not is_behind(0.0, 0.1)


def test_objective_view_uses_check_ins_kpi_values_and_pace():
    krs = [kr(id="kr1", current=90.0, position=0),
           kr(id="kr2", title="First response", start=60, target=30, unit="min", kpi="k2",
              position=1),
           kr(id="kr3", title="FCR", start=70, target=90, position=2)]
    checkins = {"kr1": [CheckIn(id="c1", kr="kr1", day=date(2026, 11, 1), confidence="at_risk",
                                value=88.0),
                        CheckIn(id="c2", kr="kr1", day=date(2026, 11, 8), confidence="on_track",
                                value=90.0)]}
    result = view(objective(kpis=("k2",)), krs, checkins, {"k2": 45.0}, date(2026, 11, 15))
    first, second, third = result.krs
    assert (first.current, first.progress, first.history) == (90.0, 0.5, (88.0, 90.0))
    assert [c.id for c in first.checkins] == ["c1", "c2"]
    assert (second.current, second.progress) == (45.0, 0.5)
    assert (third.current, third.progress) == (70.0, 0.0)        # no check-in yet: start
    assert result.elapsed == pytest.approx(45 / 92)
    assert [k.behind for k in result.krs] == [False, False, True]
    assert result.score == pytest.approx(1 / 3)
    assert result.warnings == ()


@pytest.mark.parametrize("created, today, elapsed, behind", [
    (date(2026, 11, 22), date(2026, 11, 22), 0.0, False),        # written today: not behind
    (date(2026, 11, 15), date(2026, 12, 8), 23 / 47, True),      # from its day, not Oct 1
    (date(2026, 11, 15), date(2026, 11, 20), 5 / 47, False),     # a week in: not yet
    (None, date(2026, 11, 22), 52 / 92, True),                   # kept before `created`
    (date(2026, 9, 20), date(2026, 11, 22), 52 / 92, True),      # written before its cycle
])
def test_pace_counts_from_the_day_an_objective_was_written(created, today, elapsed, behind):
    """An objective written mid-cycle starts on pace: the share of the cycle gone is counted
    from its day, not from the cycle's first day (which would make it behind at once)."""
    result = view(objective(created=created), [kr(current=85.0)], {}, {}, today)
    assert result.elapsed == pytest.approx(elapsed)
    assert result.krs[0].behind is behind


def test_kpi_linked_key_result_without_kpi_values_stays_at_start():
    result = view(objective(), [kr(kpi="k9")], {}, {}, date(2026, 11, 15))
    assert result.krs[0].current == 85.0


def test_warnings_for_key_result_count_and_missing_kpi_link():
    alone = warnings(objective(), [kr()])
    assert alone == [OkrWarning("kr_count", "has 1 key result; 2 to 5 keep it focused"),
                     OkrWarning("no_kpi", "points to no KPI: which health metric should it move?")]
    six = [kr(id=f"kr{i}", kpi="k1") for i in range(6)]
    assert warnings(objective(), six) == [
        OkrWarning("kr_count", "has 6 key results; 2 to 5 keep it focused")]
    assert warnings(objective(kpis=("k1",)), [kr(), kr(id="kr2")]) == []
    assert warnings(objective(status="retired"), [kr(), kr(id="kr2")]) == []


def test_ranking_puts_active_by_priority_then_retired():
    objectives = [objective(id="o1", priority=2), objective(id="o2", priority=1),
                  objective(id="o3", status="retired", priority=None,
                            retired_on=date(2026, 9, 30)),
                  objective(id="o4", priority=3)]
    assert [o.id for o in ranked(objectives)] == ["o2", "o1", "o4", "o3"]


@given(finite, finite, finite)
def test_progress_always_stays_between_zero_and_one(start, target, current):
    if start != target:
        assert 0.0 <= progress(start, target, current) <= 1.0


@given(st.sampled_from(["higher", "lower"]), finite, finite, finite, finite)
def test_band_is_monotone_in_the_value(direction, a, b, target, gap):
    threshold = target - abs(gap) if direction == "higher" else target + abs(gap)
    k = kpi(direction=direction, target=target, threshold=threshold)
    rank = {"red": 0, "amber": 1, "green": 2}
    better, worse_ = (max(a, b), min(a, b)) if direction == "higher" else (min(a, b), max(a, b))
    assert rank[band(k, better)] >= rank[band(k, worse_)]
