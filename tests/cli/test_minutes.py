"""`cadence minutes` and `cadence meetings`, as a user runs them: the demo's meeting in
Markdown and JSON, the same after later values arrive, and each error in one line. (Minutes
from the store: tests/unit/test_minutes.py and test_minutes_as_of.py.)"""

import json

import jsonschema
import orjson
import pytest

from core.storage import encode
from tests.helpers import MINUTES_SCHEMA, run_cli


def test_cli_minutes_and_meetings(db, tmp_path):
    run_cli("demo", "--no-open", db=db)
    listed = run_cli("meetings", db=db)
    assert listed.returncode == 0 and "m1" in listed.stdout and "4 decided" in listed.stdout
    result = run_cli("minutes", "--last", db=db)
    assert result.returncode == 0 and result.stdout.startswith("# Operating review 2026-11-15")
    as_json = json.loads(run_cli("minutes", "--meeting", "m1", "--format", "json", db=db).stdout)
    jsonschema.validate(as_json, MINUTES_SCHEMA)
    out = tmp_path / "out.md"
    written = run_cli("minutes", "-o", str(out), db=db)
    assert written.returncode == 0 and out.read_text().startswith("# Operating review")


def test_cli_minutes_errors_are_one_line(db, tmp_path):
    empty = run_cli("minutes", "--last", db=tmp_path / "empty.json")
    assert empty.returncode == 1 and "no meeting yet" in empty.stderr
    assert len(empty.stderr.strip().splitlines()) == 1
    run_cli("demo", "--no-open", db=db)
    missing = run_cli("minutes", "--meeting", "m42", db=db)
    assert missing.returncode == 1 and "no meeting with id 'm42'" in missing.stderr
    both = run_cli("minutes", "--last", "--meeting", "m1", db=db)
    assert both.returncode == 1 and "not allowed with" in both.stderr

def test_cli_minutes_of_the_demo_meeting_before_and_after_an_import(db, tmp_path):
    """As a user runs it: the demo's past meeting (m1, on 2026-11-15), then values arrive
    for its week (replacing one it saw) and for the weeks after."""
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    md = run_cli("minutes", "--meeting", "m1", db=db)
    as_json = run_cli("minutes", "--meeting", "m1", "--format", "json", db=db)
    csv = tmp_path / "values.csv"
    csv.write_text("kpi,date,value\nCart abandonment,2026-11-12,35\n"
                   "Cart abandonment,2026-11-19,36\nUptime,2026-11-09,90\n")
    imported = run_cli("import", "measurements", str(csv), db=db, today="2026-11-24")
    assert imported.returncode == 0, imported.stderr
    status = json.loads(run_cli("status", "--format", "json", db=db, today="2026-11-24").stdout)
    assert next(k for k in status["kpis"] if k["name"] == "Uptime")["band"] == "red"
    assert run_cli("minutes", "--meeting", "m1", db=db, today="2026-11-24").stdout == md.stdout
    again = run_cli("minutes", "--meeting", "m1", "--format", "json", db=db, today="2026-11-30")
    assert again.stdout == as_json.stdout and "35%" not in md.stdout

@pytest.mark.parametrize("where", ["ended_at", "event at"])
def test_a_time_broken_by_hand_is_one_error_line_naming_the_file(db, where):
    run_cli("demo", "--no-open", db=db)
    data = orjson.loads(db.read_bytes())
    if where == "ended_at":
        data["meetings"]["1"]["ended_at"] = "half past nine"
    else:                                   # the log no longer says when m1 ended: cut by time
        data["events"]["1"]["changes"] = [c for c in data["events"]["1"]["changes"]
                                          if c["table"] != "meetings"]
        data["events"]["1"]["at"] = "\x1b[31mlater"
    db.write_bytes(encode(data))
    for command in (("minutes", "--meeting", "m1"), ("minutes", "--last")):
        result = run_cli(*command, db=db)
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
        assert str(db) in result.stderr and "is not a time" in result.stderr
