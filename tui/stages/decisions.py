"""Decisions: this meeting's decisions, actions and interventions."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import words
from core.board import Board
from core.clock import today
from core.commands import issues
from core.events import EventKind
from core.model import Action, Issue
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


# The issues list's two headings, as group rows the cursor passes over.
ISSUES_HEADING, DECIDED_HEADING = "#issues", "#decided"


def picked(issue: Issue, meeting: str | None) -> bool:
    """Picked for this meeting's discussion (one of its top three)."""
    return meeting is not None and issue.top_in == meeting


def issue_cells(board: Board, issue: Issue, meeting: str | None) -> list[Text]:
    """An open issue in the decisions' columns: its rank (★ when picked for discussion) where
    the kind goes, who raised it where the owner goes."""
    mark = "★ " if picked(issue, meeting) else ""
    kept = f"kept {len(issue.kept_in)}×" if issue.kept_in else ""
    return [text.plain(f"{mark}issue #{issue.rank}", "bold yellow"), text.plain(issue.title),
            text.plain(issue.raised_by), text.plain(kept, "dim"),
            text.plain(board.name_of(issue.link), "dim"),
            text.plain("picked" if picked(issue, meeting) else "open")]


def issue_line(board: Board, issue: Issue, meeting: str | None) -> Text:
    """The selected issue whole, and what can be done with it."""
    about = board.name_of(issue.link)
    facts = [f"raised by {issue.raised_by}", *([f"about {about}"] if about else []),
             *([f"kept open in {len(issue.kept_in)} meeting(s)"] if issue.kept_in else []),
             "picked for discussion" if picked(issue, meeting) else "open"]
    return text.assemble((f"issue #{issue.rank}", "bold yellow"), ": ", (issue.title, "bold"),
                         *(f" · {fact}" for fact in facts))


def heading(kind: str, title: str) -> list[Text]:
    return [text.plain(kind, "bold"), text.plain(title, "bold"),
            *(Text("") for _ in COLUMNS[2:])]


class DecisionsStage(StageView):
    stage_id = "decisions"
    noun, summary = "decision or action", "#decisions-summary"
    _board: Board | None = None
    _meeting: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="decisions-summary", classes="summary")
        yield ReviewTable(COLUMNS)
        yield SelectedLine()

    def show_selection(self) -> None:
        board = self._board
        item = board.by_id.get(self.selected or "") if board else None
        line = Text("")
        if board and isinstance(item, Action):
            line = action_line(board, item)
        elif board and isinstance(item, Issue):
            line = issue_line(board, item, self._meeting)
        self.query_one(SelectedLine).show(line)

    def populate(self, ctx: Context) -> None:
        self._board, self._meeting = ctx.board, ctx.meeting
        # Before the meeting is written (its first frame) there is no "this meeting": an
        # action recorded outside any meeting (the demo's earlier interventions) is not its.
        mine = [a for a in ctx.board.actions if ctx.meeting and a.meeting == ctx.meeting]
        shown = [a for a in mine if action_matches(ctx.board, a, ctx.filter)]
        rows = [(a.id, action_cells(ctx.board, a)) for a in reversed(shown)]
        open_issues = ctx.board.open_issues
        issues = [i for i in open_issues if matches(ctx.filter, i.title, i.raised_by,
                                                    ctx.board.name_of(i.link))]
        if issues or (open_issues and rows):   # the issues list, then what was decided
            rows += [(i.id, issue_cells(ctx.board, i, ctx.meeting)) for i in issues]
            groups = [(ISSUES_HEADING, heading("ISSUES", f"{len(open_issues)} open, top first")),
                      (DECIDED_HEADING, heading("DECIDED", f"{len(mine)} in this meeting"))]
            order = [ISSUES_HEADING, *(i.id for i in issues),
                     DECIDED_HEADING, *(a.id for a in reversed(shown))]
            self.table.fill(rows, groups, order)
        else:
            self.table.fill(rows)
        self.query_one("#decisions-summary", Static).update(summary(len(mine), open_issues,
                                                                    ctx.meeting))
        self.show_selection()

    # --- the issues list --------------------------------------------------------------------

    def issue(self) -> Issue | None:
        return self.chosen(Issue, "an issue")

    def run_issue(self, kind: EventKind, command, done: str, *args) -> None:
        """A change to the selected issue, said with its title; the cursor stays on it."""
        if issue := self.issue():
            self.change(lambda: self.controller.session.run(kind, command, issue.id, *args),
                        lambda _: done.format(title=issue.title), lambda _: [issue.id])

    def action_issue_rank(self, up: bool) -> None:
        self.run_issue(EventKind.ISSUE_RANK, issues.move, "{title} moved "
                       + ("up." if up else "down."), up)

    def action_pick_issue(self) -> None:
        item = self.board.by_id.get(self.selected or "")
        back = isinstance(item, Issue) and picked(item, self._meeting)
        self.run_issue(EventKind.ISSUE_TOP, issues.pick,
                       "{title} put back." if back else "{title} picked for discussion.")

    def action_keep_issue(self) -> None:
        self.run_issue(EventKind.ISSUE_KEEP, issues.keep,
                       "{title} stays open; it carries to the next meeting.")

    def action_drop_issue(self) -> None:
        self.run_issue(EventKind.ISSUE_DROP, issues.drop, "{title} dropped (u undoes).",
                       today())

    def action_solve_issue(self) -> None:
        from tui.forms.meeting_forms import decision_form
        if issue := self.issue():
            form = decision_form(self.controller.session, issue.link,
                                 self.board.name_of(issue.link), issue)
            self.open_form(form, f"Solved: {issue.title}")


def summary(decided: int, open_issues: list[Issue], meeting: str | None) -> Text:
    """What the stage holds and its keys. Without issues, as it always said; with them, two
    short lines (80 columns): the issues' keys on the second."""
    if not open_issues:
        return Text(f"{decided} recorded in this meeting; d records a decision or action"
                    if decided else "Nothing decided yet. Press d (from any stage) to record "
                    "a decision or action with its owner.", style="dim")
    chosen = sum(1 for i in open_issues if picked(i, meeting))
    return Text(f"{decided} decided in this meeting · d decides\n"
                f"Issues: T picks the top 3 ({chosen}) · S solves · K keeps · X drops · +/-",
                style="dim")
