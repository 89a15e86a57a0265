"""What an empty store opens on: how to fill it — from here (`N`) or from CSV — and a way out."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from core.session import Session
from tui import text
from tui.forms.manage_forms import kpi_form

GUIDANCE = """This store has no KPIs or objectives yet.

  Start here:                     press N to add your first KPI
  Try Cadence on demo data:       cadence demo
  Or bring your own, from CSV:    cadence import kpis kpis.csv
                                  cadence import measurements measurements.csv
                                  cadence import okrs okrs.csv

The README lists the CSV columns. Press q to quit."""


class EmptyScreen(Screen):
    BINDINGS = [Binding("N", "first_kpi", "Add a KPI"), Binding("q", "app.quit", "Quit")]

    def __init__(self, session: Session, follower: bool = False):
        super().__init__(id="empty")
        self.session = session
        self.follower = follower

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Cadence", style="bold"))
            yield Static(text.plain(f"Store: {self.session.store.path}", "dim"))
            yield Static(Text(GUIDANCE))
        yield Footer()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return action != "first_kpi" or not self.follower

    def action_first_kpi(self) -> None:
        """The first KPI opens the meeting: it is the meeting's first change (in its minutes,
        undone by `u`), then the health stage shows, ready for the next `N`."""
        def added(kpi) -> None:
            if kpi is not None:
                self.app.begin_meeting()
        self.app.plan_first_meeting()
        self.app.push_screen(kpi_form(self.session), added)
