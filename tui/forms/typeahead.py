"""Keys typed ahead, in order. Over SSH fast typing arrives in one read ("Noor<enter>2"), and
Textual delivers such a burst key by key to the focused widget, while a key that bubbles up (a
form's enter as Input.Submitted, a key no field takes) is handled only after the keys behind it
have reached the widget. Left alone, "Noor<enter>2" saved the owner "Noor2", and the scorecard's
next form took the "8" of "95<enter>80". So, in one place:

- a form's text field saves on its own enter, in order with what was typed into it
  (`FormInput`), and the form's tab / shift+tab are priority bindings (tui/forms/base.py);
- a key that reaches a field after enter closed its form was typed for what is under the form:
  it is handed to the app (`LateKey`) and pressed there (`press_late_key`), unless another form
  has opened meanwhile;
- a form that another follows (the scorecard's walk: `chained`) drops such keys instead: passed
  on, they would act on the meeting in the moment before the next form opens, or land in it;
- a key the form did not take (a digit on a choice) never bubbles up to the meeting after the
  form closed (`stray`)."""

from textual import events
from textual.message import Message
from textual.widgets import Input


class LateKey(Message):
    """A key that reached a form's field after enter had saved and closed the form."""

    def __init__(self, key: str, character: str | None):
        super().__init__()
        self.key, self.character = key, character


class FormInput(Input):
    """A form's text field, whose enter saves the form as soon as the field has taken the keys
    typed before it."""

    def on_key(self, event: events.Key) -> None:
        # Handled before Input's own key handling, which prevent_default() skips.
        if not self.screen.is_current:            # saved already: the key is for the meeting
            event.stop()
            event.prevent_default()
            if not self.screen.chained:
                self.app.post_message(LateKey(event.key, event.character))
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self.screen.action_save()


async def press_late_key(app, late: LateKey) -> None:
    """Press a late key on the meeting, unless another form has opened meanwhile: that form
    would lose the first keys while it opens and take the rest."""
    if not app.screen.has_class("form-screen"):
        await app.on_event(events.Key(late.key, late.character))


def stray(form, event: events.Key) -> None:
    """A key no field of a closed form took stays with the form."""
    if not form.is_current:
        event.stop()
