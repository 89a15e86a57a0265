"""Which agenda: asked as the app opens when the team keeps agendas of its own and no
`--agenda` was given. The weekly review is preselected, so `enter` runs the usual meeting; the
meeting starts (and its clock runs) only once one is chosen."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from core import agendas, stages
from tui import text
from tui.widgets.review_table import Column, ReviewTable

COLUMNS = (Column("agenda", 24, text=True), Column("stages", 40, priority=2, least=12),
           Column("min", 4, priority=1))


def stage_line(template: agendas.Template) -> str:
    return " · ".join(kind.title for kind in stages.agenda([i for i, _ in template.stages]))


class AgendaPicker(Screen):
    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def __init__(self, templates: list[agendas.Template]):
        super().__init__(id="agenda-picker")
        self.templates = {t.name: t for t in templates}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Which agenda?", style="bold"), classes="form-title")
            yield ReviewTable(COLUMNS)
            yield Static(Text("enter opens the meeting with it · up/down choose · q quits",
                              style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        table = self.query_one(ReviewTable)
        table.fill([(t.name, [text.plain(t.title if t.builtin else t.name, "bold"),
                              text.plain(stage_line(t)),
                              text.plain(str(sum(box for _, box in t.stages)))])
                    for t in self.templates.values()])
        table.select(agendas.WEEKLY)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        chosen = self.templates.get(self.query_one(ReviewTable).selected or "")
        if chosen is not None:
            self.app.open_agenda(chosen)
