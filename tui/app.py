"""The Textual app: a facilitator's meeting (started, taken over) or a follower's view. What a
role does lives in its controller (tui/controller.py); the app picks the role, shows its first
screen, and ends the meeting however the process ends."""

import asyncio
import os
import sys
from collections import deque
from collections.abc import Iterable
from contextlib import suppress
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.driver import Driver
from textual.screen import Screen

from core import agendas, display, presence
from core.errors import CadenceError
from core.presence import Mode
from core.board import Board
from core.meeting import MeetingClock
from core.read_model import ReadModel
from core.session import Session
from core.store import Store
from tui import keys, text
from tui.controller import Controller, Facilitating, Following, View
from tui.forms.typeahead import CaughtUp, KeyGate
from tui.screens.meeting import MeetingScreen


class CadenceApp(App):
    CSS_PATH = "cadence.tcss"
    TITLE = "Cadence"
    # A toast says what was done, and goes before it hides the list for long; an error stays
    # long enough to be read in full (toasts are one line high and narrow: cadence.tcss).
    NOTIFICATION_TIMEOUT = 3
    ERROR_TIMEOUT = 8

    def __init__(self, store: Store, title: str | None = None,
                 attendees: tuple[str, ...] = (), facilitator: str = "", clock=None,
                 mode: str = Mode.FACILITATE, live: presence.Presence | None = None,
                 board: Board | None = None, agenda: agendas.Template | None = None,
                 review=None):
        """`mode` (core.presence.Mode): facilitate (a new meeting), follow (watch `live` or
        wait for one), or take_over (go on with `live`, whose facilitator is gone). `board`:
        the store's read model as the command loaded it (so the app does not load it again).
        `agenda`: the template a new meeting runs (`--agenda`); None runs the weekly review,
        or asks first when the team keeps agendas of its own."""
        super().__init__()
        text.use_colour(not self.no_color)      # Textual has read NO_COLOR
        self.review = review                    # a roll-up's meeting: core.rollup.Review
        if review is not None:
            from core.rollup import RollupReadModel
            self.read: ReadModel = RollupReadModel(review, board)
        else:
            self.read = ReadModel(store, board)
        self.session = Session(self.read)
        self.mode, self.live = mode, live
        self.asking = self._asks_agenda(agenda)
        # How a new meeting starts.
        self.meeting = (title, tuple(attendees), facilitator, agenda or agendas.weekly())
        self.controller = self._controller(clock or MeetingClock())
        self._hangup = None                     # tui.terminal.Hangup, once mounted (POSIX)
        # The last notifications, as shown: a toast vanishes and may overlap others, so what
        # the app told is read here (tests do).
        self.told: deque[str] = deque(maxlen=50)
        self.unsaved: str | None = None         # what could not be saved as the app closed
        self.key_gate = KeyGate(self)
        # What the person should still read once the app has closed (where the minutes went):
        # printed by tui/cli.py run_app, where the terminal keeps it.
        self.after_exit: list[str] = []

    def _asks_agenda(self, agenda: agendas.Template | None) -> bool:
        """Whether the app asks which agenda first: a new meeting on a store whose team keeps
        agendas of its own, and none given (a plain `cadence` on any other store opens the
        weekly review at once, as the contract has it)."""
        store = self.session.store
        return (agenda is None and self.mode == Mode.FACILITATE and not store.is_empty()
                and bool(agendas.team(store)))

    def _controller(self, clock: MeetingClock) -> Controller:
        if self.mode == Mode.FOLLOW:
            if self.review is not None:
                from tui.rollup import RollupFollowing
                return RollupFollowing(self.session, self.review)
            return Following(self.session)
        if self.mode == Mode.TAKE_OVER and self.live is not None:
            # A meeting its facilitator had not written yet (nothing recorded) goes on as
            # this app's planned meeting, with its clock.
            self.session.meeting = self.live.meeting
            clock = MeetingClock.resume(self.live.stages, self.live.current, self.live.paused,
                                        self.live.meeting_s)
            self.meeting = (*self.meeting[:-1], self._taken_agenda(self.live))
        elif self.session.meeting is None:
            clock.stages = list(self.meeting[-1].planned())
        if not self.guide_first() and self.session.meeting is None:
            self.session.plan(*self.meeting)          # written with its first change
        if self.review is not None:
            from tui.rollup import RollupFacilitating
            return RollupFacilitating(self.session, clock, self.review)
        return Facilitating(self.session, clock)

    def _taken_agenda(self, live: presence.Presence) -> agendas.Template:
        """The agenda of a meeting taken over before anything was recorded (planned anew
        here), as the presence names it (its stages' times are the live clock's)."""
        try:
            return agendas.find(self.session.store, live.agenda)
        except CadenceError:                  # removed since: its stages are the clock's
            return agendas.weekly()

    def open_agenda(self, agenda: agendas.Template) -> None:
        """The agenda picked (tui/screens/agenda_picker.py): the meeting planned with it, its
        clock starting now, and the meeting screen over the picker."""
        self.meeting = (*self.meeting[:-1], agenda)
        self.session.plan(*self.meeting)
        self.controller.clock = MeetingClock(list(agenda.planned()), now=self.controller.clock.now)
        self.asking = False
        self.push_screen(MeetingScreen(self.controller))

    def guide_first(self) -> bool:
        """Whether the app opens on the empty store's guide: a store with nothing yet (a
        roll-up's own store starts empty, its teams hold the review)."""
        return self.review is None and self.session.store.is_empty()

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification of the app, toasts included: they name KPIs, people, paths and
        errors, so their text is shown as data — never markup, never a control sequence."""
        message = display.line(message)
        self.told.append(message)
        if timeout is None and severity == "error":
            timeout = self.ERROR_TIMEOUT
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
        """The first screen: an empty store's guide, or the meeting. As the default screen it
        is in the app's first frame (a pushed screen waits for the next)."""
        if self.guide_first():
            from tui.screens.empty import EmptyScreen
            return EmptyScreen(self.session, follower=self.mode == Mode.FOLLOW)
        if self.asking:
            from tui.screens.agenda_picker import AgendaPicker
            return AgendaPicker(agendas.every(self.session.store))
        taken_over = self.live if self.mode == Mode.TAKE_OVER else None
        start = View(taken_over.stage, taken_over.selected) if taken_over else None
        return MeetingScreen(self.controller, start)

    def on_mount(self) -> None:
        if not self.is_headless and os.name == "posix":   # tests run many apps in one process
            self.watch_for_the_end()
        if self.live is not None:
            told = {Mode.FOLLOW: "A meeting is live with {}: you are following it (read-only).",
                    Mode.TAKE_OVER: "You took over the meeting from {}."}.get(self.mode)
            if told:
                self.notify(told.format(self.live.who))

    def watch_for_the_end(self) -> None:
        """A dropped SSH connection (SIGHUP, or the terminal simply gone) or a kill (SIGTERM)
        ends the meeting with its stage times, then closes the app, within 2 s whatever
        state the terminal is in. The exit status is 128 + the signal (129 when the terminal
        went away), as a shell reports a signal; the meeting's end is in the store."""
        from tui.terminal import Hangup
        loop = asyncio.get_running_loop()
        # Standard input is the terminal, or under `cadence serve` the pipe from the server:
        # its end is the viewer's end too, were the server killed without a word.
        self._hangup = Hangup(partial(self._hand_over, loop), self.controller.end_meeting,
                              self.controller.ended_once, sys.__stdin__.fileno())
        self._hangup.start()

    def _hand_over(self, loop: asyncio.AbstractEventLoop, code: int) -> None:
        """From the hang-up thread to the app's message queue, behind the message being
        handled: closing in the middle of an action (a stage still mounting when Textual
        stops mounting anything) would crash it."""
        self.controller.leaving = True
        with suppress(RuntimeError):            # the loop has ended: the app is closing
            loop.call_soon_threadsafe(self.call_later, self._close_for_hangup, code)

    def _close_for_hangup(self, code: int) -> None:
        self.controller.end_meeting()           # first: the store, not the terminal
        self.exit(return_code=code)

    def terminal_gone(self) -> None:
        """The driver could not write to the terminal (from its writer thread)."""
        if self._hangup is not None:
            self._hangup.request()

    def plan_first_meeting(self) -> None:
        """From the empty store's guide, as the first KPI's form opens: the meeting that KPI
        is saved in (the session writes a planned meeting with its first change), so it is in
        the minutes and `u` undoes it. Cancelled and closed, the guide writes nothing."""
        self.session.plan(*self.meeting)

    def begin_meeting(self) -> None:
        """Once the guide's first KPI is saved, and with it the meeting: the meeting screen
        (over the guide, which is the bottom screen and cannot be switched away)."""
        if self.session.meeting is None and self.session.planned is None:
            self.session.plan(*self.meeting)
        self.push_screen(MeetingScreen(self.controller))

    async def on_event(self, event: events.Event) -> None:
        """Every key passes the forms' gate first: keys typed while a form opens land in it,
        in order, and a form takes each key whole (tui/forms/typeahead.py)."""
        if isinstance(event, events.Key) and await self.key_gate.route(event):
            return
        await super().on_event(event)

    async def on_caught_up(self, message: CaughtUp) -> None:
        await self.key_gate.caught_up(message.form)

    def on_unmount(self) -> None:
        problem = self.controller.end_meeting()
        if problem:                 # printed once the terminal is back (tui/cli.py run_app)
            self.unsaved = f"the meeting's end was not saved: {problem}"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette finds every stage and action of the meeting by name: each key of the
        table that works here, run where it is bound (the shell, the stage switcher, the
        stage shown)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MeetingScreen):
            return
        stages = self.controller.clock.stages
        for key in keys.KEYS:
            node = key_owner(screen, key)
            goto = int(key.key) if key.name == "goto" else None
            if node is None or not node.check_action(key.name, (goto,) if goto else ()):
                continue
            label = display.line(stages[goto - 1].name) if goto else key.label
            yield SystemCommand(f"{label} ({key.shown})", key.help,
                                partial(node.run_action, key.action))


def key_owner(screen: MeetingScreen, key: keys.Key) -> DOMNode | None:
    """Where a key of the table is bound: the shell, the stage switcher, or the stage shown."""
    from tui.widgets.stage_deck import StageDeck
    owners = {keys.SHELL: screen, keys.DECK: screen.query_one(StageDeck)}
    view = screen.view
    return owners.get(key.stages, view if view.stage_id in key.stages else None)
