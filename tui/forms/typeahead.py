"""Keys in the order they were typed, in forms. Over SSH fast typing arrives in one read
("E<tab><tab><ctrl+u>42<enter>"), and Textual, left alone, loses that order twice:

- a key reaches the focused widget first and runs a binding only once it has bubbled up to the
  app, so the keys behind a key that opens a form are already on their way to the list below
  it when the form appears (they arrived nowhere, or in the wrong field); and
- a field's editing keys (backspace, ctrl+u) are bindings too, run after the characters typed
  behind them have reached the field ("ab<backspace>c" gave "ab").

So, in one place, the app's `KeyGate` (every key passes it first, tui/app.py):

- while a form opens, every key is held: those still on their way up from the screen below,
  then those that came after; once the keys typed before the form opened have all arrived
  (`CaughtUp`, sent along their path behind them) and its first field has the focus, they are
  given to it in order;
- a form that is open takes each key whole before the next (`press`): its field's characters,
  editing keys and bindings, tab and shift+tab, enter and escape, as they arrive; a key it has
  no use for (a letter on a choice) goes nowhere;
- a flow that opens one form after another (the scorecard's walk) holds the keys typed after
  one form's enter for the next one (`hold`), and gives back what is left when it ends
  (`release`)."""

from textual import events
from textual.app import ScreenStackError, UnknownModeError
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

# How long keys wait for a form said to be on its way before they go where they would have
# gone: a flow that ends without its form never keeps them.
HOLD_AT_MOST_S = 1.0


class KeyForm(Screen):
    """A screen that takes its keys through the gate: the forms (tui/forms/base.py)."""

    ready = False                       # its first field has the focus, its keys are in

    def step(self, direction: int) -> None:
        """The next field (1) or the previous one (-1)."""
        raise NotImplementedError

    def action_save(self) -> None:
        raise NotImplementedError


class CaughtUp(Message):
    """Sent, as a form opens, to where the keys before it went: when it reaches the app, every
    key typed before the form has arrived too (each widget handles its messages in order)."""

    def __init__(self, form: KeyForm):
        super().__init__()
        self.form = form


class KeyGate:
    """The app's keys while forms open and while they are open."""

    def __init__(self, app):
        self.app = app
        self._holding = False
        self._holds = 0                            # which hold a timer is about
        self._on_the_way: list[events.Key] = []    # sent below before the form opened
        self._after: list[events.Key] = []         # arrived after it opened

    async def route(self, event: events.Key) -> bool:
        """Whether the gate took the key (held it, or a form took it); else it goes on as
        Textual sends it."""
        try:
            screen = self.app.screen
        except (ScreenStackError, UnknownModeError):   # the app is closing (a signal, keys
            return False                                 # still arriving): Textual's to drop
        form = screen if isinstance(screen, KeyForm) else None
        if self._holding or (form is not None and not form.ready):
            held = self._on_the_way if event.is_forwarded else self._after
            held.append(events.Key(event.key, event.character))
            return True
        if form is None:
            return False
        await press(form, event)
        return True

    def opened(self, form: KeyForm) -> None:
        """A form has its first field focused: it takes its keys once they are all in."""
        below = self.app.screen_stack[self.app.screen_stack.index(form) - 1]
        (below.focused or below).post_message(CaughtUp(form))
        # Should the message be lost with the widget it went to, the keys come all the same.
        form.set_timer(HOLD_AT_MOST_S, lambda: self.app.call_later(self.caught_up, form))

    async def caught_up(self, form: KeyForm) -> None:
        if not form.ready and form.is_attached:
            form.ready = True
            await self.release()

    def hold(self) -> None:
        """A form is on its way (a flow opens it): keys wait for it."""
        self._holding, self._holds = True, self._holds + 1
        this = self._holds
        self.app.set_timer(HOLD_AT_MOST_S, lambda: self.app.call_later(self._expire, this))

    async def _expire(self, this: int) -> None:
        if self._holding and this == self._holds and not isinstance(self.app.screen, KeyForm):
            await self.release()

    async def release(self) -> None:
        """The held keys, in order, to wherever they go now (in the app's turn: no key can
        overtake them)."""
        self._holding = False
        keys = self._on_the_way + self._after
        self._on_the_way, self._after = [], []
        for key in keys:
            await self.app.on_event(key)


async def press(form: KeyForm, event: events.Key) -> None:
    """One key, handled whole before the next arrives."""
    key, field = event.key, form.focused
    if key in ("tab", "shift+tab"):
        form.step(1 if key == "tab" else -1)
    elif key == "enter":
        form.action_save()
    elif event.is_printable and isinstance(field, Input):
        assert event.character is not None
        selection = field.selection
        if selection.is_empty:
            field.insert_text_at_cursor(event.character)
        else:                                         # a refused value: typing replaces it
            field.replace(event.character, *selection)
    else:                                   # editing keys, a choice's arrows, escape, ctrl+p
        found = form.active_bindings.get(key)
        if found is not None and found.enabled:
            await form.app.run_action(found.binding.action, found.node)


def hold(app) -> None:
    """Keys wait for the form a flow is about to open."""
    app.key_gate.hold()


def release(app) -> None:
    """A flow has ended: the keys it held go where they go now."""
    app.call_later(app.key_gate.release)
