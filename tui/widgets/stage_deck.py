"""The meeting's stages, one view each, stacked so one shows at a time, and the keys that move
between them. A stage's view is built on its first visit (the first frame waits for one view
only), and refilled only when what it shows has changed: switching back to a stage of 500 rows
costs no refill."""

from textual.message import Message
from textual.widgets import ContentSwitcher

from tui import keys
from tui.stages import view_class
from tui.stages.base import Context, StageView


class StageDeck(ContentSwitcher):
    BINDINGS = keys.bindings("deck")

    class Shown(Message):
        """Another stage is shown, by one of the deck's keys."""

    def __init__(self, controller, number: int):
        """`number`: the stage shown first (1-based), built before the first frame."""
        self.controller = controller
        self.number = number
        super().__init__(self._build(number), initial=f"stage-{number}", id="stages")

    def _build(self, number: int) -> StageView:
        kind = self.controller.stage_ids[number - 1]
        return view_class(kind)(self.controller, number)

    @property
    def view(self) -> StageView:
        return self.query_one(f"#stage-{self.number}", StageView)

    async def show(self, number: int) -> None:
        if not self.is_attached:        # the app is closing (a signal, keys still arriving):
            return                      # a stage mounted now would fail it (MountError)
        if not self.query(f"#stage-{number}"):
            await self.mount(self._build(number))
        self.number = number
        self.current = f"stage-{number}"

    def refill(self, context: Context, version: int, force: bool = False) -> None:
        """Fill the shown stage, unless it already shows this version of the store, this day,
        this filter and this meeting."""
        shown = (version, context.board.today, context.filter, context.meeting)
        if force or self.view.shown != shown:
            self.view.fill(context)
            self.view.shown = shown

    # --- moving between stages -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "goto" and parameters and parameters[0] > len(self.controller.stage_ids):
            return False                                 # no such stage in this agenda
        return self.controller.allows(action)

    async def action_goto(self, number: int) -> None:
        if self.controller.writable:                     # a follower's clock is the facilitator's
            self.controller.clock.switch(number - 1)
        await self.show(number)
        self.post_message(self.Shown())

    async def action_next_stage(self) -> None:
        if self.number < len(self.controller.stage_ids):
            await self.action_goto(self.number + 1)
        else:
            self.notify("This is the last stage. q ends the meeting.")

    async def action_previous_stage(self) -> None:
        if self.number > 1:
            await self.action_goto(self.number - 1)

    async def action_skip(self) -> None:
        self.controller.clock.skip(self.number - 1)
        self.notify(f"Skipped {self.controller.clock.stages[self.number - 1].name}.")
        await self.action_next_stage()
