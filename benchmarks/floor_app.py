"""The floors of the key-to-frame figures: bare Textual apps showing rows shaped like the app's
KPI health table (the same columns, cell widths and styles), run in the same pseudo-terminal
as the app.

    python benchmarks/floor_app.py switch ROWS   # `1` and `2` switch between two views
    python benchmarks/floor_app.py cursor ROWS   # `j` and `k` move a DataTable's row cursor

The switch floor's two views are prebuilt Statics, not DataTables: a DataTable drops every
rendered cell when it is hidden and shown again, which the app's stage tables do not (their
cells survive a switch), so a DataTable floor would time work the app does not do. A Static
holding the same screenful of styled rows costs what is left: the key, the switch, the layout,
the focus moving to the view shown, the paint and the write.

It is run by path, not as `-m benchmarks...`, so that it imports nothing of Cadence."""

import sys

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import ContentSwitcher, DataTable, Static

MARKER = b"Metric 0 of view 1"          # on the first screen of both floors
COLUMNS = ("band", "KPI", "latest", "target", "flags", "trend", "owner", "area")
WIDTHS = (9, 28, 8, 8, 16, 12, 11, 7)    # the health table's widths with the demo's cells
BANDS = (("● ok", "green"), ("▲ watch", "yellow"), ("✖ off", "red"))


def cells(row: int, view: int) -> list[Text]:
    """A row of the health table's kind, different in each view so that a switch repaints
    every cell."""
    band, colour = BANDS[(row + view) % len(BANDS)]
    spark = "".join("▁▂▃▄▅▆▇█"[(row * 3 + view + i) % 8] for i in range(12))
    return [Text(band, style=colour), Text(f"Metric {row} of view {view}"),
            Text(f"{80 + (row * 7 + view) % 20}.{row % 100:02d}%"), Text("≥ 90%"),
            Text("breach sustained" if row % 3 else "", style="yellow"),
            Text(spark, style=colour), Text(f"Owner {row % 25}"),
            Text(f"Area {row % 12}", style="dim")]


def screenful(rows: int, view: int) -> Text:
    """The rows as a DataTable lays them out: a bold header, each cell padded to its column's
    width with one space either side, every other row striped."""
    lines = []
    for number, row in enumerate([[Text(c, style="bold") for c in COLUMNS],
                                  *(cells(r, view) for r in range(rows))]):
        line = Text()
        for cell, width in zip(row, WIDTHS):
            cell.set_length(width)
            line.append_text(Text(" ") + cell + Text(" "))
        if number and number % 2 == 0:
            line.stylize("on grey11")
        lines.append(line)
    return Text("\n", no_wrap=True, overflow="crop").join(lines)


class View(Static, can_focus=True):
    """Focusable, as the app's stage tables are: the view shown takes the keys."""


class SwitchFloor(App):
    CSS = "ContentSwitcher, View { height: 1fr; } View { text-wrap: nowrap; }"
    BINDINGS = [Binding("1", "show(1)"), Binding("2", "show(2)")]

    def __init__(self, rows: int):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="view-1"):
            for view in (1, 2):
                yield View(screenful(self.rows, view), id=f"view-{view}")

    def on_mount(self) -> None:
        self.query_one("#view-1", View).focus()

    def action_show(self, view: int) -> None:
        """What a stage switch must do at least: show the other view and give it the keys."""
        self.query_one(ContentSwitcher).current = f"view-{view}"
        self.query_one(f"#view-{view}", View).focus()


class Table(DataTable):
    BINDINGS = [Binding("j", "cursor_down", "Down", show=False),
                Binding("k", "cursor_up", "Up", show=False)]


class CursorFloor(App):
    CSS = "Table { height: 1fr; }"

    def __init__(self, rows: int):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Table(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(Table)
        for label, width in zip(COLUMNS, WIDTHS):
            table.add_column(Text(label), width=width)
        table.add_rows(cells(row, 1) for row in range(self.rows))
        table.focus()


if __name__ == "__main__":
    kind, rows = sys.argv[1], int(sys.argv[2])
    {"switch": SwitchFloor, "cursor": CursorFloor}[kind](rows).run()
