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


def does(key: Key, follower: bool) -> str:
    """What a key does, as the person reading the help can use it: a follower's moving keys
    work in free look only."""
    if not follower:
        return key.help
    said = key.watching or key.help
    return f"{said} (in free look: f)" if key.moves else said


def key_rows(stages: Sequence[Stage], follower: bool = False) -> list[tuple[str, Text, str]]:
    """Every key that works here: a follower's help lists none of the facilitator's keys
    that change the meeting (they are off for it)."""
    agenda = kinds(stages)
    rows = []
    for key in KEYS:
        if follower and key.changes:
            continue
        if key.name == "goto":
            number = int(key.key)
            if number <= len(stages):
                rows.append((key.shown, text.plain(f"{does(key, follower)}: "
                                                   f"{stages[number - 1].name}"), "all"))
        elif where(key, agenda):
            rows.append((key.shown, Text(does(key, follower)), where(key, agenda)))
    return rows + [(shown, Text(does), "all") for shown, does in WIDGET_KEYS]


def key_table(stages: Sequence[Stage], follower: bool = False) -> Table:
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    table.add_column("stages", style="dim", no_wrap=True)
    for shown, said, stages_ in key_rows(stages, follower):
        table.add_row(Text(shown), said, Text(stages_))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, stages: Sequence[Stage], follower: bool = False):
        """`stages`: the meeting's agenda, whose numbers and names the keys are listed by;
        `follower`: the help of a read-only view (`cadence follow`, `serve`)."""
        super().__init__()
        self.stages = stages
        self.follower = follower

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Label("Keys", classes="form-title")
            yield Static(text.plain("Stages: " + ", ".join(
                f"{n} {stage.name}" for n, stage in enumerate(self.stages, start=1))))
            if self.follower:
                yield Static(Text("You are following the meeting, read-only: the keys that "
                                  "change it are the facilitator's.", style="dim"))
            yield Static(key_table(self.stages, self.follower))
            yield Static(Text("escape closes · up/down scroll", style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
