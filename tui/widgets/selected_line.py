"""The line under a list: the selected row whole, whatever the list's width dropped from it or
cut. It wraps onto as many rows as that takes, two at least and four at most: its height
grows (a layout pass) only when a row needs more than it has, so cursor moves redraw it alone.
When even four rows are too few (a very narrow terminal), each of its lines keeps what rows
it can and the last ends in `…` (`enter` shows everything)."""

from rich.text import Text
from textual import events
from textual.widgets import Static

LEAST_ROWS, MOST_ROWS = 2, 4


def fit_rows(shown: Text, width: int, console) -> Text:
    """`shown` wrapped to `width` cells, in at most MOST_ROWS rows; the last row kept ends in
    `…` when some did not fit."""
    if width <= 0:
        return shown
    rows = list(shown.wrap(console, width))
    if len(rows) <= MOST_ROWS:
        return Text("\n").join(rows)
    kept = [row.copy() for row in rows[:MOST_ROWS]]
    kept[-1].truncate(width - 1)
    kept[-1].append("…")
    return Text("\n").join(kept)


class SelectedLine(Static):
    _shown = Text("")
    _rows = LEAST_ROWS

    def __init__(self) -> None:
        super().__init__(id="selected-line", classes="selected-line")

    def show(self, shown: Text) -> None:
        self._shown = shown
        width = self.size.width or self.app.size.width - 2      # before its first layout
        fitted = fit_rows(shown, width, self.app.console)
        # It grows and does not shrink back (until a resize): moving between a row of two
        # lines and one of three would lay the screen out again on every move.
        rows = max(self._rows, len(fitted.plain.split("\n")))
        if rows != self._rows:
            self._rows = rows
            self.styles.height = rows
        self.update(fitted, layout=False)

    def on_resize(self, _: events.Resize) -> None:
        self._rows = LEAST_ROWS
        self.styles.height = LEAST_ROWS
        self.show(self._shown)
