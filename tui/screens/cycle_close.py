"""`C`: close a cycle. Every objective of the cycle with its final score and what becomes of
it (core/turn.py): an unfinished one carries forward into the next cycle unless `space` says
it retires; `r` retires the selected one now, `a` closes the cycle — all still active retire,
those marked carry forward — each with a closing note, in one change."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core import okr, turn
from core.board import Board
from core.session import Session
from tui import text
from tui.forms import manage_forms
from tui.forms.meeting_forms import retire_form
from tui.widgets.review_table import Column, ReviewTable

COLUMNS = (Column("objective", 30, text=True), Column("final score", 11),
           Column("status", 7), Column("next", 10, priority=1),
           Column("closing note", 20, priority=2, least=10))


class CycleCloseScreen(ModalScreen[None]):
    BINDINGS = [Binding("r", "retire_one", "Retire"), Binding("a", "retire_all", "Close cycle"),
                Binding("space", "toggle_carry", "Carry/retire"),
                Binding("escape,q", "close", "Close")]

    def __init__(self, session: Session, cycle: str, carry: dict[str, bool] | None = None):
        """`carry`: the meeting's plan, objective id -> carried forward (the quarterly
        review's stages keep the same one)."""
        super().__init__(id="cycle-close")
        self.session = session
        self.cycle = cycle
        self.carry = {} if carry is None else carry

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(text.plain(f"Close the cycle {self.cycle}"), classes="form-title")
            yield ReviewTable(COLUMNS)
            yield Static(Text("space: carry forward or retire · r retires the selected now · "
                              "a closes the cycle · escape closes", style="dim"),
                         classes="form-hint")

    def on_mount(self) -> None:
        self.refill()
        self.query_one(ReviewTable).focus()

    def board(self) -> Board:
        self.session.read.refresh()
        return self.session.read.board

    def views(self) -> list[okr.ObjectiveView]:
        return [v for v in self.board().objectives if v.objective.cycle == self.cycle]

    def plan(self) -> turn.Turn:
        return turn.plan(self.board().objectives, self.cycle, self.carry)

    def refill(self) -> None:
        planned = self.plan()
        fates = {i.view.objective.id: (f"→ {planned.next}" if i.carry else "retires")
                 for i in planned.items}
        rows = []
        for v in self.views():
            o = v.objective
            score = o.final_score if o.status == "retired" else v.score
            rows.append((o.id, [text.plain(o.title), text.score(score, okr.score_band(score)),
                                text.plain(o.status), text.plain(fates.get(o.id, "")),
                                text.plain(o.closing_note)]))
        self.query_one(ReviewTable).fill(rows)

    def action_toggle_carry(self) -> None:
        ident = self.query_one(ReviewTable).selected or ""
        item = next((i for i in self.plan().items if i.view.objective.id == ident), None)
        if item is None:
            self.notify("That objective is already retired.", markup=False)
        elif not item.carry and not item.remaining:
            self.notify(f"{item.view.objective.title}: every key result is at target; it "
                        "retires.", markup=False)
        else:
            self.carry[ident] = not item.carry
            self.refill()

    def _open(self, form, spends_plan: bool = False) -> None:
        """`spends_plan`: a saved close leaves no plan to keep (an undo plans afresh)."""
        def done(result) -> None:
            if result is not None:
                if spends_plan:
                    self.carry.clear()
                self.refill()
            self.query_one(ReviewTable).focus()         # the list again, for the next key
        self.app.push_screen(form, done)

    def action_retire_one(self) -> None:
        view = self.board().by_id.get(self.query_one(ReviewTable).selected or "")
        if isinstance(view, okr.ObjectiveView) and view.objective.status == "active":
            self._open(retire_form(self.session, view))
        else:
            self.notify("That objective is already retired.", markup=False)

    def action_retire_all(self) -> None:
        planned = self.plan()
        if not planned.items:
            self.notify(f"Every objective of {self.cycle} is retired.", markup=False)
            return
        self._open(manage_forms.close_cycle_form(self.session, planned), spends_plan=True)

    def action_close(self) -> None:
        self.dismiss(None)


