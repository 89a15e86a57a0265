"""The meeting app over a roll-up (`cadence --rollup FILE`), driven by keys under Pilot: every
team's KPIs in the health stage (a team store that cannot be read said there), the flagged
KPIs ranked across teams, every team's objectives; interventions and decisions go to the
roll-up's own store linked to the team's KPI, and every key that would change a team's store
says so in one line instead — the team folders stay byte for byte as they were."""

import pytest

from core import clock, rollup
from core.meeting import MeetingClock
from core.model import Action
from core.store import Store
from tests.app.helpers import (FrozenTime, kpi_row, notified, run, screen_text, select_row,
                               table_text, type_text, until)
from tests.helpers import TODAY
from tests.rollups import teams_state, three_teams
from tui import keys
from tui.app import CadenceApp


@pytest.fixture
def rolled(tmp_path, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    return three_teams(tmp_path, missing="finance")


def rollup_app(path) -> CadenceApp:
    """The app as `cadence --rollup FILE` opens it (tui/cli.py run_app)."""
    review = rollup.Review(path)
    board = review.board(clock.today())
    return CadenceApp(review.own, title=f"{review.rollup.title} {TODAY}", board=board,
                      review=review, clock=MeetingClock(now=FrozenTime()))


def own_actions(path) -> list[Action]:
    return Store(rollup.own_store(path)).records(Action)


async def test_the_health_stage_shows_every_team_and_the_store_it_could_not_read(rolled):
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "1/5 KPI health  Leadership review 2026-11-22" in shown
        assert "3 of 4 teams read · not read: finance:" in shown
        rows = table_text(app)
        assert "growth:Cart abandonment" in rows and "ops:Uptime" in rows
        await pilot.press("slash")
        await type_text(pilot, "sales:")
        await pilot.pause()
        rows = table_text(app).splitlines()
        assert len(rows) == 10 and all("sales:" in row for row in rows)


async def test_flagged_kpis_across_teams_most_severe_first(rolled):
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.press("2")
        await pilot.pause()
        board = app.read.board
        listed = [app.screen.view.table.coordinate_to_cell_key((i, 0)).row_key.value
                  for i in range(app.screen.view.table.row_count)]
        assert listed == [h.kpi.id for h in board.flagged]
        assert {rollup.team_of(i) for i in listed} == {"growth", "sales", "ops"}
        assert [rollup.severity(board.get(i, type(board.kpis[0]))) for i in listed] == \
            sorted(rollup.severity(h) for h in board.flagged)


async def test_an_intervention_and_a_decision_go_to_the_roll_ups_store(rolled, tmp_path):
    before = teams_state(tmp_path)
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.press("2")
        await pilot.pause()
        first = app.screen.view.selected
        await pilot.press("i")
        await pilot.pause()
        await type_text(pilot, "Second release train")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("enter")
        await until(pilot, lambda: "Intervention recorded" in notified(app))
        assert "No open intervention" not in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await type_text(pilot, "Hire two support leads")
        await pilot.press("tab")
        await type_text(pilot, "Lena")
        await pilot.press("enter")
        await until(pilot, lambda: "Recorded" in notified(app))
    found = {a.kind: a for a in own_actions(rolled)}
    assert found["intervention"].link == first and first.startswith(
        app.read.board.flagged[0].kpi.id.split(":")[0] + ":")
    assert found["decision"].link.startswith("growth:kr")
    assert app.read.board.name_of(found["decision"].link) == "growth:CSAT"
    assert teams_state(tmp_path) == before


@pytest.mark.parametrize("stage, key", [
    ("1", "m"), ("1", "N"), ("1", "E"), ("1", "X"), ("1", "M"), ("1", "B"), ("2", "o"), ("2", "x"),
    ("3", "c"), ("3", "plus"), ("3", "minus"), ("3", "r"), ("3", "N"), ("3", "A"),
    ("3", "E"), ("3", "X"), ("3", "C"), ("1", "P")])
async def test_a_key_that_would_change_a_team_store_says_so_instead(rolled, tmp_path, stage,
                                                                    key):
    before = teams_state(tmp_path)
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.press(stage)
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        said = notified(app).splitlines()
        assert len(said) == 1 and "only reads" in said[0], said
        assert len(app.screen_stack) == 1                     # no form, no dialog opened
    assert teams_state(tmp_path) == before
    assert own_actions(rolled) == []


def test_every_team_action_is_refused_somewhere():
    """Each of keys.TEAM_ACTIONS is a key of the table: none is refused by a name no key has."""
    assert {k.name for k in keys.KEYS} >= keys.TEAM_ACTIONS


async def test_undo_takes_back_a_decision_in_the_roll_ups_store(rolled, tmp_path):
    before = teams_state(tmp_path)
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.pause()
        await select_row(pilot, kpi_row(app, "ops:Cart abandonment"))
        await pilot.press("d")
        await pilot.pause()
        await type_text(pilot, "Freeze checkout")
        await pilot.press("tab")
        await type_text(pilot, "Priya")
        await pilot.press("enter")
        await until(pilot, lambda: "Recorded" in notified(app))
        assert [a.link for a in own_actions(rolled)] == [app.read.board.find_kpi(
            "ops:Cart abandonment").kpi.id]
        await pilot.press("u")
        await until(pilot, lambda: "Undone" in notified(app))
    assert own_actions(rolled) == []
    assert teams_state(tmp_path) == before


async def test_a_team_store_changing_mid_meeting_shows_up(rolled, tmp_path):
    from core.commands import kpis
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.pause()
        store = Store(tmp_path / "teams" / "ops" / "cadence.json")
        with store.transaction("test", "a later value") as tx:
            kpi = next(k for k in store.records(kpis.Kpi) if k.name == "Cart abandonment")
            kpis.measure(tx, kpi.id, "2026-11-16", 18.0, "", TODAY)
        await app.screen.tick()
        await pilot.pause()
        assert app.read.board.find_kpi("ops:Cart abandonment").band == "green"


async def test_the_key_bar_offers_no_key_a_roll_up_refuses(rolled):
    from tests.app.helpers import key_bar_text
    app = rollup_app(rolled)
    async with run(app) as pilot:
        for stage in ("1", "2", "3"):
            await pilot.press(stage)
            await pilot.pause()
            bar = key_bar_text(app)
            assert "Measure" not in bar and "New OKR" not in bar and "Check in" not in bar
            assert "Decide" in bar
        await pilot.press("2")
        await pilot.pause()
        assert "Intervene" in key_bar_text(app)


async def test_an_issue_about_a_team_kpi_joins_the_roll_ups_issues_list(rolled, tmp_path):
    from core.model import Issue
    before = teams_state(tmp_path)
    app = rollup_app(rolled)
    async with run(app) as pilot:
        await pilot.press("2")
        await pilot.pause()
        first = app.screen.view.selected
        await pilot.press("I")
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter")
        await until(pilot, lambda: "Issue raised" in notified(app))
    [issue] = Store(rollup.own_store(rolled)).records(Issue)
    assert issue.link == first and rollup.team_of(first) is not None
    assert teams_state(tmp_path) == before
