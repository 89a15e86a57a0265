"""Decisions: this meeting's decisions, actions and interventions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import words
from core.board import Board
from core.model import Action
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.widgets.selected_line import SelectedLine
from tui.widgets.review_table import Column, ReviewTable

KIND_STYLE = {"decision": "bold cyan", "action": "bold", "intervention": "bold magenta"}


def action_cells(board: Board, a: Action) -> list[Text]:
    overdue = board.is_overdue(a)
    due = words.due(a.due.isoformat() if a.due else None, overdue)
    return [text.plain(a.kind, KIND_STYLE[a.kind]), text.plain(a.text), text.plain(a.owner),
            text.plain(due, text.STYLE["error"] if overdue else ""),
            text.plain(board.name_of(a.link), "dim"), text.plain(a.status)]


def action_line(board: Board, a: Action, lead: Text | None = None) -> Text:
    """The selected action whole: what it says, then who, when and about what (wrapped onto
    the line's second row). `lead`: what goes first (the wrap-up's verdict)."""
    about = board.name_of(a.link)
    day = a.due.isoformat() if a.due else None
    facts = [a.owner, words.due_phrase(day, board.is_overdue(a)),
             *([f"about {about}"] if about else []), a.status]
    return text.assemble(*([lead, " · "] if lead else []), (a.kind, KIND_STYLE[a.kind]), ": ",
                         (a.text, "bold"), *(f" · {fact}" for fact in facts))


def action_matches(board: Board, a: Action, query: str) -> bool:
    return matches(query, a.kind, a.text, a.owner, a.status, board.name_of(a.link))


# At 80 columns: kind, text, owner and due whole; what it is about and its status are in the
# line under the list.
COLUMNS = (Column("kind", 12, priority=3), Column("text", 24, text=True),
           Column("owner", 14, priority=1, least=10),
           Column("due", 20, priority=2, least=10),
           Column("about", 20, priority=4), Column("status", 7, priority=5))


class DecisionsStage(StageView):
    stage_id = "decisions"
    noun, summary = "decision or action", "#decisions-summary"
    _board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="decisions-summary", classes="summary")
        yield ReviewTable(COLUMNS)
        yield SelectedLine()

    def show_selection(self) -> None:
        board = self._board
        item = board.by_id.get(self.selected or "") if board else None
        line = action_line(board, item) if board and isinstance(item, Action) else Text("")
        self.query_one(SelectedLine).show(line)

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        # Before the meeting is written (its first frame) there is no "this meeting": an
        # action recorded outside any meeting (the demo's earlier interventions) is not its.
        mine = [a for a in ctx.board.actions if ctx.meeting and a.meeting == ctx.meeting]
        shown = [a for a in mine if action_matches(ctx.board, a, ctx.filter)]
        self.table.fill([(a.id, action_cells(ctx.board, a)) for a in reversed(shown)])
        summary = (f"{len(mine)} recorded in this meeting; d records a decision or action"
                   if mine else "Nothing decided yet. Press d (from any stage) to record a "
                   "decision or action with its owner.")
        self.query_one("#decisions-summary", Static).update(Text(summary, style="dim"))
        self.show_selection()
