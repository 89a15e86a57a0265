"""The Textual app: a facilitator's meeting (started, taken over) or a follower's view."""

import asyncio
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable
from contextlib import suppress
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.screen import Screen

from core import display, presence
from core.board import Board
from core.errors import CadenceError
from core.meeting import MeetingClock
from core.service import Service
from core.store import Store
from tui import keys
from tui.screens.meeting import MeetingScreen


class CadenceApp(App):
    CSS_PATH = "cadence.tcss"
    TITLE = "Cadence"

    def __init__(self, store: Store, title: str | None = None,
                 attendees: tuple[str, ...] = (), facilitator: str = "", clock=None,
                 mode: str = "facilitate", live: presence.Presence | None = None,
                 board: Board | None = None):
        """`mode` is 'facilitate' (a new meeting), 'follow' (watch `live` or wait for one), or
        'take_over' (go on with `live`, whose facilitator is gone). `board`: the store's read
        model as the command loaded it (so the app does not load it again)."""
        super().__init__()
        self.service = Service(store, board=board)
        self.meeting_title = title
        self.attendees = attendees
        self.facilitator = facilitator
        self.clock = clock or MeetingClock()
        self.mode = mode
        self.live = live
        self._ended = False                     # the meeting's end is written
        self._leaving = False                   # the terminal is gone or a signal came
        self._ending = threading.Lock()         # one thread at a time writes the end
        self._meeting_over = threading.Event()  # set once an end was tried (tui/terminal)
        self._hangup = None                     # tui.terminal.Hangup, once mounted (POSIX)
        self._guide_only = False     # on the empty store's guide, no meeting shown yet
        # The last notifications, as shown: a toast vanishes and may overlap others, so what
        # the app told is read here (tests do).
        self.told: deque[str] = deque(maxlen=50)
        self.unsaved: str | None = None         # what could not be saved as the app closed

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification of the app, toasts included: they name KPIs, people, paths and
        errors, so their text is shown as data — never markup, never a control sequence."""
        message = display.line(message)
        self.told.append(message)
        super().notify(message, title=display.line(title), severity=severity, timeout=timeout,
                       markup=False)

    def get_driver_class(self) -> type[Driver]:
        """Textual's, but in a terminal one that survives the terminal's end (tui/terminal)."""
        found = super().get_driver_class()
        if found.__module__ != "textual.drivers.linux_driver":   # web, Windows, headless
            return found
        from tui.terminal import TerminalDriver
        return TerminalDriver

    def get_default_screen(self) -> Screen:
        """The first screen: an empty store's guide, the follower's view, or the meeting. As
        the default screen it is in the app's first frame (a pushed screen waits for the next)."""
        if self.service.store.is_empty():
            from tui.screens.empty import EmptyScreen
            self._guide_only = True
            return EmptyScreen(self.service, follower=self.mode == "follow")
        if self.mode == "follow":
            from tui.screens.follow import FollowScreen
            return FollowScreen(self.service)
        self.start_or_take_over()
        taken_over = self.live if self.mode == "take_over" else None
        return MeetingScreen(self.service, self.clock, taken_over and taken_over.selected)

    def on_mount(self) -> None:
        if not self.is_headless and os.name == "posix":   # tests run many apps in one process
            self.watch_for_the_end()
        if self.mode == "follow" and self.live is not None:
            self.notify(f"A meeting is live with {self.live.who}: you are following it "
                        "(read-only).", markup=False)

    def watch_for_the_end(self) -> None:
        """A dropped SSH connection (SIGHUP, or the terminal simply gone) or a kill (SIGTERM)
        ends the meeting with its stage times, then closes the app, within 2 s whatever
        state the terminal is in. The exit status is 128 + the signal (129 when the terminal
        went away), as a shell reports a signal; the meeting's end is in the store."""
        from tui.terminal import Hangup
        loop = asyncio.get_running_loop()
        # Standard input is the terminal, or under `cadence serve` the pipe from the server:
        # its end is the viewer's end too, were the server killed without a word.
        self._hangup = Hangup(partial(self._hand_over, loop), self.end_meeting,
                              self._meeting_over, sys.__stdin__.fileno())
        self._hangup.start()

    def _hand_over(self, loop: asyncio.AbstractEventLoop, code: int) -> None:
        """From the hang-up thread to the app's message queue, behind the message being
        handled: closing in the middle of an action (a stage still mounting when Textual
        stops mounting anything) would crash it."""
        self._leaving = True
        with suppress(RuntimeError):            # the loop has ended: the app is closing
            loop.call_soon_threadsafe(self.call_later, self._close_for_hangup, code)

    def _close_for_hangup(self, code: int) -> None:
        self.end_meeting()                      # first: the store, not the terminal
        self.exit(return_code=code)

    def terminal_gone(self) -> None:
        """The driver could not write to the terminal (from its writer thread)."""
        if self._hangup is not None:
            self._hangup.request()

    def plan_first_meeting(self) -> None:
        """From the empty store's guide, as the first KPI's form opens: the meeting that KPI
        is saved in (Service._tx writes a planned meeting first), so it is in the minutes and
        `u` undoes it. Cancelled and closed, the guide writes nothing (end_meeting)."""
        self.service.plan_meeting(self.meeting_title, self.attendees, self.facilitator)

    def begin_meeting(self) -> None:
        """Once the guide's first KPI is saved, and with it the meeting: the meeting screen
        (over the guide, which is the bottom screen and cannot be switched away)."""
        self._guide_only = False
        if self.service.meeting is None:        # not written yet: written after the first frame
            self.start_or_take_over()
        self.push_screen(MeetingScreen(self.service, self.clock))

    def start_or_take_over(self) -> None:
        """The meeting's start is written after the first frame (MeetingScreen.on_mount), or
        with the first change, whichever comes first; there a full disk is told in one line."""
        if self.mode == "take_over" and self.live is not None:
            live = self.live
            self.service.meeting = live.meeting
            self.clock = MeetingClock.resume(live.stages, live.current, live.paused,
                                             live.meeting_s)
            self.notify(f"You took over the meeting from {live.who}.", markup=False)
        else:
            self.service.plan_meeting(self.meeting_title, self.attendees, self.facilitator)

    def end_meeting(self) -> str | None:
        """However the app closes, from whichever thread gets here (the hang-up thread's
        when the event loop is stuck): the meeting's end and its stage times are saved, once.
        Returns why they were not (a full disk, a read-only or lost store), else None; then
        it can be tried again."""
        with self._ending:
            try:
                if self.mode == "follow" or self._ended:
                    return None
                problem = self._save_end()
                self._ended = problem is None
                return problem
            finally:
                self._meeting_over.set()

    def _save_end(self) -> str | None:
        with suppress(OSError):     # a read-only folder: the heartbeat stops, which is enough
            presence.clear(self.service.store.path)
        try:
            if not self._guide_only:              # a guide closed without a KPI: no meeting
                self.service.start_planned()      # even a meeting closed at once is kept
            if self.service.meeting:
                self.service.end_meeting(stages=self.clock.snapshot())
        except CadenceError as exc:
            return str(exc)
        return None

    @property
    def ending(self) -> bool:
        """The meeting has ended or the app is going away: no presence is published again
        (a late heartbeat would bring an ended meeting back to life for followers)."""
        return self._ended or self._leaving

    def quit_without_writing(self) -> None:
        """The store vanished or was replaced and the facilitator leaves it as it is: not
        even the meeting's end is written."""
        self._ended = True
        self.exit()

    def save_clock(self) -> None:
        """The stage times so far, so minutes exported mid-meeting show them. Raises
        CadenceError when the store cannot be written."""
        if self.mode != "follow" and not self._ended:
            self.service.update_meeting(stages=self.clock.snapshot())   # starts a planned one

    async def on_late_key(self, late) -> None:
        """A key typed after enter closed a form (tui.forms.base.LateKey): pressed now, on the
        meeting, unless another form has opened meanwhile. That form would lose the first
        keys while it opens and take the rest (as the scorecard's next form did, recording 0
        for "95<enter>80<enter>", before its forms were chained)."""
        if not self.screen.has_class("form-screen"):
            await self.on_event(events.Key(late.key, late.character))

    def on_unmount(self) -> None:
        problem = self.end_meeting()
        if problem:                 # printed once the terminal is back (tui/cli.py run_app)
            self.unsaved = f"the meeting's end was not saved: {problem}"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette finds every stage and action of the meeting by name."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MeetingScreen):
            return
        for key in keys.KEYS:
            if screen.check_action(key.name, ()):
                yield SystemCommand(f"{key.label} ({key.shown})", key.help,
                                    partial(screen.run_action, key.action))
