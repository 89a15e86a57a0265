"""A leadership meeting over three team stores, in a real terminal (tmux), end to end: the
team stores made as a user makes them (`cadence demo --no-open`, then each team's own numbers
imported), a fourth store missing and said so without stopping the rest, an intervention and
a decision recorded, a team change refused, the minutes exported, the meeting ended — and the
decisions reaching the teams, whose folders stay byte for byte as they were."""

import json
import os

from core import rollup
from core.model import Action
from core.store import Store
from tests.helpers import TODAY, cadence_command, run_cli
from tests.rollups import LATEST, rollup_file, teams_state
from tests.terminal.tmux import Terminal


def team_stores(root):
    """growth, sales and ops as their teams would make them: the demo, then a CSV of their
    own latest week."""
    for team, values in LATEST.items():
        folder = root / "teams" / team
        folder.mkdir(parents=True)
        db = folder / "cadence.json"
        assert run_cli("demo", "--no-open", db=db).returncode == 0
        rows = "".join(f"{name},2026-11-16,{value}\n" for name, value in values.items())
        csv = root / f"{team}.csv"
        csv.write_text("kpi,date,value\n" + rows, encoding="utf-8")
        assert run_cli("import", "measurements", str(csv), db=db).returncode == 0
    named = {team: f"../teams/{team}/cadence.json" for team in (*LATEST, "finance")}
    return rollup_file(root / "org", named)


def test_a_leadership_meeting_over_three_teams_end_to_end(tmp_path):
    path = team_stores(tmp_path)
    before = teams_state(tmp_path)
    env = {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"]}
    term = Terminal([*cadence_command(), "--rollup", str(path)], env, size=(120, 36))
    try:
        term.wait_for("1/5 KPI health")
        term.wait_for("Leadership review 2026-11-22")
        term.wait_for("3 of 4 teams read · not read: finance:")
        assert "19%" in term.wait_for("growth:Cart abandonment")
        term.keys("2")
        term.wait_for("2/5 Flagged")
        term.wait_for("sales:Qualified pip")       # ranked among the reds (the list cuts it)
        term.keys("i")
        term.wait_for("Record an intervention")
        term.type("Second release train")
        term.keys("Tab")
        term.type("Sam Chen")
        term.keys("Enter")
        term.wait_for("▸ Second release train")
        term.keys("3")
        term.wait_for("3/5 OKR check-ins")
        term.wait_for("CSAT: 85% → 88.2% → 95%")    # the first key result, selected
        term.keys("c")
        term.wait_for("c: growth:CSAT is in growth's")   # a toast: it wraps
        term.record_decision("Hire two support leads", "Lena Fischer")
        term.keys("4")
        term.wait_for("4/5 Decisions")
        assert "growth:CSAT" in term.wait_for("Hire two support leads")
        term.keys("5")
        term.wait_for("5/5 Wrap-up")
        term.keys("e")
        term.wait_for("Minutes written to")
        term.quit()
    finally:
        term.close()
    assert teams_state(tmp_path) == before
    actions = {a.kind: a for a in Store(rollup.own_store(path)).records(Action)}
    assert actions["intervention"].link.startswith("growth:k")
    assert actions["decision"].link.startswith("growth:kr")
    minutes = list((path.parent / "minutes").glob("*.md"))
    assert len(minutes) == 1 and "Hire two support leads" in minutes[0].read_text()
    # The decision reaches the team it is about, and no other.
    seen = {team: json.loads(run_cli(
        "status", "--format", "json", db=tmp_path / "teams" / team / "cadence.json",
        env={"CADENCE_ROLLUPS": str(path)}).stdout)["rollup_actions"] for team in LATEST}
    assert [a["text"] for a in seen["growth"]] == ["Hire two support leads",
                                                   "Second release train"]
    assert seen["sales"] == [] and seen["ops"] == []
    assert teams_state(tmp_path) == before
