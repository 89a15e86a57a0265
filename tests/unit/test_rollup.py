"""A roll-up: its file checked whole (one line per problem, naming the file and the team or
field), each team store read without a write, a lock or a sidecar, a store that cannot be read
one line while the others go on, and one board over every team."""

import json
import os
from pathlib import Path

import pytest

from core import rollup
from core.errors import CadenceError
from core.store import Store
from tests.helpers import TODAY
from tests.rollups import TEAMS, rollup_file, teams_state, three_teams


def load(path: Path) -> rollup.RollupBoard:
    found = rollup.read(path)
    return rollup.load(found, Store(found.own_store), TODAY)


# --- the roll-up file --------------------------------------------------------------------------

def test_the_file_names_its_teams_with_paths_from_its_own_folder(tmp_path):
    path = rollup_file(tmp_path / "org", {"growth": "../g/cadence.json",
                                          "sales": str(tmp_path / "s.json")})
    found = rollup.read(path)
    assert found.title == "Leadership review"
    assert [t.name for t in found.teams] == ["growth", "sales"]
    assert found.teams[0].store == tmp_path / "org" / "../g/cadence.json"
    assert found.teams[1].store == tmp_path / "s.json"
    assert found.own_store == tmp_path / "org" / "rollup.cadence.json"


BAD_FILES = [
    ('[[team]]\nname = "growth"\nstore = "g.json"\n', "title: missing"),
    ('title = 3\n[[team]]\nname = "growth"\nstore = "g.json"\n', "title: 3 is not a title"),
    ('title = "  "\n[[team]]\nname = "growth"\nstore = "g.json"\n', "title: '  ' is not"),
    ('title = "T"\n', "no [[team]] table"),
    ('title = "T"\nteam = "growth"\n', "team: is not a list of [[team]] tables"),
    ('title = "T"\n[[team]]\nstore = "g.json"\n', "team 1: name: missing"),
    ('title = "T"\n[[team]]\nname = "Sales EU"\nstore = "g.json"\n',
     "team 1: name: 'Sales EU' is not a short team name"),
    ('title = "T"\n[[team]]\nname = "a:b"\nstore = "g.json"\n', "team 1: name: 'a:b' is not"),
    ('title = "T"\n[[team]]\nname = "\\u001b[2J"\nstore = "g.json"\n', "team 1: name: "),
    ('title = "T"\n[[team]]\nname = 7\nstore = "g.json"\n', "team 1: name: 7 is not"),
    ('title = "T"\n[[team]]\nname = "growth"\nstore = "g.json"\n'
     '[[team]]\nname = "growth"\nstore = "h.json"\n', "team 2: name: 'growth' names another"),
    ('title = "T"\n[[team]]\nname = "growth"\n', "team 'growth': store: missing"),
    ('title = "T"\n[[team]]\nname = "growth"\nstore = ""\n', "team 'growth': store: '' is not"),
    ('title = "T"\n[[team]]\nname = "growth"\nstore = ["a"]\n', "team 'growth': store: ['a']"),
    ('title = "T"\n[[team]]\nname = "growth"\nstore = "a\\u0000b"\n', "is not a path"),
    ('title = "T"\n[[team]]\nname = "growth"\nstore = "rollup.cadence.json"\n',
     "is the roll-up's own store"),
    ('title = "T"\n[[team]]\nname = "growth"\nstore = "g.json"\n'
     '[[team]]\nname = "sales"\nstore = "./g.json"\n', "team 'sales': store: "),
    ('title = "T"\n[[team]\n', "not valid TOML"),
]


@pytest.mark.parametrize("text, said", BAD_FILES)
def test_every_bad_file_is_one_line_naming_the_file_and_what(tmp_path, text, said):
    path = tmp_path / "rollup.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CadenceError) as found:
        rollup.read(path)
    message = str(found.value)
    assert message.startswith(f"{path}: ") and said in message
    assert "\n" not in message and "\x1b" not in message


def test_a_file_that_is_not_there_or_not_text_is_one_line(tmp_path):
    with pytest.raises(CadenceError, match="rollup.toml: cannot be read"):
        rollup.read(tmp_path / "rollup.toml")
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(CadenceError, match="folder.toml: (is not a file|cannot be read)"):
        rollup.read(tmp_path / "folder.toml")
    (tmp_path / "latin1.toml").write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(CadenceError, match="latin1.toml: not valid TOML"):
        rollup.read(tmp_path / "latin1.toml")


def test_a_fifo_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "rollup.toml")
    with pytest.raises(CadenceError, match="is not a file"):
        rollup.read(tmp_path / "rollup.toml")


# --- reading the team stores -------------------------------------------------------------------

def test_every_team_is_read_and_its_folder_stays_as_it_was(tmp_path):
    path = three_teams(tmp_path)
    before = teams_state(tmp_path)
    board = load(path)
    assert teams_state(tmp_path) == before
    assert [t.team.name for t in board.teams] == list(TEAMS)
    assert board.problems == []


def test_a_store_that_cannot_be_read_is_one_line_and_the_others_go_on(tmp_path):
    path = three_teams(tmp_path, missing="finance")
    named = tmp_path / "org" / "../teams"          # as the roll-up file names them
    broken = named / "sales" / "cadence.json"
    broken.write_text("{ not json")
    board = load(path)
    assert board.problems[0].startswith(f"sales: {broken}: not valid JSON (")
    assert board.problems[1:] == [f"finance: {named / 'finance/cadence.json'}: cannot be read "
                                  "(no such file)"]
    teams = {rollup.team_of(h.kpi.id) for h in board.kpis}
    assert teams == {"growth", "ops"}
    assert broken.read_text() == "{ not json"


def test_a_newer_schema_a_folder_and_a_fifo_are_each_one_line(tmp_path):
    path = three_teams(tmp_path)
    growth, sales, ops = (tmp_path / "org/../teams" / t / "cadence.json" for t in TEAMS)
    data = json.loads(growth.read_text())
    data["_meta"]["1"]["schema_version"] = 99
    growth.write_text(json.dumps(data))
    sales.unlink()
    sales.mkdir()
    ops.unlink()
    os.mkfifo(ops)
    before = teams_state(tmp_path)
    problems = load(path).problems
    assert teams_state(tmp_path) == before
    assert problems[0].startswith(f"growth: {growth}: written by a newer Cadence (schema 99")
    assert problems[1] == f"sales: {sales}: cannot be read (not a regular file)"
    assert problems[2] == f"ops: {ops}: cannot be read (not a regular file)"


def test_a_broken_document_in_a_team_store_is_its_line(tmp_path):
    path = three_teams(tmp_path)
    ops = tmp_path / "org/../teams/ops/cadence.json"
    data = json.loads(ops.read_text())
    data["kpis"]["1"]["target"] = "lots"
    ops.write_text(json.dumps(data))
    [problem] = load(path).problems
    assert problem.startswith(f"ops: {ops}: kpis document 1 is malformed (")


def test_a_team_store_held_locked_by_its_writer_is_read_all_the_same(tmp_path):
    """The roll-up takes no lock: a team mid-meeting (its lock held) is read as it stands."""
    import fcntl
    path = three_teams(tmp_path)
    lock = tmp_path / "teams" / "growth" / "cadence.json.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        board = load(path)
    assert board.problems == [] and board.find_kpi("growth:Cart abandonment") is not None


# --- one board over every team -----------------------------------------------------------------

def test_each_kpi_and_objective_knows_its_team(tmp_path):
    board = load(three_teams(tmp_path))
    assert len(board.kpis) == 30
    cart = board.find_kpi("growth:Cart abandonment")
    assert cart.kpi.id.startswith("growth:k") and cart.latest == 19.0 and cart.band == "green"
    assert board.find_kpi("sales:Cart abandonment").band == "red"
    assert [rollup.team_of(h.kpi.id) for h in board.kpis] == [t for t in TEAMS
                                                              for _ in range(10)]
    titles = [v.objective.title for v in board.active]
    assert titles[0].startswith("growth:") and titles[-1].startswith("ops:")
    view = board.active[0]
    assert all(k.kr.objective == view.objective.id and k.kr.id.startswith("growth:kr")
               for k in view.krs)
    assert all(k.kr.kpi is None or board.get(k.kr.kpi, type(cart)) is not None
               for k in view.krs)
    assert board.name_of(view.objective.id) == view.objective.title


def test_the_team_store_values_are_not_changed_by_qualifying_them(tmp_path):
    path = three_teams(tmp_path)
    team = rollup.read(path).teams[0]
    store = rollup.open_team(team)
    found = rollup.read_team(team, TODAY, store)
    own = found.board.kpis[0].kpi
    rollup.qualified_kpis("growth", found.board.kpis)
    assert not own.id.startswith("growth:") and store.records(type(own))[0].id == "k1"


def test_flagged_kpis_across_teams_are_ranked_by_severity(tmp_path):
    board = load(three_teams(tmp_path))
    flagged = board.flagged
    assert {rollup.team_of(h.kpi.id) for h in flagged} == set(TEAMS)
    ranks = [rollup.severity(h) for h in flagged]
    assert ranks == sorted(ranks)
    bands = [h.band for h in flagged]
    assert bands.index("amber") > max(i for i, b in enumerate(bands) if b == "red")
    reds = [h for h in flagged if h.band == "red"]
    assert len(reds[0].flags) == max(len(h.flags) for h in reds)
    # Ties keep the roll-up's order: the same KPI, equally flagged, growth before sales.
    same = [h.kpi.id for h in flagged if h.kpi.name.endswith(":Defect rate per release")]
    assert same == sorted(same, key=lambda i: TEAMS.index(rollup.team_of(i)))


def test_own_names_and_teams_are_read_back_from_a_qualified_id(tmp_path):
    assert rollup.team_of("growth:k3") == "growth" and rollup.team_of("k3") is None
    assert rollup.team_of(None) is None
    assert rollup.own_name("growth:Net: revenue") == "Net: revenue"
    assert rollup.own_name("Revenue") == "Revenue"


def test_a_teams_explanations_stand_in_the_roll_up_as_in_its_own_meeting(tmp_path):
    board = load(three_teams(tmp_path))
    explained = [e for e in board.explanations if e.kind == "explained"]
    assert {rollup.team_of(e.kpi) for e in explained} == set(TEAMS)
    assert all(e.id.startswith(rollup.team_of(e.kpi) + ":") for e in explained)
    standing = {e.kpi: board.explanation(e.kpi) is not None for e in explained}
    # sales recorded a new value of the explained KPI (tests/rollups.py): it ended there.
    assert standing == {e.kpi: rollup.team_of(e.kpi) != "sales" for e in explained}
    investigated = [e for e in board.explanations if e.kind == "investigating"]
    assert all(e.meeting.startswith(rollup.team_of(e.kpi) + ":m") for e in investigated)
