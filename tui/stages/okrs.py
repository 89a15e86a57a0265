"""OKR check-ins: active objectives in priority order, the cursor on key results."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, okr, words
from core.board import Board
from core.commands import okrs
from core.events import EventKind
from core.words import WARNING_LABEL
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.widgets.selected_line import SelectedLine
from tui.widgets.review_table import Column, ReviewTable


# At 80 columns: the title, progress, confidence and pace; start → now → target, check-ins and
# an objective's owner and warnings drop, and the line under the list has them whole. Rows stay
# one line (two-line rows would show half as many key results in 24 rows, and the walk through
# them is the stage's point).
COLUMNS = (Column("#", 3), Column("objective / key result", 30, text=True),
           Column("progress", 15, priority=1), Column("confidence", 10, priority=2),
           Column("pace", 8, priority=3), Column("start → now → target", 24, priority=4),
           Column("check-ins", 13, priority=5, least=9))


def objective_cells(view: okr.ObjectiveView) -> list[Text]:
    o = view.objective
    return [text.plain(f"#{o.priority}", "bold"), text.plain(o.title, "bold"),
            text.join("score", text.score(view.score, okr.score_band(view.score)), sep=" "),
            # Its pace's share (core/okr.py pace_elapsed): of the cycle left when it was written.
            Text(""), text.plain(f"{view.elapsed:.0%} gone", "dim"),
            text.plain(f"{o.owner} · {o.cycle}", "dim"), warnings(view)]


def warnings(view: okr.ObjectiveView) -> Text:
    return text.plain("  ".join(WARNING_LABEL[w.code] for w in view.warnings),
                      text.STYLE["warning"])


def path(kr: okr.KrView) -> str:
    k = kr.kr
    return " → ".join(fmt.value(v, k.unit) for v in (k.start, kr.current, k.target))


def pace(kr: okr.KrView) -> Text:
    return text.plain(words.pace(kr.behind), text.STYLE["behind"] if kr.behind else "dim")


def kr_cells(kr: okr.KrView) -> list[Text]:
    k = kr.kr
    title = "  " + k.title + (" ⇢ KPI" if k.kpi else "")
    return [Text(""), text.plain(title), text.bar(kr.progress), text.confidence(k.confidence),
            pace(kr), text.plain(path(kr)), text.spark(list(kr.history), "none")]


def retired_cells(view: okr.ObjectiveView) -> list[Text]:
    o = view.objective
    return [text.plain("✓", "dim"), text.plain(o.title, "dim"),
            text.join("final", text.score(o.final_score, okr.score_band(o.final_score)),
                      sep=" "),
            Text(""), Text(""), text.plain(f"retired {o.retired_on} · {o.closing_note}", "dim"),
            Text("")]


def selected_line(board: Board | None, kr: okr.KrView | None) -> Text:
    """The selected key result whole, then its objective, on two lines."""
    if board is None or kr is None:
        return Text("")
    k = kr.kr
    view = board.by_id[k.objective]
    o = view.objective
    # What the list drops first comes first: it is read here or nowhere.
    head = text.join(text.assemble((k.title, "bold"), f": {path(kr)}"),
                     *([text.join("check-ins", text.spark(list(kr.history), "none"), sep=" ")]
                       if kr.history else []),
                     text.plain(f"{kr.progress:.0%}"), text.confidence(k.confidence), pace(kr),
                     *([text.plain(f"KPI {board.name_of(k.kpi)}")] if k.kpi else []),
                     *([text.forecast(board.forecasts[k.id], k.unit, whole=False)]
                       if k.id in board.forecasts else []), sep=" · ")
    objective = text.join(text.plain(f"#{o.priority} {o.title}", "bold"),
                          text.join("score", text.score(view.score, okr.score_band(view.score)),
                                    sep=" "),
                          text.plain(f"{o.owner} · {o.cycle}, {view.elapsed:.0%} gone"),
                          *([warnings(view)] if view.warnings else []), sep=" · ")
    return Text("\n").join([head, objective])


class OkrStage(StageView):
    stage_id = "okrs"
    noun, summary = "key result", "#okr-summary"
    show_retired = False
    _board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="okr-summary", classes="summary")
        yield ReviewTable(COLUMNS)
        yield SelectedLine()

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        groups, rows, order = [], [], []
        for view in ctx.board.active:
            krs = [k for k in view.krs if matches(ctx.filter, view.objective.title,
                                                   view.objective.owner, k.kr.title)]
            if not krs and ctx.filter:
                continue
            groups.append((view.objective.id, objective_cells(view)))
            order.append(view.objective.id)
            for kr in krs:
                rows.append((kr.kr.id, kr_cells(kr)))
                order.append(kr.kr.id)
        if self.show_retired:
            for view in (v for v in ctx.board.objectives if v.objective.status == "retired"):
                if matches(ctx.filter, view.objective.title, view.objective.owner):
                    groups.append((view.objective.id, retired_cells(view)))
                    order.append(view.objective.id)
        self.table.fill(rows, groups, order)
        self.query_one("#okr-summary", Static).update(summary(ctx, self.show_retired))
        self.show_selection()

    def show_selection(self) -> None:
        item = self._board.by_id.get(self.selected or "") if self._board else None
        kr = item if isinstance(item, okr.KrView) else None
        self.query_one(SelectedLine).show(selected_line(self._board, kr))

    def decision_link(self) -> str | None:
        return self.selected

    def issue_source(self) -> tuple[str | None, str]:
        """An issue on the selected key result's objective (its title: where it stands)."""
        from core.issues import objective_title
        kr = self.board.get(self.selected, okr.KrView)
        view = self.board.get(kr.kr.objective, okr.ObjectiveView) if kr else None
        return (view.objective.id, objective_title(view)) if view else (None, "")

    def objective(self) -> okr.ObjectiveView | None:
        """The objective of the selected key result (`+`, `-`, `r` act on objectives)."""
        kr = self.chosen(okr.KrView, "a key result")
        return None if kr is None else self.board.by_id[kr.kr.objective]

    def action_check_in(self) -> None:
        from tui.forms.meeting_forms import checkin_form
        if kr := self.chosen(okr.KrView, "a key result"):
            self.open_form(checkin_form(self.controller.session, kr), f"Checked in {kr.kr.title}.")

    def action_priority(self, up: bool) -> None:
        if view := self.objective():
            self.change(lambda: self.controller.session.run(
                            EventKind.OBJECTIVE_PRIORITY, okrs.move, view.objective.id, up),
                        lambda o: f"{o.title} is now priority #{o.priority}.")

    def action_retire(self) -> None:
        from tui.forms.meeting_forms import retire_form
        if view := self.objective():
            self.open_form(retire_form(self.controller.session, view),
                           f"Retired {view.objective.title}; its KPIs stay on the health screen.")

    def action_new_objective(self) -> None:
        from tui.forms.manage_forms import new_objective_form
        self.open_form(new_objective_form(self.controller.session), "Objective written.")

    def action_add_key_result(self) -> None:
        from tui.forms.manage_forms import key_result_form
        if view := self.objective():
            self.open_form(key_result_form(self.controller.session, view), "Key result added.")

    def action_edit_objective(self) -> None:
        from tui.forms.manage_forms import edit_objective_form
        if kr := self.chosen(okr.KrView, "a key result"):
            view = self.board.by_id[kr.kr.objective]
            self.open_form(edit_objective_form(self.controller.session, view, kr), "Saved.")

    def action_delete_draft(self) -> None:
        """Asks first; an objective with history is refused at once (core says why)."""
        if (view := self.objective()) is None:
            return

        def delete() -> None:
            self.change(lambda: self.controller.session.run(
                            EventKind.OBJECTIVE_DELETE, okrs.delete_draft, view.objective.id),
                        lambda o: f"Deleted the draft {o.title} (u undoes).")
        if not okr.is_draft(view):
            delete()
            return
        self.ask_first(f"Delete the draft {view.objective.title}?", "It goes with its key "
                       "results; u undoes it.", "delete it", delete)

    def action_close_cycle(self) -> None:
        from tui.screens.cycle_close import CycleCloseScreen
        if view := self.objective():
            screen = CycleCloseScreen(self.controller.session, view.objective.cycle,
                                      self.controller.carry)
            self.app.push_screen(screen, lambda _: self.post_message(self.Changed("")))

    def action_show_retired(self) -> None:
        self.show_retired = not self.show_retired
        self.shown = None                               # refilled, whatever else is the same
        self.post_message(self.Changed(""))


def summary(ctx: Context, showing_retired: bool) -> Text:
    active = ctx.board.active
    hide = f"H {'hides' if showing_retired else 'shows'} retired"
    if getattr(ctx.board, "teams", None) is not None:     # a roll-up's: each team keeps its own
        return Text(f"{len(active)} active, each team's by its own priority · d decides about "
                    f"the selected one · {hide}", style="dim")
    line = Text(f"{len(active)} active · c check in · +/- re-rank · r retire · N new · {hide}",
                style="dim")
    if not active:
        line = Text("No active objective: N writes one, or o on a flagged KPI starts one to "
                    "lift it.", style="dim")
    ended = ctx.board.ended_cycles()
    if ended:
        line.append("\n")
        line.append_text(text.plain(f"{', '.join(ended)} has ended: C closes it.",
                                    text.STYLE["warning"]))
    return line
