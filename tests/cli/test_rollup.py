"""`cadence status --rollup FILE` and `cadence minutes --rollup FILE`, run as a user runs them:
every team's status at once, a team store that cannot be read one line while the rest is
shown, every bad roll-up file one line and exit 1, and no team folder touched, byte for
byte."""

import json
import time
from datetime import date

import pytest

from core import rollup
from core.commands import actions, kpis
from core.events import EventKind
from core.model import Kpi
from core.store import Store
from tests.helpers import TODAY, end_meeting, meeting_on, run_cli
from tests.hostile import HOSTILE, assert_inert, assert_json_escaped
from tests.rollups import TEAMS, folder_state, rollup_file, teams_state, three_teams


def test_status_shows_every_team_and_says_which_store_it_could_not_read(tmp_path):
    path = three_teams(tmp_path, missing="finance")
    before, org = teams_state(tmp_path), folder_state(tmp_path / "org")
    result = run_cli("status", "--rollup", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Leadership review: a roll-up of 4 teams (growth, sales, ops, finance)"
    assert lines[1] == (f"  not read: finance: {path.parent}/../teams/finance/cadence.json: "
                        "cannot be read (no such file)")
    assert "growth:Cart abandonment" in result.stdout and "ops:CSAT" in result.stdout
    assert result.stderr == ""
    assert teams_state(tmp_path) == before
    assert folder_state(tmp_path / "org") == org           # status writes no store of its own


def test_status_json_gives_each_kpi_objective_and_action_its_team(tmp_path):
    path = three_teams(tmp_path, missing="finance")
    before = teams_state(tmp_path)
    result = run_cli("status", "--rollup", str(path), "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["title"] == "Leadership review" and data["today"] == "2026-11-22"
    assert {k["team"] for k in data["kpis"]} == set(TEAMS)
    cart = next(k for k in data["kpis"] if k["id"].startswith("growth:")
                and k["name"] == "Cart abandonment")
    assert cart["team"] == "growth" and cart["latest"] == 19.0 and cart["band"] == "green"
    assert {o["team"] for o in data["objectives"]} == set(TEAMS)
    assert all(not o["title"].startswith(f"{o['team']}:") for o in data["objectives"])
    assert data["actions"] == []               # the roll-up's own: no leadership meeting yet
    assert data["teams"][3] == {"name": "finance", "readable": False,
                                "store": str(path.parent / "../teams/finance/cadence.json")}
    assert [u["team"] for u in data["unreadable"]] == ["finance"]
    assert "cannot be read (no such file)" in data["unreadable"][0]["error"]
    assert result.stderr.startswith("cadence: warning: finance: ")
    assert teams_state(tmp_path) == before


def test_a_broken_team_store_is_left_as_it_is(tmp_path):
    path = three_teams(tmp_path)
    broken = tmp_path / "teams" / "ops" / "cadence.json"
    broken.write_bytes(b'{"kpis": [')
    before = teams_state(tmp_path)
    result = run_cli("status", "--rollup", str(path))
    assert result.returncode == 0 and "  not read: ops: " in result.stdout
    assert "not valid JSON" in result.stdout and "growth:Uptime" in result.stdout
    assert teams_state(tmp_path) == before


BAD = [
    ('[[team]]\nname = "g"\nstore = "g.json"\n', "title: missing"),
    ('title = "T"\n[[team]]\nname = "Growth Team"\nstore = "g.json"\n',
     "team 1: name: 'Growth Team' is not a short team name"),
    ('title = "T"\n[[team]]\nname = "g"\n', "team 'g': store: missing"),
    ('title = "T"\n[[team]]\nname = "g"\nstore = "g.json"\n[[team]]\nname = "g"\n'
     'store = "h.json"\n', "team 2: name: 'g' names another team too"),
    ('title = "T"\n[team\n', "not valid TOML"),
]


@pytest.mark.parametrize("text, said", BAD, ids=[s for _, s in BAD])
@pytest.mark.parametrize("command", [("status",), ("minutes",), ("meetings",)])
def test_a_bad_roll_up_file_is_one_line_and_exit_1(tmp_path, text, said, command):
    path = tmp_path / "rollup.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(*command, "--rollup", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"cadence: error: {path}: ") and said in result.stderr


def test_a_roll_up_and_a_store_are_not_given_together(tmp_path):
    path = three_teams(tmp_path)
    result = run_cli("status", "--rollup", str(path), "--db", str(tmp_path / "x.json"))
    assert result.returncode == 1 and "--rollup and --db" in result.stderr
    result = run_cli("pull", "--rollup", str(path))
    assert result.returncode == 1 and "unrecognized arguments: --rollup" in result.stderr


def test_a_missing_roll_up_file_is_one_line(tmp_path):
    result = run_cli("status", "--rollup", str(tmp_path / "nope.toml"))
    assert result.returncode == 1
    assert result.stderr == (f"cadence: error: {tmp_path / 'nope.toml'}: cannot be read (No "
                             "such file or directory)\n")


def test_store_text_and_a_hostile_title_reach_the_output_inert(tmp_path):
    title = HOSTILE.replace('"', "'").replace("\\", "/")
    three_teams(tmp_path)
    path = rollup_file(tmp_path / "org", {"growth": "../teams/growth/cadence.json"},
                       title=json.dumps(title)[1:-1])
    text = run_cli("status", "--rollup", str(path))
    assert text.returncode == 0
    assert_inert(text.stdout, "status --rollup")
    raw = run_cli("status", "--rollup", str(path), "--format", "json", text=False)
    assert json.loads(raw.stdout)["title"] == title
    assert_json_escaped(raw.stdout, "status --rollup --format json")


# --- the leadership meeting's minutes ----------------------------------------------------

def leadership_meeting(path, text: str = "Fund the checkout fix") -> str:
    """A leadership meeting in the roll-up's store, with one decision about a team KPI, ended
    (the app's way: tests/app and tests/terminal)."""
    review = rollup.Review(path)
    board = review.board(TODAY)
    cart = board.find_kpi("sales:Cart abandonment")
    session = meeting_on(review.own, title="Leadership review 2026-11-22")
    session.run(EventKind.DECISION, actions.record, "decision", text, "Noor", None,
                cart.kpi.id, TODAY)
    end_meeting(session)
    return session.meeting


def test_minutes_of_a_leadership_meeting_name_team_kpis_and_stay_as_they_were(tmp_path,
                                                                             monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    path = three_teams(tmp_path)
    meeting = leadership_meeting(path)
    before = teams_state(tmp_path)
    first = run_cli("minutes", "--rollup", str(path))
    assert first.returncode == 0, first.stderr
    assert "# Leadership review 2026-11-22" in first.stdout
    assert "Fund the checkout fix — Noor, about sales\\:Cart abandonment" in first.stdout
    data = json.loads(run_cli("minutes", "--rollup", str(path), "--format", "json").stdout)
    assert data["meeting"]["id"] == meeting
    assert data["decisions"][0]["link"].startswith("sales:k")
    assert data["decisions"][0]["link_name"] == "sales:Cart abandonment"
    assert data["discussed"] == [data["decisions"][0]["link"]]      # a team's KPI, charted
    page = run_cli("minutes", "--rollup", str(path), "--format", "html")
    assert page.returncode == 0 and "sales<wbr>:Cart abandonment" in page.stdout
    off = {k["name"] for k in data["kpi_health"]["off_track"]}
    assert "sales:Cart abandonment" in off and "growth:Cart abandonment" not in off
    assert teams_state(tmp_path) == before
    # A team records a new value after the meeting: the meeting's minutes do not change.
    # (Stores stamp events to the second, and a team's event in the second the meeting
    # ended counts as before its end: the team writes in a later second.)
    time.sleep(1.1)
    store = Store(tmp_path / "teams" / "sales" / "cadence.json")
    with store.transaction("test", "later") as tx:
        kpi = next(k for k in store.records(Kpi) if k.name == "Cart abandonment")
        kpis.measure(tx, kpi.id, "2026-11-16", 12.0, "", TODAY)
    assert run_cli("minutes", "--rollup", str(path)).stdout == first.stdout


def test_minutes_with_no_leadership_meeting_yet_is_one_line(tmp_path):
    path = three_teams(tmp_path)
    result = run_cli("minutes", "--rollup", str(path))
    assert result.returncode == 1
    assert result.stderr == (f"cadence: error: {path}: no leadership meeting yet; "
                             f"`cadence --rollup {path}` opens one\n")
    assert not (path.parent / "rollup.cadence.json").exists()


def test_minutes_are_never_written_over_a_team_store(tmp_path):
    path = three_teams(tmp_path)
    leadership_meeting(path)
    before = teams_state(tmp_path)
    for target in ("cadence.json", "cadence.json.lock"):
        output = tmp_path / "teams" / "growth" / target
        result = run_cli("minutes", "--rollup", str(path), "-o", str(output), "--force")
        assert result.returncode == 1 and "is the store" in result.stderr
    assert teams_state(tmp_path) == before


def test_meetings_lists_the_leadership_meetings(tmp_path):
    path = three_teams(tmp_path)
    meeting = leadership_meeting(path)
    listed = json.loads(run_cli("meetings", "--rollup", str(path), "--format", "json").stdout)
    assert [m["id"] for m in listed] == [meeting] and listed[0]["decisions"] == 1


# --- what a team sees -------------------------------------------------------------------------

def test_a_team_sees_the_decisions_about_its_kpis_in_the_roll_ups_naming_it(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    path = three_teams(tmp_path)
    leadership_meeting(path, "Fund the checkout fix")        # about sales:Cart abandonment
    before, org = teams_state(tmp_path), folder_state(tmp_path / "org")
    gone = tmp_path / "gone.toml"
    env = {"CADENCE_ROLLUPS": f"{path}:{gone}"}
    sales = tmp_path / "teams" / "sales" / "cadence.json"
    text = run_cli("status", db=sales, env=env)
    assert text.returncode == 0
    assert text.stdout.splitlines()[-2:] == [
        "FROM ROLL-UPS (decisions and actions about this team's KPIs and objectives)",
        "  Leadership review: decision: Fund the checkout fix — Noor, about Cart abandonment "
        "(open)"]
    assert text.stderr == (f"cadence: warning: CADENCE_ROLLUPS: {gone}: cannot be read (No such "
                           "file or directory)\n")
    data = json.loads(run_cli("status", "--format", "json", db=sales, env=env).stdout)
    [relayed] = data["rollup_actions"]
    cart = next(k for k in data["kpis"] if k["name"] == "Cart abandonment")
    assert relayed["link"] == cart["id"] and relayed["link_name"] == "Cart abandonment"
    assert relayed["team"] == "sales" and relayed["text"] == "Fund the checkout fix"
    assert relayed["rollup"] == {"title": "Leadership review", "file": str(path)}
    growth = tmp_path / "teams" / "growth" / "cadence.json"
    assert "FROM ROLL-UPS" not in run_cli("status", db=growth, env=env).stdout
    assert json.loads(run_cli("status", "--format", "json", db=growth,
                              env=env).stdout)["rollup_actions"] == []
    assert "rollup_actions" not in json.loads(run_cli("status", "--format", "json",
                                                      db=sales).stdout)
    assert teams_state(tmp_path) == before and folder_state(tmp_path / "org") == org


def test_a_team_named_in_a_roll_up_with_no_meeting_yet_sees_nothing_from_it(tmp_path):
    path = three_teams(tmp_path)
    sales = tmp_path / "teams" / "sales" / "cadence.json"
    result = run_cli("status", db=sales, env={"CADENCE_ROLLUPS": str(path)})
    assert result.returncode == 0 and result.stderr == ""
    assert "FROM ROLL-UPS" not in result.stdout
    assert not (path.parent / "rollup.cadence.json").exists()


# --- org KPIs: formulas over the teams' KPIs -------------------------------------------------

ORG_HEADER = "name,owner,unit,direction,target,threshold,cadence,formula\n"


def import_org(path, rows: str):
    csv = path.parent / "org.csv"
    csv.write_text(ORG_HEADER + rows, encoding="utf-8")
    return run_cli("--rollup", str(path), "import", "kpis", str(csv))


def test_an_org_kpi_computes_period_by_period_from_the_team_stores(tmp_path):
    path = three_teams(tmp_path)
    before = teams_state(tmp_path)
    done = import_org(path, "Worst cart abandonment,Priya,%,lower,20,25,weekly,"
                            "\"max(growth:`Cart abandonment`, sales:[Cart abandonment], "
                            "ops:`Cart abandonment`)\"\n"
                            "Cart spread,Priya,%,lower,5,8,weekly,"
                            "`Worst cart abandonment` - growth:`Cart abandonment`\n")
    assert done.returncode == 0, done.stderr
    data = json.loads(run_cli("status", "--rollup", str(path), "--format", "json").stdout)
    org = {k["name"]: k for k in data["kpis"] if k["team"] is None}
    worst, spread = org["Worst cart abandonment"], org["Cart spread"]
    teams = {k["team"]: k for k in data["kpis"] if k["name"] == "Cart abandonment"}
    assert worst["team"] is None and worst["name"] == "Worst cart abandonment"
    assert worst["latest"] == max(k["latest"] for k in teams.values()) == 26.0
    assert worst["band"] == "red" and "breach" in worst["flags"]
    assert spread["latest"] == 26.0 - teams["growth"]["latest"]           # over another
    assert [i["team"] for i in worst["inputs"]] == ["growth", "sales", "ops"]
    assert worst["inputs"][0]["store"] == str(path.parent / "../teams/growth/cadence.json")
    text = run_cli("status", "--rollup", str(path)).stdout
    assert "ORG KPIS (formulas over the teams' KPIs)" in text
    assert teams_state(tmp_path) == before


def test_a_period_a_team_has_no_value_for_says_why(tmp_path):
    path = three_teams(tmp_path)
    store = Store(tmp_path / "teams" / "ops" / "cadence.json")
    with store.transaction("test", "one week gone") as tx:
        kpi = next(k for k in store.records(Kpi) if k.name == "Cart abandonment")
        doc = dict(tx.get("series", kpi.key))
        del doc["2026-11-09"]
        tx.put("series", kpi.key, doc)
    assert import_org(path, "Carts,Priya,%,lower,60,75,weekly,growth:`Cart abandonment` + "
                            "ops:`Cart abandonment`\n").returncode == 0
    data = json.loads(run_cli("status", "--rollup", str(path), "--format", "json").stdout)
    assert data["kpis"][0]["missing"] == {
        "2026-11-09": "no value of ops:Cart abandonment for 2026-W46"}


@pytest.mark.parametrize("formula, said", [
    ("growth:`Cart abandonmnt`", "no KPI is named growth:Cart abandonmnt (did you mean "
                                 "growth:Cart abandonment?)"),
    ("finance:`Cart abandonment`", "no KPI is named finance:Cart abandonment"),
    ("growth:`Monthly recurring revenue`", "growth:Monthly recurring revenue is monthly; Org "
                                           "is weekly"),
    ("Org + growth:`Cart abandonment`", "uses Org itself"),
])
def test_an_org_kpi_keeps_the_formula_rules(tmp_path, formula, said):
    path = three_teams(tmp_path)
    result = import_org(path, f"Org,Priya,%,lower,20,25,weekly,\"{formula}\"\n")
    assert result.returncode == 1 and said in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_org_kpis_that_make_a_cycle_are_refused(tmp_path):
    path = three_teams(tmp_path)
    result = import_org(path, "A,Priya,%,lower,20,25,weekly,B + growth:`Cart abandonment`\n"
                              "B,Priya,%,lower,20,25,weekly,A * 2\n")
    assert result.returncode == 1 and "makes a cycle" in result.stderr
    assert not (path.parent / "rollup.cadence.json").exists()


def test_a_roll_ups_store_takes_org_kpis_only(tmp_path):
    path = three_teams(tmp_path)
    csv = tmp_path / "m.csv"
    csv.write_text("kpi,date,value\nx,2026-11-16,1\n", encoding="utf-8")
    result = run_cli("--rollup", str(path), "import", "measurements", str(csv))
    assert result.returncode == 1
    assert "a roll-up's store takes its org KPIs only" in result.stderr


# --- store text from a team, and the insight rules across teams ------------------------------

def test_a_hostile_team_store_reaches_every_roll_up_output_inert(tmp_path, monkeypatch):
    from tests.hostile import make_hostile
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    path = three_teams(tmp_path)
    make_hostile(tmp_path / "teams" / "ops" / "cadence.json")
    review = rollup.Review(path)
    hostile_kpi = next(h for h in review.board(TODAY).kpis if h.kpi.id == "ops:k7")
    session = meeting_on(review.own, title="Leadership review")
    session.run(EventKind.DECISION, actions.record, "decision", "Look at it", "Noor", None,
                hostile_kpi.kpi.id, TODAY)
    end_meeting(session)
    for command in (("status",), ("minutes",)):
        result = run_cli(*command, "--rollup", str(path))
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout, " ".join(command) + " --rollup")
    for command in (("status",), ("minutes",)):
        raw = run_cli(*command, "--rollup", str(path), "--format", "json", text=False)
        assert raw.returncode == 0
        assert_json_escaped(raw.stdout, " ".join(command) + " --rollup --format json")
    relayed = run_cli("status", db=tmp_path / "teams" / "ops" / "cadence.json",
                      env={"CADENCE_ROLLUPS": str(path)})
    assert "FROM ROLL-UPS" in relayed.stdout
    assert_inert(relayed.stdout, "status of a team named in a roll-up")


def test_since_the_last_leadership_meeting_and_follow_through_work_across_teams(tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    path = three_teams(tmp_path)
    review = rollup.Review(path)
    cart = review.board(TODAY).find_kpi("sales:Cart abandonment")
    session = meeting_on(review.own, title="Leadership review")
    session.run(EventKind.INTERVENTION, actions.record, "intervention", "Fix the checkout",
                "Priya", None, cart.kpi.id, TODAY)
    end_meeting(session)
    time.sleep(1.1)                    # the team writes in a later second than the end
    store = Store(tmp_path / "teams" / "sales" / "cadence.json")
    with store.transaction("test", "the next week") as tx:
        kpi = next(k for k in store.records(Kpi) if k.name == "Cart abandonment")
        kpis.measure(tx, kpi.id, "2026-11-23", 18.0, "", date(2026, 11, 30))
    data = json.loads(run_cli("status", "--rollup", str(path), "--format", "json",
                              today="2026-11-30").stdout)
    since = data["since_last_meeting"]
    assert since is not None and since["title"] == "Leadership review"
    added = {i["id"]: i for i in since["values_added"]}
    assert cart.kpi.id in added and added[cart.kpi.id]["name"] == "sales:Cart abandonment"
    assert all(rollup.team_of(i) == "sales" for i in added)    # only sales wrote since
    [judged] = [a for a in data["actions"] if a["kind"] == "intervention"]
    assert judged["team"] == "sales" and judged["follow_through"] is not None
