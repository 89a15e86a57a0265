"""A modal form: first field focused, tab / shift+tab between fields, enter saves only when the
core accepts the values (the error shows inline and nothing is written), escape cancels."""

from collections.abc import Callable

import msgspec
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core import display
from core.errors import CadenceError
from tui import text
from tui.forms import typeahead
from tui.forms.choice import Choice
from tui.forms.typeahead import FormInput


class Field(msgspec.Struct, frozen=True):
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: tuple[str, ...] = ()          # a Choice instead of a text input
    labels: dict[str, str] | None = None   # how each choice reads


Save = Callable[[dict[str, str]], object]


class FormScreen(ModalScreen[object]):
    # The form focuses its field itself, once it is laid out (show_from_the_top): Textual's
    # own first focus centres the field in a form not yet laid out, past its first label.
    AUTO_FOCUS = ""
    # tab / shift+tab are priority bindings (tui/forms/typeahead.py): handled as they arrive,
    # so "81<tab>at risk" typed fast still lands in two fields.
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("enter", "save", "Save"),
                Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
                Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                        priority=True)]

    def __init__(self, title: str, fields: list[Field], save: Save,
                 intro: Text | str = "", form_id: str = "form", chained: bool = False):
        """`chained`: another form follows this one (the scorecard's walk). Keys typed after
        its enter are then dropped: passed on, they would act on the meeting in the moment
        before the next form opens, or land in that form as it opens."""
        super().__init__(id=form_id, classes="form-screen")
        self.chained = chained
        self.title_text = title
        self.fields = fields
        self.save = save
        self.intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(text.plain(self.title_text), classes="form-title")
            if self.intro:
                yield Static(text.plain(self.intro) if isinstance(self.intro, str) else self.intro,
                             classes="form-intro")
            for field in self.fields:
                yield Label(text.plain(field.label), classes="field-label")
                if field.choices:
                    yield Choice(field.choices, field.labels, field.value, id=f"f-{field.name}")
                else:
                    # A prefilled value is store text: shown (and so saved) with its control
                    # characters visible, never raw.
                    yield FormInput(display.line(field.value),
                                    placeholder=display.line(field.placeholder),
                                    id=f"f-{field.name}")
                yield Static("", id=f"e-{field.name}", classes="field-error")
            yield Static("", id="form-error")
            yield Static(Text("enter saves · tab next field · escape cancels", style="dim"),
                         classes="form-hint")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#f-{self.fields[0].name}").focus(scroll_visible=False)
        self.call_after_refresh(self.show_from_the_top)

    def show_from_the_top(self) -> None:
        """The form from its top (its intro, its first field), the focused field in view, once
        it is laid out: scrolled to as it opens, before its layout, a tall form at 24 rows
        opened past its intro and first label."""
        self.query_one(".form").scroll_home(animate=False, immediate=True)
        if self.focused is not None:
            self.focused.scroll_visible(animate=False, immediate=True)

    def on_key(self, event: events.Key) -> None:
        typeahead.stray(self, event)     # "42<tab>note<enter>" must not switch to stage 2

    def values(self) -> dict[str, str]:
        found = {}
        for field in self.fields:
            widget = self.query_one(f"#f-{field.name}")
            found[field.name] = widget.value
        return found

    def action_save(self) -> None:
        for error in self.query(".field-error, #form-error"):
            error.update("")
            error.remove_class("shown")
        try:
            result = self.save(self.values())
        except (CadenceError, ValueError) as exc:
            self.show_error(exc)
            return
        self.dismiss(result)

    def show_error(self, exc: Exception) -> None:
        """Next to the field it is about when there is one (a key result's fields are kr_*),
        else under the form; the whole message either way."""
        names = {f.name for f in self.fields}
        field = getattr(exc, "field", None)
        entity = getattr(exc, "entity", "")
        candidates = [f"kr_{field}"] if entity.startswith("key result") else []
        target = next((c for c in [*candidates, field] if c in names), None)
        where = self.query_one(f"#e-{target}" if target else "#form-error", Static)
        where.update(text.plain(f"✖ {exc}", text.STYLE["error"]))
        where.add_class("shown")
        if target:
            widget = self.query_one(f"#f-{target}")
            widget.focus()
            if isinstance(widget, Input):
                widget.select_all()              # typing replaces what was refused

    def action_cancel(self) -> None:
        self.dismiss(None)
