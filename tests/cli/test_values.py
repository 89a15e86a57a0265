"""Numbers at the edge of the float range and dates at the edge of the supported days, through
the CLI: `status` and `minutes` show huge values, CADENCE_TODAY and a sustain out of range are
one line. (The rules: tests/unit/test_values.py.)"""

import json

import pytest

from tests.helpers import run_cli, write_demo
from tests.hostile import BIG, huge_demo


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
