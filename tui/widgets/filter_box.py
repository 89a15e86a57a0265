"""The filter line: typing narrows the current list. While it has the focus it takes every
printable key, so the meeting's keys are off; the key bar shows how to leave it instead."""

from textual.binding import Binding
from textual.widgets import Input


class FilterBox(Input):
    BINDINGS = [Binding("enter", "submit", "Keep filter"),
                Binding("escape", "screen.clear_filter", "Clear filter")]

    def __init__(self):
        super().__init__(placeholder="filter: type words, enter keeps, escape clears",
                         id="filter")
