"""Flagged: only the flagged KPIs; the selected one's reasons, chart and interventions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from core import follow_through, words
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
        shown = Text("No open intervention — press i to record one.", style="dim")
    else:
        shown = Text("\n").join(
            text.join(text.plain("▸ " + a.text), text.plain(a.owner, "cyan"),
                      overdue_phrase(board, a))
            for a in mine)
    judged = follow_through_line(board, kpi_id)
    return shown if judged is None else Text("\n").join([shown, judged])


def follow_through_line(board: Board, kpi_id: str) -> Text | None:
    """Did the KPI's past interventions work: "2 past interventions, 1 recovered", and the
    latest one's verdict (enter shows each with its reason)."""
    found = board.past_interventions(kpi_id)
    if not found:
        return None
    return text.join(text.plain(words.follow_through(len(found), follow_through.recovered(found)),
                                "bold"),
                     text.join("latest", text.plain(words.FOLLOW_THROUGH_LABEL[found[0].verdict],
                                                    text.STYLE["flag"]), sep=" "),
                     text.plain(found[0].action.text), text.plain("(enter shows each)", "dim"))


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
