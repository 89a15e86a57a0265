"""`C`: close a cycle. Every objective of the cycle with its final score; `r` retires the
selected one, `a` all that are still active, each with a closing note."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core import okr
from core.board import Board
from core.session import Session
from tui import text
from tui.forms import manage_forms
from tui.forms.meeting_forms import retire_form
from tui.widgets.review_table import Column, ReviewTable

COLUMNS = (Column("objective", 30, text=True), Column("final score", 11),
           Column("status", 7), Column("closing note", 20, priority=1, least=10))


class CycleCloseScreen(ModalScreen[None]):
    BINDINGS = [Binding("r", "retire_one", "Retire"), Binding("a", "retire_all", "Retire all"),
                Binding("escape,q", "close", "Close")]

    def __init__(self, session: Session, cycle: str):
        super().__init__(id="cycle-close")
        self.session = session
        self.cycle = cycle

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(text.plain(f"Close the cycle {self.cycle}"), classes="form-title")
            yield ReviewTable(COLUMNS)
            yield Static(Text("r retires the selected objective · a retires all still active · "
                              "escape closes", style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        self.refill()
        self.query_one(ReviewTable).focus()

    def board(self) -> Board:
        self.session.read.refresh()
        return self.session.read.board

    def views(self) -> list[okr.ObjectiveView]:
        return [v for v in self.board().objectives if v.objective.cycle == self.cycle]

    def refill(self) -> None:
        rows = []
        for v in self.views():
            o = v.objective
            score = o.final_score if o.status == "retired" else v.score
            rows.append((o.id, [text.plain(o.title), text.score(score, okr.score_band(score)),
                                text.plain(o.status), text.plain(o.closing_note)]))
        self.query_one(ReviewTable).fill(rows)

    def _open(self, form) -> None:
        def done(result) -> None:
            if result is not None:
                self.refill()
        self.app.push_screen(form, done)

    def action_retire_one(self) -> None:
        view = self.board().by_id.get(self.query_one(ReviewTable).selected or "")
        if isinstance(view, okr.ObjectiveView) and view.objective.status == "active":
            self._open(retire_form(self.session, view))
        else:
            self.notify("That objective is already retired.", markup=False)

    def action_retire_all(self) -> None:
        active = [v for v in self.views() if v.objective.status == "active"]
        if not active:
            self.notify(f"Every objective of {self.cycle} is retired.", markup=False)
            return
        self._open(manage_forms.close_cycle_form(self.session, active))

    def action_close(self) -> None:
        self.dismiss(None)


