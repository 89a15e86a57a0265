"""The meeting: five stages behind one header and one key bar. Every key of the contract is a
binding here (so a modal form switches them all off), shown only on the stages where it works."""

from importlib import import_module

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Input

from core import okr, presence
from core.errors import CadenceError, StoreError
from core.health import Health
from core.meeting import MeetingClock
from core.model import Action
from core.service import Service
from core.storage import Stamp, current_stamp
from core.store import StoreLost
from tui import keys
from tui.stages.base import Context, StageView
from tui.widgets.key_bar import KeyBar
from tui.widgets.stage_header import StageHeader

# Only the first stage is imported and built before the first frame; the others, the forms
# and the dialogs are imported on first use (a few milliseconds each, then cached).
STAGES = ("health:HealthStage", "flagged:FlaggedStage", "okrs:OkrStage",
          "decisions:DecisionsStage", "wrapup:WrapUpStage")
NARROW = 110          # columns below which the stages drop their less needed columns


def stage_view(number: int) -> StageView:
    module, name = STAGES[number - 1].split(":")
    return getattr(import_module(f"tui.stages.{module}"), name)()


def forms():
    return import_module("tui.forms.meeting_forms")


def manage_forms():
    return import_module("tui.forms.manage_forms")


class MeetingScreen(Screen):
    BINDINGS = [*keys.bindings(), Binding("escape", "clear_filter", "Clear filter", show=False)]

    def __init__(self, service: Service, clock: MeetingClock, selected: str | None = None):
        """`selected`: the row to start on (a taken-over meeting goes on where it was, as
        its stage does from the clock)."""
        super().__init__(id="meeting")
        self.service = service
        self.clock = clock
        self.stage = clock.current + 1
        self._start_on = selected
        self.filter = ""
        self.detail: str | None = None               # the row whose detail is open
        self._exported_at: int | None = None       # the event count when last exported
        self._exported: Stamp = None                 # the minutes file as last written
        self._shown_version = -1                     # the store version on screen
        self._problem_shown: str | None = None       # the store problem last told
        self._presence_problem: str | None = None    # why followers cannot see us, last told
        self._asking_lost = False                    # the store-lost dialog is open
        self._unsaved_end: str | None = None         # why quitting could not save the end

    # --- layout and refresh --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.set_class(self.app.size.width < NARROW, "narrow")   # before mounting: no restyle
        yield StageHeader(id="header")
        with ContentSwitcher(initial=f"stage-{self.stage}", id="stages"):
            yield stage_view(self.stage)   # the others mount on their first visit: sooner frame one
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.view.table.select(self._start_on)
        self.view.table.focus()
        self.set_interval(1.0, self.tick)
        self.call_after_refresh(self.start_meeting)

    def start_meeting(self) -> None:
        """Write the meeting's start once the first frame is out (Service.plan_meeting)."""
        if self.service.meeting is None:
            try:
                self.service.start_planned()
            except CadenceError as exc:            # written with the first change instead
                self.not_saved(exc)
            self.reload()

    @property
    def view(self) -> StageView:
        return self.query_one(f"#stage-{self.stage}", StageView)

    @property
    def meeting_id(self) -> str | None:
        return self.service.meeting

    def meeting_title(self) -> str:
        meeting = self.service.current_meeting()   # None if the file lost it (restored by hand)
        return meeting.title if meeting else "this meeting is not in the store"

    def header_note(self) -> str:
        return ""

    def context(self) -> Context:
        return Context(self.service.board(), self.meeting_id, self.filter, self.clock)

    def reload(self, force: bool = False) -> None:
        """Refill the current stage, unless it already shows this board with this filter:
        switching back to a stage costs no refill (500 rows at a time are felt)."""
        context = self.context()
        shown = (self.service.store.version, context.board.today, context.filter,
                 context.meeting)
        if force or self.view.shown != shown:
            self.view.populate(context)
            self.view.shown = shown
        self._shown_version = self.service.store.version
        self.show_header()
        self.publish()

    def show_header(self) -> None:
        header = self.query_one(StageHeader)
        header.show(self.stage, self.meeting_title(), self.clock, self.header_note())
        if self.stage == 5:
            self.view.show_times(self.context())

    def tick(self) -> None:
        """Every second: pick up what other processes wrote (an import mid-meeting), keep the
        clocks moving, and let followers know the facilitator is still here."""
        self.service.board()                       # re-reads the store if it changed on disk
        if self.service.store.lost is not None:
            self.store_lost()
        elif self.service.problem and self.service.problem != self._problem_shown:
            self.notify(f"{self.service.problem}. Showing the last good state; changes wait "
                        "until the file is readable.", severity="error", timeout=10,
                        markup=False)
        self._problem_shown = self.service.problem
        if self.service.store.version != self._shown_version:
            self.reload()
        else:
            self.show_header()
            self.publish()

    def publish(self) -> None:
        """Tell followers where the meeting is (the presence file beside the store). Not
        beside a store that vanished or was replaced: nothing is written there until the
        facilitator decides; not once the meeting is ending (a tick between a hang-up's end
        and the app's close would bring back the presence file the end removed). A folder
        that cannot be written is told once, not every second."""
        if not self.meeting_id or self.service.store.lost is not None or self.app.ending:
            return
        stages = self.clock.snapshot()
        try:
            presence.publish(self.service.store.path, presence.Presence(
                meeting=self.meeting_id, title=self.meeting_title(),
                facilitator=self.facilitator(), stage=self.stage, selected=self.view.selected,
                filter=self.filter, detail=self.detail, stages=stages,
                current=self.clock.current, paused=self.clock.paused,
                meeting_s=self.clock.meeting_s()))
        except CadenceError as exc:          # e.g. a folder where the file goes: said once
            if str(exc) != self._presence_problem:
                self.notify(str(exc), severity="warning", timeout=10, markup=False)
            self._presence_problem = str(exc)
        else:
            self._presence_problem = None

    def facilitator(self) -> str:
        meeting = self.service.current_meeting()
        return meeting.facilitator if meeting else ""

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.publish()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")
        self.show_header()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "free_look":
            return False                                  # only followers look around
        key = keys.lookup(action)
        return key is None or self.stage in key.stages

    # --- moving around -------------------------------------------------------------------

    async def action_goto(self, stage: int) -> None:
        self.clock.switch(stage - 1)
        await self.show_stage(stage)

    async def show_stage(self, stage: int) -> None:
        switcher = self.query_one(ContentSwitcher)
        if not switcher.query(f"#stage-{stage}"):
            await switcher.mount(stage_view(stage))
        self.stage = stage
        switcher.current = f"stage-{stage}"
        self._set_filter("")
        self.focus_list()
        self.refresh_bindings()

    def focus_list(self) -> None:
        self.view.table.focus()

    async def action_next_stage(self) -> None:
        if self.stage < 5:
            await self.action_goto(self.stage + 1)
        else:
            self.notify("This is the last stage. q ends the meeting.", markup=False)

    async def action_previous_stage(self) -> None:
        if self.stage > 1:
            await self.action_goto(self.stage - 1)

    async def action_skip(self) -> None:
        self.clock.skip(self.stage - 1)
        self.notify(f"Skipped {keys.STAGE_NAMES[self.stage - 1]}.", markup=False)
        await self.action_next_stage()

    def action_pause(self) -> None:
        paused = self.clock.toggle_pause()
        self.notify("Clock paused." if paused else "Clock running.", markup=False)
        self.show_header()
        self.publish()

    async def action_filter(self) -> None:
        if not self.query("#filter"):      # mounted on first use: one widget less to start
            from tui.widgets.filter_box import FilterBox
            await self.mount(FilterBox(), after="#stages")
        box = self.query_one("#filter", Input)
        box.add_class("visible")
        box.focus()

    def action_clear_filter(self) -> None:
        if self.filter or any(box.has_class("visible") for box in self.query("#filter")):
            self._set_filter("")
            self.focus_list()

    def _set_filter(self, value: str) -> None:
        self.filter = value
        if not value:
            for box in self.query("#filter").results(Input):   # none until the first /
                box.value = ""
                box.remove_class("visible")
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.filter = event.value
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.focus_list()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.view.selected:
            self.open_detail(self.view.selected)

    def open_detail(self, ident: str) -> None:
        """A detail already open or opening is left as it is: `enter` typed again before the
        first detail shows reaches the list once more (a burst over SSH or from a browser)."""
        from tui.screens.detail import DetailScreen
        if any(isinstance(screen, DetailScreen) for screen in self.app.screen_stack):
            return

        def closed(_) -> None:
            self.detail = None
            self.publish()
        self.detail = ident
        self.app.push_screen(DetailScreen(self.service.board(), ident), closed)
        self.publish()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen
        self.app.push_screen(HelpScreen())

    # --- what is selected ----------------------------------------------------------------

    def _selected(self, kind: type, what: str):
        item = self.service.board().by_id.get(self.view.selected or "")
        if not isinstance(item, kind):
            self.notify(f"Select {what} first.", severity="warning", markup=False)
            return None
        return item

    def _flagged_kpi(self) -> Health | None:
        health = self._selected(Health, "a KPI")
        if health is not None and not health.flags:
            self.notify(f"{health.kpi.name} is not flagged: interventions and new objectives "
                        "are for KPIs that need a lift.", severity="warning", markup=False)
            return None
        return health

    def _objective(self) -> okr.ObjectiveView | None:
        kr = self._selected(okr.KrView, "a key result")
        return None if kr is None else self.service.board().by_id[kr.kr.objective]

    # --- changes -------------------------------------------------------------------------

    def _open(self, form, done: str) -> None:
        def after(result) -> None:
            if result is not None:
                self.reload()
                self.notify(done, markup=False)
        self.app.push_screen(form, after)

    def _change(self, change, done) -> bool:
        """Make a change and say what it did; or say in one line why not (a refused value, a
        full disk, a read-only folder: the store on disk is the last good version)."""
        try:
            result = change()
        except (CadenceError, OSError) as exc:
            self.not_saved(exc)
            return False
        self.reload()
        self.notify(done(result), markup=False)
        return True

    def not_saved(self, exc: Exception) -> None:
        """One line on why a change was not made: a store that cannot be written says "Not
        saved"; a store that vanished or was replaced asks what to do instead."""
        if isinstance(exc, StoreLost):
            self.store_lost()
        elif isinstance(exc, OSError):
            self.notify(f"Not saved: {exc.filename}: {exc.strerror}", severity="error",
                        markup=False)
        elif isinstance(exc, StoreError):
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
        else:
            self.notify(str(exc), severity="warning", markup=False)

    # --- the store vanished or was replaced ------------------------------------------------

    def store_lost(self) -> None:
        """Ask the facilitator what to do, once: the dialog stays until they choose."""
        if self._asking_lost:
            return
        from tui.screens.store_lost import StoreLostScreen
        self._asking_lost = True
        guard = self.service.store.guard
        self.app.push_screen(StoreLostScreen(guard.lost, guard.gone), self._store_decided)

    def _store_decided(self, answer: str | None) -> None:
        self._asking_lost = False
        if answer == "quit":
            self.app.quit_without_writing()
            return
        try:
            if answer == "write_back":
                self.service.store.write_back()
                done = "Wrote the store back as this meeting had it."
            elif self.service.adopt_store():
                done = "Going on with the file as it is now."
            else:
                done = ("Going on with the file as it is now. This meeting was not in it: it "
                        "is written to it again with the next change.")
        except CadenceError as exc:              # still lost: the dialog comes back
            self.notify(f"Not written: {exc}", severity="error", markup=False)
            return
        self.reload(force=True)
        self.notify(done, markup=False)

    def action_intervention(self) -> None:
        if health := self._flagged_kpi():
            self._open(forms().intervention_form(self.service, health),
                       f"Intervention recorded on {health.kpi.name}.")

    def action_objective(self) -> None:
        if health := self._flagged_kpi():
            self._open(forms().objective_form(self.service, health),
                       f"Objective started to lift {health.kpi.name}; see OKR check-ins (3).")

    def action_measure(self) -> None:
        if health := self._selected(Health, "a KPI"):
            self._open(forms().measurement_form(self.service, health),
                       f"Value recorded for {health.kpi.name}.")

    def action_check_in(self) -> None:
        if kr := self._selected(okr.KrView, "a key result"):
            self._open(forms().checkin_form(self.service, kr), f"Checked in {kr.kr.title}.")

    def action_priority(self, up: bool) -> None:
        if view := self._objective():
            self._change(lambda: self.service.move_objective(view.objective.id, up),
                         lambda o: f"{o.title} is now priority #{o.priority}.")

    def action_retire(self) -> None:
        if view := self._objective():
            self._open(forms().retire_form(self.service, view),
                       f"Retired {view.objective.title}; its KPIs stay on the health screen.")

    def action_decision(self) -> None:
        board = self.service.board()
        selected = self.view.selected if self.stage in (1, 2, 3) else None
        self._open(forms().decision_form(self.service, selected, board.name_of(selected)),
                   "Recorded; see Decisions (4).")

    def action_verdict(self) -> None:
        if action := self._selected(Action, "a carried-over action"):
            self._open(forms().verdict_form(self.service, action), f"Settled: {action.text}")

    def _meeting(self):
        meeting = self.service.current_meeting()
        if meeting is None:
            self.notify("This meeting is not in the store (was the file replaced?).",
                        severity="warning", markup=False)
        return meeting

    def action_attendees(self) -> None:
        if meeting := self._meeting():
            self._open(forms().attendees_form(self.service, meeting), "Attendees updated.")

    def action_undo(self) -> None:
        self._change(self.service.undo, lambda event: f"Undone: {event.summary}")

    # --- keeping the system: KPIs, objectives, cycles --------------------------------------

    def action_new_kpi(self) -> None:
        self._open(manage_forms().kpi_form(self.service), "KPI added.")

    def action_edit_kpi(self) -> None:
        if health := self._selected(Health, "a KPI"):
            self._open(manage_forms().kpi_form(self.service, health), f"{health.kpi.name} saved.")

    def action_archive_kpi(self) -> None:
        if health := self._selected(Health, "a KPI"):
            self._change(lambda: self.service.archive_kpi(health.kpi.id),
                         lambda k: f"Archived {k.name}: its history stays (u undoes).")

    def action_scorecard(self) -> None:
        """One measurement form after another, for every KPI still missing its latest value;
        escape stops the walk."""
        todo = self.service.board().to_fill()
        if not todo:
            self.notify("The scorecard is full: every KPI has its latest value.", markup=False)
            return
        filled = 0

        def step(result=True) -> None:
            nonlocal filled
            filled += result is not None and result is not True
            if result is None or not todo:
                self.reload()
                self.notify(f"Scorecard: {filled} value{'s' * (filled != 1)} recorded, "
                            f"{len(self.service.board().to_fill())} still missing.",
                            markup=False)
                return
            health = todo.pop(0)
            # Each form its own id: the previous one is still being removed.
            form = forms().measurement_form(self.service, health,
                                            f"scorecard-{filled}-{len(todo)}", chained=True)
            self.app.push_screen(form, step)
        step()

    def action_new_objective(self) -> None:
        self._open(manage_forms().new_objective_form(self.service), "Objective written.")

    def action_add_key_result(self) -> None:
        if view := self._objective():
            self._open(manage_forms().key_result_form(self.service, view), "Key result added.")

    def action_edit_objective(self) -> None:
        if kr := self._selected(okr.KrView, "a key result"):
            view = self.service.board().by_id[kr.kr.objective]
            self._open(manage_forms().edit_objective_form(self.service, view, kr), "Saved.")

    def action_delete_draft(self) -> None:
        if view := self._objective():
            self._change(lambda: self.service.delete_draft(view.objective.id),
                         lambda o: f"Deleted the draft {o.title} (u undoes).")

    def action_close_cycle(self) -> None:
        if view := self._objective():
            def closed(_) -> None:
                self.reload()
            from tui.screens.cycle_close import CycleCloseScreen
            self.app.push_screen(CycleCloseScreen(self.service, view.objective.cycle), closed)

    def action_show_retired(self) -> None:
        stage = self.query_one("#stage-3", StageView)
        stage.show_retired = not stage.show_retired
        self.reload(force=True)

    def action_rate(self) -> None:
        if meeting := self._meeting():
            self._open(forms().rating_form(self.service, meeting), "Ratings saved.")

    def _minutes_changed(self) -> bool:
        return self._exported_at != len(self.service.store.events())

    def _export(self, quitting: bool = False) -> None:
        """Write the minutes beside the store (`e`, the preview's `e`, the quit dialog's).
        A file already there that is not the one this meeting last wrote is replaced only if
        the facilitator says so. `quitting`: end the meeting first, and quit once written."""
        from core import minutes
        try:
            self.app.save_clock()                  # the stage times so far; starts the meeting
            path = minutes.export_file(self.service.store, self.service.meeting)
        except CadenceError as exc:
            self.not_saved(exc)
            return

        def write(replace: bool | None = True) -> None:
            if not replace:
                self.notify(f"Minutes not written: {path} was kept as it is.", markup=False)
            elif (not quitting or self._end()) and self._change(
                    lambda: minutes.export(self.service.store, self.service.meeting),
                    lambda written: f"Minutes written to {written}"):
                self._exported_at = len(self.service.store.events())
                self._exported = current_stamp(path)
                if quitting:
                    self.app.exit()
        if path.exists() and current_stamp(path) != self._exported:
            from tui.screens.confirm import ConfirmScreen
            self.app.push_screen(ConfirmScreen(
                "Replace the minutes file?", f"{path} is already there; this meeting did not "
                "write it.", yes="replace it", no="keep it"), write)
        else:
            write()

    def action_export(self) -> None:
        self._export()

    def action_preview(self) -> None:
        from core import minutes
        from core.minutes_md import render
        from tui.screens.minutes_preview import MinutesPreview
        try:
            self.app.save_clock()
            found = minutes.build(self.service.store, self.service.meeting)
        except CadenceError as exc:
            self.not_saved(exc)
            return

        def closed(export: bool | None) -> None:
            if export:
                self._export()
        self.app.push_screen(MinutesPreview(render(found)), closed)

    def action_quit_meeting(self) -> None:
        def answered(answer: str | None) -> None:
            if answer == "export":
                self._export(quitting=True)
            elif answer == "quit" and self._end():
                self.app.exit()
        from tui.screens.quit import QuitScreen
        offer = self._minutes_changed()
        self.app.push_screen(QuitScreen(offer_export=offer, unsaved=self._unsaved_end),
                             answered)

    def _end(self) -> bool:
        """End the meeting before quitting. If its end cannot be saved, the app stays the
        first time (say, to free some space) and quits all the same the next."""
        problem = self.app.end_meeting()
        if problem is None or self._unsaved_end is not None:
            return True
        self._unsaved_end = problem
        self.notify(f"The meeting's end was not saved: {problem}. Nothing saved before is "
                    "lost; q then y quits all the same.", severity="error", markup=False)
        return False
