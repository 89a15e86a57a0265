"""Deep dive (the monthly strategy review): the facilitator picks a KPI or an objective and the
room goes deep on it — the selected item's detail beside the list, as its detail view has it
(a KPI's flags, comparisons, follow-through and values; an objective's score and each key
result's progress, forecast and check-ins); `enter` opens the whole detail (with the chart),
`d` records a decision about it. Flagged KPIs first, then the objectives, then the rest."""

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from core import okr
from core.board import Board
from core.health import Health
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.stages.health import flag_names
from tui.widgets.review_table import Column, ReviewTable

COLUMNS = (Column("kind", 9, priority=2), Column("KPI or objective", 24, text=True),
           Column("state", 11), Column("why", 24, priority=1, least=10))


def kpi_cells(h: Health) -> list[Text]:
    return [text.plain("KPI", "dim"), text.plain(h.kpi.name), text.band(h.band), flag_names(h)]


def objective_cells(view: okr.ObjectiveView) -> list[Text]:
    behind = sum(k.behind for k in view.krs)
    why = f"{behind} key result{'s' * (behind != 1)} behind" if behind else ""
    return [text.plain("objective", "dim"), text.plain(view.objective.title),
            text.score(view.score, okr.score_band(view.score)),
            text.plain(why, text.STYLE["behind"])]


def dive_rows(board: Board, query: str) -> list[tuple[str, list[Text]]]:
    """What a deep dive can pick: flagged KPIs, the active objectives, then the other KPIs."""
    kpis = [h for h in board.kpis if matches(query, h.kpi.name, h.kpi.owner, h.kpi.area)]
    rows = [(h.kpi.id, kpi_cells(h)) for h in kpis if h.flags]
    rows += [(v.objective.id, objective_cells(v)) for v in board.active
             if matches(query, v.objective.title, v.objective.owner)]
    return rows + [(h.kpi.id, kpi_cells(h)) for h in kpis if not h.flags]


def detail(board: Board, item: object) -> Group | Text:
    """The selected item as its detail view tells it (tui/screens/detail.py)."""
    from tui.screens.detail import kpi_facts, objective_facts
    if isinstance(item, Health):
        return Group(text.plain(item.kpi.name, "bold"), kpi_facts(item, board))
    if isinstance(item, okr.ObjectiveView):
        return Group(text.plain(item.objective.title, "bold"), objective_facts(item, board))
    return Text("Pick a KPI or an objective to go deep on.", style="dim")


class DeepDiveStage(StageView):
    stage_id = "deepdive"
    noun, summary = "KPI or objective", "#deepdive-summary"
    _board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="deepdive-summary", classes="summary")
        yield ReviewTable(COLUMNS, id="deepdive-table")
        with VerticalScroll(id="deepdive-detail"):
            yield Static(id="deepdive-facts")

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        self.table.fill(dive_rows(ctx.board, ctx.filter))
        self.query_one("#deepdive-summary", Static).update(Text(
            "Pick what to go deep on: its detail shows below · enter opens it whole · "
            "d records a decision about it", style="dim"))
        self.show_selection()

    def show_selection(self) -> None:
        board = self._board
        item = board.by_id.get(self.selected or "") if board else None
        self.query_one("#deepdive-facts", Static).update(
            detail(board, item) if board else Text(""))
        self.query_one("#deepdive-detail").scroll_home(animate=False)

    def decision_link(self) -> str | None:
        return self.selected
