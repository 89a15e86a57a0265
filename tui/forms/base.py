"""A modal form: it opens on the field most likely typed, tab / shift+tab move between fields,
enter saves only when the core accepts the values (the error shows at its field, whose text is
selected so typing replaces it, and nothing is written), escape cancels. Its keys come in the
order they were typed, however fast (tui/forms/typeahead.py)."""

from collections.abc import Callable

import msgspec
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from core import display
from core.errors import CadenceError, ValidationError
from tui import text
from tui.forms import typeahead
from tui.forms.choice import Choice
from tui.forms.completion import Completion


class Preview(msgspec.Struct, frozen=True):
    """What a field's value comes to, shown under it as it is typed (a due date's day)."""

    text: str
    refused: bool = False          # the value will be refused: the line says why
    confirm: str = ""              # saving needs a second enter; the line says why


class Field(msgspec.Struct, frozen=True):
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: tuple[str, ...] = ()          # a Choice instead of a text input
    labels: dict[str, str] | None = None   # how each choice reads
    suggestions: tuple[str, ...] = ()      # completed as typed (people, KPI names)
    many: bool = False                     # a comma-separated list: each item is completed
    preview: Callable[[str], Preview] | None = None

    @property
    def short(self) -> str:
        """The label as an error names the field: "Value (%)" -> "Value"."""
        return self.label.split(" (")[0]


Save = Callable[[dict[str, str]], object]


class FormInput(Input):
    """A form's text field. It selects its text when the form moves to it (FormScreen.focus_field),
    not on the Focus event, which arrives after keys typed fast behind the tab."""

    def __init__(self, field: Field):
        # A prefilled value is store text: shown (and so saved) with its control characters
        # visible, never raw.
        suggester = Completion(field.suggestions, field.many) if field.suggestions else None
        super().__init__(display.line(field.value), placeholder=display.line(field.placeholder),
                         id=f"f-{field.name}", select_on_focus=False, suggester=suggester)


class FormScreen(ModalScreen[object], typeahead.KeyForm):
    # The form focuses its field itself, once it is laid out (show_from_the_top): Textual's
    # own first focus centres the field in a form not yet laid out, past its first label.
    AUTO_FOCUS = ""
    # Tab, shift+tab and enter are the form's own (tui/forms/typeahead.py: press).
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[Field], save: Save,
                 intro: Text | str = "", form_id: str = "form", chained: bool = False,
                 first: str | None = None):
        """`chained`: another form follows this one (the scorecard's walk): keys typed after
        its enter wait for that form. `first`: the field it opens on, if not its first text
        field (a choice is seldom what is typed first)."""
        super().__init__(id=form_id, classes="form-screen")
        self.chained = chained
        self.title_text = title
        self.fields = fields
        self.save = save
        self.intro = intro
        self.first = first or next((f.name for f in fields if not f.choices),
                                   fields[0].name if fields else None)
        self._confirmed: dict[str, str] = {}     # values whose second enter is in

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
                    yield FormInput(field)
                if field.preview is not None:
                    yield self._show_preview(Static(id=f"p-{field.name}",
                                                    classes="field-preview"), field, field.value)
                yield Static("", id=f"e-{field.name}", classes="field-error")
            yield Static("", id="form-error")
            yield Static(Text("enter saves · tab next field · escape cancels", style="dim"),
                         classes="form-hint")

    def on_mount(self) -> None:
        if self.first:
            self.focus_field(self.query_one(f"#f-{self.first}"), scroll_visible=False)
        self.app.key_gate.opened(self)
        self.call_after_refresh(self.show_from_the_top)

    def show_from_the_top(self) -> None:
        """The form from its top (its intro, its first field), the focused field in view, once
        it is laid out: scrolled to as it opens, before its layout, a tall form at 24 rows
        opened past its intro and first label."""
        self.query_one(".form").scroll_home(animate=False, immediate=True)
        if self.focused is not None:
            self.focused.scroll_visible(animate=False, immediate=True)

    def focus_field(self, widget: Widget, scroll_visible: bool = True) -> None:
        """Move to a field at once (keys typed behind are for it), its text selected so that
        typing replaces it."""
        self.set_focus(widget, scroll_visible=scroll_visible)
        if isinstance(widget, Input):
            widget.select_all()

    def step(self, direction: int) -> None:
        if direction > 0:
            self.focus_next()
        else:
            self.focus_previous()
        if isinstance(self.focused, Input):
            self.focused.select_all()

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#f-{f.name}").value for f in self.fields}

    # --- live previews -------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        field = self._field(event.input.id)
        if field is not None and field.preview is not None:
            self._show_preview(self.query_one(f"#p-{field.name}", Static), field, event.value)

    @staticmethod
    def _show_preview(line: Static, field: Field, value: str) -> Static:
        """The line under a field saying what its value comes to; no line while it is empty
        (a form at 80x24 has no row to spare)."""
        found = field.preview(value) if field.preview else Preview("")
        style = (text.STYLE["error"] if found.refused
                 else text.STYLE["warning"] if found.confirm else "dim")
        shown = " · ".join(t for t in (found.text, found.confirm) if t)
        line.update(text.plain(shown, style))
        line.set_class(bool(shown), "shown")
        return line

    def _unconfirmed(self, values: dict[str, str]) -> Field | None:
        """A field whose value needs a second enter (a due date in the past) not given yet."""
        for field in self.fields:
            asks = field.preview(values[field.name]).confirm if field.preview else ""
            if asks and self._confirmed.get(field.name) != values[field.name]:
                self._confirmed[field.name] = values[field.name]
                return field
        return None

    # --- saving --------------------------------------------------------------------------------

    def action_save(self) -> None:
        for error in self.query(".field-error, #form-error"):
            error.update("")
            error.remove_class("shown")
        values = self.values()
        if (asking := self._unconfirmed(values)) is not None:
            self.focus_field(self.query_one(f"#f-{asking.name}"))
            return
        try:
            result = self.save(values)
        except (CadenceError, ValueError) as exc:
            self.show_error(exc)
            return
        if self.chained:
            typeahead.hold(self.app)
        self.dismiss(result)

    def show_error(self, exc: Exception) -> None:
        """One rule for every refusal: under the field it is about, named by the field's label
        (never an internal name), the field focused with its text selected so that typing
        replaces it; under the form when it is about no field."""
        field = self._field_of(exc)
        if field is None:
            message = (f"{exc.field.replace('_', ' ')}: {exc.message}"
                       if isinstance(exc, ValidationError) else str(exc))
            where = self.query_one("#form-error", Static)
        else:
            message = (f"{field.short}: {exc.message}" if isinstance(exc, ValidationError)
                       else str(exc))
            where = self.query_one(f"#e-{field.name}", Static)
            self.focus_field(self.query_one(f"#f-{field.name}"))
        where.update(text.plain(f"✖ {message}", text.STYLE["error"]))
        where.add_class("shown")

    def _field_of(self, exc: Exception) -> Field | None:
        """The field an error is about: a key result's fields are kr_* in forms that also ask
        the objective's (whose fields the model names alike)."""
        name = getattr(exc, "field", None)
        if name is None:
            return None
        about_kr = getattr(exc, "entity", "").startswith("key result")
        return next((f for f in (self._field(f"f-kr_{name}") if about_kr else None,
                                 self._field(f"f-{name}")) if f is not None), None)

    def _field(self, widget_id: str | None) -> Field | None:
        return next((f for f in self.fields if f"f-{f.name}" == widget_id), None)

    def action_cancel(self) -> None:
        self.dismiss(None)
