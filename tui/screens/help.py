"""`?`: every key with what it does and where it works, from the same table as the key bar and
the palette, for this meeting's agenda."""

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core.model import Stage
from tui import text
from tui.keys import DECK, KEYS, SHELL, WIDGET_KEYS, Key
from tui.stages import kinds


def where(key: Key, agenda: list[str]) -> str:
    """The numbers of the stages where a key works, or "all"."""
    if key.stages in (SHELL, DECK):
        return "all"
    numbers = [str(n) for n, kind in enumerate(agenda, start=1) if kind in key.stages]
    return "all" if len(numbers) == len(agenda) else " ".join(numbers)


def key_rows(stages: Sequence[Stage]) -> list[tuple[str, Text, str]]:
    agenda = kinds(stages)
    rows = []
    for key in KEYS:
        if key.name == "goto":
            number = int(key.key)
            if number <= len(stages):
                rows.append((key.shown, text.plain(f"{key.help}: {stages[number - 1].name}"),
                             "all"))
        elif where(key, agenda):
            rows.append((key.shown, Text(key.help), where(key, agenda)))
    return rows + [(shown, Text(does), "all") for shown, does in WIDGET_KEYS]


def key_table(stages: Sequence[Stage]) -> Table:
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    table.add_column("stages", style="dim", no_wrap=True)
    for shown, does, stages_ in key_rows(stages):
        table.add_row(Text(shown), does, Text(stages_))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, stages: Sequence[Stage]):
        """`stages`: the meeting's agenda, whose numbers and names the keys are listed by."""
        super().__init__()
        self.stages = stages

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Label("Keys", classes="form-title")
            yield Static(text.plain("Stages: " + ", ".join(
                f"{n} {stage.name}" for n, stage in enumerate(self.stages, start=1))))
            yield Static(key_table(self.stages))
            yield Static(Text("escape closes · up/down scroll", style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
