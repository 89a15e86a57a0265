"""Ending the meeting: `y` or `enter` quits, `n` or `escape` stays; when the minutes have not
been exported since the last change, `e` exports them first."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class QuitScreen(ModalScreen[str]):
    BINDINGS = [Binding("y,enter", "answer('quit')", "Quit"),
                Binding("e", "answer('export')", "Export and quit"),
                Binding("n,escape", "answer('stay')", "Stay")]

    def __init__(self, offer_export: bool, unsaved: str | None = None, recorded: bool = True):
        """`unsaved`: why the meeting's end could not be saved the last time: quitting now
        leaves it unsaved. `recorded`: whether anything of the meeting is in the store (a
        meeting where nothing was recorded is not kept)."""
        super().__init__(id="confirm")
        self.offer_export = offer_export
        self.unsaved = unsaved
        self.recorded = recorded

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("End the meeting and quit?", classes="form-title")
            if self.offer_export:
                yield Static(Text("The minutes have not been exported since the last change.",
                                  style="yellow"))
                keys = "e: export the minutes, then quit · y / enter: quit · n / escape: stay"
            else:
                keys = "y / enter: quit · n / escape: stay"
            if self.unsaved:
                saved = (f"The meeting's end could not be saved ({self.unsaved}); quitting "
                         "leaves it unsaved. Everything saved before stays.")
            elif not self.recorded:
                saved = "Nothing was recorded in this meeting, so no meeting is kept."
            else:
                saved = "The meeting's end and its stage times are saved."
            yield Static(Text(f"{saved}\n{keys}"))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.offer_export or parameters != ("export",)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
