"""A yes-or-no question before something that cannot be taken back (replacing a file) or that
takes something out of the meeting (archiving a KPI, deleting a draft): `y` or `enter` goes
ahead, `n` or `escape` does not. One dialog for every such question; what it names (a KPI, a
path) is shown as data."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import text


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"),
                Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str, detail: str = "", yes: str = "yes", no: str = "no",
                 dialog_id: str = "confirm-dialog"):
        """`yes` and `no` say what each answer does ("replace it", "keep it")."""
        super().__init__(id=dialog_id)
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(text.plain(self.question), classes="form-title")
            if self.detail:
                yield Static(text.plain(self.detail))
            yield Static(Text(f"y / enter: {self.yes} · n / escape: {self.no}", style="dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
