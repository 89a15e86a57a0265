"""`x` explains a flagged KPI's flags (explained: dimmed with the words beside them until a new
value; investigating: shown as loud as the flags), refuses a KPI with nothing to explain, and
undo takes it back; the wrap-up says what the meeting did under its rating, at 80x24 too."""

import pytest

from core.explanations import Standing
from tests.app.helpers import (FrozenTime, key_bar_text, kpi_row, make_app, notified, run,
                               screen_text, select_row, type_text, widget_text)
from tests.helpers import load
from tui import text


def explanation_of(db, name: str) -> Standing | None:
    board = load(db)
    return board.explanation(board.find_kpi(name).kpi.id)


def flags_cell(app, name: str):
    """The cell of a KPI's row that lists its flags, in whichever list is shown."""
    row = app.screen.view.table.get_row_at(kpi_row(app, name))
    flags = " ".join(app.session.read.board.find_kpi(name).flag_names)
    return next(cell for cell in row if str(cell) == flags)


async def test_x_explains_the_flags_which_dim_with_the_words_beside_them(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        assert flags_cell(app, "Cart abandonment").style == text.STYLE["flag"]
        await pilot.press("x")
        assert app.screen.id == "explanation-form"
        assert app.focused.id == "f-text"                      # the kind defaults to explained
        assert "On Cart abandonment: breach, sustained, signal" in screen_text(app)
        await type_text(pilot, "holiday effect")
        await pilot.press("enter")
        found = explanation_of(demo_db, "Cart abandonment")
        assert (found.explanation.kind, found.explanation.text) == ("explained", "holiday effect")
        assert found.explanation.owner == "Priya Nair"        # the KPI's owner, prefilled
        assert "Explanation recorded on Cart abandonment." in notified(app)
        assert "✎ explained: holiday effect" in widget_text(app, "#flag-panel #panel-reasons")
        assert flags_cell(app, "Cart abandonment").style == text.STYLE["explained"]
        await pilot.press("1")                                  # the health list dims it too
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        assert flags_cell(app, "Cart abandonment").style == text.STYLE["explained"]
        assert "explained: holiday effect" in screen_text(app)  # in the line under the list
        await pilot.press("u")
        assert explanation_of(demo_db, "Cart abandonment") is None
        assert "Undone: Cart abandonment: explained: holiday effect" in notified(app)
        assert flags_cell(app, "Cart abandonment").style == text.STYLE["flag"]


async def test_investigating_stays_as_loud_as_the_flags(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "First response time"))
        await pilot.press("x", "shift+tab", "right", "enter")  # investigating, nothing more
        found = explanation_of(demo_db, "First response time")
        assert found is not None and found.explanation.kind == "investigating"
        assert flags_cell(app, "First response time").style == text.STYLE["flag"]
        assert "investigating since 2026-11-22 (Lena Fischer)" in widget_text(
            app, "#flag-panel #panel-reasons")


async def test_x_on_a_kpi_without_a_flag_says_there_is_nothing_to_explain(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))
        await pilot.press("x")
        assert app.screen.id != "explanation-form"
        assert "Uptime has no flag: nothing to explain." in notified(app)
    # The demo's: one in its past meeting, one given since, outside any meeting.
    assert [e.meeting for e in load(demo_db).explanations] == ["m1", None]


async def test_explained_needs_its_words(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("x", "enter")
        assert app.screen.id == "explanation-form"
        assert "must not be empty" in screen_text(app)
        await pilot.press("escape")
    assert explanation_of(demo_db, "Cart abandonment") is None


async def test_the_demo_shows_an_explained_flag_dimmed_without_colour(demo_db, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Qualified pipeline coverage"))
        assert flags_cell(app, "Qualified pipeline coverage").style == "dim italic"
        assert flags_cell(app, "Cart abandonment").style == "bold"
        assert "✎ explained: holiday effect" in widget_text(app, "#flag-panel #panel-reasons")


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_wrap_up_says_what_the_meeting_did_and_still_fits(demo_db, size):
    now = FrozenTime()
    app = make_app(demo_db, now=now)
    async with run(app, size) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("i")
        await type_text(pilot, "Roll back")
        await pilot.press("tab")
        await type_text(pilot, "Priya")
        await pilot.press("enter")
        now.t += 16 * 60                                        # Flagged past its 15 minutes
        await pilot.press("5", "v", "enter")                    # one carried-over action done
        await pilot.pause(1.1)
        shown = " ".join(screen_text(app).split())
        # Discussed: Cart abandonment, and First response time by the verdict on its action.
        assert ("Did: 1 of 5 stages over time · 2 of 8 flagged KPIs discussed, 6 left · "
                "no decision · 1 action created") in shown
        assert "1 of 2 carried-over actions settled" in shown
        assert "done · action: Draft a staffing plan" in shown    # the selected row's line
        assert "v Verdict" in key_bar_text(app) and "Verdict" in screen_text(app).splitlines()[-1]


async def test_the_kpi_detail_gives_the_owners_word(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 36)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Defect rate per release"))
        await pilot.press("enter")
        shown = " ".join(screen_text(app).split())
        assert "✎ owner's word investigating since 2026-11-15 (Sam Chen): one release" in shown
