"""The line under a list: the selected row whole, whatever the list's width dropped from it or
cut. Two rows, always (cadence.tcss: `.selected-line`), so a cursor move redraws it without a
layout pass. What it shows wraps onto the second row when that makes it whole; when even two
rows are too few, each of its lines keeps a row and ends in `…` (`enter` shows everything)."""

from rich.text import Text
from textual import events
from textual.widgets import Static

ROWS = 2


def two_rows(shown: Text, width: int, console) -> Text:
    """`shown` in at most two rows of `width` cells: wrapped if it fits so; else each of its
    first two lines (or the two rows of a single line) cut with `…`."""
    if width <= 0:
        return shown
    rows = shown.wrap(console, width)
    if len(rows) <= ROWS:
        return Text("\n").join(rows)
    lines = shown.split("\n")
    kept = list(lines[:ROWS]) if len(lines) >= ROWS else [rows[0], rows[1].copy()]
    for line in kept:
        line.truncate(width, overflow="ellipsis")
    if len(lines) < ROWS:                       # one line over more than two rows
        kept[-1].truncate(width - 1)
        kept[-1].append("…")
    return Text("\n").join(kept)


class SelectedLine(Static):
    _shown = Text("")

    def __init__(self) -> None:
        super().__init__(id="selected-line", classes="selected-line")

    def show(self, shown: Text) -> None:
        self._shown = shown
        width = self.size.width or self.app.size.width - 2      # before its first layout
        self.update(two_rows(shown, width, self.app.console), layout=False)

    def on_resize(self, _: events.Resize) -> None:
        self.show(self._shown)
