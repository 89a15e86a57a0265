"""Meetings of other rhythms, driven by keys: `--agenda` (the header's `N/M`, keys 1..M), the
picker when the team keeps agendas of its own, the monthly's deep dive and the quarterly's
scoring, cycle close and next cycle (the quarter's turn)."""

import pytest

from core import agendas
from core.commands import okrs
from core.events import EventKind
from core.model import Meeting
from core.store import Store
from tests.app.helpers import (make_app, notified, run, screen_text, table_text, type_text,
                               until)
from tests.helpers import load
from tui.screens.detail import DetailScreen


def agenda(db, name: str) -> agendas.Template:
    return agendas.find(Store(db), name)


def header(app) -> str:
    return screen_text(app).splitlines()[0]


def save_team_agenda(db, name="Board prep", ids=("health", "okrs", "decisions")) -> None:
    with Store(db).transaction(EventKind.AGENDA_SAVE) as tx:
        agendas.add(tx, name, ids, {"okrs": 30})


async def test_a_plain_cadence_opens_the_weekly_review_at_stage_1_unasked(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        assert app.screen.id == "meeting" and header(app).startswith(" 1/5 KPI health ")
        await pilot.press("5")
        assert header(app).startswith(" 5/5 Wrap-up ")
        await pilot.press("6", "9")                        # no such stage: nothing moves
        assert header(app).startswith(" 5/5 Wrap-up ")


@pytest.mark.parametrize(("name", "titles"), [
    ("monthly", ["KPI health", "Flagged", "OKR check-ins", "Deep dive", "Decisions",
                 "Wrap-up"]),
    ("quarterly", ["KPI health", "Scoring", "Cycle close", "Next cycle", "Decisions",
                   "Wrap-up"]),
])
async def test_a_builtin_agendas_stages_are_numbered_1_to_m(demo_db, name, titles):
    app = make_app(demo_db, agenda=agenda(demo_db, name))
    async with run(app, (80, 24)) as pilot:
        for number, title in enumerate(titles, start=1):
            await pilot.press(str(number))
            assert header(app).startswith(f" {number}/6 {title} "), header(app)
        await pilot.press("7")
        assert header(app).startswith(" 6/6 Wrap-up ")
        await pilot.press("1", *"nnnnnn")
        assert header(app).startswith(" 6/6 Wrap-up ")
        assert "This is the last stage" in notified(app)
        await pilot.press("d")
        await type_text(pilot, "Review the rhythm")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter")
        meeting = next(m for m in load(demo_db).meetings if m.ended_at is None)
        assert meeting.agenda == name and len(meeting.stages) == 6
        assert meeting.title == f"{agenda(demo_db, name).title} 2026-11-22"


async def test_the_picker_asks_when_the_team_keeps_its_own_weekly_first(demo_db):
    save_team_agenda(demo_db)
    app = make_app(demo_db)
    async with run(app) as pilot:
        assert app.screen.id == "agenda-picker"
        shown = screen_text(app)
        assert "Which agenda?" in shown and "Board prep" in shown and "Quarterly review" in shown
        await pilot.press("enter")                         # the weekly is preselected
        assert app.screen.id == "meeting" and header(app).startswith(" 1/5 KPI health ")


async def test_the_picker_opens_the_teams_agenda_with_its_timeboxes(demo_db):
    save_team_agenda(demo_db)
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("down", "down", "down", "enter")
        assert header(app).startswith(" 1/3 KPI health ")
        await pilot.press("2")
        assert header(app).startswith(" 2/3 OKR check-ins ") and "/30:00" in header(app)
        await pilot.press("4")
        assert header(app).startswith(" 2/3 OKR check-ins ")
        await pilot.press("d")
        await type_text(pilot, "Prepare the board deck")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter")
    written = Store(demo_db).records(Meeting)[-1]
    assert (written.agenda, written.title) == ("Board prep", "Board prep 2026-11-22")
    assert [(s.id, s.timebox_min) for s in written.stages] == [("health", 10), ("okrs", 30),
                                                               ("decisions", 10)]


async def test_quitting_the_picker_writes_no_meeting(demo_db):
    save_team_agenda(demo_db)
    before = demo_db.read_bytes()
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("q")
    assert demo_db.read_bytes() == before


async def test_an_agenda_given_is_not_asked(demo_db):
    save_team_agenda(demo_db)
    app = make_app(demo_db, agenda=agenda(demo_db, "board prep"))
    async with run(app):
        assert app.screen.id == "meeting" and header(app).startswith(" 1/3 KPI health ")


async def test_the_deep_dive_shows_the_picked_item_and_takes_decisions_about_it(demo_db):
    app = make_app(demo_db, agenda=agenda(demo_db, "monthly"))
    async with run(app, (120, 40)) as pilot:
        await pilot.press("4")
        table = app.screen.view.table
        assert table.selected == load(demo_db).flagged[0].kpi.id
        first = load(demo_db).flagged[0].kpi.name
        assert f"{first}\n" in screen_text(app) + "\n" and "process limits" in screen_text(app)
        objective = load(demo_db).active[0].objective
        rows = [table.coordinate_to_cell_key((i, 0)).row_key.value
                for i in range(table.row_count)]
        table.move_cursor(row=rows.index(objective.id))
        await pilot.pause()
        shown = screen_text(app)
        assert objective.title in shown and "score" in shown and "start → now → target" in shown
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert objective.title in screen_text(app) and "check-in" in screen_text(app)
        await pilot.press("escape", "d")
        await type_text(pilot, "Go deeper on support")
        await pilot.press("tab")
        await type_text(pilot, "Lena Fischer")
        await pilot.press("enter")
        decided = next(a for a in load(demo_db).actions if a.text == "Go deeper on support")
        assert decided.link == objective.id


async def test_the_quarterly_turns_the_cycle_from_its_stages_in_one_undo(demo_db):
    app = make_app(demo_db, agenda=agenda(demo_db, "quarterly"))
    async with run(app, (120, 40)) as pilot:
        await pilot.press("2")
        assert "Score the cycle: 4 objectives" in screen_text(app)
        await pilot.press("3")
        assert "Close 2026-Q4: 4 carry forward to 2027-Q1, 0 retire" in screen_text(app)
        assert table_text(app).count("→ carries to 2027-Q1") == 4
        await pilot.press("space")                          # the first retires instead
        assert "3 carry forward to 2027-Q1, 1 retire" in screen_text(app)
        await pilot.press("4")
        shown = table_text(app)
        assert "✓ Make support feel effortless" in shown
        assert "→ Turn more trial users" in shown and "from today" in shown
        await pilot.press("C")
        assert app.screen.id == "close-cycle-form"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.id == "meeting")
        board = load(demo_db)
        assert sorted((v.objective.cycle, v.objective.carried_from) for v in board.active) == [
            ("2027-Q1", "o2"), ("2027-Q1", "o3"), ("2027-Q1", "o4")]
        assert "2026-Q4 is closed. 2027-Q1 has 3 active objectives, 3 carried forward" in \
            screen_text(app)
        await pilot.press("3")
        assert table_text(app).count("retired → 2027-Q1") == 3
        await pilot.press("u")
        assert [v.objective.cycle for v in load(demo_db).active] == ["2026-Q4"] * 4
        assert "Close 2026-Q4: 4 carry forward" in screen_text(app)


async def test_space_on_a_finished_objective_says_it_retires(demo_db):
    """Every key result at target: nothing to carry, whatever is pressed."""
    store = Store(demo_db)
    with store.transaction(EventKind.KR_UPDATE) as tx:
        for kr in (k for v in load(demo_db).active if v.objective.id == "o3" for k in v.krs):
            okrs.update_key_result(tx, kr.kr.id, current=kr.kr.target)
    app = make_app(demo_db, agenda=agenda(demo_db, "quarterly"))
    async with run(app, (120, 40)) as pilot:
        await pilot.press("3")
        assert "3 carry forward to 2027-Q1, 1 retire" in screen_text(app)
        table = app.screen.view.table
        table.move_cursor(row=2)
        await pilot.pause()
        assert table.selected == "o3"
        await pilot.press("space")
        assert "every key result is at target; it retires" in notified(app)
        assert "3 carry forward to 2027-Q1, 1 retire" in screen_text(app)
