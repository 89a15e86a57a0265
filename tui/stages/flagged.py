"""Flagged: only the flagged KPIs; the selected one's reasons, chart and interventions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from core import fmt, words
from core.board import Board
from core.health import Health
from core.model import Action
from tui import text
from tui.stages.base import Context
from tui.stages.health import kpi_matches
from tui.stages.kpis import KpiStage
from tui.widgets.kpi_chart import KpiChart
from tui.widgets.review_table import ReviewTable


def reasons(h: Health) -> Text:
    k = h.kpi
    lines = [text.join(text.plain(k.name, "bold"), text.band(h.band),
                       text.plain(f"latest {fmt.value(h.latest, k.unit)}, target "
                                  f"{fmt.value(k.target, k.unit)}"),
                       text.plain(f"owner {k.owner}", "dim"))]
    lines += [text.join(text.plain(f.name, "bold yellow"), text.plain(f.reason)) for f in h.flags]
    return Text("\n").join(lines)


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
        yield ReviewTable(["band", "KPI", "flags"], widths={1: 24}, id="flagged-table")
        with Vertical(id="flag-detail"):
            yield Static(id="reasons")
            yield KpiChart(id="chart")
            yield Static(id="interventions")

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        shown = [h for h in ctx.board.flagged if kpi_matches(h, ctx.filter)]
        self.table.fill([(h.kpi.id, [text.band(h.band), text.plain(h.kpi.name),
                                     text.plain(" ".join(h.flag_names), "yellow")])
                         for h in shown])
        if not shown:                   # through a filter: StageView.fill says so instead
            self.query_one("#reasons", Static).update(Text("Nothing is flagged.", style="green"))
        self.show_selection()

    def show_selection(self) -> None:
        board = self._board
        health = board.by_id.get(self.selected) if board and self.selected else None
        self.query_one(KpiChart).show(health)
        if health is None:
            self.query_one("#interventions", Static).update("")
            return
        self.query_one("#reasons", Static).update(reasons(health))
        self.query_one("#interventions", Static).update(interventions(board, health.kpi.id))
