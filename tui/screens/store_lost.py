"""The store vanished or was replaced under the running meeting (a rename, a `git stash` or
checkout, another file copied over it). Nothing is written until the facilitator decides:
keep the file as it is now, write back the store as this meeting had it, or quit."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KEEP = "k: keep the file as it is now (the meeting goes on in it, or is written to it again)"
KEEP_GONE = ("k: go on without it: a new store from the next change, this meeting written to "
             "it again")
CHOICES = """w: write back the store as this meeting had it (replaces what is there now)
q: quit without writing anything"""


class StoreLostScreen(ModalScreen[str]):
    """Dismisses with 'keep', 'write_back' or 'quit'; there is no escape: every choice
    writes something or nothing on purpose."""

    BINDINGS = [Binding("k", "answer('keep')", "Keep the file"),
                Binding("w", "answer('write_back')", "Write back"),
                Binding("q", "answer('quit')", "Quit")]

    def __init__(self, problem: str, gone: bool):
        """`gone`: there is no file any more (rather than another one)."""
        super().__init__(id="store-lost")
        self.problem, self.gone = problem, gone

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("The store changed under this meeting", classes="form-title")
            yield Static(Text(self.problem, style="yellow"))
            yield Static(Text("The screen shows the store as this meeting last had it.\n"))
            yield Static(Text(f"{KEEP_GONE if self.gone else KEEP}\n{CHOICES}"))

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
