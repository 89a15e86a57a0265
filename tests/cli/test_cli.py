"""The `cadence` command, run as a user runs it: a subprocess on a real store file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.health import FLAGS
from core.store import Store
from tests.helpers import kpi, run_cli

KPI_HEADER = "name,owner,unit,direction,target,threshold,cadence\n"


def no_traceback(result):
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_demo_then_status_json_has_the_contract_fields_and_every_flag(db):
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    result = run_cli("status", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('{\n  "today": ') and result.stdout.endswith("}\n")
    data = json.loads(result.stdout)
    assert data["today"] == "2026-11-22"
    kpi = data["kpis"][0]
    assert {"id", "name", "band", "latest", "target", "threshold", "flags"} <= set(kpi)
    seen = {flag for k in data["kpis"] for flag in k["flags"]}
    assert seen == set(FLAGS)
    assert {k["band"] for k in data["kpis"]} == {"green", "amber", "red", "none"}
    objective = data["objectives"][0]
    assert {"id", "title", "status", "priority", "score", "key_results"} <= set(objective)
    kr = objective["key_results"][0]
    assert {"id", "title", "progress", "behind", "confidence"} <= set(kr)
    assert all(0 <= k["progress"] <= 1 for o in data["objectives"] for k in o["key_results"])
    actions = data["actions"]
    assert {"id", "kind", "text", "owner", "due", "status", "link", "meeting"} <= set(actions[0])
    assert any(a["status"] == "open" and a["kind"] == "action" for a in actions)


def test_demo_data_is_relative_to_today(db):
    run_cli("demo", "--no-open", db=db, today="2027-03-03")
    data = json.loads(run_cli("status", "--format", "json", db=db, today="2027-03-03").stdout)
    cart = next(k for k in data["kpis"] if k["name"] == "Cart abandonment")
    assert cart["latest_period"] == "2027-02-22" and "stale" not in cart["flags"]
    assert data["objectives"][0]["title"] == "Make support feel effortless"


def test_status_text_is_readable_and_prints_markup_literally(db, write_csv):
    path = write_csv("k.csv", KPI_HEADER + "[/],Ann,%,lower,20,25,weekly\n"
                     "[bold]x,Bo,%,lower,20,25,weekly\n")
    assert run_cli("import", "kpis", str(path), db=db).returncode == 0
    result = run_cli("status", db=db)
    assert result.returncode == 0
    assert "[/]" in result.stdout and "[bold]x" in result.stdout
    assert "no_data" in result.stdout and "2026-11-22" in result.stdout


def test_control_characters_in_names_cannot_drive_the_terminal(db, write_csv):
    """Refused where a name comes in; a store that holds one anyway (a hand edit, an older
    Cadence) still opens, and shows it neutralised."""
    path = write_csv("k.csv", KPI_HEADER + "Evil\x1b[2J,Ann,%,lower,20,25,weekly\n")
    refused = run_cli("import", "kpis", str(path), db=db)
    assert refused.returncode == 1 and "row 2: name: holds the control character U+001B" \
        in refused.stderr and not db.exists()
    with Store(db).transaction("hand edit") as tx:
        tx.insert("kpis", kpi(name="Evil\x1b[2J").to_doc())
    result = run_cli("status", db=db)
    assert "\x1b" not in result.stdout and "Evil␛[2J" in result.stdout


def test_empty_store_status_gives_guidance_and_creates_nothing(db):
    result = run_cli("status", db=db)
    assert result.returncode == 0 and "cadence demo" in result.stdout
    assert not db.exists()


def test_demo_refuses_other_data_unless_forced(db, write_csv):
    mine = write_csv("k.csv", KPI_HEADER + "Mine,Ann,%,lower,1,2,weekly\n")
    run_cli("import", "kpis", str(mine), db=db)
    before = db.read_bytes()
    refused = run_cli("demo", "--no-open", db=db)
    assert refused.returncode == 1 and "--force" in refused.stderr and str(db) in refused.stderr
    assert db.read_bytes() == before
    assert run_cli("demo", "--no-open", "--force", db=db).returncode == 0
    data = json.loads(run_cli("status", "--format", "json", db=db).stdout)
    assert "Mine" not in [k["name"] for k in data["kpis"]]
    assert '"Mine"' in db.read_text()                     # kept in the event log


def test_demo_twice_refreshes_the_demo(db):
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    data = json.loads(run_cli("status", "--format", "json", db=db).stdout)
    assert len(data["kpis"]) == 10


def test_the_app_without_a_terminal_says_so_instead_of_hanging(db):
    assert run_cli("demo", db=db).returncode == 1 and not db.exists()
    run_cli("demo", "--no-open", db=db)
    for args in (("demo",), ("meet",), ()):
        result = run_cli(*args, db=db)
        assert result.returncode == 1 and "needs a terminal" in result.stderr


@pytest.mark.parametrize("content", [b"{not json", b"[]",
                                     b'{"_meta": {"1": {"schema_version": 7}}}'])
@pytest.mark.parametrize("command", [
    ("status",), ("status", "--format", "json"), ("demo", "--no-open"),
    ("demo", "--no-open", "--force"), ("meet",), (),
    ("import", "kpis", "KPIS"), ("import", "measurements", "MEAS"), ("import", "okrs", "OKRS")])
def test_an_unreadable_store_is_byte_for_byte_unchanged_after_every_command(
        db, write_csv, content, command):
    files = {"KPIS": write_csv("k.csv", KPI_HEADER + "A,B,%,lower,1,2,weekly\n"),
             "MEAS": write_csv("m.csv", "kpi,date,value\nA,2026-11-10,1\n"),
             "OKRS": write_csv("o.csv", "objective,key_result,start,target\nO,K,1,2\n")}
    db.write_bytes(content)
    result = run_cli(*[str(files.get(a, a)) for a in command], db=db)
    assert result.returncode == 1
    assert str(db) in result.stderr and len(result.stderr.strip().splitlines()) == 1
    no_traceback(result)
    assert db.read_bytes() == content


def test_import_errors_are_one_line_naming_file_row_and_field(db, write_csv):
    path = write_csv("k.csv", KPI_HEADER + "A,B,%,lower,1,2,weekly\nC,D,%,lower,x,2,weekly\n")
    result = run_cli("import", "kpis", str(path), db=db)
    assert result.returncode == 1
    assert result.stderr == f"cadence: error: {path}: row 3: target: 'x' is not a number\n"
    assert not db.exists()
    no_traceback(result)


def test_import_reports_counts_and_warnings(db, write_csv):
    run_cli("import", "kpis", str(write_csv("k.csv", KPI_HEADER + "A,B,%,lower,1,2,weekly\n")),
            db=db)
    okrs = write_csv("o.csv", "objective,key_result,start,target\nO,K,1,2\n")
    result = run_cli("import", "okrs", str(okrs), db=db)
    assert result.returncode == 0
    assert "1 created" in result.stdout
    assert "warning: objective 'O' has 1 key result" in result.stderr


def test_status_marks_overdue_actions_in_text_and_json(db):
    """The demo's staffing plan was due two days ago; the checkout test is due next week."""
    run_cli("demo", "--no-open", db=db)
    text = run_cli("status", db=db).stdout
    assert "Draft a staffing plan for a second support shift — Lena Fischer, ⚠ overdue " \
           "2026-11-20\n" in text
    assert "A/B test a one-page checkout — Priya Nair, due 2026-11-29\n" in text
    listed = json.loads(run_cli("status", "--format", "json", db=db).stdout)["actions"]
    assert {a["text"][:20]: a["overdue"] for a in listed} == {
        "Draft a staffing pla": True, "A/B test a one-page ": False,
        "Share the Q4 pipelin": False, "Freeze non-critical ": False,   # done: not overdue
        "Add a weekend suppor": False, "Review every stalled": False}
    later = json.loads(run_cli("status", "--format", "json", db=db, today="2026-12-01").stdout)
    assert [a["overdue"] for a in later["actions"] if a["status"] == "open"] == [True, True]


def test_an_objective_imported_mid_cycle_is_on_pace_on_its_first_day(db, write_csv):
    """Paced from the day it was written (2026-11-22, 52 days into 2026-Q4), not from the
    quarter's first day, which would make it behind at once."""
    okrs = write_csv("o.csv", "objective,key_result,start,target,cycle\n"
                              "Grow,Leads,0,100,2026-Q4\nGrow,Deals,0,10,2026-Q4\n")
    assert run_cli("import", "okrs", str(okrs), db=db).returncode == 0

    def pace(today: str) -> tuple[float, list[bool]]:
        (objective,) = json.loads(run_cli("status", "--format", "json", db=db,
                                          today=today).stdout)["objectives"]
        return objective["elapsed"], [kr["behind"] for kr in objective["key_results"]]
    assert pace("2026-11-22") == (0.0, [False, False])
    elapsed, behind = pace("2026-12-20")                  # 28 of its 40 days: still at 0
    assert elapsed == pytest.approx(28 / 40) and behind == [True, True]


@pytest.mark.parametrize("args, message", [
    (("bogus",), "invalid choice: 'bogus'"),
    (("status", "--format", "xml"), "invalid choice: 'xml'"),
    (("import", "people", "x.csv"), "invalid choice: 'people'"),
    (("import", "kpis", "/nonexistent/k.csv"), "/nonexistent/k.csv: no such file"),
])
def test_usage_errors_exit_1_with_one_line(db, args, message):
    result = run_cli(*args, db=db)
    assert result.returncode == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    no_traceback(result)


def test_bad_cadence_today_is_a_user_error(db):
    result = run_cli("status", db=db, today="yesterday")
    assert result.returncode == 1 and "CADENCE_TODAY" in result.stderr


def test_db_flag_wins_over_environment_which_wins_over_the_default(tmp_path):
    flag, env = tmp_path / "flag.json", tmp_path / "env.json"
    home = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    run_cli("--db", str(flag), "demo", "--no-open", env={"CADENCE_DB": str(env), **home})
    assert flag.exists() and not env.exists()
    run_cli("demo", "--no-open", env={"CADENCE_DB": str(env), **home})
    assert env.exists()
    run_cli("demo", "--no-open", env=home)
    assert (tmp_path / "xdg" / "cadence" / "cadence.json").exists()


def test_module_entry_point_matches_the_script(db):
    result = subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "status"],
                            capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert result.returncode == 0 and "cadence demo" in result.stdout


@pytest.mark.parametrize("setting, columns", [("60", 60), ("120", 120), ("0", 80), ("-5", 80),
                                              ("wide", 80)])
def test_help_lists_every_command_and_wraps_to_the_terminal_width(db, setting, columns):
    result = run_cli("--help", db=db, env={"COLUMNS": setting})   # not a terminal: else 80
    assert result.returncode == 0
    for command in ("meet", "demo", "follow", "serve", "status", "import", "minutes",
                    "meetings"):
        assert f"    {command} " in result.stdout
    widths = [len(line) for line in result.stdout.splitlines()]
    assert max(widths) <= columns - 2 and max(widths) > columns - 20
    assert not db.exists()                        # help touches no store


@pytest.mark.parametrize("command", [("import", "measurements"), ("import", "okrs")])
def test_a_command_that_writes_refuses_a_malformed_document_and_leaves_the_store(
        db, tmp_path, command):
    assert run_cli("demo", "--no-open", db=db).returncode == 0
    data = json.loads(db.read_text())
    key = next(iter(data["kpis"]))
    data["kpis"][key]["target"] = "ninety"                      # a hand edit gone wrong
    db.write_text(json.dumps(data))
    before = db.read_bytes()
    csv = tmp_path / "in.csv"
    csv.write_text("kpi,date,value\nCustomer churn,2026-11-02,2.1\n" if command[1] == "measurements"
                   else "objective,key_result,start,target\nGrow,Reach 10,0,10\n")
    result = run_cli(*command, str(csv), db=db)
    assert result.returncode == 1
    no_traceback(result)
    assert f"kpis document {key} is malformed" in result.stderr and str(db) in result.stderr
    assert db.read_bytes() == before
