"""Flagged: only the flagged KPIs; the selected one's reasons, chart and interventions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from core import words
from core.board import Board
from core.health import Health
from core.model import Action
from tui import text
from tui.stages.base import Context
from tui.stages.health import BAND_COLUMN, FLAGS_COLUMN, flag_names, kpi_matches
from tui.stages.kpis import KpiStage
from tui.widgets.kpi_panel import KpiPanel, heading
from tui.widgets.review_table import Column, ReviewTable

# Beside the selected KPI's reasons and chart (below them when narrow): a name cut with … is
# whole in the heading above its reasons.
COLUMNS = (BAND_COLUMN, Column("KPI", 20, text=True), FLAGS_COLUMN)


def interventions(board: Board, kpi_id: str) -> Text:
    mine = board.open_interventions(kpi_id)
    if not mine:
        return Text("No open intervention — press i to record one.", style="dim")
    return Text("\n").join(
        text.join(text.plain("▸ " + a.text), text.plain(a.owner, "cyan"),
                  overdue_phrase(board, a))
        for a in mine)


def overdue_phrase(board: Board, a: Action) -> Text:
    overdue = board.is_overdue(a)
    return text.plain(words.due_phrase(a.due.isoformat() if a.due else None, overdue),
                      "bold red" if overdue else "dim")


class FlaggedStage(KpiStage):
    stage_id = "flagged"
    noun, summary = "flagged KPI", "#reasons"
    _board: Board | None = None

    def compose(self) -> ComposeResult:
        yield ReviewTable(COLUMNS, id="flagged-table")
        with Vertical(id="flag-detail"):
            yield Static(id="reasons")
            yield KpiPanel(id="flag-panel")
            yield Static(id="interventions")

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        shown = [h for h in ctx.board.flagged if kpi_matches(h, ctx.filter)]
        self.table.fill([(h.kpi.id, [text.band(h.band), text.plain(h.kpi.name),
                                     flag_names(h, ctx.board.explanation(h.kpi.id))])
                         for h in shown])
        if not shown:                   # through a filter: StageView.fill says so instead
            self.query_one("#reasons", Static).update(Text("Nothing is flagged.", style="green"))
        self.show_selection()

    def show_selection(self) -> None:
        board = self._board
        health = board.get(self.selected, Health) if board else None
        self.query_one(KpiPanel).show(health, board.explanation(health.kpi.id)
                                      if board and health else None)
        if health is None:
            self.query_one("#interventions", Static).update("")
            return
        self.query_one("#reasons", Static).update(heading(health))
        self.query_one("#interventions", Static).update(interventions(board, health.kpi.id))
