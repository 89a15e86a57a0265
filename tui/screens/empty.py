"""What an empty store opens on: how to fill it — from here (`N`) or from CSV — and a way out.
It fits 80x24, and the commands it suggests name the store in use (`--db PATH`): run as
shown, they fill this store, not the default one."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from core import display
from core.paths import db_option
from core.session import Session
from tui import text
from tui.forms.manage_forms import kpi_form


def guidance(db: str, follower: bool) -> str:
    """`db`: the `--db PATH ` the commands need (core.paths.db_option), as display text."""
    start = "" if follower else "Start here: press N to add your first KPI.\n"
    return (f"\n{start}Try Cadence on demo data:\n"
            f"  cadence {db}demo\n"
            "Or bring your own from CSV (the README lists the columns):\n"
            f"  cadence {db}import kpis kpis.csv\n"
            f"  cadence {db}import measurements measurements.csv\n"
            f"  cadence {db}import okrs okrs.csv\n\n"
            "Press q to quit.")


class EmptyScreen(Screen):
    BINDINGS = [Binding("N", "first_kpi", "Add a KPI"), Binding("q", "app.quit", "Quit")]

    def __init__(self, session: Session, follower: bool = False):
        super().__init__(id="empty")
        self.session = session
        self.follower = follower

    def compose(self) -> ComposeResult:
        path = self.session.store.path
        # The path is the user's (a folder's name may hold anything): shown as data.
        db = display.line(db_option(path))
        with Vertical(classes="dialog"):
            yield Static(Text("Cadence", style="bold"))
            yield Static(text.assemble((str(path), "bold"), " holds no KPIs or objectives yet."))
            yield Static(text.lines(guidance(db, self.follower)))
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
