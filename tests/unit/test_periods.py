from datetime import date

import pytest

from core.errors import ValidationError
from core.periods import (current_quarter, latest_finished, next_period, parse_cycle,
                          parse_period, period_label, period_start, previous_period)


@pytest.mark.parametrize("day, cadence, start", [
    (date(2026, 11, 22), "daily", date(2026, 11, 22)),
    (date(2026, 11, 22), "weekly", date(2026, 11, 16)),   # Sunday -> Monday of that week
    (date(2026, 11, 16), "weekly", date(2026, 11, 16)),
    (date(2021, 1, 3), "weekly", date(2020, 12, 28)),     # belongs to 2020-W53
    (date(2026, 11, 22), "monthly", date(2026, 11, 1)),
    (date(2026, 11, 22), "quarterly", date(2026, 10, 1)),
    (date(2026, 3, 31), "quarterly", date(2026, 1, 1)),
])
def test_a_date_is_normalised_to_its_period(day, cadence, start):
    assert period_start(day, cadence) == start


def test_iso_week_53_and_the_year_boundary():
    start = period_start(date(2021, 1, 1), "weekly")
    assert period_label(start, "weekly") == "2020-W53"
    assert next_period(start, "weekly") == date(2021, 1, 4)
    assert period_label(date(2021, 1, 4), "weekly") == "2021-W01"
    assert previous_period(date(2021, 1, 4), "weekly") == start
    assert parse_period("2020-W53", "weekly") == start


@pytest.mark.parametrize("start, cadence, before, after", [
    (date(2026, 1, 1), "monthly", date(2025, 12, 1), date(2026, 2, 1)),
    (date(2026, 10, 1), "quarterly", date(2026, 7, 1), date(2027, 1, 1)),
    (date(2024, 2, 1), "monthly", date(2024, 1, 1), date(2024, 3, 1)),
    (date(2026, 12, 31), "daily", date(2026, 12, 30), date(2027, 1, 1)),
])
def test_neighbouring_periods(start, cadence, before, after):
    assert previous_period(start, cadence) == before
    assert next_period(start, cadence) == after


def test_latest_finished_period():
    today = date(2026, 11, 22)
    assert latest_finished(today, "weekly") == date(2026, 11, 9)
    assert latest_finished(today, "monthly") == date(2026, 10, 1)
    assert latest_finished(today, "quarterly") == date(2026, 7, 1)
    assert latest_finished(today, "daily") == date(2026, 11, 21)
    assert latest_finished(date(2027, 1, 2), "monthly") == date(2026, 12, 1)


@pytest.mark.parametrize("text, cadence, start", [
    ("2026-11-18", "weekly", date(2026, 11, 16)),
    ("2026-W47", "weekly", date(2026, 11, 16)),
    ("2026-11", "monthly", date(2026, 11, 1)),
    ("2026-Q4", "quarterly", date(2026, 10, 1)),
    ("2026-q2", "quarterly", date(2026, 4, 1)),
])
def test_parse_period_accepts_dates_and_labels(text, cadence, start):
    assert parse_period(text, cadence) == start


def test_parse_period_refuses_nonsense_naming_the_field():
    with pytest.raises(ValidationError) as err:
        parse_period("last tuesday", "weekly")
    assert err.value.field == "period" and "last tuesday" in str(err.value)


@pytest.mark.parametrize("text, start, end", [
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
    ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("2026-02-15..2026-05-14", date(2026, 2, 15), date(2026, 5, 14)),
    (" 2026-q3 ", date(2026, 7, 1), date(2026, 9, 30)),
])
def test_cycles(text, start, end):
    cycle = parse_cycle(text)
    assert (cycle.start, cycle.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-H3", "Q1", "26", "2026-05-14..2026-02-15",
                                  "2026-02-30..2026-03-01", ""])
def test_bad_cycles_are_refused(text):
    with pytest.raises(ValidationError) as err:
        parse_cycle(text)
    assert err.value.field == "cycle"


def test_cycle_elapsed_is_clamped_and_counts_the_last_day():
    q4 = parse_cycle("2026-Q4")   # 92 days
    assert q4.elapsed(date(2026, 10, 1)) == 0
    assert q4.elapsed(date(2026, 11, 15)) == pytest.approx(45 / 92)
    assert q4.elapsed(date(2026, 12, 31)) == pytest.approx(91 / 92)
    assert q4.elapsed(date(2027, 3, 1)) == 1
    assert q4.elapsed(date(2026, 6, 1)) == 0


def test_cycle_elapsed_since_a_day_counts_what_was_left_of_the_cycle_then():
    q4 = parse_cycle("2026-Q4")                       # 2026-10-01 .. 2026-12-31, 92 days
    halfway = date(2026, 11, 15)                      # 47 days left, that one included
    assert q4.elapsed(halfway, since=halfway) == 0
    assert q4.elapsed(date(2026, 12, 8), since=halfway) == pytest.approx(23 / 47)
    assert q4.elapsed(date(2026, 12, 31), since=halfway) == pytest.approx(46 / 47)
    assert q4.elapsed(date(2027, 1, 5), since=halfway) == 1
    # Written before its cycle: the whole cycle, as without `since`.
    assert q4.elapsed(halfway, since=date(2026, 9, 1)) == q4.elapsed(halfway)
    # Written on its last day, or after it ended: nothing is left to pace against.
    assert q4.elapsed(date(2026, 12, 31), since=date(2026, 12, 31)) == 0
    assert q4.elapsed(date(2027, 1, 5), since=date(2027, 1, 2)) == 1


def test_current_quarter():
    assert current_quarter(date(2026, 11, 22)) == "2026-Q4"
    assert current_quarter(date(2026, 1, 1)) == "2026-Q1"
