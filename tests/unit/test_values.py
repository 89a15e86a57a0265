"""Numbers at the edge of the float range, and dates at the edge of the supported days.

Values up to ±1.7e308 are finite and valid, but arithmetic on them is not: a sum overflows
to inf, inf - inf is nan, and round(nan) raises ("cannot convert float NaN to integer"). The
rules, the text outputs, the JSON outputs and every screen of the app must still show
something sensible. Dates outside core.periods.FIRST_DAY..LAST_DAY are refused where they
come in, in one line. (The CLI: tests/cli/test_values.py; every screen of the app:
tests/app/test_values.py.)"""

import math
from datetime import date

import pytest
from rich.text import Text

from core import fmt, okr, periods
from core.commands import kpis
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.health import assess, xmr_limits
from core.inputs import parse_due
from core.model import SUSTAIN_MAX
from core.stats import fraction, mean
from tests.helpers import TODAY, kpi, series, session_on
from tests.hostile import BIG
from tui import text


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


# --- sustain ---------------------------------------------------------------------------------

def test_sustain_up_to_the_most_is_kept(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    session = session_on(db)
    fields = dict(name="Churn", owner="Ann", unit="%", direction="lower", target=2.0,
                  threshold=3.0, cadence="weekly")
    added = session.run(EventKind.KPI_CREATE, kpis.add, **fields, sustain=SUSTAIN_MAX)
    assert added.sustain == SUSTAIN_MAX
    with pytest.raises(CadenceError, match="sustain: 100000000000000000000000 is more than 52"):
        session.run(EventKind.KPI_CREATE, kpis.add, **{**fields, "name": "Churn 2"},
                    sustain=10**23)
