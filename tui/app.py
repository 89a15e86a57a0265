"""The Textual app: opens the store, starts the meeting record, and ends it on the way out."""

import asyncio
import signal
from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from core.meeting import MeetingClock
from core.service import Service
from core.store import Store
from tui import keys
from tui.screens.empty import EmptyScreen
from tui.screens.meeting import MeetingScreen


class CadenceApp(App):
    CSS_PATH = "cadence.tcss"
    TITLE = "Cadence"

    def __init__(self, store: Store, title: str | None = None,
                 attendees: tuple[str, ...] = (), facilitator: str = "", clock=None):
        super().__init__()
        self.service = Service(store)
        self.meeting_title = title
        self.attendees = attendees
        self.facilitator = facilitator
        self.clock = clock or MeetingClock()
        self._ended = False

    def on_mount(self) -> None:
        # A dropped SSH connection (SIGHUP) or a kill (SIGTERM) closes the app the normal way,
        # so the meeting still ends with its stage times saved.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self.exit)
        if self.service.store.is_empty():
            self.push_screen(EmptyScreen(str(self.service.store.path)))
            return
        self.service.start_meeting(self.meeting_title, self.attendees, self.facilitator)
        self.push_screen(MeetingScreen(self.service, self.clock))

    def end_meeting(self) -> None:
        """Once, however the app closes: the meeting's end and its stage times are saved."""
        if self.service.meeting and not self._ended:
            self._ended = True
            self.service.end_meeting(stages=self.clock.snapshot())

    def save_clock(self) -> None:
        """The stage times so far, so minutes exported mid-meeting show them."""
        if self.service.meeting and not self._ended:
            self.service.update_meeting(stages=self.clock.snapshot())

    def on_unmount(self) -> None:
        self.end_meeting()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette finds every stage and action of the meeting by name."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MeetingScreen):
            return
        for key in keys.KEYS:
            name = key.action.split("(")[0]
            if screen.check_action(name, ()):
                yield SystemCommand(f"{key.label} ({key.shown})", key.help,
                                    partial(screen.run_action, key.action))
