"""Comparisons as a weekly business review shows them (core/compare.py), at their boundaries:
the same period a year earlier in 53-week ISO years and by cadence, missing periods, a zero
base, points for a % KPI, values near the float limits; and the process-change commands."""

from datetime import date

import pytest

from core import compare, minutes
from core.commands import kpis
from core.errors import ValidationError
from core.events import EventKind
from core.model import Kpi
from core.series import Measurement, Series
from core.store import Store
from tests.helpers import TODAY, kpi, load, meeting_on, series, undo_last

BIG = 1.7e308


@pytest.mark.parametrize("start, cadence, expected", [
    (date(2026, 11, 9), "weekly", date(2025, 11, 10)),       # 2026-W46 -> 2025-W46
    (date(2026, 12, 28), "weekly", date(2025, 12, 22)),      # 2026-W53 -> 2025-W52 (no W53)
    (date(2021, 1, 4), "weekly", date(2019, 12, 30)),        # 2021-W01 -> 2020-W01
    (date(2020, 12, 28), "weekly", date(2019, 12, 23)),      # 2020-W53 -> 2019-W52
    (date(2021, 12, 27), "weekly", date(2020, 12, 21)),      # 2021-W52 -> 2020-W52, not W53
    (date(2026, 3, 1), "monthly", date(2025, 3, 1)),
    (date(2026, 10, 1), "quarterly", date(2025, 10, 1)),
    (date(2026, 11, 22), "daily", date(2025, 11, 23)),       # 364 days: the same weekday
])
def test_the_same_period_a_year_earlier(start, cadence, expected):
    assert compare.year_earlier(start, cadence) == expected
    if cadence == "daily":
        assert expected.weekday() == start.weekday()


def weekly_series(k, values: dict[date, float]) -> Series:
    return Series.of(k.id, [Measurement(k.id, day, v) for day, v in values.items()])


def test_week_53_compares_with_week_52_of_the_year_before():
    k = kpi(unit="x")
    found = compare.compare(k, weekly_series(k, {date(2025, 12, 22): 2.0,
                                                 date(2026, 12, 21): 3.0,
                                                 date(2026, 12, 28): 2.5}))
    assert found.year_ago.period == date(2025, 12, 22) and found.year_ago.change == 25.0
    assert compare.delta_phrase(k, found.year_ago) == "+25% on 2025-W52 (2x)"
    assert found.previous.change == pytest.approx(-100 / 6)


def test_a_percent_kpi_changes_in_points():
    k = kpi(unit="%")
    found = compare.compare(k, series(k, [24.0, 24.4]))
    assert found.previous.points and found.previous.change == pytest.approx(0.4)
    assert compare.short_phrase(k, found.previous) == "+0.4 pt vs 2026-W45"


def test_a_missing_period_gives_no_comparison_and_says_which():
    k = kpi(unit="x")
    found = compare.compare(k, series(k, [2.0, 3.0, 4.0]))
    assert found.year_ago.change is None and found.year_ago.base is None
    assert found.year_ago.why == "no value for 2025-W46"
    gap = compare.compare(k, weekly_series(k, {date(2026, 10, 26): 2.0, date(2026, 11, 9): 3.0}))
    assert gap.previous.why == "no value for 2026-W45"
    assert gap.trailing[0] == compare.Trailing(4, 2, 2.5)
    assert compare.trailing_phrase(k, gap.trailing[0]) == "4-period mean 2.5x (2 of 4 periods)"


def test_a_zero_base_gives_no_percent_but_points_still():
    k = kpi(unit="x")
    found = compare.compare(k, series(k, [0.0, 5.0]))
    assert found.previous.change is None and found.previous.base == 0.0
    assert compare.delta_phrase(k, found.previous) == "on 2026-W45 (0x): no percent change from 0"
    assert compare.compare(kpi(unit="%"), series(kpi(), [0.0, 5.0])).previous.change == 5.0


def test_a_change_from_a_negative_base_reads_as_a_rise_when_it_rises():
    assert compare.change(-5.0, -10.0, False) == (50.0, "")
    assert compare.change(-15.0, -10.0, False) == (-50.0, "")


@pytest.mark.parametrize("value, base, points, expected", [
    (BIG, -BIG, False, 200.0),                     # the difference overflows: halves do not
    (-BIG, BIG, False, -200.0),
    (1.0, 5e-324, False, None),                    # a percent past the largest float
    (BIG, -BIG, True, None),                       # points past it
    (BIG, BIG, True, 0.0),
])
def test_changes_near_the_float_limits_stay_finite_or_are_absent(value, base, points, expected):
    found, why = compare.change(value, base, points)
    assert found == expected
    assert why == ("too large to show" if expected is None else "")


def test_trailing_means_of_huge_values_are_finite():
    k = kpi(unit="")
    found = compare.compare(k, series(k, [BIG] * 13))
    assert [t.mean for t in found.trailing] == [BIG, pytest.approx(BIG)]


def test_no_value_compares_with_nothing():
    k = kpi()
    found = compare.compare(k, series(k, []))
    assert found.previous is None and compare.summary(k, found) == "no value yet"
    assert compare.as_json(k, found)["mean_4"] == {"mean": None, "count": 0}


def test_the_grid_is_the_latest_13_periods_with_gaps_and_bands():
    k = kpi()                                        # lower is better: 20 green, 25 red
    cells = compare.grid(k, series(k, [19.0, 22.0, 30.0]))
    assert len(cells) == 13 and cells[-1].label == "2026-W46"
    assert [(c.value, c.band) for c in cells[-3:]] == [(19.0, "green"), (22.0, "amber"),
                                                      (30.0, "red")]
    assert cells[0].value is None and cells[0].band == "none" and cells[0].label == "2026-W34"


# --- marking a process change (B) --------------------------------------------------------------

def test_a_process_change_is_marked_undone_and_refused_when_bad(demo_db):
    session = meeting_on(demo_db)
    uptime = load(demo_db).find_kpi("Cart abandonment").kpi
    marked = session.run(EventKind.KPI_PROCESS_CHANGE, kpis.mark_change, uptime.id, "2026-W40",
                         TODAY)
    assert marked.changes == (date(2026, 9, 28),)
    assert load(demo_db).find_kpi("Cart abandonment").phase == date(2026, 9, 28)
    for bad, said in [("2026-W48", "has not started yet"), ("W40", "is not a date"),
                      ("2026-W40", "already marked")]:
        with pytest.raises(ValidationError, match=said):
            session.run(EventKind.KPI_PROCESS_CHANGE, kpis.mark_change, uptime.id, bad, TODAY)
    undo_last(session)
    assert load(demo_db).find_kpi("Cart abandonment").kpi.changes == ()


def test_an_unmarked_kpi_document_has_no_changes_field(demo_db):
    docs = Store(demo_db).docs("kpis")
    assert sum("changes" in d for d in docs.values()) == 1          # the demo's Uptime only


# --- a past meeting's minutes do not move -------------------------------------------------------

from tests.unit import test_minutes_as_of as as_of  # noqa: E402

clock, ended = as_of.clock, as_of.ended         # its fixtures: the demo with meeting m2 ended


def test_a_process_change_marked_later_leaves_past_minutes_alone(ended, db, monkeypatch,
                                                                 clock):
    before = as_of.record(db, "m1", "m2")
    as_of.later(monkeypatch, clock)
    session = meeting_on(Store(db))
    cart = load(db).find_kpi("Cart abandonment")
    assert "signal" in cart.flag_names
    session.run(EventKind.KPI_PROCESS_CHANGE, kpis.mark_change, cart.kpi.id, "2026-W38",
                date(2026, 12, 2))
    assert load(db).find_kpi("Cart abandonment").phase == date(2026, 9, 14)
    assert as_of.record(db, "m1", "m2") == before
    flagged = next(k for k in minutes.build(Store(db), "m2")["flagged"]
                   if k["name"] == "Cart abandonment")
    assert "since the process change" not in " ".join(f["reason"] for f in flagged["flags"])


def test_the_kpis_csv_may_mark_process_changes(db, write_csv):
    from core.errors import CadenceError
    from core.imports import import_kpis
    header = "name,owner,unit,direction,target,threshold,cadence,changes\n"
    store = Store(db)
    import_kpis(store, write_csv("k.csv", header + "Leads,Ann,,higher,10,5,weekly,"
                                 "2026-W10; 2026-03-18\nNPS,Bo,,higher,50,30,monthly,\n"))
    found = {k.name: k.changes for k in store.records(Kpi)}
    assert found == {"Leads": (date(2026, 3, 2), date(2026, 3, 16)), "NPS": ()}
    assert "changes" not in store.docs("kpis")[2]                   # empty: absent
    with pytest.raises(CadenceError, match=r"row 2.*changes.*'W10' is not a date"):
        import_kpis(store, write_csv("bad.csv", header + "Leads,Ann,,higher,10,5,weekly,W10\n"))
