"""`cadence agendas` (list, add, remove) and `cadence --agenda NAME`, as a user runs them: one
line and exit 1 for every bad input, the store untouched."""

import json

import pytest

from tests.helpers import run_cli, write_demo


def test_the_list_has_the_builtins_then_the_teams(db):
    write_demo(db)
    added = run_cli("agendas", "add", "Board prep", "--stages", "health, okrs,decisions",
                    "--timebox", "okrs=30", db=db)
    assert added.returncode == 0, added.stderr
    assert added.stdout == ("Agenda 'Board prep' saved: 3 stages; `cadence --agenda Board "
                            "prep` opens a meeting with it\n")
    listed = run_cli("agendas", db=db)
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[:6] == [
        "weekly  (built-in, 5 stages, 60 min)  Weekly operating review",
        "  1. KPI health (health) 10 min", "  2. Flagged (flagged) 15 min",
        "  3. OKR check-ins (okrs) 20 min", "  4. Decisions (decisions) 10 min",
        "  5. Wrap-up (wrapup) 5 min"]
    assert "Board prep  (team, 3 stages, 50 min)\n  1. KPI health (health) 10 min\n" \
           "  2. OKR check-ins (okrs) 30 min\n" in listed.stdout
    found = json.loads(run_cli("agendas", "--format", "json", db=db).stdout)
    assert [(a["name"], a["builtin"], len(a["stages"])) for a in found] == [
        ("weekly", True, 5), ("monthly", True, 6), ("quarterly", True, 6),
        ("Board prep", False, 3)]
    assert found[1]["stages"][3] == {"id": "deepdive", "title": "Deep dive", "timebox_min": 30}
    removed = run_cli("agendas", "remove", "board PREP", db=db)
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert len(json.loads(run_cli("agendas", "--format", "json", db=db).stdout)) == 3


def test_the_list_works_on_a_store_that_does_not_exist_yet(db):
    listed = run_cli("agendas", "--format", "json", db=db)
    assert listed.returncode == 0 and [a["name"] for a in json.loads(listed.stdout)] == [
        "weekly", "monthly", "quarterly"]
    assert not db.exists()


@pytest.mark.parametrize(("args", "error"), [
    (["--stages", "health,retro"], "agenda 'X': stages: no stage 'retro' (stages: health, "
                                   "flagged, okrs, decisions, wrapup, deepdive, scoring, close, "
                                   "drafting)"),
    (["--stages", " , "], "agenda 'X': stages: names no stage"),
    (["--stages", "okrs,okrs"], "agenda 'X': stages: 'okrs' is named twice"),
    (["--stages", "okrs", "--timebox", "okrs=0"],
     "agenda 'X': timebox: okrs='0' is not a whole number of minutes from 1 to 240"),
    (["--stages", "okrs", "--timebox", "okrs=241"], "okrs='241' is not a whole number"),
    (["--stages", "okrs", "--timebox", "okrs=2.5"], "okrs='2.5' is not a whole number"),
    (["--stages", "okrs", "--timebox", "okrs"], "'okrs' is not STAGE=MINUTES"),
    (["--stages", "okrs", "--timebox", "health=5"], "'health' is not one of its stages"),
    ([], "the following arguments are required: --stages"),
])
def test_a_bad_agenda_is_one_line_and_exit_1(db, args, error):
    write_demo(db)
    before = db.read_bytes()
    found = run_cli("agendas", "add", "X", *args, db=db)
    assert found.returncode == 1
    assert found.stderr.startswith("cadence: error: ") and found.stderr.count("\n") == 1
    assert error in found.stderr
    assert db.read_bytes() == before


def test_a_duplicate_or_builtin_name_is_refused(db):
    write_demo(db)
    assert run_cli("agendas", "add", "Board prep", "--stages", "health", db=db).returncode == 0
    again = run_cli("agendas", "add", "BOARD  prep", "--stages", "okrs", db=db)
    assert (again.returncode, again.stderr) == (
        1, "cadence: error: agenda: name: 'BOARD  prep' is already an agenda (Board prep)\n")
    builtin = run_cli("agendas", "add", "Monthly", "--stages", "okrs", db=db)
    assert builtin.returncode == 1 and "'Monthly' is a built-in agenda (monthly)" in \
        builtin.stderr
    gone = run_cli("agendas", "remove", "weekly", db=db)
    assert gone.returncode == 1 and "a built-in agenda cannot be removed" in gone.stderr
    none = run_cli("agendas", "remove", "Nope", db=db)
    assert none.returncode == 1 and "no such team agenda" in none.stderr


def test_a_hostile_name_is_refused_and_shown_visibly(db):
    write_demo(db)
    found = run_cli("agendas", "add", "Board\x1b[2J", "--stages", "health", db=db)
    assert found.returncode == 1 and "\x1b" not in found.stderr
    assert "holds the control character U+001B" in found.stderr


def test_an_unknown_agenda_names_them_all_before_the_app_opens(db):
    write_demo(db)
    run_cli("agendas", "add", "Board prep", "--stages", "health", db=db)
    before = db.read_bytes()
    found = run_cli("--agenda", "retro", db=db)
    assert (found.returncode, found.stderr) == (
        1, "cadence: error: --agenda: no agenda named 'retro' (agendas: weekly, monthly, "
           "quarterly, Board prep)\n")
    assert db.read_bytes() == before
    meet = run_cli("meet", "--agenda", "", db=db)
    assert meet.returncode == 1 and "no agenda named ''" in meet.stderr


def test_a_known_agenda_gets_as_far_as_the_terminal(db):
    """Not a terminal here: the app's own one-line refusal, after the agenda was found."""
    write_demo(db)
    found = run_cli("--agenda", "QUARTERLY", db=db)
    assert found.returncode == 1 and "the meeting app needs a terminal" in found.stderr
