"""Did it work? An intervention's verdict from its KPI's values after its due day. The KPI is
"lower is better", green at or under 20%; the series' newest value is in the week of
2026-11-09 (2026-W46), each earlier one a week before."""

from datetime import date, timedelta

import pytest

from core import board, status
from core.commands import actions, kpis
from core.follow_through import RECOVERY_PERIODS, judge, past
from core.health import assess
from core.model import Action
from core.store import Store
from tests.helpers import TODAY, kpi, series

NEWEST = date(2026, 11, 9)


def week(ago: int, weekday: int = 0) -> date:
    """A day of the week `ago` weeks before the newest value's (0: Monday, its first day)."""
    return NEWEST - timedelta(weeks=ago) + timedelta(days=weekday)


def verdict(values, due: date | None, created: date = date(2026, 1, 5), **overrides):
    k = kpi(**overrides)
    action = Action(id="a1", kind="intervention", text="Fix it", owner="Ann", meeting=None,
                    created=created, due=due, link=k.id)
    found = judge(action, assess(k, series(k, values), TODAY))
    return found.verdict, found.reason


def test_the_recovery_window_is_four_periods():
    assert RECOVERY_PERIODS == 4


def test_no_value_after_the_due_day_is_too_early():
    assert verdict([26, 26], due=week(0, 1)) == ("too early", "no value after 2026-11-10 yet")


def test_due_on_the_first_day_of_a_period_that_period_is_before():
    # Due on Monday of the newest week: its value is the "before", none is after.
    assert verdict([26, 19], due=week(0))[0] == "too early"


def test_a_recovery_on_the_nth_period_after_is_recovered():
    # Due mid-week 5 weeks back; the 4th period after it is the newest but one.
    values = [26, 26, 26, 26, 19, 26]
    assert verdict(values, due=week(5, 2)) == (
        "recovered", "green again in 2026-W45 (19%), 4 weeks after 2026-10-07")


def test_green_only_in_the_n_plus_first_period_after_is_not_recovered():
    values = [26, 26, 26, 26, 26, 19]
    found = verdict(values, due=week(5, 2))
    assert found[0] == "improving"
    assert found[1] == ("26% in 2026-W41 → 19% in 2026-W46: better by more than its typical "
                        "move of 0 pt")


def test_green_in_the_first_period_after_counts():
    assert verdict([26, 20], due=week(1, 6))[1].endswith("1 week after 2026-11-08")


def test_recovered_holds_even_if_it_went_off_again():
    assert verdict([26, 19, 26], due=week(2, 3))[0] == "recovered"


# before: 24, 25, 24, 25 (amber; they move by 1 a week), then one value after.
@pytest.mark.parametrize("latest, expected", [
    (25.9, "no change"), (26, "worse"), (24.1, "no change"), (24, "improving"),
    (25, "no change")])
def test_a_change_under_the_typical_move_is_no_change(latest, expected):
    found = verdict([24, 25, 24, 25, latest], due=week(1, 2))
    assert found[0] == expected


def test_the_reasons_name_both_values_and_the_typical_move():
    assert verdict([24, 25, 24, 25, 26.5], due=week(1, 2))[1] == (
        "25% in 2026-W45 → 26.5% in 2026-W46: worse by more than its typical move of 1 pt")
    assert verdict([24, 25, 24, 25, 25.5], due=week(1, 2))[1] == (
        "25% in 2026-W45 → 25.5% in 2026-W46: within its typical move of 1 pt")


def test_higher_is_better_turns_improving_and_worse_around():
    higher = dict(direction="higher", target=90, threshold=80, unit="%")
    assert verdict([85, 84, 85, 84, 86], due=week(1, 2), **higher)[0] == "improving"
    assert verdict([85, 84, 85, 84, 82], due=week(1, 2), **higher)[0] == "worse"


def test_the_latest_value_after_is_compared_not_the_first():
    assert verdict([24, 25, 24, 25, 30, 30, 30, 30, 25], due=week(5, 2))[0] == "no change"


def test_without_a_due_day_it_is_judged_from_the_day_it_was_recorded():
    assert verdict([26, 26, 19], due=None, created=week(1, 2))[1].endswith(
        "1 week after 2026-11-04")
    assert verdict([26, 26, 19], due=None, created=week(0, 2))[0] == "too early"


def test_with_no_value_before_the_first_after_stands_in():
    # The series starts after the due day: one value cannot be compared with anything.
    assert verdict([26], due=week(3))[0] == "too early"
    assert verdict([24, 26], due=week(3))[0] == "worse"


def test_monthly_kpis_count_months():
    k = dict(cadence="monthly")
    # Newest month: October 2026; due in May, green in September (the 4th month after).
    found = verdict([26, 26, 26, 26, 26, 19, 26], due=date(2026, 5, 20), **k)
    assert found == ("recovered", "green again in 2026-09 (19%), 4 months after 2026-05-20")
    assert verdict([26, 26, 26, 26, 26, 26, 19], due=date(2026, 5, 20), **k)[0] == "improving"


def test_past_keeps_those_whose_day_has_gone_by():
    k = kpi()
    h = assess(k, series(k, [26]), TODAY)
    items = [judge(Action(id=f"a{n}", kind="intervention", text="x", owner="Ann", meeting=None,
                          created=date(2026, 11, 1), due=due, link=k.id), h)
             for n, due in enumerate([TODAY - timedelta(days=1), TODAY, None])]
    assert [f.action.id for f in past(items, TODAY)] == ["a0", "a2"]


# --- through the store: only interventions on KPIs, in status -----------------------------

def test_status_gives_each_intervention_its_follow_through(db):
    store = Store(db)
    with store.transaction("test") as tx:
        k = kpis.add(tx, name="Churn", owner="Ann", unit="%", direction="lower", target=20,
                     threshold=25, cadence="weekly")
        kpis.record_values(tx, k, {"2026-10-26": 26, "2026-11-02": 26, "2026-11-09": 19}, TODAY)
        actions.record(tx, "intervention", "Call them", "Ann", week(1, 2), k.id, TODAY)
        actions.record(tx, "action", "Write it up", "Ann", week(1, 2), k.id, TODAY)
        actions.record(tx, "intervention", "Later", "Ann", TODAY + timedelta(days=7), k.id,
                       TODAY)
    found = {a["text"]: a["follow_through"] for a in
             status.as_json(board.load(store, TODAY))["actions"]}
    assert found["Write it up"] is None
    assert found["Call them"] == {"verdict": "recovered", "since": "2026-11-04",
                                  "reason": "green again in 2026-W46 (19%), 1 week after "
                                            "2026-11-04"}
    assert found["Later"]["verdict"] == "too early"
