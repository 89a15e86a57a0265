"""The filter line: typing narrows the current list. While it has the focus it takes every
printable key, so the meeting's keys are off; the key bar shows how to leave it instead. It
tells the screen what it holds (`Filtered`)."""

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBox(Input):
    BINDINGS = [Binding("enter", "keep", "Keep filter"),
                Binding("escape", "screen.clear_filter", "Clear filter")]

    class Filtered(Message):
        def __init__(self, value: str):
            super().__init__()
            self.value = value

    def __init__(self):
        super().__init__(placeholder="filter: type words, enter keeps, escape clears",
                         id="filter")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Filtered(event.value))

    def action_keep(self) -> None:
        """Enter: the list takes the focus back, the filter stays."""
        self.screen.focus_list()

    @classmethod
    async def open(cls, screen) -> None:
        """Show the screen's filter line and give it the focus; it is mounted on first use
        (one widget less before the first frame)."""
        if not screen.query(cls):
            await screen.mount(cls(), after="#stages")
        box = screen.query_one(cls)
        box.add_class("visible")
        box.focus()

    def close(self) -> None:
        with self.prevent(Input.Changed):             # cleared by the screen, not typed
            self.value = ""
        self.remove_class("visible")
