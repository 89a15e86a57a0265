"""The issues list and the person view in the app, driven by keys (Pilot): an issue raised
from a flagged KPI on stage 2 and from an objective on stage 3, ranked, picked, solved into a
decision on stage 4 (linked both ways), kept and dropped; the person view (`W`) that agrees
with `cadence actions --owner`, its merge undone with `u`; the wrap-up's to-do completion;
hostile names through all of it. At 80x24 and 160x50."""

import json

import pytest

from core.model import Action, Issue
from core.names import name_key
from tests.app.helpers import (dialog_text, make_app, notified, run, screen_text, table_text,
                               type_text, write_meeting)
from tests.helpers import load, run_cli
from tests.hostile import assert_inert
from tui.screens.person import PersonScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


async def to_row(pilot, ident: str) -> None:
    """The cursor on the row of `ident` in the stage shown."""
    assert pilot.app.screen.view.table.select(ident), ident
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_issues_flow_from_two_stages_to_a_decision_that_names_them(demo_db, size):
    app = make_app(demo_db, facilitator="Noor Haddad")
    async with run(app, size) as pilot:
        defect = load(demo_db).find_kpi("Defect rate per release")
        await pilot.press("2")
        await to_row(pilot, defect.kpi.id)
        await pilot.press("I")
        assert "Raise an issue" in dialog_text(app)
        await pilot.press("enter")                           # prefilled: title, Noor, the KPI
        await pilot.pause()
        await pilot.press("3", "I")                          # on the first key result
        await pilot.press("enter")
        await pilot.pause()
        board = load(demo_db)
        raised = board.open_issues[-2:]
        assert [(i.title, i.raised_by, i.link) for i in raised][0] == \
            ("Defect rate per release: breach, signal", "Noor Haddad", defect.kpi.id)
        assert raised[1].link == board.active[0].objective.id and \
            raised[1].title.startswith(board.active[0].objective.title + ": score ")
        await pilot.press("4")
        assert "ISSUES" in screen_text(app) and "issue #4" in table_text(app)
        await to_row(pilot, raised[0].id)
        await pilot.press("plus", "T")                       # up to #2, picked
        board = load(demo_db)
        assert board.get(raised[0].id, Issue).rank == 2 and \
            board.get(raised[0].id, Issue).top_in == app.session.meeting
        assert "★ issue #2" in table_text(app)
        await pilot.press("S")
        assert "Solve an issue" in dialog_text(app)
        await type_text(pilot, "Freeze releases")
        await pilot.press("tab")
        await type_text(pilot, "Sam Chen")
        await pilot.press("enter")
        await pilot.pause()
        board = load(demo_db)
        solved = board.get(raised[0].id, Issue)
        decision = board.get(solved.actions[0], Action)
        assert (solved.status, decision.issue, decision.text, decision.link) == \
            ("solved", solved.id, "Freeze releases", defect.kpi.id)
        assert "Freeze releases" in table_text(app) and "Solved: " in notified(app)
        # Keep one, drop one; u takes the drop back.
        await to_row(pilot, "i2")
        await pilot.press("K")
        await to_row(pilot, "i3")
        await pilot.press("X")
        assert load(demo_db).get("i3", Issue).status == "dropped"
        await pilot.press("u")
        await pilot.pause()
        board = load(demo_db)
        assert board.get("i3", Issue).status == "open"
        assert app.session.meeting in board.get("i2", Issue).kept_in


async def test_issue_keys_refuse_a_row_that_is_no_issue_and_say_why(demo_db):
    app = make_app(demo_db)
    async with run(app, (80, 24)) as pilot:
        await pilot.press("d")
        await type_text(pilot, "Hire")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter", "4")
        await pilot.pause()
        decided = next(a for a in load(demo_db).actions if a.text == "Hire")
        await to_row(pilot, decided.id)
        before = demo_db.read_bytes()
        for key in ("S", "K", "X", "T", "plus"):
            await pilot.press(key)
        assert demo_db.read_bytes() == before
        assert notified(app).count("Select an issue first.") == 5


@pytest.mark.parametrize("size", SIZES)
async def test_the_person_view_agrees_with_cadence_actions_and_merges_undoably(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await write_meeting(pilot)
        await pilot.press("5")                          # the wrap-up: Lena's staffing plan
        assert "To-dos: 1 of 2 done on time (50%)" in screen_text(app)
        await pilot.press("W")
        assert isinstance(app.screen, PersonScreen)
        shown = dialog_text(app)
        assert "Lena Fischer" in shown and "Follow-through: 0 of 2 done on time (0%)" in shown
        listed = json.loads(run_cli("actions", "--owner", "Lena Fischer", "--status", "open",
                                    "--format", "json", db=demo_db).stdout)
        assert listed and all(a["text"] in shown for a in listed)
        assert "CSAT" in shown and "First-contact resolution" in shown   # a KPI, a key result
        await pilot.press("m")
        await type_text(pilot, "Lena F.")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PersonScreen)
        assert "Merged Lena Fischer into Lena F." in notified(app)
        board = load(demo_db)
        assert "Lena Fischer" not in board.people and "Lena F." in board.people
        await pilot.press("u")
        await pilot.pause()
        assert "Lena Fischer" in load(demo_db).people and "Lena F." not in load(demo_db).people
        await pilot.press("W", "escape")
        assert not isinstance(app.screen, PersonScreen)


async def test_a_follower_opens_the_person_view_in_free_look_and_cannot_merge(meeting_db):
    from core import presence
    app = make_app(meeting_db, mode=presence.Mode.FOLLOW)
    async with run(app, (80, 24)) as pilot:
        await pilot.press("f", "1", "W")
        assert isinstance(app.screen, PersonScreen)
        before = meeting_db.read_bytes()
        await pilot.press("m")
        assert isinstance(app.screen, PersonScreen) and "merges" not in dialog_text(app)
        assert meeting_db.read_bytes() == before


async def test_hostile_names_stay_text_in_the_issues_list_and_the_person_view(hostile_db,
                                                                             monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", "2026-11-22")
    app = make_app(hostile_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.press("4")
        assert "issue #1" in table_text(app)
        assert_inert(screen_text(app), "issues list")
        await pilot.press("enter")                            # the issue's detail
        assert_inert(screen_text(app), "issue detail")
        await pilot.press("escape", "W")
        assert isinstance(app.screen, PersonScreen)
        raiser = next(i.raised_by for i in load(hostile_db).open_issues)
        assert name_key(raiser)
        assert_inert(screen_text(app), "person view")
