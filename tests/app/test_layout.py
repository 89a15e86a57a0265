"""Issue 17: the facilitator's screen at 80x24 and at 160x50 — nothing cut without saying so
(lists fit their columns, a cut cell ends in …, the selected row whole under the list, the key
bar keeps ? and q, tall dialogs keep their title and hint, toasts small), a tall terminal's
rows used, and every band, flag and timebox readable without colour."""

import re

import pytest
from rich.cells import cell_len
from textual.widgets._toast import Toast

from tests.app.helpers import (FrozenTime, colours_of, contrast, key_bar_text, kpi_row,
                               make_app, run, screen_text, select_row, type_text)
from tui import keys
from tui.widgets.review_table import Column, fit

SIZES = [(80, 24), (160, 50)]
# WCAG 2's AA threshold for text: 4.5 to 1. It is the contrast the web asks of body text for
# people with moderately low vision, and what a projector's washed-out grey needs; the `✖ off`
# band measured 1.3 to 1 before (grey 237 on 235).
READABLE = 4.5


def lines(app) -> list[str]:
    return screen_text(app).splitlines()


def table_lines(app) -> dict[int, str]:
    """Each row of the current stage's list on screen, by row index, as drawn."""
    table = app.screen.view.table
    shown = lines(app)
    top = table.region.y + 1 - round(table.scroll_y)          # the header's row first
    return {row: shown[top + row] for row in range(table.row_count)
            if table.region.y < top + row < table.region.bottom}


def whole_or_marked(cell: str, line: str) -> bool:
    """The cell is on its line whole, or a start of it followed by `…`."""
    if cell in line:
        return True
    return any(cell[:n] + "…" in line for n in range(len(cell) - 1, 0, -1))


def selected_line(app) -> str:
    return " ".join(app.screen.view.query_one("#selected-line").render().plain.split())


async def record_decision(pilot, text: str) -> None:
    await pilot.press("d")
    await type_text(pilot, text)
    await pilot.press("tab")
    await type_text(pilot, "Lena Fischer")
    await pilot.press("enter")
    await pilot.pause()


# --- the rule that fits a list's columns ---------------------------------------------------

COLUMNS = (Column("band", 9), Column("KPI", 20, text=True), Column("latest", 9, priority=1),
           Column("flags", 30, priority=2, least=14), Column("owner", 14, priority=3))


def test_columns_drop_least_needed_first_and_the_text_column_takes_the_rest():
    # Each column takes its width and two cells of padding.
    assert fit(COLUMNS, 200) == (9, 128, 9, 30, 14)            # all whole, the text wide
    assert fit(COLUMNS, 80) == (9, 20, 9, 18, 14)              # flags narrowed, none dropped
    assert fit(COLUMNS, 70) == (9, 20, 9, 24, None)            # the owner dropped first
    assert fit(COLUMNS, 50) == (9, 26, 9, None, None)          # then the flags
    for room in (200, 80, 70, 50):
        assert sum(width + 2 for width in fit(COLUMNS, room) if width) == room


def test_no_room_keeps_the_essential_columns_and_a_sliver_of_text():
    assert fit(COLUMNS, 10) == (9, 4, None, None, None)


def test_a_label_longer_than_its_width_widens_its_column():
    assert fit((Column("confidence", 6), Column("x", 4, text=True)), 100)[0] == 10


# --- nothing cut without saying so ---------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_no_cell_is_cut_without_a_mark(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        for stage in ("1", "2", "3", "5", "4"):
            await pilot.press(stage)
            if stage == "4":
                await record_decision(pilot, "Move the support rota review to the Thursday "
                                             "meeting so the new hires can join it")
            table = app.screen.view.table
            for row, line in table_lines(app).items():
                key = table.coordinate_to_cell_key((row, 0)).row_key.value
                for cell in table.row_cells(key):
                    shown = [c for c in table.get_row(key)]
                    if cell.plain.strip() and any(c is cell for c in shown):
                        assert whole_or_marked(cell.plain.strip(), line), (stage, line)


@pytest.mark.parametrize("size", SIZES)
async def test_flags_are_whole_or_marked_and_whole_under_the_list(demo_db, size):
    """The issue's case: On-time sprint delivery's four flags, at every width."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        for stage in ("1", "2"):
            await pilot.press(stage)
            await select_row(pilot, kpi_row(app, "On-time sprint delivery"))
            row = table_lines(app)[kpi_row(app, "On-time sprint delivery")]
            assert whole_or_marked("breach sustained drift signal", row)
            if size[0] >= 160:
                assert "breach sustained drift signal" in row
        await pilot.press("1")
        assert "breach sustained drift signal" in selected_line(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_selected_row_is_whole_on_screen(demo_db, size):
    """Every cell of the selected row that its list does not show whole (a column dropped,
    a cell cut) is whole in the line under the list — on every stage with a list."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        for stage in ("1", "3", "4", "5"):
            await pilot.press(stage)
            if stage == "4":
                await record_decision(pilot, "Hire two more support agents for the evening "
                                             "shift before the holiday peak")
            table = app.screen.view.table
            for row in range(table.row_count):
                await select_row(pilot, row)
                key = table.selected
                if key is None:                                # an objective's heading row
                    continue
                line = table_lines(app).get(row, "")
                under = selected_line(app)
                for cell in table.row_cells(key):
                    plain = cell.plain.strip()
                    if plain and plain not in line:
                        assert plain in under, (stage, plain, under)


@pytest.mark.parametrize("size", SIZES)
async def test_the_line_under_the_okrs_is_whole_with_its_objective_and_warnings(demo_db, size):
    """A key result's line and its objective's (owner, cycle, warnings) wrap onto more rows
    rather than end in … — at 80x24 too, where "⚠ no KPI link" was cut off."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("3")
        table = app.screen.view.table
        seen = set()
        for row in range(table.row_count):
            await select_row(pilot, row)
            under = selected_line(app)
            assert "…" not in under, under
            seen.add(under)
        assert any("⚠ no KPI link" in line for line in seen)
        assert any("Priya Nair · 2026-Q4" in line for line in seen)


@pytest.mark.parametrize("size", SIZES)
async def test_the_list_keeps_its_text_column_and_never_scrolls_sideways(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        for stage in ("1", "3", "5"):
            await pilot.press(stage, "right", "right", "right", "end")
            table = app.screen.view.table
            assert table.scroll_x == 0 and table.virtual_size.width <= table.size.width
        await pilot.press("3")
        assert "Make support feel effortless" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_showing_retired_objectives_and_hiding_them_leaves_the_columns(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("3")
        table = app.screen.view.table
        before = [c.width for c in table.ordered_columns]
        await pilot.press("H")
        assert [c.width for c in table.ordered_columns] == before
        await pilot.press("H")
        assert [c.width for c in table.ordered_columns] == before


async def test_a_resized_terminal_refits_the_list(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        table = app.screen.view.table
        assert "owner" in [c.label.plain for c in table.ordered_columns]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        labels = [c.label.plain for c in table.ordered_columns]
        assert "owner" not in labels and labels[:2] == ["band", "KPI"]
        assert table.virtual_size.width <= table.size.width
        for row, line in table_lines(app).items():
            assert whole_or_marked(table.get_row_at(row)[1].plain, line)
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert "owner" in [c.label.plain for c in table.ordered_columns]


# --- the key bar ---------------------------------------------------------------------------

KEY_LABELS = {f"{k.shown} {k.label}" for k in keys.KEYS}


@pytest.mark.parametrize("size", [(60, 24), *SIZES])
async def test_the_key_bar_keeps_help_and_quit_and_whole_labels(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        for stage in ("1", "2", "3", "4", "5"):
            await pilot.press(stage)
            bar = key_bar_text(app)
            assert bar.startswith("? Help") and bar.endswith("q Quit"), bar
            assert cell_len(bar) <= size[0]
            for shown in re.split(r"\s{2,}", bar):
                assert shown in KEY_LABELS or shown == "…", shown
            if size[0] >= 160:
                assert "…" not in bar and "n Next" in bar


# --- tall dialogs ---------------------------------------------------------------------------

DIALOGS = [("1", "N", "New KPI", "Name", "enter saves"),
           ("1", "E", "Edit KPI Monthly recurring revenue", "Name", "enter saves"),
           ("3", "N", "New objective", "Its first key result", "enter saves"),
           ("3", "down E", "Edit Make support feel effortless", "Objective", "enter saves"),
           ("1", "enter", "Monthly recurring revenue", "band", "escape closes")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("stage, opens, title, first, hint", DIALOGS)
async def test_a_tall_dialog_opens_with_title_first_field_and_hint_on_screen(
        demo_db, size, stage, opens, title, first, hint):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press(stage, *opens.split())
        await pilot.pause()
        text = screen_text(app)
        assert title in text and first in text and hint in text, text
        await pilot.press(*["tab"] * 12)                       # down to the last field
        text = screen_text(app)
        assert title in text and hint in text, text


# --- toasts -------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_toast_is_small_and_leaves_the_selected_row_and_the_keys_visible(demo_db,
                                                                                  size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("u")                                  # nothing to undo: it says so
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        assert toast.region.height <= 2 and toast.region.width <= size[0] // 2
        for widget in (app.screen.view.query_one("#selected-line"),
                       app.screen.query_one("KeyBar")):
            assert not toast.region.overlaps(widget.region)
        assert app.NOTIFICATION_TIMEOUT <= 3 < app.ERROR_TIMEOUT


# --- a tall terminal --------------------------------------------------------------------------

async def test_a_tall_terminal_shows_the_selected_kpis_flags_and_chart_below_the_list(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "breach  26% > threshold 25% in 2026-W46" in text
        assert "process limits" in text                          # the chart's caption
        used = [n for n, line in enumerate(lines(app)) if line.strip()]
        assert len(used) > 30                                    # of 50 rows, not 14
        await select_row(pilot, kpi_row(app, "CSAT"))
        await pilot.pause(0.1)
        assert "stale" in screen_text(app) and "Cart abandonment" not in \
            app.screen.view.query_one("#panel-reasons").render().plain


async def test_a_short_terminal_keeps_the_list_and_the_line_under_it(demo_db):
    app = make_app(demo_db)
    async with run(app, (80, 24)) as pilot:
        await select_row(pilot, kpi_row(app, "Cart abandonment"))
        assert not app.screen.view.query_one("#health-panel").display
        assert "process limits" not in screen_text(app)
        assert "Cart abandonment: 26% vs target 20%" in screen_text(app)


# --- readable without colour ----------------------------------------------------------------

def assert_readable(app, *words: str) -> None:
    for word in words:
        found = colours_of(app, word)
        assert found, f"{word!r} is not on screen"
        for fg, bg in found:
            assert contrast(fg, bg) >= READABLE, f"{word!r}: {fg} on {bg}"


@pytest.mark.parametrize("size", SIZES)
async def test_without_colour_bands_flags_and_timeboxes_keep_their_contrast(demo_db, size,
                                                                            monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    now = FrozenTime()
    app = make_app(demo_db, now=now)
    async with run(app, size) as pilot:
        assert_readable(app, "✖ off", "▲ watch", "● ok", "breach", "sustained")
        await pilot.press("3")
        assert_readable(app, "off track", "at risk", "behind", "score")
        now.t += 11 * 60                                         # past the 10-minute timebox
        await pilot.pause(1.1)
        assert_readable(app, "over")
        now.t += 20 * 60                                         # and half as long again
        await pilot.pause(1.1)
        assert_readable(app, "50% over")


@pytest.mark.parametrize("size", SIZES)
async def test_without_colour_the_chart_names_its_lines_by_their_marks(demo_db, size,
                                                                       monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("2")
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "target 2% (=), threshold 3% (x), process limits (·)" in text   # in its unit
        assert not re.search(r"\((green|red|gray)\)", text)


async def test_in_colour_the_chart_names_its_lines_by_colour(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause(0.1)
        assert "target 2% (green), threshold 3% (red)" in screen_text(app)
