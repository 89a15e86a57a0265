"""What an empty store opens on: how to fill it, and a way out."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

GUIDANCE = """This store has no KPIs or objectives yet.

  Try Cadence on demo data:       cadence demo
  Or bring your own, from CSV:    cadence import kpis kpis.csv
                                  cadence import measurements measurements.csv
                                  cadence import okrs okrs.csv

The README lists the CSV columns. Press q to quit."""


class EmptyScreen(Screen):
    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def __init__(self, path: str):
        super().__init__(id="empty")
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Cadence", style="bold"))
            yield Static(Text(f"Store: {self.path}", style="dim"))
            yield Static(Text(GUIDANCE))
        yield Footer()
