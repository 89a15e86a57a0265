"""The one place Cadence reaches into Textual's DataTable, for speed; every other module uses its
public API. The internals it relies on are named in RELIES_ON and pinned, with how it uses them,
by tests/app/test_datatable_adapter.py, which names the one a Textual release changed."""

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import DataTable

# DataTable's own: the hook its idle handler measures new rows with, and its cache of the
# cursor's and header's styles (a functools.lru_cache).
RELIES_ON = ("_update_dimensions", "_get_styles_to_render_cell")


class QuickDataTable(DataTable):
    """A DataTable of one-line cells (rows of height 1, no row labels) that keeps its rendered
    cells when focus moves and when it is shown again, and measures a cell by its length:
    cells are Text (a str would be measured markup and all, and shown as markup parsed)."""

    def __init__(self, **kwargs):
        self._rendered_theme: str | None = None   # the theme the cached cells were drawn in
        self._rendered_size: Size | None = None   # the last visible size
        super().__init__(**kwargs)

    def notify_style_update(self) -> None:
        """DataTable drops every rendered cell on any style update, and focus moving in and out
        is one: each stage switch re-rendered a screenful of cells (~25 ms at 500 KPIs). Its
        cell and line caches are keyed by focus state already, so they stay unless the theme
        changed; the cursor and header styles are looked up again."""
        if self.app.theme != self._rendered_theme:
            self._rendered_theme = self.app.theme
            super().notify_style_update()
            return
        Widget.notify_style_update(self)
        self._get_styles_to_render_cell.cache_clear()
        self.refresh()                           # which drops the widget's strips too

    def on_resize(self, event: events.Resize) -> None:
        """DataTable drops every rendered cell on any resize, and a stage shown again at the
        size it had (or hidden, at size 0) is one; only a new visible size needs that (rows
        are drawn to the width), and is left to DataTable's own handler."""
        if not event.size.area or event.size == self._rendered_size:
            event.prevent_default()              # DataTable's own handler
        else:
            self._rendered_size = event.size

    def _update_dimensions(self, new_rows) -> None:
        """DataTable measures every new cell with Rich's measuring protocol (40 ms for 500
        KPIs); a one-line cell's width is simply its length."""
        columns = self.ordered_columns
        for row_key in new_rows:
            if row_key not in self.rows:         # removed before this ran
                continue
            for column, cell in zip(columns, self.get_row(row_key)):
                width = cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))
                column.content_width = max(column.content_width, width)
        width = sum(column.get_render_width(self) for column in columns)
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self.row_count + header)   # every row one line high
