"""`--take-over` refuses, in one line, a presence it cannot take over: a crafted one
(tests/hostile.py), none at all, or one still live."""

import pytest

from tests.helpers import TODAY, live_presence, run_cli, within
from tests.hostile import UNUSABLE, crafted


@pytest.mark.parametrize("name", [*UNUSABLE, "an ended meeting"])
def test_take_over_refuses_a_crafted_presence_in_one_line(meeting_db, name):
    crafted(meeting_db, name)
    before = meeting_db.read_bytes()
    result = within(30, lambda: run_cli("--take-over", db=meeting_db, today=TODAY.isoformat()))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    expected = "m1 has ended" if name == "an ended meeting" else "no meeting to take over"
    assert expected in result.stderr
    assert meeting_db.read_bytes() == before


def test_take_over_refusals_are_one_line_errors(demo_db, tmp_path):
    empty = run_cli("--take-over", db=tmp_path / "other.json")
    assert empty.returncode == 1 and "no meeting to take over" in empty.stderr
    live_presence(demo_db, age_s=3)
    fresh = run_cli("meet", "--take-over", db=demo_db)
    assert fresh.returncode == 1 and "still live with Noor" in fresh.stderr
    assert len(fresh.stderr.strip().splitlines()) == 1
