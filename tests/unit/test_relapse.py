"""`relapse`: a KPI whose linked objective retired is held to its level that day (the value of
the latest period that started on or before it); a later value strictly worse raises the flag.
The series' newest value is in 2026-W46 (the week of 2026-11-09), the one before in W45."""

from datetime import date

from core import board, okr, status
from core.commands import kpis, okrs
from core.health import FLAGS, Watch, assess
from core.model import Objective
from core.store import Store
from tests.helpers import TODAY, kpi, series

RETIRED = Watch("Improve retention", date(2026, 11, 8))     # the last day of W45


def flags(values, watch=RETIRED, **overrides):
    k = kpi(**{"target": 2, "threshold": 3, **overrides})
    return {f.name: f.reason for f in assess(k, series(k, values), TODAY, watch).flags}


def test_relapse_is_a_flag_name():
    assert FLAGS[-1] == "relapse"


def test_a_relapse_by_one_period_the_first_after_retirement():
    found = flags([2.3, 2.9])
    assert found["relapse"] == "2.9% again after 'Improve retention' retired at 2.3% on 2026-11-08"


def test_retired_on_the_first_day_of_the_latest_period_has_nothing_after_it():
    assert "relapse" not in flags([2.3, 2.9], Watch("Improve retention", date(2026, 11, 9)))


def test_equal_to_the_baseline_is_no_relapse():
    assert "relapse" not in flags([2.3, 2.3])


def test_better_than_the_baseline_is_no_relapse():
    assert "relapse" not in flags([2.3, 2.2])


def test_the_baseline_is_the_level_at_retirement_not_the_best_since():
    # 2.3 at retirement, 2.1 then 2.2 after: better than the baseline, however it moved since.
    assert "relapse" not in flags([2.3, 2.1, 2.2], Watch("x", date(2026, 11, 1)))
    assert "relapse" in flags([2.3, 2.1, 2.4], Watch("x", date(2026, 11, 1)))


def test_higher_is_better_relapses_downwards():
    found = flags([95, 91], direction="higher", target=90, threshold=80)
    assert found["relapse"].startswith("91% again after")
    assert "relapse" not in flags([95, 96], direction="higher", target=90, threshold=80)


def test_values_only_before_retirement_are_no_relapse():
    assert "relapse" not in flags([2.3, 2.9], Watch("x", date(2026, 11, 20)))


def test_no_value_at_retirement_is_no_baseline():
    # The first value is in W45 (2026-11-02); retired the day before it.
    assert "relapse" not in flags([2.3, 2.9], Watch("x", date(2026, 11, 1)))


def test_no_watch_no_relapse_and_no_data_stays_alone():
    assert "relapse" not in flags([2.3, 2.9], None)
    assert list(flags([])) == ["no_data"]


def test_the_relapse_comes_last_beside_the_other_flags():
    k = kpi(target=2, threshold=3)
    found = assess(k, series(k, [2.3, 3.5]), TODAY, RETIRED).flag_names
    assert found == ["breach", "sustained", "relapse"]


# --- which retirement a KPI is held to ----------------------------------------------------

def objective(key: int, status: str = "retired", day: date | None = None,
              linked: tuple[str, ...] = ("k1",), title: str = "") -> Objective:
    return Objective(id=f"o{key}", title=title or f"objective {key}", owner="Ann",
                     cycle="2026-Q3", status=status, kpis=linked, retired_on=day,
                     priority=1 if status == "active" else None)


def test_the_most_recent_retirement_is_watched():
    found = okr.watches([objective(1, day=date(2026, 9, 30)), objective(2, day=date(2026, 6, 30)),
                         objective(3, day=date(2026, 10, 1), linked=("k2",))], TODAY)
    assert found == {"k1": Watch("objective 1", date(2026, 9, 30)),
                     "k2": Watch("objective 3", date(2026, 10, 1))}


def test_an_active_objective_on_the_kpi_keeps_the_watch():
    retired = objective(1, day=date(2026, 9, 30), linked=("k1", "k2"))
    found = okr.watches([retired, objective(2, status="active", linked=("k1",))], TODAY)
    assert found == {"k1": Watch("objective 1", date(2026, 9, 30)),
                     "k2": Watch("objective 1", date(2026, 9, 30))}


def test_a_retirement_after_today_is_not_watched_yet():
    assert okr.watches([objective(1, day=TODAY.replace(day=23))], TODAY) == {}
    assert okr.watches([objective(1, day=TODAY)], TODAY) == {"k1": Watch("objective 1", TODAY)}


# --- through the store: retired in a meeting, seen by status ------------------------------

def test_a_retired_objective_raises_relapse_in_status(db):
    store = Store(db)
    with store.transaction("test") as tx:
        k = kpis.add(tx, name="Churn", owner="Ann", unit="%", direction="lower", target=2.4,
                     threshold=3, cadence="weekly")
        kpis.record_values(tx, k, {"2026-10-26": 2.5, "2026-11-02": 2.3}, TODAY)
        o = okrs.create(tx, "Improve retention", "Ann", "2026-Q4",
                        [dict(title="Churn", unit="%", start=3, target=2, kpi=k.id)],
                        (k.id,), today=date(2026, 10, 1))
        okrs.retire(tx, {o.id: "done"}, date(2026, 11, 4))
    assert "relapse" not in status.as_json(board.load(store, TODAY))["kpis"][0]["flags"]
    with store.transaction("test") as tx:
        kpis.record_values(tx, k, {"2026-11-09": 2.31}, TODAY)
    found = status.as_json(board.load(store, TODAY))["kpis"][0]
    assert found["flags"] == ["relapse"]
    assert found["reasons"]["relapse"] == ("2.31% again after 'Improve retention' retired at "
                                           "2.3% on 2026-11-04")
