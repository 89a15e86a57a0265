"""`?`: every key with what it does, from the same table as the footer and the palette."""

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.keys import KEYS, STAGE_NAMES, WIDGET_KEYS


def stages_of(key) -> str:
    if len(key.stages) == len(STAGE_NAMES):
        return "all"
    return " ".join(str(n) for n in sorted(key.stages))


def key_table() -> Table:
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    table.add_column("stages", style="dim", no_wrap=True)
    for key in KEYS:
        table.add_row(Text(key.shown), Text(key.help), Text(stages_of(key)))
    for shown, does in WIDGET_KEYS:
        table.add_row(Text(shown), Text(does), Text("all"))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Label("Keys", classes="form-title")
            yield Static(Text("Stages: " + ", ".join(f"{n} {name}" for n, name in
                                                     enumerate(STAGE_NAMES, start=1))))
            yield Static(key_table())
            yield Static(Text("escape closes · up/down scroll", style="dim"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
