"""Numbers at the edge of the float range, and dates at the edge of the supported days.

Values up to ±1.7e308 are finite and valid, but arithmetic on them is not: a sum overflows
to inf, inf - inf is nan, and round(nan) raises ("cannot convert float NaN to integer"). The
rules, the text outputs, the JSON outputs and every screen of the app must still show
something sensible. Dates outside core.periods.FIRST_DAY..LAST_DAY are refused where they
come in, in one line."""

import json
import math
from datetime import date

import pytest
from rich.text import Text

from core import fmt, okr, periods
from core.errors import CadenceError, ValidationError
from core.health import assess, xmr_limits
from core.inputs import parse_due
from core.model import SUSTAIN_MAX
from core.service import Service
from core.stats import fraction, mean
from core.store import Store
from tests.app.helpers import TODAY, make_app, screen_text, write_demo
from tests.conftest import kpi, run_cli, series
from tui import text

BIG = 1.7e308


# --- arithmetic ------------------------------------------------------------------------------

def test_means_and_fractions_of_huge_values_are_finite():
    assert mean([BIG, BIG, BIG]) == BIG and mean([BIG, -BIG]) == 0.0
    assert mean([1.0, 2.0]) == 1.5
    assert fraction(0.0, -BIG, BIG) == 0.5 and fraction(BIG, -BIG, BIG) == 1.0
    assert fraction(-BIG, BIG, -BIG) == 1.0 and fraction(5e-324, 0.0, 5e-324) == 1.0


@pytest.mark.parametrize("start, target, current, expected", [
    (-BIG, BIG, BIG, 1.0), (-BIG, BIG, 0.0, 0.5), (BIG, -BIG, -BIG, 1.0), (BIG, -BIG, BIG, 0.0),
    (0.0, 5e-324, BIG, 1.0), (-BIG, BIG, -BIG, 0.0)])
def test_key_result_progress_at_the_edges(start, target, current, expected):
    assert okr.progress(start, target, current) == expected


def test_process_limits_past_the_largest_float_are_absent():
    assert xmr_limits([BIG, -BIG] * 5) is None
    assert xmr_limits([BIG] * 10) == xmr_limits([BIG] * 10)        # finite: kept
    k = kpi(direction="higher", target=BIG, threshold=-BIG)
    found = assess(k, series(k, [BIG, -BIG] * 12 + [1.0]), TODAY)
    assert found.limits is None and found.band == "amber"


def test_a_run_beside_a_huge_mean_is_judged_by_a_finite_mean():
    k = kpi(direction="higher", target=BIG, threshold=-BIG)
    found = assess(k, series(k, [BIG] * 16 + [1.0] * 8), TODAY)
    assert "below the earlier mean 1.7e+308" in " ".join(f.reason for f in found.flags)


@pytest.mark.parametrize("value, shown", [
    (BIG, "1.7e+308"), (-BIG, "-1.7e+308"), (1e15, "1e+15"), (999_999_999_999_999.0,
                                                             "999,999,999,999,999"),
    (math.inf, "∞"), (-math.inf, "-∞"), (math.nan, "—"), (26.5, "26.5"), (1_250_000, "1,250,000")])
def test_numbers_read_compactly_when_huge(value, shown):
    assert fmt.number(value) == shown


def test_sparklines_and_bars_of_huge_or_broken_numbers():
    assert fmt.sparkline([BIG, -BIG, BIG, 0.0]) == "█▁█▅"
    assert fmt.sparkline([-BIG, 1.0, BIG]) == "▁▅█"
    assert fmt.score(math.nan) == "—"
    assert str(text.bar(math.nan)).startswith("░" * 10)
    assert str(text.bar(7.0)).startswith("█" * 10) and isinstance(text.bar(-1.0), Text)


# --- through the commands and the app --------------------------------------------------------

def huge_demo(db):
    """The demo with values at the edge: KPIs whose series swing across the whole float
    range, mix it with tiny and ordinary values, or sit at its top; targets and thresholds at
    either end; a key result from -1.7e308 to 1.7e308 with check-ins at both."""
    write_demo(db)
    data = json.loads(db.read_text())
    data["kpis"]["1"].update(target=BIG, threshold=-BIG, direction="higher")
    data["kpis"]["2"].update(target=-BIG, threshold=BIG, direction="lower")
    mixes = [lambda i: BIG if i % 2 else -BIG, lambda i: (BIG, 1e-300, -5.0, 3.0)[i % 4],
             lambda i: BIG, lambda i: -BIG + i * 1e292]
    for key, doc in data["series"].items():
        make = mixes[int(key) % len(mixes)]
        data["series"][key] = {p: make(i) for i, p in enumerate(doc)}
    kr = next(k for k, d in data["key_results"].items() if d["kpi"] is None)
    data["key_results"][kr].update(start=-BIG, target=BIG, current=BIG)
    for doc in data["checkins"].values():
        doc["value"] = BIG if doc["value"] and doc["value"] > 50 else -BIG
    db.write_text(json.dumps(data))
    return db


def test_status_and_minutes_show_huge_values(db):
    huge_demo(db)
    for args in (["status"], ["status", "--format", "json"], ["minutes"],
                 ["minutes", "--format", "json"]):
        result = run_cli(*args, db=db)
        assert result.returncode == 0 and result.stderr == "", (args, result.stderr[-500:])
    status = run_cli("status", db=db).stdout
    assert "1.7e+308" in status and "inf" not in status and "nan" not in status
    found = json.loads(run_cli("status", "--format", "json", db=db).stdout)
    first = next(k for k in found["kpis"] if k["id"] == "k1")
    assert first["target"] == BIG and first["limits"] is None
    assert all(0 <= kr["progress"] <= 1 for o in found["objectives"] for kr in o["key_results"])


async def test_every_screen_shows_huge_values(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    huge_demo(db)
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        for stage in "12345":
            await pilot.press(stage)
            await pilot.pause()
            assert f"{stage}/5" in screen_text(app)
            rows = app.screen.view.table.row_count
            for _ in range(rows if stage in "123" else 0):   # each row: its detail and chart
                await pilot.press("enter")
                await pilot.pause()
                if app.screen.id == "detail":
                    await pilot.press("escape")
                await pilot.press("down")
                await pilot.pause()
        assert "1.7e+308" in screen_text(app) or stage == "5"
        await pilot.press("q", "y")
    assert app.return_code in (0, None)


# --- the supported days ----------------------------------------------------------------------

@pytest.mark.parametrize("cycle", ["9999-Q4", "9999-H2", "9999", "0000-Q1", "1899-Q4",
                                   "3000-H1", "1899-12-31..1900-01-05",
                                   "2999-12-01..3000-01-01", "0001-01-01..0001-03-31"])
def test_cycles_outside_the_supported_days_are_refused(cycle):
    with pytest.raises(ValidationError, match="outside the days Cadence supports|does not "):
        periods.parse_cycle(cycle)


@pytest.mark.parametrize("cycle, end", [("2999-Q4", date(2999, 12, 31)),
                                        ("2999-H2", date(2999, 12, 31)),
                                        ("1900-Q1", date(1900, 3, 31)),
                                        ("1900-01-01..2999-12-31", date(2999, 12, 31))])
def test_cycles_at_the_edges_of_the_supported_days(cycle, end):
    assert periods.parse_cycle(cycle).end == end


@pytest.mark.parametrize("text", ["9999-W52", "9999-12", "9999-Q4", "0001-01-01", "1899-12-31",
                                  "3000-01-01", "0000-01-01"])
def test_periods_outside_the_supported_days_are_refused(text):
    with pytest.raises(ValidationError):
        periods.parse_period(text, "weekly")


def test_periods_at_the_edges_are_read():
    assert periods.parse_period("2999-12-31", "daily") == date(2999, 12, 31)
    assert periods.parse_period("1900-01-01", "quarterly") == date(1900, 1, 1)
    assert periods.parse_period("2999-Q4", "monthly") == date(2999, 10, 1)


@pytest.mark.parametrize("typed, today", [("+999w", date(2999, 6, 1)), ("9999-12-31", TODAY),
                                          ("1899-01-01", TODAY), ("tomorrow", date(2999, 12, 31))])
def test_due_dates_outside_the_supported_days_are_refused(typed, today):
    with pytest.raises(ValidationError, match="outside the days Cadence supports"):
        parse_due(typed, today)


@pytest.mark.parametrize("pinned", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_cadence_today_outside_the_supported_days_is_one_line(db, pinned):
    write_demo(db)
    before = db.read_bytes()
    for args in (["status"], ["status", "--format", "json"], ["demo", "--no-open"], []):
        result = run_cli(*args, db=db, today=pinned)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip().splitlines() == [
            f"cadence: error: CADENCE_TODAY: {pinned} is outside the days Cadence supports "
            "(1900-01-01 to 2999-12-31)"]
    assert db.read_bytes() == before


@pytest.mark.parametrize("pinned", ["1900-01-01", "2999-12-31"])
def test_cadence_today_at_the_edges_works(db, pinned):
    """A store read on the first or last supported day (its values then all in the future,
    or all long stale). The demo, dated around today, would step outside: one line."""
    write_demo(db)
    for args in (["status"], ["status", "--format", "json"], ["minutes"]):
        result = run_cli(*args, db=db, today=pinned)
        assert result.returncode == 0 and result.stderr == "", (args, result.stderr)
    demo = run_cli("demo", "--no-open", "--force", db=db, today=pinned)
    assert demo.returncode == 1 and demo.stderr.count("\n") == 1
    assert "outside the days Cadence supports" in demo.stderr


# --- sustain ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sustain, problem", [
    ("100000000000000000000000", "'100000000000000000000000' is far too large"),
    ("53", "53 is more than 52 periods"), ("²", "'²' is not a whole number >= 1"),
    ("1" * 5000, f"'{'1' * 40}' is far too large")])
def test_a_sustain_past_the_most_is_refused_in_one_line(db, write_csv, sustain, problem):
    path = write_csv("k.csv", "name,owner,unit,direction,target,threshold,cadence,sustain\n"
                     f"Churn,Ann,%,lower,2,3,weekly,{sustain}\n")
    result = run_cli("import", "kpis", str(path), db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and f"row 2: sustain: {problem}" in result.stderr
    assert not db.exists()


def test_sustain_up_to_the_most_is_kept(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    service = Service(Store(db))
    fields = dict(name="Churn", owner="Ann", unit="%", direction="lower", target=2.0,
                  threshold=3.0, cadence="weekly")
    assert service.add_kpi(**fields, sustain=SUSTAIN_MAX).sustain == SUSTAIN_MAX
    with pytest.raises(CadenceError, match="sustain: 100000000000000000000000 is more than 52"):
        service.add_kpi(**{**fields, "name": "Churn 2"}, sustain=10**23)
