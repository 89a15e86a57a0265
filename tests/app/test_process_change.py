"""`B` marks the period a KPI's process changed at (its limits restart there), refuses a bad
period, asks twice before removing a mark, and `u` undoes it; the KPI detail's 13-period grid
of values at 80x24 and 160x50, hostile text in it inert."""

from datetime import date

import pytest
from textual.containers import VerticalScroll

from core.store import Store
from tests.app.helpers import kpi_row, make_app, notified, run, screen_text, select_row, type_text
from tests.helpers import load
from tests.hostile import PAYLOADS, assert_inert
from tui.screens.detail import DetailScreen

SIZES = [(80, 24), (160, 50)]
LATEST = date(2026, 11, 9)              # 2026-W46: the demo's latest finished week


def field_error(app) -> str:
    return str(app.screen.query_one("#e-period").render())


@pytest.mark.parametrize("size", SIZES)
async def test_b_marks_the_latest_period_with_a_value_and_u_undoes_it(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("B")
        assert app.screen.id == "process-change-form"
        assert app.screen.query_one("#f-period").value == "2026-W46"
        await pilot.press("enter")
        assert app.screen.id != "process-change-form"
        assert "process change marked at 2026-W46" in notified(app)
        cart = load(demo_db).find_kpi("Cart abandonment")
        assert cart.kpi.changes == (LATEST,) and cart.phase == LATEST
        assert "signal" not in cart.flag_names       # no baseline from the change on yet
        await pilot.press("u")
        assert load(demo_db).find_kpi("Cart abandonment").kpi.changes == ()
        assert "signal" in load(demo_db).find_kpi("Cart abandonment").flag_names


@pytest.mark.parametrize("typed, said", [("2026-W49", "has not started yet"),
                                         ("last week", "is not a date")])
async def test_b_refuses_a_bad_period_and_saves_nothing(demo_db, typed, said):
    app = make_app(demo_db)
    async with run(app, (80, 24)) as pilot:
        await pilot.press("2")                       # the flagged stage has the key too
        await pilot.pause()
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.press("B")
        assert app.screen.id == "process-change-form", notified(app)
        await type_text(pilot, typed)
        await pilot.press("enter")
        assert app.screen.id == "process-change-form" and said in field_error(app)
        await pilot.press("escape")
    assert all(not h.kpi.changes for h in load(demo_db).kpis if h.kpi.name != "Uptime")


async def test_b_on_a_marked_period_asks_again_then_removes_the_mark(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))         # the demo marks 2026-W24
        await pilot.press("B")
        await type_text(pilot, "2026-W24")
        await pilot.press("enter")
        assert "enter again removes the mark" in str(app.screen.query_one("#p-period").render())
        assert load(demo_db).find_kpi("Uptime").kpi.changes == (date(2026, 6, 8),)
        await pilot.press("enter")
        assert "2026-W24 is unmarked" in notified(app)
    assert load(demo_db).find_kpi("Uptime").kpi.changes == ()


async def open_detail(pilot, name: str) -> tuple[str, str]:
    """The detail of a KPI: the screen's text as it opens, and scrolled to its grid."""
    app = pilot.app
    await select_row(pilot, kpi_row(app, name))
    await pilot.press("enter")
    assert isinstance(app.screen, DetailScreen)
    await pilot.pause()
    top = screen_text(app)
    grid = app.screen.query_one("#detail-grid")
    app.screen.query_one(VerticalScroll).scroll_to_widget(grid, animate=False, top=True)
    await pilot.pause()
    return top, screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_detail_grid_shows_13_periods_whole(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        facts, text = await open_detail(pilot, "Cart abandonment")
    labels = [f"2026-W{week}" for week in range(34, 47)]
    assert all(label in text for label in labels), text
    rows = [line for line in text.splitlines() if line.count("2026-W") >= 6]   # not the chart axis
    assert len(rows) == 2                       # 7 and 6 columns: two rows at 80 and 160
    assert "✖ 26%" in text and "▲ 21.4%" in text and "● 19.1%" in text   # without colour
    assert "±0 pt on 2026-W45 (26%)" in facts and "4-period mean 23.12%" in facts


async def test_hostile_units_in_the_grid_are_inert_and_cut_with_an_ellipsis(hostile_db):
    app = make_app(hostile_db)
    async with run(app, (80, 24)) as pilot:
        await select_row(pilot, 2)
        _, text = await open_detail(pilot, "K")
    grid = [line for line in text.splitlines() if "✖ " in line or "● " in line]
    assert grid and all("…" in line for line in grid)
    assert_inert(text, "the KPI detail's grid")


async def test_a_unit_of_control_characters_shows_them_visibly_in_the_grid(demo_db):
    """A unit that starts with its attack (the hostile store's start with a label, which the
    narrow cells cut before the attack)."""
    attack = PAYLOADS["CSI clear screen"] + PAYLOADS["bidi override"]
    with Store(demo_db).transaction("test", "hostile unit") as tx:
        key = next(k for k, doc in tx.docs("kpis").items() if doc["name"] == "Cart abandonment")
        tx.put("kpis", key, {**tx.get("kpis", key), "unit": attack})
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        _, text = await open_detail(pilot, "Cart abandonment")
    assert "26 ␛[2J" in text
    assert_inert(text, "the KPI detail's grid")
