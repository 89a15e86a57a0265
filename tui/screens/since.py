"""`l`: what changed since the last meeting ended, kind by kind, each item with its reason —
the full list behind the line under KPI health's counts (core/since.py says it all)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core import since
from tui import text


def section(heading: str, items: list[since.Item]) -> Text:
    """A kind's heading, then one line per item: what it is about, and why it is listed."""
    lines = [Text(heading, style="bold")]
    lines += [text.assemble("  ", (item.name, "bold"), ": ", item.reason) for item in items]
    return Text("\n").join(lines)


class SinceScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,l", "close", "Close")]

    def __init__(self, found: since.Since):
        super().__init__(id="since")
        self.found = found

    def compose(self) -> ComposeResult:
        meeting = self.found.meeting
        with VerticalScroll(classes="dialog"):
            yield Label("Since last meeting", classes="form-title")
            yield Static(text.assemble(("Since ", "bold"), (meeting.title, "bold"),
                                       f" ({meeting.day}): {since.summary(self.found)}"))
            for heading, items in since.sections(self.found):
                yield Static(section(heading, items), classes="since-kind")
            yield Static(Text("escape closes · up/down scroll", style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
