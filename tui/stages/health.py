"""KPI health: counts by band, then every KPI — north star first, then by area."""

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, words
from core.board import Board
from core.commands import kpis
from core.events import EventKind
from core.health import Health
from core.words import BAND_LABEL
from tui import text
from tui.stages.base import Context, matches
from tui.stages.kpis import KpiStage
from tui.widgets.review_table import ReviewTable


def counts_line(ctx: Context) -> Text:
    counts = ctx.board.counts()
    parts = [Text(f"{BAND_LABEL[b]} {counts[b]}", style=text.BAND_STYLE[b])
             for b in ("green", "amber", "red", "none")]
    missing = len(ctx.board.to_fill())
    hint = f"M fills the scorecard ({missing} missing)" if missing else "N adds a KPI"
    return text.join(*parts, Text(hint, style="dim"), sep="   ")


def follow_up_line(ctx: Context, wrapup: int | None) -> Text | None:
    """Open actions from earlier meetings, from the first screen on rather than only at the
    wrap-up (which settles them); None when there are none left to settle."""
    found = ctx.board.follow_up(ctx.meeting)
    if not found.open:
        return None
    settle = f" · {wrapup} settles them" if wrapup else ""
    return Text(words.follow_up(found.open, found.overdue, found.due_today) + settle,
                style="bold yellow" if found.overdue else "dim")


def kpi_cells(h: Health) -> list[Text]:
    k = h.kpi
    name = (words.NORTH_STAR if k.north_star else "") + k.name
    target = words.DIRECTION_SYMBOL[k.direction] + fmt.value(k.target, k.unit)
    return [text.band(h.band), text.plain(name, "bold" if k.north_star else ""),
            text.plain(fmt.value(h.latest, k.unit)), text.plain(target),
            text.plain(" ".join(h.flag_names), "yellow"), text.spark(h.series.values(12), h.band),
            text.plain(k.owner), text.plain(k.area, "dim")]


def selected_line(h: Health | None) -> Text:
    if h is None:
        return Text("")
    k = h.kpi
    head = text.assemble((k.name, "bold"), f": {fmt.value(h.latest, k.unit)} vs target "
                         f"{fmt.value(k.target, k.unit)} · {k.owner}")
    if not h.flags:
        return head
    return text.assemble(head, " · ", (h.flags[0].name, "yellow"), f": {h.flags[0].reason}",
                         f" (+{len(h.flags) - 1} more, enter)" if len(h.flags) > 1 else "")


def kpi_matches(h: Health, query: str) -> bool:
    return matches(query, h.kpi.name, h.kpi.owner, h.kpi.area, h.band, *h.flag_names)


class HealthStage(KpiStage):
    stage_id = "health"
    noun, summary = "KPI", "#counts"
    _board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="counts", classes="summary")
        # Flags before the trend: at 80 columns what is off matters more than its shape.
        yield ReviewTable(["band", "KPI", "latest", "target", "flags", "trend", "owner", "area"],
                          widths={1: 28, 4: 16})
        yield Static(id="selected-line", classes="selected-line")

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        summary = [counts_line(ctx), follow_up_line(ctx, self.controller.number_of("wrapup"))]
        self.query_one("#counts", Static).update(Text("\n").join(s for s in summary if s))
        shown = [h for h in ctx.board.kpis if kpi_matches(h, ctx.filter)]
        self.table.fill([(h.kpi.id, partial(kpi_cells, h)) for h in shown])
        self.show_selection()

    def show_selection(self) -> None:
        """The selected KPI's essentials on one line, whatever the width cuts from the table."""
        health = self._board.by_id.get(self.selected) if self._board and self.selected else None
        # Two rows, always (cadence.tcss): a cursor move redoes no layout.
        self.query_one("#selected-line", Static).update(selected_line(health), layout=False)

    def action_new_kpi(self) -> None:
        from tui.forms.manage_forms import kpi_form
        self.open_form(kpi_form(self.controller.session), "KPI added.")

    def action_archive_kpi(self) -> None:
        if health := self.chosen(Health, "a KPI"):
            self.change(lambda: self.controller.session.run(EventKind.KPI_ARCHIVE, kpis.archive,
                                                            health.kpi.id),
                        lambda k: f"Archived {k.name}: its history stays (u undoes).")
