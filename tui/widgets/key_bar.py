"""The keys that work here, on one line at the bottom.

Textual's Footer recomposes a widget per key whenever the bindings change, so every stage
switch mounted and styled twenty widgets (~10 ms of a 33 ms budget at 100 columns). This bar
is one line of text built from the same active bindings, updated on the same signal.
"""

from textual.content import Content
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; text-wrap: nowrap; text-overflow: clip;
        background: $footer-background; color: $footer-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.show_keys)
        self.show_keys()

    def show_keys(self, *_) -> None:
        parts = [Content.from_markup("[bold $footer-key-foreground]$key[/] $label ",
                                     key=self.app.get_key_display(active.binding),
                                     label=active.binding.description)
                 for active in self.screen.active_bindings.values()
                 if active.binding.show and active.enabled]
        self.update(Content(" ").join(parts))
