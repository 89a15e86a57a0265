"""The one list widget of the app: a row-cursor DataTable keyed by entity id that keeps the
cursor on the same item across refreshes, moves with j/k too, and can skip group rows. Public
DataTable API only: what it needs of DataTable's internals is in datatable_adapter.

Its columns fit the width it has, by one rule (`fit`): each stage declares its columns with
the width their content needs and a priority; on a narrow screen the least needed columns
drop, the text column (a KPI's name, a title) takes the room left, and a cell longer than its
column ends in `…`. Nothing scrolls sideways: the text column stays in view."""

from collections.abc import Callable, Sequence

import msgspec
from rich.text import Text
from textual import events
from textual.binding import Binding

from tui.widgets.datatable_adapter import QuickDataTable

Row = tuple[str, Sequence[Text | str] | Callable[[], Sequence[Text | str]]]

PADDING = 2                  # DataTable's cell padding: one cell each side of a column


class Column(msgspec.Struct, frozen=True):
    """A column of a list. `width`: what its cells need to be whole (the text column: the
    least it takes). `least`: it may narrow to this, its longer cells cut with `…`, before a
    column of lower priority drops (default: `width`). `priority`: 0 is never dropped; the
    others drop highest number first when the row is short of room. `text`: the one column
    that takes the room the others leave."""

    label: str
    width: int
    priority: int = 0
    least: int | None = None
    text: bool = False

    @property
    def narrowest(self) -> int:
        return max(len(self.label), self.least if self.least is not None else self.width)

    @property
    def widest(self) -> int:
        return max(len(self.label), self.width)


def fit(columns: Sequence[Column], room: int) -> tuple[int | None, ...]:
    """Each column's width in `room` cells (None: dropped). Columns drop, lowest priority
    first, until the rest fit at their narrowest; then each grows to its width, the most
    needed first; the text column takes what is left. Short of room even then (a very small
    terminal), the text column narrows to a few cells rather than vanish."""
    shown = list(range(len(columns)))

    def needed() -> int:
        return sum(columns[i].narrowest + PADDING for i in shown)

    while needed() > room and any(columns[i].priority for i in shown):
        shown.remove(max((i for i in shown if columns[i].priority),
                         key=lambda i: (columns[i].priority, i)))
    widths = {i: columns[i].narrowest for i in shown}
    spare = room - needed()
    for i in sorted(shown, key=lambda i: (columns[i].priority, i)):
        if not columns[i].text:
            grow = max(0, min(spare, columns[i].widest - widths[i]))
            widths[i] += grow
            spare -= grow
    for i in (i for i in shown if columns[i].text):
        widths[i] = max(4, widths[i] + spare)
        break
    return tuple(widths.get(i) for i in range(len(columns)))


class ReviewTable(QuickDataTable):
    BINDINGS = [Binding("j", "cursor_down", "Down", show=False),
                Binding("k", "cursor_up", "Up", show=False)]

    def __init__(self, columns: Sequence[Column], **kwargs):
        self._fills = 0                           # a newer fill drops an older one's rest
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = tuple(columns)
        self._widths: tuple[int | None, ...] = ()     # as the columns are now
        self._shown: tuple[Sequence[Row], Sequence[Row], Sequence[str]] = ((), (), ())
        self._groups: set[str] = set()

    @property
    def room(self) -> int:
        """The cells the columns share: the table's width (before its first layout, the
        screen's), less the scrollbar's gutter, which is always kept (cadence.tcss) so that
        rows that come to need a scrollbar do not push the columns out of fit."""
        width = self.size.width or self.app.size.width
        return width - self.styles.scrollbar_size_vertical

    def _fit_columns(self) -> None:
        """The columns, fitted to the table's room, if they are not already."""
        widths = fit(self._columns, self.room)
        if widths == self._widths:
            return
        self._widths = widths
        self.clear(columns=True)
        for column, width in zip(self._columns, widths):
            if width is not None:
                # Text, not str: a str label is parsed as Rich markup, and the first parse
                # loads Rich's emoji table (3 ms of the launch).
                label = Text(column.label, overflow="ellipsis", no_wrap=True)
                self.add_column(label, key=column.label or None, width=width)

    def on_resize(self, event: events.Resize) -> None:
        """Another width may fit other columns: the rows are filled again (a row's cells are
        cut to the width they are drawn at, and a dropped column has none)."""
        if event.size.width and fit(self._columns, self.room) != self._widths:
            self.fill(*self._shown)

    @property
    def selected(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return None if key in self._groups else key

    def row_cells(self, key: str) -> list[Text]:
        """Every cell of a row as it was filled, a dropped column's too (the line under the
        list shows them)."""
        rows, groups, _ = self._shown
        cells = dict([*groups, *rows])[key]
        return list(cells() if callable(cells) else cells)

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
        self._shown = (rows, groups, order)
        self._groups = {key for key, _ in groups}
        every = dict([*groups, *rows])
        keys = list(order or every)
        self.clear()
        self._fit_columns()
        self._fills += 1
        now = max(self.app.size.height, keys.index(keep) + 1 if keep in keys else 0)
        self._add(keys[:now], every)
        if keep in keys:
            self.move_cursor(row=keys.index(keep), animate=False)
        self._skip_groups(1)
        if keys[now:]:
            self.call_after_refresh(self._add_rest, self._fills, keys[now:], every)

    def _add(self, keys: Sequence[str], every: dict) -> None:
        kept = [i for i, width in enumerate(self._widths) if width is not None]
        for key in keys:
            cells = every[key]
            made = cells() if callable(cells) else cells
            self.add_row(*(cut(made[i]) for i in kept), key=key)

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


def cut(cell: Text | str) -> Text:
    """A cell that says it is cut: longer than its column, it ends in `…` (DataTable clips a
    cell without a mark). A str cell is shown as it is, as Text (DataTable parses a str as
    markup)."""
    if isinstance(cell, str):
        cell = Text(cell)
    cell.overflow = "ellipsis"
    cell.no_wrap = True
    return cell
