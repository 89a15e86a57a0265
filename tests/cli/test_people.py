"""`cadence people` and `cadence people merge`, and the issues in `status --format json`: the
installed command on a real store."""

import json

from tests.helpers import load, run_cli, write_demo


def roster(db) -> dict:
    result = run_cli("people", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    return {p["name"]: p for p in json.loads(result.stdout)}


def test_the_roster_lists_each_person_with_what_they_own_and_their_follow_through(db):
    write_demo(db)
    people = roster(db)
    assert "Noor Haddad" in people and "Lena Fischer" in people       # an attendee, an owner
    lena = people["Lena Fischer"]
    assert lena["follow_through"] == {"due": 2, "on_time": 0, "rate": 0.0}
    assert {k["name"] for k in lena["kpis"]} == {"CSAT", "First response time"}
    assert [a["due"] for a in lena["open_actions"]] == ["2026-11-20"]
    assert [i["title"] for i in lena["issues"]] == ["Weekend tickets wait until Monday"]
    assert people["Marco Rossi"]["follow_through"]["rate"] == 1.0
    text = run_cli("people", db=db).stdout
    assert "Lena Fischer — follow-through: 0 of 2 done on time (0%)" in text
    assert "  open action: Draft a staffing plan for a second support shift, due 2026-11-20" \
        in text


def test_the_person_and_cadence_actions_owner_agree(db):
    write_demo(db)
    for name, person in roster(db).items():
        listed = json.loads(run_cli("actions", "--owner", name, "--status", "open",
                                    "--format", "json", db=db).stdout)
        assert [a["id"] for a in listed] == [a["id"] for a in person["open_actions"]], name


def test_merge_rewrites_every_reference_and_is_one_event(db):
    write_demo(db)
    events = len(json.loads(db.read_text())["events"])
    result = run_cli("people", "merge", "lena fischer", "Lena F.", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Merged 'lena fischer' into 'Lena F.': ")
    people = roster(db)
    assert "Lena Fischer" not in people
    assert people["Lena F."]["follow_through"]["due"] == 2
    board = load(db)
    assert "Lena F." in board.meetings[0].attendees and "Lena F." in board.meetings[0].ratings
    assert board.issues[1].raised_by == "Lena F."
    assert len(json.loads(db.read_text())["events"]) == events + 1


def test_merge_errors_are_one_line_and_change_nothing(db):
    write_demo(db)
    before = db.read_bytes()
    for args, message in ((("Nobody", "Lena Fischer"), "nobody named 'Nobody'"),
                          (("Lena Fischer", " lena  fischer"), "are one name already"),
                          (("Lena Fischer", "Lena\x1b[2J"), "control character"),
                          (("Lena Fischer",), "the following arguments are required: INTO")):
        result = run_cli("people", "merge", *args, db=db)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("cadence: error: ") and message in result.stderr
    assert db.read_bytes() == before


def test_status_json_lists_the_issues_open_first_then_settled(db):
    write_demo(db)
    found = json.loads(run_cli("status", "--format", "json", db=db).stdout)
    assert [(i["id"], i["status"], i["rank"]) for i in found["issues"]] == [
        ("i2", "open", 1), ("i3", "open", 2), ("i1", "solved", None)]
    solved = found["issues"][2]
    assert solved["actions"] == ["a1"] and solved["link_name"] == "Defect rate per release"
    decision = next(a for a in found["actions"] if a["id"] == "a1")
    assert decision["issue"] == "i1"
    assert "OPEN ISSUES" in run_cli("status", db=db).stdout
