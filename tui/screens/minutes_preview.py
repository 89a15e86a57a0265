"""`w`: the minutes as they stand, in the Markdown that `e` writes."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui import text


class MinutesPreview(ModalScreen[bool]):
    """Dismisses with True when the facilitator asks to export from here."""

    BINDINGS = [Binding("escape,q,w", "close", "Close"), Binding("e", "export", "Export")]

    def __init__(self, markdown: str):
        super().__init__(id="minutes-preview")
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("Minutes (preview)", classes="form-title")
            yield Static(text.lines(self.markdown))
            yield Static(Text("e exports · escape closes · up/down scroll", style="dim"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(False)

    def action_export(self) -> None:
        self.dismiss(True)
