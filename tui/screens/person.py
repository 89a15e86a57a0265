"""`W`: one person — the KPIs they own, their key results (of the objectives they own), their
open actions with due days (as `cadence actions --owner NAME --status open` lists them), the
issues they raised, and their follow-through (core/people.py). `m` merges the name into
another (a facilitator's only); escape closes."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core import people, words
from core.board import Board
from tui import text


def person_text(person: people.Person, board: Board) -> Text:
    """What the person owns, section by section, each line one line of store text."""
    lines = [text.assemble(("Follow-through: ", "bold"), person.follow_through.phrase(),
                           (" — actions and interventions due by today, done by their due day",
                            "dim"))]

    def section(title: str, rows: list[Text]) -> None:
        lines.append(Text(""))
        lines.append(Text(title, style="bold"))
        lines.extend(rows or [Text("  none", style="dim")])
    section("KPIs", [text.assemble("  ", text.band(h.band), " ", h.kpi.name)
                     for h in person.kpis])
    section("Key results", [text.assemble(f"  {k.progress:4.0%}  ", k.kr.title, " — ",
                                          (board.name_of(k.kr.objective), "dim"),
                                          (f"  {words.pace(k.behind)}", "dim"))
                            for k in person.key_results])
    section("Open actions", [text.assemble(
        "  ", (a.kind, "bold"), ": ", a.text, " · ",
        (words.due_phrase(a.due.isoformat() if a.due else None, board.is_overdue(a)),
         text.STYLE["error"] if board.is_overdue(a) else "dim"))
        for a in person.open_actions])
    if person.issues:
        section("Issues raised", [text.assemble(f"  #{i.rank} ", i.title)
                                  for i in person.issues])
    return Text("\n").join(lines)


class PersonScreen(ModalScreen[str]):
    """Dismisses with what was done (a merge), or "" when closed."""

    BINDINGS = [Binding("escape,q,W", "close", "Close"), Binding("m", "merge", "Merge")]

    def __init__(self, controller, name: str):
        super().__init__(id="person")
        self.controller = controller
        self.name_shown = name

    def compose(self) -> ComposeResult:
        board = self.controller.board()
        found = people.person(board, self.name_shown,
                              people.done_days(board, self.controller.store))
        merge = " · m merges this name into another" if self.controller.writable else ""
        with VerticalScroll(classes="dialog"):
            yield Label(text.plain(self.name_shown), classes="form-title")
            yield Static(person_text(found, board), id="person-facts")
            yield Static(Text(f"escape closes{merge}", style="dim"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.controller.writable if action == "merge" else True

    def action_merge(self) -> None:
        from tui.forms.meeting_forms import merge_form
        session = self.controller.session

        def merged(result: object) -> None:
            if result is not None:
                self.dismiss(str(result))
        self.app.push_screen(merge_form(session, self.name_shown), merged)

    def action_close(self) -> None:
        self.dismiss("")
