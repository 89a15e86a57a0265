"""The version test of tui/widgets/datatable_adapter.py, the one module that reaches into
Textual's DataTable: each test pins one thing it relies on and names it when a Textual release
changes it. QuickDataTable must draw what Textual's own DataTable draws, only render less."""

import inspect
from dataclasses import replace
from importlib.metadata import version

from rich.text import Text
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import DataTable, Input

from tui.widgets import datatable_adapter
from tui.widgets.datatable_adapter import QuickDataTable

TEXTUAL = f"Textual {version('textual')}"
ROWS = [(Text("Cart abandonment", style="bold red"), "Priya", Text("▲▲ ✓", style="green")),
        (Text("売上高の伸び率 (前年比)"), "Priya", Text("日本")),          # wide: 2 cells each
        (Text("NPS [b]x[/b]"), "Ann", Text("")),
        *((Text(f"Metric {n}", style="italic"), f"Owner {n}", Text("▲" * (n % 7)))
          for n in range(30))]


class Tables(App):
    """A QuickDataTable beside Textual's own with the same rows, and an input to take focus."""

    def compose(self):
        with Horizontal():
            yield QuickDataTable(id="quick", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="plain", cursor_type="row", zebra_stripes=True)
        yield Input()

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.styles.width = "1fr"
            table.add_columns("KPI", "owner", "trend")
            for index, cells in enumerate(ROWS):
                table.add_row(*cells, key=str(index))
        self.query_one("#quick").focus()


class Measured(Text):
    """A cell that notes when Rich's measuring protocol is asked for its width."""
    asked: list[str] = []

    def __rich_measure__(self, console, options):
        Measured.asked.append(self.plain)
        return super().__rich_measure__(console, options)


def lines(table: DataTable) -> list[tuple]:
    """What the table draws, line by line: text and every segment's colours."""
    return [(strip.text, [(s.style.color, s.style.bgcolor) for s in strip if s.style])
            for strip in (table.render_line(y) for y in range(table.size.height))]


def count_renders(table: DataTable) -> list:
    """Every cell the table renders from now on (DataTable's own `_render_cell`)."""
    rendered: list = []
    render_cell = table._render_cell
    table._render_cell = lambda *a, **k: rendered.append(a) or render_cell(*a, **k)
    return rendered


def test_the_internals_it_relies_on_are_there():
    for name in datatable_adapter.RELIES_ON:
        assert hasattr(DataTable, name), f"{TEXTUAL}: DataTable.{name} is gone"
    assert hasattr(DataTable._get_styles_to_render_cell, "cache_clear"), \
        f"{TEXTUAL}: DataTable._get_styles_to_render_cell is no longer an lru_cache"
    parameters = list(inspect.signature(DataTable._update_dimensions).parameters)
    assert parameters == ["self", "new_rows"], \
        f"{TEXTUAL}: DataTable._update_dimensions now takes {parameters}"


async def test_new_rows_are_measured_by_length_as_wide_as_textual_measures_them():
    app = Tables()
    async with app.run_test(size=(160, 40)) as pilot:
        quick, plain = app.query_one("#quick", DataTable), app.query_one("#plain", DataTable)
        app.query_one(Input).focus()              # both blurred: they look alike
        Measured.asked.clear()
        quick.add_row(Measured("A longer KPI name than any", style="bold"), "Eve", "▲▲", key="m")
        plain.add_row(Text("A longer KPI name than any", style="bold"), "Eve", "▲▲", key="m")
        await pilot.pause()
        assert Measured.asked == [], \
            f"{TEXTUAL}: DataTable measured new cells itself, not in _update_dimensions"
        assert [c.get_render_width(quick) for c in quick.ordered_columns] == \
            [c.get_render_width(plain) for c in plain.ordered_columns]
        assert quick.virtual_size == plain.virtual_size
        assert lines(quick) == lines(plain)


async def test_focus_moving_out_and_in_keeps_rendered_cells_and_shows_focus():
    """DataTable's cell and line caches must be keyed by focus state, and the cursor's style
    looked up again (_get_styles_to_render_cell cleared) when focus moves."""
    app = Tables()
    async with app.run_test(size=(160, 40)) as pilot:
        quick = app.query_one("#quick", DataTable)
        await pilot.pause()
        focused = lines(quick)
        app.query_one(Input).focus()
        await pilot.pause()
        blurred = lines(quick)
        assert blurred != focused, "the cursor looks the same focused and not"
        rendered = count_renders(quick)
        quick.focus()
        await pilot.pause()
        assert lines(quick) == focused, \
            f"{TEXTUAL}: DataTable's caches are no longer keyed by focus state"
        assert rendered == [], f"{TEXTUAL}: focus moving in rendered cells again"
        app.query_one(Input).focus()
        await pilot.pause()
        await pilot.press("tab")                  # the table, focused: the cursor moves
        assert quick.has_focus
        await pilot.press("down")
        assert lines(quick)[2][1] == focused[1][1], \
            f"{TEXTUAL}: the cursor keeps a stale style (_get_styles_to_render_cell)"


async def test_hidden_shown_and_resized_it_draws_what_textual_draws():
    """Hidden (size 0) and shown again at the size it had, it keeps its rendered cells; a new
    size is left to DataTable's own resize handler (its rows are drawn to the width)."""
    app = Tables()
    async with app.run_test(size=(160, 40)) as pilot:
        quick, plain = app.query_one("#quick", DataTable), app.query_one("#plain", DataTable)
        app.query_one(Input).focus()              # both blurred: they look alike
        await pilot.pause()
        rendered = count_renders(quick)
        quick.display = False
        await pilot.pause()
        quick.display = True
        await pilot.pause()
        assert lines(quick) == lines(plain)
        assert rendered == [], f"{TEXTUAL}: hidden and shown, it rendered cells again"
        for size in ((70, 20), (200, 50), (40, 12)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert quick.size == plain.size
            assert lines(quick) == lines(plain), \
                f"{TEXTUAL}: resized, it draws otherwise than DataTable (QuickDataTable.on_resize)"


async def test_a_new_theme_renders_every_cell_again():
    """Even one whose only change is the cursor's colour: no cache is keyed by that."""
    app = Tables()
    async with app.run_test(size=(160, 40)) as pilot:
        quick, plain = app.query_one("#quick", DataTable), app.query_one("#plain", DataTable)
        app.query_one(Input).focus()
        await pilot.pause()
        dark = app.get_theme("textual-dark")
        app.register_theme(replace(dark, name="dark-red-cursor", variables={
            **dark.variables, "block-cursor-blurred-background": "red"}))
        for theme in ("dark-red-cursor", "textual-light"):
            before = lines(quick)
            app.theme = theme
            await pilot.pause()
            assert lines(quick) != before and lines(quick) == lines(plain), theme
