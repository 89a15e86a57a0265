"""The one list widget of the app: a row-cursor DataTable keyed by entity id that keeps the
cursor on the same item across refreshes, moves with j/k too, and can skip group rows. Public
DataTable API only: what it needs of DataTable's internals is in datatable_adapter."""

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.binding import Binding

from tui.widgets.datatable_adapter import QuickDataTable

Row = tuple[str, Sequence[Text | str] | Callable[[], Sequence[Text | str]]]


class ReviewTable(QuickDataTable):
    BINDINGS = [Binding("j", "cursor_down", "Down", show=False),
                Binding("k", "cursor_up", "Up", show=False)]

    def __init__(self, columns: Sequence[str], widths: dict[int, int] | None = None, **kwargs):
        self._fills = 0                           # a newer fill drops an older one's rest
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns
        self._widths = widths or {}
        self._groups: set[str] = set()

    def on_mount(self) -> None:
        for index, label in enumerate(self._columns):
            # Text, not str: a str label is parsed as Rich markup, and the first parse loads
            # Rich's emoji table (3 ms of the launch).
            self.add_column(Text(label), key=label or None, width=self._widths.get(index))

    @property
    def selected(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return None if key in self._groups else key

    def select(self, key: str | None) -> bool:
        """Put the cursor on the row with this key, if the table has one (then True)."""
        if key is None:
            return False
        keys = [self.coordinate_to_cell_key((i, 0)).row_key.value for i in range(self.row_count)]
        if key in keys and keys.index(key) != self.cursor_row:
            self.move_cursor(row=keys.index(key), animate=False)
        return key in keys

    def fill(self, rows: Sequence[Row], groups: Sequence[Row] = (), order: Sequence[str] = ()):
        """Replace the rows; `groups` are header rows the cursor passes over. A row's cells
        may be a function that makes them: rows past the first screenful are made and added
        just after the next frame, so a stage of 1,000 KPIs shows at once."""
        keep = self.selected
        self._groups = {key for key, _ in groups}
        every = dict([*groups, *rows])
        keys = list(order or every)
        self.clear()
        self._fills += 1
        now = max(self.app.size.height, keys.index(keep) + 1 if keep in keys else 0)
        self._add(keys[:now], every)
        if keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False)
        self._skip_groups(1)
        if keys[now:]:
            self.call_after_refresh(self._add_rest, self._fills, keys[now:], every)

    def _add(self, keys: Sequence[str], every: dict) -> None:
        for key in keys:
            cells = every[key]
            self.add_row(*(cells() if callable(cells) else cells), key=key)

    def _add_rest(self, fills: int, keys: Sequence[str], every: dict) -> None:
        if fills == self._fills:
            self._add(keys, every)

    def _skip_groups(self, step: int) -> None:
        row, count = self.cursor_row, self.row_count
        while 0 <= row < count and self._is_group(row):
            row += step
        if not 0 <= row < count:                 # nothing that way: look the other way
            row = self.cursor_row
            while 0 <= row < count and self._is_group(row):
                row -= step
        if 0 <= row < count:
            self.move_cursor(row=row, animate=False)

    def _is_group(self, row: int) -> bool:
        return self.coordinate_to_cell_key((row, 0)).row_key.value in self._groups

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._skip_groups(1)

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._skip_groups(-1)
