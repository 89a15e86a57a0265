"""What every stage view has: a number, a name, a list, and a way to refill it from the board."""

from typing import ClassVar

import msgspec
from textual.containers import Vertical

from core.board import Board
from core.meeting import MeetingClock
from tui.widgets.review_table import ReviewTable


class Context(msgspec.Struct, frozen=True):
    board: Board
    meeting: str
    filter: str
    clock: MeetingClock


def matches(query: str, *fields: str) -> bool:
    """Every word of the filter appears somewhere in the row's text (case-insensitive)."""
    haystack = " ".join(fields).casefold()
    return all(word in haystack for word in query.casefold().split())


class StageView(Vertical):
    number: ClassVar[int]
    title: ClassVar[str]
    shown: tuple | None = None        # what it was last filled from (store version, day, ...)

    def __init__(self):
        super().__init__(id=f"stage-{self.number}", classes="stage")

    @property
    def table(self) -> ReviewTable:
        return self.query_one(ReviewTable)

    @property
    def selected(self) -> str | None:
        return self.table.selected

    def populate(self, ctx: Context) -> None:
        raise NotImplementedError
