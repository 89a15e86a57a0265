"""The read model of one process: the store's Board (core/board.py), rebuilt only when the
store or the day changed, and kept when the file turns unreadable.

`refresh()` says what changed, so a screen redraws on `changed.store or changed.day` and
tells of a problem once, on `changed.problem`, instead of keeping versions itself.
"""

from collections.abc import Callable
from datetime import date

import msgspec

from core import board as boards
from core import clock
from core.errors import StoreError
from core.store import Store


class Changed(msgspec.Struct, frozen=True):
    """What one `refresh()` found."""

    store: bool = False       # the store changed (a write here, or by another process)
    day: bool = False         # today is another day: flags and pace moved on
    problem: bool = False     # the store turned unreadable, or readable again

    @property
    def any(self) -> bool:
        return self.store or self.day or self.problem


class ReadModel:
    def __init__(self, store: Store, board: boards.Board | None = None,
                 today: Callable[[], date] = clock.today):
        """`board`: the store's read model as it is now, if the caller loaded it."""
        self.store = store
        self.problem: str | None = None       # why the store cannot be read right now
        self._today = today
        self._board = board
        self._version = store.version if board is not None else None

    @property
    def board(self) -> boards.Board:
        """The read model as of the last refresh (the first use refreshes)."""
        if self._board is None:
            self.refresh()
        assert self._board is not None        # refresh() loaded it, or raised
        return self._board

    def refresh(self) -> Changed:
        """Re-read the store if it changed on disk and rebuild the board if the store or the
        day changed. If the file turns unreadable (someone broke it by hand mid-meeting), the
        last good board stays and `problem` says why; with no board yet, the error is
        raised."""
        before = self.problem
        try:
            self.store.refresh()
            changed = self._rebuild()
            self.problem = None
        except StoreError as exc:
            if self._board is None:
                raise
            changed, self.problem = Changed(), str(exc)
        return msgspec.structs.replace(changed, problem=self.problem != before)

    def _rebuild(self) -> Changed:
        today, version = self._today(), self.store.version
        changed = Changed(store=version != self._version,
                          day=self._board is not None and today != self._board.today)
        if changed.store or changed.day or self._board is None:
            # A file that parses may still hold a broken document: a StoreError too.
            self._board = boards.load(self.store, today)
            self._version = version
        return changed
