"""Where will a key result land: a least-squares line through its check-ins, read at its
cycle's last day (2026-Q4: 2026-10-01 to 2026-12-31), and the rate a week now needed."""

from datetime import date, timedelta
from math import sqrt

import pytest

from core import board, status
from core.commands import kpis, okrs
from core.forecast import describe, fit, forecast, points
from core.model import CheckIn, KeyResult, Objective
from core.okr import view
from core.periods import parse_cycle
from core.store import Store
from tests.helpers import TODAY

Q4 = parse_cycle("2026-Q4")
START = Q4.start                                # day 0 of the line
WEEKS_LEFT = (Q4.end - TODAY).days / 7          # 39 days from 2026-11-22


def kr_view(checkins: list[tuple[int, float]], start: float = 10, target: float = 30,
            unit: str = ""):
    """A key result checked in on these (days after 2026-10-01, value)."""
    kr = KeyResult(id="kr1", objective="o1", title="Signups", start=start, target=target,
                   unit=unit, current=next((v for _, v in reversed(checkins) if v is not None),
                                           None))
    found = [CheckIn(id=f"c{n}", kr="kr1", day=START + timedelta(days=d), confidence="on_track",
                     value=v) for n, (d, v) in enumerate(checkins)]
    objective = Objective(id="o1", title="Grow", owner="Ann", cycle="2026-Q4")
    return view(objective, [kr], {"kr1": found}, {}, TODAY).krs[0]


def predict(checkins, today=TODAY, **kw):
    found = kr_view(checkins, **kw)
    return forecast(found, points(found, None, Q4), Q4, today)


def test_two_check_ins_give_the_line_through_them_and_no_range():
    found = predict([(0, 10), (7, 11)])           # +1 a week: 13 weeks to day 91
    assert found.points == 2 and found.lands == pytest.approx(23)
    assert found.low == found.high == found.lands
    assert found.misses and found.state == "needs"
    assert found.per_week == pytest.approx((30 - 11) / WEEKS_LEFT)
    assert describe(found, "") == "lands at 23; needs +3.41 a week"


def test_one_check_in_gives_no_forecast():
    assert predict([(0, 10)]) is None
    assert predict([]) is None


def test_check_ins_all_on_one_day_give_no_forecast():
    assert predict([(7, 10), (7, 12), (7, 11)]) is None


def test_check_ins_without_a_value_are_not_points():
    found = predict([(0, 10), (3, None), (7, 11)])
    assert found.points == 2 and found.lands == pytest.approx(23)


def test_three_points_have_a_range_from_their_residuals():
    found = predict([(0, 10), (7, 12), (14, 13)], unit="%")
    # By hand: x = 0, 7, 14 (mean 7, Sxx 98), slope 3/14, line 10.1667 + 3x/14.
    slope, intercept = 3 / 14, 35 / 3 - 3 / 14 * 7
    assert found.lands == pytest.approx(intercept + slope * 91)
    residuals = [10 - intercept, 12 - intercept - slope * 7, 13 - intercept - slope * 14]
    spread = sqrt(sum(r * r for r in residuals) / 1) * sqrt(1 + 1 / 3 + (91 - 7) ** 2 / 98)
    assert found.high - found.lands == pytest.approx(spread)
    assert found.lands - found.low == pytest.approx(spread)
    assert describe(found, "%") == "lands at 29.67% (26.17% to 33.16%); needs +3.05 pt a week"


def test_a_target_already_reached():
    found = predict([(0, 10), (7, 31)])
    assert found.state == "target reached" and found.per_week is None and not found.misses
    assert describe(found, "%").endswith("; target reached")


def test_a_cycle_already_over_and_its_last_day():
    over = predict([(0, 10), (7, 11)], today=date(2027, 1, 5))
    assert over.state == "cycle over" and over.per_week is None
    assert over.lands == pytest.approx(23)            # still read at the cycle's last day
    assert describe(over, "") == "lands at 23; cycle over"
    assert predict([(0, 10), (7, 11)], today=Q4.end).state == "cycle over"
    assert predict([(0, 10), (7, 11)], today=Q4.end - timedelta(days=1)).state == "needs"


def test_lower_is_better_key_results():
    # From 60 min down to 30: -1 a week lands at 47, short of it; -3 a week gets there.
    slow = predict([(0, 60), (7, 59)], start=60, target=30, unit="min")
    assert slow.lands == pytest.approx(47) and slow.misses
    assert describe(slow, "min") == "lands at 47 min; needs -5.21 min a week"
    fast = predict([(0, 60), (7, 57)], start=60, target=30, unit="min")
    assert fast.lands == pytest.approx(21) and not fast.misses
    assert predict([(0, 60), (7, 29)], start=60, target=30).state == "target reached"


def test_huge_values_give_no_forecast_rather_than_nan():
    assert predict([(0, -1.7e308), (7, 1.7e308)], start=0, target=1) is None


def test_fit_needs_two_days():
    assert fit([(START, 1.0)], START, Q4.end) is None
    assert fit([(START, 1.0), (START, 2.0)], START, Q4.end) is None


# --- a key result linked to a KPI: the KPI's values inside the cycle -----------------------

def test_a_kpi_linked_key_result_reads_its_kpis_values_in_the_cycle(db):
    store = Store(db)
    with store.transaction("test") as tx:
        k = kpis.add(tx, name="Conversion", owner="Ann", unit="%", direction="higher",
                     target=5, threshold=3, cadence="weekly")
        # Two weeks in Q3 (left out), then 3.0 and 3.2 in Q4.
        kpis.record_values(tx, k, {"2026-09-21": 9.0, "2026-09-28": 9.0, "2026-10-05": 3.0,
                                   "2026-10-12": 3.2}, TODAY)
        okrs.create(tx, "Convert", "Ann", "2026-Q4",
                    [dict(title="Conversion", unit="%", start=3, target=5, kpi=k.id),
                     dict(title="Once", unit="", start=0, target=10, current=4)],
                    (k.id,), today=START)
    found = status.as_json(board.load(store, TODAY))["objectives"][0]["key_results"]
    linked, once = found
    # The line through (Oct 5, 3.0) and (Oct 12, 3.2) at Dec 31: 80 days after Oct 12.
    assert linked["forecast"]["points"] == 2
    assert linked["forecast"]["lands"] == pytest.approx(3.2 + 0.2 * 80 / 7)
    assert linked["forecast"]["text"] == "lands at 5.49%; needs +0.32 pt a week"
    assert linked["forecast"]["state"] == "needs" and linked["forecast"]["misses"] is False
    assert once["forecast"] is None
