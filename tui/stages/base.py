"""What every stage view has: a list, a way to refill it from the board, its own keys and the
actions behind them. A stage tells the shell what happened with messages (a change made, a
change refused, a row highlighted, a detail asked for); the shell refills, says it, and keeps
followers in step."""

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import msgspec
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from rich.text import Text
from textual.widgets import DataTable, Static

from core import okr
from core.board import Board
from core.errors import CadenceError
from core.events import EventKind
from core.health import Health
from core.model import Action, Issue
from core.meeting import MeetingClock
from tui import keys, text
from tui.widgets.review_table import ReviewTable

if TYPE_CHECKING:
    from tui.controller import Controller

T = TypeVar("T")


class Context(msgspec.Struct, frozen=True):
    board: Board
    meeting: str | None
    filter: str
    clock: MeetingClock


def owner_of(item: object, board: Board) -> str:
    """Whose a row is: a KPI's, an objective's (a key result's objective's), an action's
    owner, or who raised an issue; "" for a row nobody owns."""
    if isinstance(item, okr.KrView):
        item = board.by_id.get(item.kr.objective)
    if isinstance(item, Health):
        return item.kpi.owner
    if isinstance(item, okr.ObjectiveView):
        return item.objective.owner
    if isinstance(item, Action):
        return item.owner
    return item.raised_by if isinstance(item, Issue) else ""


def matches(query: str, *fields: str) -> bool:
    """Every word of the filter appears somewhere in the row's text (case-insensitive)."""
    haystack = " ".join(fields).casefold()
    return all(word in haystack for word in query.casefold().split())


def no_match(noun: str, query: str) -> Text:
    """What a stage says when its filter hides every row: an empty table alone reads as
    "nothing here", and the facilitator should not wonder where the rows went."""
    return text.assemble((f"No {noun} matches ", "bold yellow"), (f"'{query}'", "bold"),
                         (" — escape clears the filter", "yellow"))


def _asking_first(method: Callable[..., Any], action: str) -> Callable[..., Any]:
    """A stage's action that changes a team's data, run only if the controller lets it
    (keys.TEAM_ACTIONS). `wraps` keeps its signature: Textual passes an action the
    parameters its signature takes (`priority(True)`)."""
    if inspect.iscoroutinefunction(method):
        @functools.wraps(method)
        async def asked_async(self: "StageView", *args: Any) -> Any:
            return None if self.refused_here(action) else await method(self, *args)
        return asked_async

    @functools.wraps(method)
    def asked(self: "StageView", *args: Any) -> Any:
        return None if self.refused_here(action) else method(self, *args)
    return asked


class StageView(Vertical):
    stage_id: ClassVar[str]
    # What a row is ("No KPI matches 'x'"), and where the stage says what it shows.
    noun: ClassVar[str] = "row"
    summary: ClassVar[str] = ".summary"
    shown: tuple | None = None        # what it was last filled from (store version, day, ...)

    class Changed(Message):
        """A change was made: the shell refills the stage, says `done`, and puts the cursor
        on the first row of `rows` the stage shows (an undo's: the row it was about)."""

        def __init__(self, done: str, rows: Sequence[str] = ()):
            super().__init__()
            self.done = done
            self.rows = rows

    class Refused(Message):
        """A change could not be made: the shell says why (or asks, for a lost store)."""

        def __init__(self, error: Exception):
            super().__init__()
            self.error = error

    class Moved(Message):
        """The selection moved: followers are told."""

    class DetailAsked(Message):
        def __init__(self, ident: str):
            super().__init__()
            self.ident = ident

    def __init__(self, controller: "Controller", number: int):
        super().__init__(id=f"stage-{number}", classes="stage")
        self.controller = controller
        self.number = number

    def __init_subclass__(cls, **kwargs):
        if "stage_id" in cls.__dict__:                   # before Textual merges the bindings
            cls.BINDINGS = keys.bindings(cls.stage_id)    # its part of the key table
        for action in keys.TEAM_ACTIONS:                  # each asks the controller first
            found = cls.__dict__.get(f"action_{action}")
            if found is not None:
                setattr(cls, f"action_{action}", _asking_first(found, action))
        super().__init_subclass__(**kwargs)

    def refused_here(self, action: str) -> bool:
        """Whether the controller refuses the action here (a roll-up's team data is only
        read): then it says why, in one line."""
        said = self.controller.refuses(action, self.selected)
        if said is not None:
            self.notify(said, severity="warning")
        return said is not None

    @property
    def table(self) -> ReviewTable:
        return self.query_one(ReviewTable)

    @property
    def selected(self) -> str | None:
        return self.table.selected

    def fill(self, ctx: Context) -> None:
        """Show what the board holds for this stage, through the filter; a filter that hides
        every row says so where the stage says what it shows (one rule for every stage)."""
        self.populate(ctx)
        if ctx.filter and not self.table.row_count:
            self.query_one(self.summary, Static).update(no_match(self.noun, ctx.filter))

    def populate(self, ctx: Context) -> None:
        raise NotImplementedError

    def decision_link(self) -> str | None:
        """What a decision taken on this stage is about (`d`): the selected item, on the
        stages whose rows a decision can be about."""
        return None

    def action_decision(self) -> None:
        from tui.forms.meeting_forms import decision_form
        link, session = self.decision_link(), self.controller.session
        self.open_form(decision_form(session, link, self.board.name_of(link)),
                       f"Recorded; see Decisions ({self.controller.number_of('decisions')}).")

    def issue_source(self) -> tuple[str | None, str]:
        """What an issue raised on this stage (`I`) is about, and the title it starts with:
        the selected flagged KPI or objective on the stages that list them, else free text."""
        return None, ""

    def action_raise_issue(self) -> None:
        from tui.forms.meeting_forms import issue_form
        link, title = self.issue_source()
        self.open_form(issue_form(self.controller.session, link, self.board.name_of(link),
                                  title),
                       f"Issue raised; see the issues list on Decisions "
                       f"({self.controller.number_of('decisions')}).")

    def action_person(self) -> None:
        """`W`: the person view of the selected row's owner (escape closes)."""
        from tui.screens.person import PersonScreen
        name = owner_of(self.board.by_id.get(self.selected or ""), self.board)
        if not name:
            self.notify("Select a row with an owner first.", severity="warning")
            return
        self.app.push_screen(PersonScreen(self.controller, name),
                             lambda merged: self.post_message(self.Changed(merged))
                             if merged else None)

    def action_undo(self) -> None:
        """The latest change undone, and the cursor back on the row it was about."""
        from core import undo
        session = self.controller.session
        self.change(lambda: session.run(EventKind.UNDO, lambda tx: undo.undo(tx, tx.meeting)),
                    lambda event: f"Undone: {event.summary}", undo.about)

    def select_first(self, rows: Sequence[str]) -> None:
        """The cursor on the first of `rows` this stage lists (an objective's: its first key
        result, the row the OKR stage's cursor stands on)."""
        for ident in rows:
            view = self.board.get(ident, okr.ObjectiveView)
            for row in ([k.kr.id for k in view.krs] if view else []) + [ident]:
                if self.table.select(row):
                    return

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.controller.allows(action)

    # --- what the stage's actions share ----------------------------------------------------

    @property
    def board(self) -> Board:
        return self.controller.board()

    def chosen(self, kind: type[T], what: str) -> T | None:
        """The selected row's item if it is a `kind`; else says to select `what` first."""
        item = self.board.by_id.get(self.selected or "")
        if not isinstance(item, kind):
            self.notify(f"Select {what} first.", severity="warning")
            return None
        return item

    def open_form(self, form: Screen, done: str) -> None:
        """A form whose saving is the change (its errors show in the form itself)."""
        def after(result: object) -> None:
            if result is not None:
                self.post_message(self.Changed(done))
        self.app.push_screen(form, after)

    def change(self, make: Callable[[], T], done: Callable[[T], str],
               rows: Callable[[T], Sequence[str]] | None = None) -> None:
        """A change made at once, and said; or refused, and why said. `rows`: the rows the
        change was about, for the cursor."""
        try:
            result = make()
        except (CadenceError, OSError) as exc:      # a refused value, a full disk, a lost store
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Changed(done(result), rows(result) if rows else ()))

    def ask_first(self, question: str, detail: str, yes: str, then: Callable[[], None]) -> None:
        """A change that asks before it is made (archiving, deleting): `y` or `enter` makes
        it, `n` or `escape` does not (the shared dialog, tui/screens/confirm.py)."""
        from tui.screens.confirm import ConfirmScreen

        def answered(answer: bool | None) -> None:
            if answer:
                then()
        self.app.push_screen(ConfirmScreen(question, detail, yes=yes, no="keep it"), answered)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_selection()
        self.post_message(self.Moved())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.selected:
            self.post_message(self.DetailAsked(self.selected))

    def show_selection(self) -> None:
        """What a stage shows about the selected row beside the list, if anything."""

    def clock_moved(self, clock: MeetingClock) -> None:
        """Every second: a stage that shows the clock (the wrap-up's times) shows it again."""
