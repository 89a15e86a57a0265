"""The Textual app: a facilitator's meeting (started, taken over) or a follower's view."""

import asyncio
import signal
from collections.abc import Iterable
from contextlib import suppress
from functools import partial

from textual import events
from textual.app import App, SystemCommand
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
        self._ended = False
        self._guide_only = False     # on the empty store's guide, no meeting shown yet
        self.unsaved: str | None = None         # what could not be saved as the app closed

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification of the app, toasts included: they name KPIs, people, paths and
        errors, so their text is shown as data — never markup, never a control sequence."""
        super().notify(display.line(message), title=display.line(title), severity=severity,
                       timeout=timeout, markup=False)

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
        # A dropped SSH connection (SIGHUP) or a kill (SIGTERM) closes the app the normal way,
        # so the meeting still ends with its stage times saved.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self.exit)
        if self.mode == "follow" and self.live is not None:
            self.notify(f"A meeting is live with {self.live.who}: you are following it "
                        "(read-only).", markup=False)

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
        """Once, however the app closes: the meeting's end and its stage times are saved.
        Returns why they were not (a full disk, a read-only or lost store), else None; then
        it can be tried again."""
        if self.mode == "follow" or self._ended:
            return None
        with suppress(OSError):     # a read-only folder: the heartbeat stops, which is enough
            presence.clear(self.service.store.path)
        try:
            if not self._guide_only:              # a guide closed without a KPI: no meeting
                self.service.start_planned()      # even a meeting closed at once is kept
            if self.service.meeting:
                self.service.end_meeting(stages=self.clock.snapshot())
        except CadenceError as exc:
            return str(exc)
        self._ended = True
        return None

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
