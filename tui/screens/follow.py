"""`cadence follow`: the meeting as the facilitator sees it, mirrored from the presence file
within a quarter of a second. It changes nothing, whatever keys are pressed: every changing key
is switched off here (and so absent from the footer); moving around waits for free look (`f`)."""

from core import presence
from core.meeting import MeetingClock
from core.service import Service
from tui import keys
from tui.screens.detail import DetailScreen
from tui.screens.meeting import MeetingScreen

POLL_S = 0.25


class FollowScreen(MeetingScreen):
    def __init__(self, service: Service):
        super().__init__(service, MeetingClock())
        self.following = True
        self.live: presence.Presence | None = None

    def on_mount(self) -> None:
        self.reload()
        self.app.set_focus(None)
        self.set_interval(POLL_S, self.poll)
        self.call_later(self.poll)

    # --- what a follower shows -----------------------------------------------------------

    @property
    def meeting_id(self) -> str | None:
        return self.live.meeting if self.live else None

    def meeting_title(self) -> str:
        return self.live.title if self.live else "No meeting is live"

    def header_note(self) -> str:
        if self.live is None:
            return "waiting for a facilitator · read-only"
        mode = f"following {self.live.who}" if self.following else "free look (f follows)"
        return f"{mode} · read-only"

    def publish(self) -> None:
        """A follower never writes, not even its presence."""

    def store_lost(self) -> None:
        """The store vanished or was replaced: a follower, who writes nothing, shows the file
        as it is now (the facilitator decides what the store is)."""
        self.service.store.adopt()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        key = keys.lookup(action)
        if key is None or action in ("help", "quit_meeting", "free_look"):
            return True
        if key.changes or (key.moves and self.following):
            return False
        return self.stage in key.stages

    def focus_list(self) -> None:
        if self.following:
            self.app.set_focus(None)         # the cursor is the facilitator's
        else:
            super().focus_list()

    # --- mirroring -----------------------------------------------------------------------

    async def poll(self) -> None:
        """The meeting live now (none when the presence is stale, broken, or names a meeting
        the store holds as ended), mirrored when it moved."""
        live = presence.current(self.service.store.path, self.service.board().by_id)
        if live != self.live:
            self.live = live
            self.clock = MeetingClock() if live is None else MeetingClock.resume(
                live.stages, live.current, live.paused, live.meeting_s, live.age())
            if self.following:
                await self.mirror()
        self.tick()

    async def mirror(self) -> None:
        live = self.live
        if live is None:
            return
        if live.stage != self.stage:
            await self.show_stage(live.stage)
        if live.filter != self.filter:
            self.filter = live.filter
            self.reload()
        self.view.table.select(live.selected)
        self.mirror_detail(live.detail)

    def mirror_detail(self, ident: str | None) -> None:
        """Close the detail shown and open the facilitator's. Only a detail on top is closed
        (not one under the help); while one stays open, open_detail opens no other, so
        self.detail stays None and the next poll tries again."""
        if ident == self.detail:
            return
        if isinstance(self.app.screen, DetailScreen):
            self.app.pop_screen()
        self.detail = None
        if ident and ident in self.service.board().by_id:
            self.open_detail(ident)

    # --- keys ----------------------------------------------------------------------------

    async def action_goto(self, stage: int) -> None:
        await self.show_stage(stage)                 # free look: the clock stays the facilitator's

    async def action_free_look(self) -> None:
        self.following = not self.following
        if self.following:
            await self.mirror()
            self.notify("Following the facilitator again.", markup=False)
        else:
            self.notify("Free look: browse on your own; f follows again.", markup=False)
        self.focus_list()
        self.refresh_bindings()
        self.show_header()

    def action_quit_meeting(self) -> None:
        self.app.exit()
