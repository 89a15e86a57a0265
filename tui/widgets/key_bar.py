"""The keys that work here, on one line at the bottom, in the key table's order (the shell's,
the stage switcher's and the stage's keys are bound on three widgets, but read as one list).

Textual's Footer recomposes a widget per key whenever the bindings change, so every stage
switch mounted and styled twenty widgets (~10 ms of a 33 ms budget at 100 columns). This bar
is one line of text built from the same active bindings, updated on the same signal.

When the line is too short for every key, keys drop from the middle — the last of the stage's
keys first — and `…` stands where they were; help (`?`) and quit (`q`) always stay, and no
label is ever cut in half. The help screen has every key.
"""

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.widgets import Static

from tui import keys

KEY_STYLE = "bold $footer-key-foreground"     # key and label are data: no markup parsed
ALWAYS = frozenset({"help", "quit_meeting"})  # on the bar whatever its width
LEFT_OUT = ("…", "")                          # where keys were left out

Shown = tuple[str, str]                       # a key as written, and its label


GAP = Content("  ")


def item(key: str, label: str) -> Content:
    """`k Label`; the `…` mark alone."""
    return Content.assemble((key, KEY_STYLE), f" {label}" if label else "")


def width(shown: Sequence[Shown]) -> int:
    """Cells the keys take on the bar, with the gaps between them."""
    return sum(item(key, label).cell_length for key, label in shown) + 2 * (len(shown) - 1)


def fitting(shown: Sequence[tuple[str, str, str]], room: int) -> tuple[Shown, ...]:
    """The keys (key, label, action) that fit in `room` cells, in their order: all of them, or
    those kept with as many others as fit, the later ones left out first, and `…` for them."""
    keys_ = [(key, label) for key, label, _ in shown]
    if width(keys_) <= room:
        return tuple(keys_)
    kept = list(shown)
    while any(action not in ALWAYS for *_, action in kept):
        drop = max(i for i, (*_, action) in enumerate(kept) if action not in ALWAYS)
        del kept[drop]
        marked = [(key, label) for key, label, _ in kept]
        marked.insert(drop, LEFT_OUT)
        if width(marked) <= room:
            return tuple(marked)
    return tuple([(key, label) for key, label, _ in kept])


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; text-wrap: nowrap; text-overflow: clip;
        background: $footer-background; color: $footer-foreground;
    }
    """

    _shown: tuple[Shown, ...] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.show_keys)
        self.show_keys()

    def on_resize(self, _: events.Resize) -> None:
        self.show_keys()

    def show_keys(self, *_) -> None:
        """Called on every focus change, stage switch and resize; rebuilt only when the keys
        shown differ."""
        controller = getattr(self.screen, "controller", None)
        offers = controller.offers if controller is not None else (lambda _: True)
        active = sorted((a.binding for a in self.screen.active_bindings.values()
                         if a.binding.show and a.enabled and offers(a.binding.action)),
                        key=lambda b: keys.order(b.action))
        every = [(self.app.get_key_display(binding), binding.description,
                  binding.action.split("(")[0]) for binding in active]
        shown = fitting(every, self.size.width or self.app.size.width)
        if shown != self._shown:
            self._shown = shown
            self.update(GAP.join(item(key, label) for key, label in shown),
                        layout=False)                                       # one row
