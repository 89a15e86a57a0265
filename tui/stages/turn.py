"""The quarterly review's cycle close and next cycle (core/turn.py): the cycle this meeting
closes, each objective with its final score and whether it carries forward (`space` changes
that), and the next cycle as it will start; `C` makes the turn, one change `u` takes back.

Which cycle: the earliest that has ended with objectives still active, else the one that ends
first; once shown it stays this meeting's, so after the turn both stages show what it did
(rather than offering to close the next cycle at once)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, okr, turn
from core.board import Board
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.widgets.review_table import Column, ReviewTable
from tui.widgets.selected_line import SelectedLine


def plan_of(controller, board: Board) -> turn.Turn | None:
    """The turn as the facilitator plans it now; None without a cycle to close."""
    if controller.closing is None:
        controller.closing = turn.closing_cycle(board.objectives, board.ended_cycles())
    if controller.closing is None:
        return None
    return turn.plan(board.objectives, controller.closing, controller.carry)


def fate(item: turn.Item, plan: turn.Turn, short: bool = False) -> Text:
    if item.carry:
        return text.plain(f"→ {plan.next}" if short else f"→ carries to {plan.next}",
                          "bold cyan")
    return text.plain("✓ retires", "dim")


def score_cell(score: float | None, label: str = "score") -> Text:
    return text.join(label, text.score(score, okr.score_band(score)), sep=" ")


class TurnStage(StageView):
    """What the cycle's close and the next cycle share: the plan, `space` and `C`."""

    noun = "objective"
    _board: Board | None = None
    _plan: turn.Turn | None = None

    COLUMNS: tuple[Column, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id=self.summary[1:], classes="summary")
        yield ReviewTable(self.COLUMNS)
        yield SelectedLine()

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        self._plan = plan_of(self.controller, ctx.board)
        self.query_one(self.summary, Static).update(self.caption(ctx.board, self._plan))
        self.fill_rows(ctx, self._plan)
        self.show_selection()

    def fill_rows(self, ctx: Context, plan: turn.Turn | None) -> None:
        raise NotImplementedError

    def caption(self, board: Board, plan: turn.Turn | None) -> Text:
        if plan is None:
            return Text("No active objective: there is no cycle to close.", style="dim")
        if not plan.items:
            return self.turned(board, plan)
        return text.assemble(
            (f"Close {plan.cycle}: ", "bold"),
            f"{len(plan.carried)} carry forward to {plan.next}, {len(plan.retiring)} retire · ",
            ("space carries or retires the selected · C closes the cycle", "dim"))

    def turned(self, board: Board, plan: turn.Turn) -> Text:
        started = [v for v in board.active if v.objective.cycle == plan.next]
        carried = [v for v in started if v.objective.carried_from]
        return text.assemble((f"{plan.cycle} is closed. ", "bold"),
                             f"{plan.next} has {len(started)} active objectives, "
                             f"{len(carried)} carried forward · ", ("u undoes the close", "dim"))

    def item(self) -> turn.Item | None:
        """The plan's objective of the selected row (a key result's, in the next cycle)."""
        if self._plan is None:
            return None
        found = self.board.by_id.get(self.selected or "")
        ident = found.kr.objective if isinstance(found, okr.KrView) else self.selected
        return next((i for i in self._plan.items if i.view.objective.id == ident), None)

    def decision_link(self) -> str | None:
        return self.selected

    def show_selection(self) -> None:
        board, found = self._board, None
        if board is not None and self.selected:
            found = board.by_id.get(self.selected)
        line = Text("")
        if isinstance(found, okr.ObjectiveView):
            line = objective_line(found)
        elif isinstance(found, okr.KrView):
            line = kr_line(found)
        self.query_one(SelectedLine).show(line)

    def action_toggle_carry(self) -> None:
        item = self.item()
        if item is None:
            self.notify("Select an objective of the cycle being closed first.",
                        severity="warning")
            return
        title = item.view.objective.title
        if not item.carry and not item.remaining:
            self.notify(f"{title}: every key result is at target; it retires.",
                        severity="warning")
            return
        self.controller.carry[item.view.objective.id] = not item.carry
        self.shown = None                               # refilled, whatever else is the same
        said = (f"{title} retires." if item.carry else
                f"{title} carries forward to {self._plan.next}.")
        self.post_message(self.Changed(said, [item.view.objective.id]))

    def action_turn(self) -> None:
        from tui.forms.manage_forms import close_cycle_form
        plan = plan_of(self.controller, self.board)
        if plan is None or not plan.items:
            self.notify("No active objective left in this cycle: nothing to close.",
                        severity="warning")
            return
        carried = len(plan.carried)
        done = (f"Closed {plan.cycle}: {len(plan.items)} retired"
                + (f", {carried} carried forward to {plan.next}." if carried else "."))

        def after(result: object) -> None:
            if result is not None:
                self.controller.carry.clear()       # the plan is spent: an undo plans afresh
                self.post_message(self.Changed(done))
        self.app.push_screen(close_cycle_form(self.controller.session, plan), after)


def objective_line(view: okr.ObjectiveView) -> Text:
    o = view.objective
    return text.join(text.plain(o.title, "bold"), score_cell(view.score),
                     text.plain(f"{o.owner} · {o.cycle}"),
                     text.plain(f"{sum(k.progress >= 1 for k in view.krs)} of {len(view.krs)} "
                                "key results at target"), sep=" · ")


def kr_line(kr: okr.KrView) -> Text:
    k = kr.kr
    return text.join(text.plain(k.title, "bold"),
                     text.plain(" → ".join(fmt.value(v, k.unit)
                                           for v in (k.start, kr.current, k.target))),
                     text.plain(f"{kr.progress:.0%}"), sep=" · ")


CLOSE_COLUMNS = (Column("objective", 26, text=True), Column("final score", 11),
                 Column("key results", 11, priority=2), Column("next", 20, priority=1),
                 Column("closing note", 24, priority=3, least=10))


class CloseStage(TurnStage):
    """The cycle's close: its objectives with their final scores and what becomes of each."""

    stage_id = "close"
    summary = "#close-summary"
    COLUMNS = CLOSE_COLUMNS

    def fill_rows(self, ctx: Context, plan: turn.Turn | None) -> None:
        rows = []
        if plan is not None:
            for item in plan.items:
                v = item.view
                if matches(ctx.filter, v.objective.title, v.objective.owner):
                    rows.append((v.objective.id, self.cells(v, fate(item, plan), "")))
            carried = {v.objective.carried_from: v.objective.cycle
                       for v in ctx.board.objectives if v.objective.carried_from}
            for v in ctx.board.objectives:           # retired in this cycle: as they closed
                o = v.objective
                if o.cycle == plan.cycle and o.status == "retired" \
                        and matches(ctx.filter, o.title, o.owner):
                    after = (f"retired → {carried[o.id]}" if o.id in carried else "retired")
                    rows.append((o.id, self.cells(v, text.plain(after, "dim"),
                                                  o.closing_note, o.final_score)))
        self.table.fill(rows)

    @staticmethod
    def cells(v: okr.ObjectiveView, after: Text, note: str,
              final: float | None = None) -> list[Text]:
        score = final if v.objective.status == "retired" else v.score
        done = sum(k.progress >= 1 for k in v.krs)
        return [text.plain(v.objective.title, "bold"),
                text.score(score, okr.score_band(score)),
                text.plain(f"{done} of {len(v.krs)} done"), after, text.plain(note, "dim")]

    def action_retire(self) -> None:
        """`r`: retire the selected objective now, alone (it is not carried forward)."""
        from tui.forms.meeting_forms import retire_form
        item = self.item()
        if item is None:
            self.notify("Select an active objective of the cycle first.", severity="warning")
            return
        self.open_form(retire_form(self.controller.session, item.view),
                       f"Retired {item.view.objective.title}.")


DRAFT_COLUMNS = (Column("next cycle", 34, text=True), Column("start", 10, priority=1),
                 Column("target", 10, priority=1), Column("", 20, priority=2, least=12))


class DraftingStage(TurnStage):
    """The next cycle as the turn will start it: the objectives carried forward with their
    remaining key results from today's values (those at target stay behind), and those that
    retire; after the turn, the next cycle's objectives."""

    stage_id = "drafting"
    noun, summary = "objective or key result", "#drafting-summary"
    COLUMNS = DRAFT_COLUMNS

    def fill_rows(self, ctx: Context, plan: turn.Turn | None) -> None:
        groups, rows, order = [], [], []
        if plan is not None and plan.items:
            for item in plan.items:
                self.add_item(ctx, plan, item, groups, rows, order)
        elif plan is not None:
            for v in (v for v in ctx.board.active if v.objective.cycle == plan.next):
                if matches(ctx.filter, v.objective.title, v.objective.owner):
                    o = v.objective
                    origin = f"carried from {plan.cycle}" if o.carried_from else o.owner
                    groups.append((o.id, [text.plain(o.title, "bold"), Text(""), Text(""),
                                          text.plain(origin, "dim")]))
                    order.append(v.objective.id)
                    for kr in v.krs:
                        rows.append((kr.kr.id, self.kr_cells(kr, kr.kr.start, "")))
                        order.append(kr.kr.id)
        self.table.fill(rows, groups, order)

    def add_item(self, ctx: Context, plan: turn.Turn, item: turn.Item, groups: list,
                 rows: list, order: list) -> None:
        o = item.view.objective
        if not matches(ctx.filter, o.title, o.owner):
            return
        head = f"→ {o.title}" if item.carry else f"✓ {o.title}"
        groups.append((o.id, [text.plain(head, "bold" if item.carry else "dim"), Text(""),
                              Text(""), fate(item, plan, short=True)]))
        order.append(o.id)
        shown = item.remaining if item.carry else item.view.krs
        for kr in shown:
            rows.append((kr.kr.id, self.kr_cells(kr, kr.current if item.carry else kr.kr.start,
                                                 "from today" if item.carry
                                                 else f"{kr.progress:.0%} at close")))
            order.append(kr.kr.id)
        if item.carry:
            for kr in item.dropped:
                rows.append((kr.kr.id, [text.plain(f"  ✓ {kr.kr.title}", "dim"), Text(""),
                                        Text(""), text.plain("at target: done", "dim")]))
                order.append(kr.kr.id)

    @staticmethod
    def kr_cells(kr: okr.KrView, start: float, note: str) -> list[Text]:
        k = kr.kr
        return [text.plain("  " + k.title + (" ⇢ KPI" if k.kpi else "")),
                text.plain(fmt.value(start, k.unit)), text.plain(fmt.value(k.target, k.unit)),
                text.plain(note, "dim")]
