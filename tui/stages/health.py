"""KPI health: counts by band, then every KPI — north star first, then by area."""

import textwrap
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, since, words
from core.board import Board
from core.commands import kpis
from core.events import EventKind
from core.explanations import Standing
from core.health import Health
from core.words import BAND_LABEL
from tui import text
from tui.stages.base import Context, matches
from tui.stages.kpis import KpiStage
from tui.widgets.kpi_panel import KpiPanel
from tui.widgets.selected_line import SelectedLine
from tui.widgets.review_table import Column, ReviewTable


def counts_line(ctx: Context) -> Text:
    counts = ctx.board.counts()
    parts = [Text(f"{BAND_LABEL[b]} {counts[b]}", style=text.STYLE[b])
             for b in ("green", "amber", "red", "none")]
    teams = getattr(ctx.board, "teams", None)        # a roll-up's board (core/rollup.py)
    if teams is not None:
        from tui.rollup import teams_line
        return text.join(*parts, teams_line(ctx.board), sep="   ")
    missing = len(ctx.board.to_fill())
    hint = f"M fills the scorecard ({missing} missing)" if missing else "N adds a KPI"
    return text.join(*parts, Text(hint, style="dim"), sep="   ")


# The columns the KPI lists share. At 80 columns what is off matters more than its shape:
# flags before the trend, owner and area (the line under the list has them).
BAND_COLUMN = Column("band", 9)
FLAGS_COLUMN = Column("flags", 30, priority=3, least=14)
COLUMNS = (BAND_COLUMN, Column("KPI", 25, text=True), Column("latest", 9, priority=1),
           Column("target", 10, priority=2), FLAGS_COLUMN, Column("trend", 12, priority=5),
           Column("owner", 14, priority=4), Column("area", 16, priority=6))


def flag_names(h: Health, standing: Standing | None = None) -> Text:
    """A KPI's flags; dimmed while its owner's explanation of them stands."""
    look = "explained" if standing is not None and standing.dims else "flag"
    return text.plain(" ".join(h.flag_names), text.STYLE[look])


def explanation(standing: Standing) -> Text:
    """The owner's word beside the flags: dimmed with them when explained, as loud as they
    are while someone investigates."""
    return text.plain(standing.line, text.STYLE["explained" if standing.dims else "flag"])


def follow_up_line(ctx: Context, wrapup: int | None) -> Text | None:
    """Open actions from earlier meetings, from the first screen on rather than only at the
    wrap-up (which settles them); None when there are none left to settle."""
    found = ctx.board.follow_up(ctx.meeting)
    if not found.open:
        return None
    settle = f" · {wrapup} settles them" if wrapup else ""
    return Text(words.follow_up(found.open, found.overdue, found.due_today) + settle,
                style=text.STYLE["warning"] if found.overdue else "dim")


COMPARING = "comparing with the last meeting…"
LIST_HINT = "· l lists them"
_GLUE = "\x00"                # holds the hint together while the lines are broken


def since_line(found: since.Since, width: int) -> Text:
    """What changed since the last meeting ended, in at most two lines of `width`, the hint
    whole at the end: the counts that do not fit are left to `l`."""
    room = 2 * width
    while True:
        head = since.headline(found, room=room - len(LIST_HINT) - 1)
        lines = textwrap.wrap(f"{head} {LIST_HINT.replace(' ', _GLUE)}", max(width, 20),
                              break_long_words=False, break_on_hyphens=False)
        if len(lines) <= 2 or room < width:
            break
        room -= 8
    day = f"Since {found.meeting.day}:"
    shown = [text.plain(line.replace(_GLUE, " ")) for line in lines]
    shown[0].stylize("bold", 0, len(day))
    shown[-1].stylize("dim", len(shown[-1]) - len(LIST_HINT))
    return Text("\n").join(shown)


def kpi_cells(h: Health, standing: Standing | None = None) -> list[Text]:
    k = h.kpi
    return [text.band(h.band), text.plain(name(h), "bold" if k.north_star else ""),
            text.plain(fmt.value(h.latest, k.unit)), text.plain(target(h)),
            flag_names(h, standing),
            trend(h), text.plain(k.owner), text.plain(k.area, "dim")]


def name(h: Health) -> str:
    return (words.NORTH_STAR if h.kpi.north_star else "") + h.kpi.name


def target(h: Health) -> str:
    return words.DIRECTION_SYMBOL[h.kpi.direction] + fmt.value(h.kpi.target, h.kpi.unit)


def trend(h: Health) -> Text:
    return text.spark(h.series.values(12), h.band)


def selected_line(h: Health | None, standing: Standing | None = None) -> Text:
    """The selected KPI whole, on two lines: what it is and who owns it; then its flags (and
    its owner's explanation of them), its trend, its area and the first flag's reason
    (`enter` has every reason)."""
    if h is None:
        return Text("")
    k = h.kpi
    head = text.assemble((name(h), "bold"), f": {fmt.value(h.latest, k.unit)} vs target "
                         f"{fmt.value(k.target, k.unit)} · {k.owner}")
    more: list[Text] = [flag_names(h, standing)] if h.flags else []
    if standing is not None:
        more.append(explanation(standing))
    if len(h.series) > 1:
        more.append(trend(h))
    if k.area:
        more.append(text.plain(k.area))
    if h.flags:
        first = h.flags[0]
        more.append(text.assemble(f"{first.name}: {first.reason}",
                                  " (enter: every reason)" if len(h.flags) > 1 else ""))
    return Text("\n").join([head, text.join(*more, sep=" · ")])


def kpi_matches(h: Health, query: str) -> bool:
    return matches(query, h.kpi.name, h.kpi.owner, h.kpi.area, h.band, *h.flag_names)


class HealthStage(KpiStage):
    stage_id = "health"
    noun, summary = "KPI", "#counts"
    _board: Board | None = None
    _ctx: Context | None = None
    _comparing = False          # the comparison with the last meeting waits for a frame

    def compose(self) -> ComposeResult:
        yield Static(id="counts", classes="summary")
        yield ReviewTable(COLUMNS)
        yield SelectedLine()
        yield KpiPanel(id="health-panel")          # on a tall terminal only (cadence.tcss)

    def populate(self, ctx: Context) -> None:
        self._board, self._ctx = ctx.board, ctx
        self.show_summary(ctx)
        shown = [h for h in ctx.board.kpis if kpi_matches(h, ctx.filter)]
        self.table.fill([(h.kpi.id, partial(kpi_cells, h, ctx.board.explanation(h.kpi.id)))
                         for h in shown])
        self.show_selection()

    def show_summary(self, ctx: Context) -> None:
        """The counts, what changed since the last meeting, what is left to settle."""
        summary = [counts_line(ctx), self.since_summary(),
                   follow_up_line(ctx, self.controller.number_of("wrapup"))]
        self.query_one("#counts", Static).update(Text("\n").join(s for s in summary if s))

    def since_summary(self) -> Text | None:
        """What changed since the last meeting ended; the first time, after the first frame
        (it reads the store as that meeting left it: a second read model, 60 ms at L)."""
        if not self.controller.since_ready():
            if not self._comparing:
                self._comparing = True
                self.call_after_refresh(self._compared)
            return Text(COMPARING, style="dim")
        found = self.controller.since()
        return None if found is None else since_line(found, self.app.size.width - 2)

    def _compared(self) -> None:
        self.controller.since()
        self._comparing = False
        ctx = self._ctx
        if ctx is not None and not (ctx.filter and not self.table.row_count):  # no_match
            self.show_summary(ctx)

    def show_selection(self) -> None:
        """The selected KPI whole under the list, whatever the width cuts from the table; on
        a tall terminal its reasons and chart below."""
        board = self._board
        health = board.get(self.selected, Health) if board else None
        standing = board.explanation(health.kpi.id) if board and health else None
        # Two rows, always (cadence.tcss): a cursor move redoes no layout.
        self.query_one(SelectedLine).show(selected_line(health, standing))
        self.query_one(KpiPanel).show(health, standing)     # drawn only while it is shown

    def action_new_kpi(self) -> None:
        from tui.forms.manage_forms import kpi_form
        self.open_form(kpi_form(self.controller.session), "KPI added.")

    def action_archive_kpi(self) -> None:
        if health := self.chosen(Health, "a KPI"):
            self.ask_first(f"Archive {health.kpi.name}?", "It leaves the meeting; its history "
                           "stays, and u undoes it.", "archive it", lambda: self.change(
                               lambda: self.controller.session.run(
                                   EventKind.KPI_ARCHIVE, kpis.archive, health.kpi.id),
                               lambda k: f"Archived {k.name}: its history stays (u undoes)."))
