"""The meeting's side of the app that is not a widget: a plain controller the shell
(tui/screens/meeting.py) and the stage views ask for the board, the clock and what may be
pressed, and that owns the clock's tick, the presence file, and the flows that span dialogs
(the scorecard's walk, the minutes' export and preview, quitting, a store that vanished).

Two of them, one per role, behind one interface: `Facilitating` changes the store and publishes
where the meeting is; `Following` mirrors what the facilitator publishes and changes nothing.
The shell is the same for both: a follower is the same stages fed by another controller."""

import threading
from collections.abc import Coroutine
from contextlib import suppress
from typing import Any, Protocol

import msgspec
from textual.app import App
from textual.screen import Screen

from core import presence
from core import since as changes
from core.board import Board
from core.errors import CadenceError, StoreError
from core.meeting import MeetingClock
from core.model import Meeting
from core import clock
from core.commands import meetings
from core.events import EventKind
from core.session import Session
from core.store import StoreLost
from tui import keys
from tui.stages import kinds


class View(msgspec.Struct, frozen=True):
    """Where a meeting's screen is (with the detail the controller keeps): what the
    facilitator publishes and a follower mirrors."""

    stage: int
    selected: str | None = None
    filter: str = ""


class Ui(Protocol):
    """What a controller asks of the screen it serves (the shell): Textual's own `notify`,
    `run_worker` and `app`, and the shell's moves."""

    app: App
    stage: int
    filter: str
    view: Any                    # the stage view shown (tui.stages.base.StageView)

    def notify(self, message: str, *, severity: Any = "information",
               timeout: float | None = None) -> None: ...

    def run_worker(self, work: Coroutine[Any, Any, Any]) -> Any: ...

    def refill(self, force: bool = False) -> None: ...

    async def show_stage(self, number: int) -> None: ...

    def set_filter(self, value: str) -> None: ...

    def publish(self) -> None: ...

    def focus_list(self) -> None: ...

    def refresh_bindings(self) -> None: ...


class Controller:
    """What both roles share: the store's read model, the clock, the agenda, the keys."""

    writable = False
    interval = 1.0                         # seconds between ticks

    def __init__(self, session: Session, clock: MeetingClock):
        self.session = session
        self.read = session.read
        self.store = session.store
        self.clock = clock
        self.ui: Ui | None = None
        self.detail: str | None = None          # the row whose detail is open
        self.leaving = False                    # the terminal is gone or a signal came
        self.ended_once = threading.Event()     # set once an end was tried (tui/terminal)
        self._problem_told: str | None = None
        self.baseline = changes.Baseline()       # the last ended meeting's read model
        # The cycle's turn as the facilitator plans it (tui/stages/turn.py, `C`): carry forward
        # or retire, by objective id; and the cycle this meeting closes, once it has shown it.
        self.carry: dict[str, bool] = {}
        self.closing: str | None = None
        # What the meeting's minutes review (core/minutes.py: Scope): None, the store's own;
        # a roll-up's reviews its teams' stores too.
        self.scope: Any = None

    def attach(self, ui: Ui) -> None:
        self.ui = ui

    @property
    def moving(self) -> bool:
        """Whether this screen moves on its own (a follower only in free look)."""
        return True

    @property
    def stage_ids(self) -> list[str]:
        return kinds(self.clock.stages)

    def number_of(self, stage_id: str) -> int | None:
        return next((n for n, s in enumerate(self.stage_ids, start=1) if s == stage_id), None)

    def allows(self, action: str) -> bool:
        return keys.allowed(action, self.writable, self.moving)

    def offers(self, action: str) -> bool:
        """Whether the key bar offers a key (the help lists them all): not one a roll-up
        only refuses."""
        return True

    def refuses(self, action: str, selected: str | None) -> str | None:
        """Why a stage's action that changes a team's data (keys.TEAM_ACTIONS) is not taken
        here, in one line; None to take it. A store's own meeting takes them all; a roll-up
        reads its teams' stores only (tui/rollup.py)."""
        return None

    def board(self) -> Board:
        self.read.refresh()                   # a change here or another process's
        return self.read.board

    @property
    def meeting_id(self) -> str | None:
        return self.session.meeting

    def since_ready(self) -> bool:
        """Whether what changed since the last ended meeting is known at once: the first ask
        builds that meeting's read model, which the health stage leaves for after a frame."""
        return self.baseline.ready(self.store, self.board())

    def since(self) -> changes.Since | None:
        """What changed since the last meeting ended; None when none has, or when the store
        cannot be read as it stood then (the app goes on without it)."""
        try:
            return self.baseline.compare(self.store, self.board())
        except CadenceError:
            return None

    def current_meeting(self) -> Meeting | None:
        return self.session.current_meeting()

    def title(self) -> str:
        raise NotImplementedError

    def note(self) -> str:
        return ""

    @property
    def running(self) -> bool:
        """Whether a meeting runs here, whose clocks the header shows."""
        return True

    async def tick(self) -> None:
        """Pick up what other processes wrote (an import mid-meeting), and say once when the
        store turns unreadable (the last good state stays on screen)."""
        self.board()
        problem = self.read.problem
        if problem and problem != self._problem_told:
            self.ui.notify(f"{problem}. Showing the last good state; changes wait until the "
                           "file is readable.", severity="error", timeout=10)
        self._problem_told = problem

    def publish(self, view: View) -> None:
        """Tell followers where the meeting is (only the facilitator does)."""

    def show_detail(self, ident: str | None) -> None:
        """The detail of a row, or none (a follower mirrors the facilitator's); followers are
        told which."""
        from tui.screens.detail import DetailScreen
        if ident != self.detail:
            self.detail = DetailScreen.show(self.ui.app, self.board(), ident, self.detail_closed)
            self.ui.publish()

    def detail_closed(self, _: object) -> None:
        self.detail = None
        self.ui.publish()

    def end_meeting(self) -> str | None:
        """However the app closes (a follower ends nothing)."""
        self.ended_once.set()
        return None

    async def quit(self) -> None:
        self.ui.app.exit()

    def toggle_pause(self) -> None:
        self.ui.notify("Clock paused." if self.clock.toggle_pause() else "Clock running.")
        self.ui.refill()

    async def preview(self) -> None:
        """The minutes as they stand (`w`); a follower reads them, and exports nothing."""
        from tui.flows import show_minutes
        await show_minutes(self)

    async def ask(self, screen: Screen) -> Any:
        """A dialog's answer (in a flow: a worker waits for it)."""
        return await self.ui.app.push_screen(screen, wait_for_dismiss=True)


class Facilitating(Controller):
    """The facilitator's meeting: every change goes through the session into the store, the
    clock is booked to the stage shown, and followers see where the meeting is."""

    writable = True

    def __init__(self, session: Session, clock: MeetingClock):
        """The meeting is planned (core/session.py): it is written with its first change, or
        when its minutes are previewed or exported, and not at all if nothing is recorded:
        opening the app and closing it adds no meeting."""
        super().__init__(session, clock)
        self._ended = False                     # the meeting's end is written
        self.pulling = False                    # `P`: a pull runs (tui/flows.py: pull_now)
        self._ending = threading.Lock()         # one thread at a time writes the end
        self._presence_problem: str | None = None
        self._asking_lost = False
        self._unsaved_end: str | None = None
        from tui.flows import Minutes
        self.minutes = Minutes(self)

    def allows(self, action: str) -> bool:
        return False if action == "free_look" else super().allows(action)

    def title(self) -> str:
        meeting = self.current_meeting()        # None if the file lost it (restored by hand)
        return meeting.title if meeting else "this meeting is not in the store"

    # --- the meeting's end -----------------------------------------------------------------

    @property
    def recorded(self) -> bool:
        """Whether the meeting is in the store: written with its first change. Moving
        between stages, pausing or skipping one records nothing."""
        return self.session.meeting is not None

    def end_meeting(self) -> str | None:
        """However the app closes, from whichever thread gets here (the hang-up thread's
        when the event loop is stuck): the meeting's end and its stage times are saved, once.
        Returns why they were not (a full disk, a read-only or lost store), else None; then
        it can be tried again."""
        with self._ending:
            try:
                if self._ended:
                    return None
                problem = self._save_end()
                self._ended = problem is None
                return problem
            finally:
                self.ended_once.set()

    def _save_end(self) -> str | None:
        with suppress(OSError):     # a read-only folder: the heartbeat stops, which is enough
            presence.clear(self.store.path)
        try:
            if self.recorded:                      # nothing recorded: nothing to end
                self.session.run(EventKind.MEETING_UPDATE, meetings.end, self.session.meeting,
                                 clock.now(), self.clock.snapshot())
        except CadenceError as exc:
            return str(exc)
        return None

    def pull(self) -> None:
        """`P`: pull the sourced KPIs now; the meeting goes on meanwhile."""
        from tui.flows import pull_now
        self.ui.run_worker(pull_now(self))

    def save_clock(self) -> None:
        """The stage times so far, so minutes exported mid-meeting show them (a meeting not
        written yet is written with them: its minutes need it in the store). Raises
        CadenceError when the store cannot be written."""
        if not self._ended:
            stages = self.clock.snapshot()                           # starts a planned one
            self.session.run(EventKind.MEETING_UPDATE,
                             lambda tx: meetings.update(tx, tx.meeting, stages=stages))

    # --- every second --------------------------------------------------------------------------

    async def tick(self) -> None:
        await super().tick()
        if self.store.lost is not None:
            self.ui.run_worker(self.store_lost())

    def publish(self, view: View) -> None:
        """Tell followers where the meeting is (the presence file beside the store). Not
        beside a store that vanished or was replaced: nothing is written there until the
        facilitator decides; not once the meeting is ending (a tick between a hang-up's end
        and the app's close would bring back the presence file the end removed). A folder
        that cannot be written is told once, not every second. A meeting not written yet is
        published too, with no id: followers see it from the first frame, and a second
        `cadence` on the store follows it rather than facilitating another."""
        planned = self.session.planned is not None
        if not (self.meeting_id or planned) or self.store.lost is not None or self.ending:
            return
        try:
            presence.publish(self.store.path, presence.Presence(
                meeting=self.meeting_id, title=self.title(), facilitator=self.facilitator(),
                stage=view.stage, selected=view.selected, filter=view.filter,
                detail=self.detail, stages=self.clock.snapshot(), current=self.clock.current,
                paused=self.clock.paused, meeting_s=self.clock.meeting_s(),
                agenda=self.agenda_name()))
        except CadenceError as exc:          # e.g. a folder where the file goes: said once
            if str(exc) != self._presence_problem:
                self.ui.notify(str(exc), severity="warning", timeout=10)
            self._presence_problem = str(exc)
        else:
            self._presence_problem = None

    @property
    def ending(self) -> bool:
        return self._ended or self.leaving

    def facilitator(self) -> str:
        meeting = self.current_meeting()
        return meeting.facilitator if meeting else ""

    def agenda_name(self) -> str:
        meeting = self.current_meeting()
        return meeting.agenda if meeting else "weekly"

    # --- a change refused ----------------------------------------------------------------------

    def refused(self, exc: Exception) -> None:
        """One line on why a change was not made: a store that cannot be written says "Not
        saved"; a store that vanished or was replaced asks what to do instead."""
        if isinstance(exc, StoreLost):
            self.ui.run_worker(self.store_lost())
        elif isinstance(exc, OSError):
            self.ui.notify(f"Not saved: {exc.filename}: {exc.strerror}", severity="error")
        elif isinstance(exc, StoreError):
            self.ui.notify(f"Not saved: {exc}", severity="error")
        else:
            self.ui.notify(str(exc), severity="warning")

    async def store_lost(self) -> None:
        """The store vanished or was replaced: ask what to do, once; nothing is written until
        the facilitator chooses."""
        if self._asking_lost:
            return
        from tui.screens.store_lost import StoreLostScreen
        self._asking_lost = True
        guard = self.store.guard
        answer = await self.ask(StoreLostScreen(guard.lost, guard.gone))
        self._asking_lost = False
        if answer == "quit":
            self._ended = True                 # not even the meeting's end is written
            self.ui.app.exit()
            return
        try:
            done = self._decide_store(answer)
        except CadenceError as exc:              # still lost: the dialog comes back
            self.ui.notify(f"Not written: {exc}", severity="error")
            return
        self.ui.refill(force=True)
        self.ui.notify(done)

    def _decide_store(self, answer: str) -> str:
        if answer == "write_back":
            self.store.write_back()
            return "Wrote the store back as this meeting had it."
        if self.session.adopt_store():
            return "Going on with the file as it is now."
        return ("Going on with the file as it is now. This meeting was not in it: it is "
                "written to it again with the next change.")

    # --- flows ---------------------------------------------------------------------------------

    async def preview(self) -> None:
        await self.minutes.preview()

    async def quit(self) -> None:
        from tui.screens.quit import QuitScreen
        offer = self.recorded and self.minutes.changed_since_export()
        answer = await self.ask(QuitScreen(offer_export=offer, unsaved=self._unsaved_end,
                                           recorded=self.recorded))
        if (answer == "export" and await self.minutes.export_asking(quitting=True)) or (
                answer == "quit" and self.end_before_quitting()):
            self.ui.app.exit()

    def end_before_quitting(self) -> bool:
        """End the meeting before quitting. If its end cannot be saved, the app stays the
        first time (say, to free some space) and quits all the same the next."""
        problem = self.end_meeting()
        if problem is None or self._unsaved_end is not None:
            return True
        self._unsaved_end = problem
        self.ui.notify(f"The meeting's end was not saved: {problem}. Nothing saved before is "
                       "lost; q then y quits all the same.", severity="error")
        return False


class Following(Controller):
    """`cadence follow`: the meeting as the facilitator sees it, mirrored from the presence
    file within a quarter of a second. It changes nothing, whatever keys are pressed: it is
    not writable, so every changing key is absent; moving around waits for free look (`f`)."""

    interval = 0.25

    def __init__(self, session: Session):
        super().__init__(session, idle_clock())
        self.following = True
        self.live: presence.Presence | None = None

    @property
    def running(self) -> bool:
        return self.live is not None

    @property
    def moving(self) -> bool:
        return not self.following

    def allows(self, action: str) -> bool:
        if action in ("free_look", "help", "quit_meeting"):
            return True
        return super().allows(action)

    @property
    def meeting_id(self) -> str | None:
        return self.live.meeting if self.live else None      # None too while not written

    def current_meeting(self) -> Meeting | None:
        found = self.board().by_id.get(self.meeting_id or "")
        return found if isinstance(found, Meeting) else None

    def title(self) -> str:
        return self.live.title if self.live else "No meeting is live"

    def note(self) -> str:
        if self.live is None:
            return "waiting for a facilitator · read-only"
        mode = f"following {self.live.who}" if self.following else "free look (f follows)"
        return f"{mode} · read-only"

    async def tick(self) -> None:
        """The meeting live now (none when the presence is stale, broken, or names a meeting
        the store holds as ended), mirrored when it moved."""
        if self.store.lost is not None:
            self.store.adopt()         # the facilitator decides what the store is
        await super().tick()
        live = presence.current(self.store.path, self.board().by_id)
        if live != self.live:
            self.live = live
            self.clock = idle_clock() if live is None else MeetingClock.resume(
                live.stages, live.current, live.paused, live.meeting_s, live.age())
            if self.following:
                await self.mirror()

    async def mirror(self) -> None:
        """Show what the facilitator shows: stage, filter, selected row, open detail."""
        live, shell = self.live, self.ui
        if live is None:
            return
        if live.stage != shell.stage and live.stage <= len(self.stage_ids):
            await shell.show_stage(live.stage)
        if live.filter != shell.filter:
            shell.set_filter(live.filter)
        shell.view.table.select(live.selected)
        self.show_detail(live.detail)

    async def quit(self) -> None:
        """`q`: stop watching. In a browser (`cadence serve`) it asks first: the page would
        end its session, and a viewer who pressed q by mistake would have to reload."""
        if self.ui.app.is_web:
            from tui.screens.confirm import ConfirmScreen
            if not await self.ask(ConfirmScreen(
                    "Stop watching the meeting?", "The meeting goes on; reload the page to "
                    "watch again.", yes="stop watching", no="keep watching")):
                return
        self.ui.app.exit()

    async def toggle_free_look(self) -> None:
        self.following = not self.following
        if self.following:
            await self.mirror()
            self.ui.notify("Following the facilitator again.")
        else:
            self.ui.notify("Free look: browse on your own; f follows again.")
        self.ui.focus_list()
        self.ui.refresh_bindings()
        self.ui.refill()


def idle_clock() -> MeetingClock:
    """A follower's clock while no meeting is live: stopped at zero (the wrap-up's stage times
    stay still too); the header shows none (Controller.running)."""
    return MeetingClock(paused=True)
