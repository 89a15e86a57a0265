"""The 13-period grid of a KPI's values (the EOS scorecard view) in the KPI detail: a column per
period, its label above its value, the value's band as a symbol before it (● ok, ▲ watch,
✖ off: readable without colour). As many columns as the width holds, the rest in further rows
of as even a length as can be (13 at 80 columns: two rows of 7 and 6); a cell too long for its
column ends in `…`, never cut silently."""

from math import ceil

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from core import fmt
from core.compare import Cell
from core.words import BAND_LABEL
from tui import text

CELL = 10            # a column's widest: "2026-W46", "● 99.97%"
NARROWEST = 6        # below this a cell says nothing; the grid then takes more rows
GAP = 1


def value_cell(cell: Cell, unit: str) -> Text:
    if cell.value is None:
        return Text("—", style="dim")
    mark = BAND_LABEL[cell.band].split()[0]
    return text.assemble((mark, text.STYLE[cell.band]), " ", fmt.value(cell.value, unit))


class ScorecardGrid:
    """A rich renderable: laid out for the width it is given, wherever it is shown."""

    def __init__(self, cells: list[Cell], unit: str):
        self.cells = cells
        self.unit = unit

    def columns(self, width: int) -> int:
        """How many periods a row holds: all of them when the width allows, else rows of
        as even a length as the width holds."""
        fits = max(1, (width + GAP) // (min(CELL, self._widest()) + GAP))
        rows = ceil(len(self.cells) / fits)
        return ceil(len(self.cells) / rows) if self.cells else 1

    def _widest(self) -> int:
        widest = max((max(len(c.label), value_cell(c, self.unit).cell_len) for c in self.cells),
                     default=NARROWEST)
        return max(NARROWEST, widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.cells:
            yield Text("No values yet.", style="dim")
            return
        per_row = self.columns(options.max_width)
        width = max(NARROWEST, min(CELL, (options.max_width + GAP) // per_row - GAP))
        for first in range(0, len(self.cells), per_row):
            row = self.cells[first:first + per_row]
            table = Table(box=None, padding=(0, GAP, 0, 0), show_edge=False, pad_edge=False,
                          header_style="dim")
            for cell in row:
                table.add_column(text.plain(cell.label), width=width, no_wrap=True,
                                 overflow="ellipsis")
            table.add_row(*(value_cell(c, self.unit) for c in row))
            yield table
