"""`cadence status` says what changed since the last meeting ended: the contract's top-level
`since_last_meeting` (null when no meeting has ended) and a short section of the text; a fresh
demo has a real one (its past meeting ended before its latest values were written)."""

import json

from tests.helpers import run_cli

KPIS = ("name,owner,unit,direction,target,threshold,cadence\n"
        "Churn,Dana,%,lower,2,3,weekly\n")


def test_a_fresh_demo_says_what_changed_since_its_past_meeting(db):
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    result = run_cli("status", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["since_last_meeting"]
    assert (found["meeting"], found["day"]) == ("m1", "2026-11-15")
    assert {(i["name"], i["flag"]) for i in found["new_flags"]} >= {
        ("Defect rate per release", "breach"), ("Defect rate per release", "signal")}
    assert [(i["name"], i["from"], i["to"]) for i in found["band_changes"]] == [
        ("Defect rate per release", "green", "red")]
    assert sum(i["count"] for i in found["values_added"]) == 6
    assert [i["name"] for i in found["actions_done"]] == [
        "Share the Q4 pipeline review with the board"]
    assert [i["name"] for i in found["actions_slipped"]] == [
        "Draft a staffing plan for a second support shift"]
    for kind in ("new_flags", "band_changes", "values_added", "actions_done"):
        assert all({"id", "name", "reason"} <= set(i) and i["reason"] for i in found[kind])
    text = run_cli("status", db=db).stdout
    section = text[text.index("SINCE LAST MEETING"):]
    assert "Since 2026-11-15: 1 new breach, 1 new signal" in section
    assert "Band changes: Defect rate per release" in section


def test_no_meeting_ended_yet_is_null_and_no_section(db, write_csv):
    assert run_cli("import", "kpis", str(write_csv("k.csv", KPIS)), db=db).returncode == 0
    result = run_cli("status", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "since_last_meeting" in data and data["since_last_meeting"] is None
    assert "SINCE LAST MEETING" not in run_cli("status", db=db).stdout


def test_the_demos_past_meeting_minutes_are_as_it_saw_them(db):
    """Its minutes come from the store as of its end: the values written after it are not
    in them (the Defect rate was still green), and nothing ended before it."""
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    found = json.loads(run_cli("minutes", "--meeting", "m1", "--format", "json",
                               db=db).stdout)
    assert found["since_last_meeting"] is None
    assert "Defect rate per release" not in {k["name"] for k in found["kpi_health"]["off_track"]}
