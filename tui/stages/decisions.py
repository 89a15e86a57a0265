"""Decisions: this meeting's decisions, actions and interventions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import words
from core.board import Board
from core.model import Action
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.widgets.review_table import ReviewTable

KIND_STYLE = {"decision": "bold cyan", "action": "bold", "intervention": "bold magenta"}


def action_cells(board: Board, a: Action) -> list[Text]:
    overdue = board.is_overdue(a)
    due = words.due(a.due.isoformat() if a.due else None, overdue)
    return [text.plain(a.kind, KIND_STYLE[a.kind]), text.plain(a.text), text.plain(a.owner),
            text.plain(due, "bold red" if overdue else ""),
            text.plain(board.name_of(a.link), "dim"), text.plain(a.status)]


def action_matches(board: Board, a: Action, query: str) -> bool:
    return matches(query, a.kind, a.text, a.owner, a.status, board.name_of(a.link))


class DecisionsStage(StageView):
    stage_id = "decisions"
    noun, summary = "decision or action", "#decisions-summary"

    def compose(self) -> ComposeResult:
        yield Static(id="decisions-summary", classes="summary")
        yield ReviewTable(["kind", "text", "owner", "due", "about", "status"], widths={1: 36})

    def populate(self, ctx: Context) -> None:
        mine = [a for a in ctx.board.actions if a.meeting == ctx.meeting]
        shown = [a for a in mine if action_matches(ctx.board, a, ctx.filter)]
        self.table.fill([(a.id, action_cells(ctx.board, a)) for a in reversed(shown)])
        summary = (f"{len(mine)} recorded in this meeting; d records a decision or action"
                   if mine else "Nothing decided yet. Press d (from any stage) to record a "
                   "decision or action with its owner.")
        self.query_one("#decisions-summary", Static).update(Text(summary, style="dim"))
