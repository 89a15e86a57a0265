"""A one-line choice for forms: left / right cycle the options, enter saves the form. Nothing
typed changes it, space included: words typed into a choice by mistake (a note meant for the
next field) must not quietly change a confidence."""

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

from tui import text


class Choice(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choice { height: 1; width: 1fr; padding: 0 1; background: $boost; }
    Choice:focus { background: $accent 30%; }
    """
    BINDINGS = [Binding("left", "step(-1)", "Previous", show=False),
                Binding("right", "step(1)", "Next", show=False)]
    index = reactive(0)

    def __init__(self, options: tuple[str, ...], labels: dict[str, str] | None = None,
                 value: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.options = options
        self.labels = labels or {}
        self.index = options.index(value) if value in options else 0

    @property
    def value(self) -> str:
        return self.options[self.index]

    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.options)

    def render(self) -> Text:
        parts = []
        for i, option in enumerate(self.options):
            label = self.labels.get(option, option)
            parts.append(text.plain(f" {label} ", "reverse bold" if i == self.index else "dim"))
        return Text("◀ ").join([Text(""), Text(" ").join(parts)]) + Text(" ▶")
