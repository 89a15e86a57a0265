"""The keys that work here, on one line at the bottom, in the key table's order (the shell's,
the stage switcher's and the stage's keys are bound on three widgets, but read as one list).

Textual's Footer recomposes a widget per key whenever the bindings change, so every stage
switch mounted and styled twenty widgets (~10 ms of a 33 ms budget at 100 columns). This bar
is one line of text built from the same active bindings, updated on the same signal.
"""

from textual.content import Content
from textual.widgets import Static

from tui import keys


KEY_STYLE = "bold $footer-key-foreground"     # key and label are data: no markup parsed


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; text-wrap: nowrap; text-overflow: clip;
        background: $footer-background; color: $footer-foreground;
    }
    """

    _shown: tuple[tuple[str, str], ...] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.show_keys)
        self.show_keys()

    def show_keys(self, *_) -> None:
        """Called on every focus change and stage switch; rebuilt only when the keys differ."""
        active = sorted((a.binding for a in self.screen.active_bindings.values()
                         if a.binding.show and a.enabled), key=lambda b: keys.order(b.action))
        shown = tuple((self.app.get_key_display(binding), binding.description)
                      for binding in active)
        if shown != self._shown:
            self._shown = shown
            self.update(Content(" ").join(Content.assemble((key, KEY_STYLE), f" {label} ")
                                          for key, label in shown), layout=False)   # one row
