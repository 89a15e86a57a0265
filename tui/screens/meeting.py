"""The meeting's shell: the header, the meeting's stages (one shown at a time) and the key bar,
for a facilitator and a follower alike: what differs is the controller behind it
(tui/controller.py). The shell moves between stages, opens a row's detail, and turns what the
stages and the controller tell it into the screen. Its keys are the key table's shell keys
(tui/keys.py); each stage's keys are bound on its view."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from tui import keys
from tui.controller import Controller, View
from tui.stages import kinds
from tui.stages.base import Context, StageView
from tui.widgets.key_bar import KeyBar
from tui.widgets.stage_deck import StageDeck
from tui.widgets.stage_header import StageHeader


class MeetingScreen(Screen):
    BINDINGS = [*keys.bindings(), Binding("escape", "clear_filter", "Clear filter", show=False),
                *keys.elsewhere_bindings()]
    # Below 110 columns the Flagged stage stacks its list and detail; from 40 rows KPI health
    # shows the selected KPI's flags and chart below its list (cadence.tcss: .narrow, .tall).
    HORIZONTAL_BREAKPOINTS = [(0, "narrow"), (110, "wide")]
    VERTICAL_BREAKPOINTS = [(0, "short"), (40, "tall")]

    def __init__(self, controller: Controller, start: View | None = None):
        """`start`: where to begin (a taken-over meeting goes on where it was)."""
        super().__init__(id="meeting")
        self.controller = controller
        self._first = start.stage if start else controller.clock.current + 1
        self._start_on = start.selected if start else None
        self.filter = ""

    def compose(self) -> ComposeResult:
        yield StageHeader(id="header")
        yield StageDeck(self.controller, self._first)
        yield KeyBar()

    def on_mount(self) -> None:
        self.controller.attach(self)
        self.refill()
        self.view.table.select(self._start_on)
        self.focus_list()
        self.set_interval(self.controller.interval, self.tick)
        self.call_later(self.tick)

    @property
    def view(self) -> StageView:
        return self.query_one(StageDeck).view

    @property
    def stage(self) -> int:
        return self.query_one(StageDeck).number

    def refill(self, force: bool = False) -> None:
        """The shown stage refilled if what it shows changed (the store, the day, the filter),
        the header, and the presence."""
        controller = self.controller
        context = Context(controller.board(), controller.meeting_id, self.filter, controller.clock)
        self.query_one(StageDeck).refill(context, controller.store.version, force)
        self.show_header()
        self.publish()

    def show_header(self) -> None:
        controller = self.controller
        self.query_one(StageHeader).show(self.stage, controller.title(), controller.clock,
                                         controller.note(), controller.running)
        self.view.clock_moved(controller.clock)

    def publish(self) -> None:
        """Followers are told where the meeting is just after the frame: the person pressing
        the key sees it first (the presence is a file written on every move)."""
        self.call_after_refresh(lambda: self.controller.publish(
            View(self.stage, self.view.selected, self.filter)))

    async def tick(self) -> None:
        await self.controller.tick()
        self.refill()

    def on_resize(self) -> None:
        self.show_header()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.controller.allows(action)

    # --- moving around -------------------------------------------------------------------------

    async def show_stage(self, number: int) -> None:
        await self.query_one(StageDeck).show(number)
        self.on_stage_deck_shown()

    def on_stage_deck_shown(self, _: StageDeck.Shown | None = None) -> None:
        self.set_filter("")
        self.focus_list()
        self.refresh_bindings()

    def focus_list(self) -> None:
        if self.controller.moving:
            self.view.table.focus()
        else:
            self.app.set_focus(None)                     # the cursor is the facilitator's

    def action_pause(self) -> None:
        self.controller.toggle_pause()

    async def action_free_look(self) -> None:
        await self.controller.toggle_free_look()

    async def action_filter(self) -> None:
        from tui.widgets.filter_box import FilterBox      # on first use: not before frame one
        await FilterBox.open(self)

    def action_clear_filter(self) -> None:
        if self.filter or self.query(".visible#filter"):
            self.set_filter("")
            self.focus_list()

    def set_filter(self, value: str) -> None:
        self.filter = value
        if not value:
            for box in self.query("#filter"):                  # none before the first /
                box.close()
        self.refill()

    def on_filter_box_filtered(self, message) -> None:
        self.filter = message.value
        self.refill()

    def action_since_list(self) -> None:
        """`l`: what changed since the last meeting ended, every item with its reason (a
        follower reads it too: it changes nothing)."""
        from tui.screens.since import SinceScreen
        found = self.controller.since()
        if found is None:
            self.notify("No meeting has ended yet: nothing to compare with.")
        else:
            self.app.push_screen(SinceScreen(found))

    def action_elsewhere(self, name: str) -> None:
        """A stage's key pressed where it does nothing: say where it works, by this meeting's
        stage numbers and names."""
        stages = self.controller.clock.stages
        here, agenda = keys.stages_with(name), kinds(stages)
        if agenda[self.stage - 1] in here:
            return          # this stage's key, off here (a follower's changing key): as before
        where = [f"{n} {stage.name}" for n, (stage, kind) in
                 enumerate(zip(stages, agenda), start=1) if kind in here]
        shown = next((k.shown for k in keys.KEYS if k.key == name), name)
        said = (f"works on stage{'s' * (len(where) > 1)} {', '.join(where)}" if where
                else "is not used in this agenda")
        self.app.notify(f"{shown} {said} (? lists every key)", timeout=3)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen
        self.app.push_screen(HelpScreen(self.controller.clock.stages,
                                        follower=not self.controller.writable))

    # --- the shell's changing keys, and what the stages tell -------------------------------------

    def action_pull(self) -> None:
        self.controller.pull()

    def action_export(self) -> None:
        self.controller.minutes.export()

    def action_quit_meeting(self) -> None:
        self.run_worker(self.controller.quit())

    def on_stage_view_changed(self, message: StageView.Changed) -> None:
        self.refill()
        self.view.select_first(message.rows)
        if message.done:
            self.notify(message.done)

    def on_stage_view_refused(self, message: StageView.Refused) -> None:
        self.controller.refused(message.error)

    def on_stage_view_moved(self, _: StageView.Moved) -> None:
        self.publish()

    def on_stage_view_detail_asked(self, message: StageView.DetailAsked) -> None:
        self.controller.show_detail(message.ident)
