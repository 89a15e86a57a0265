"""OKR check-ins: active objectives in priority order, the cursor on key results."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, okr, words
from core.commands import okrs
from core.events import EventKind
from core.words import WARNING_LABEL
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.widgets.review_table import ReviewTable


def objective_cells(view: okr.ObjectiveView) -> list[Text]:
    o = view.objective
    warnings = "  ".join(WARNING_LABEL[w.code] for w in view.warnings)
    return [text.plain(f"#{o.priority}", "bold"), text.plain(o.title, "bold"),
            text.join("score", text.score(view.score, okr.score_band(view.score)), sep=" "),
            Text(""), Text(""),
            # Its pace's share (core/okr.py pace_elapsed): of the cycle left when it was written.
            text.plain(f"{o.owner} · {o.cycle}, {view.elapsed:.0%} of its time gone", "dim"),
            text.plain(warnings, "yellow")]


def kr_cells(kr: okr.KrView) -> list[Text]:
    k = kr.kr
    path = " → ".join(fmt.value(v, k.unit) for v in (k.start, kr.current, k.target))
    title = "  " + k.title + (" ⇢ KPI" if k.kpi else "")
    return [Text(""), text.plain(title), text.bar(kr.progress), text.confidence(k.confidence),
            text.plain(words.pace(kr.behind), "bold yellow" if kr.behind else "dim"),
            text.plain(path), text.spark(list(kr.history), "none")]


def retired_cells(view: okr.ObjectiveView) -> list[Text]:
    o = view.objective
    return [text.plain("✓", "dim"), text.plain(o.title, "dim"),
            text.join("final", text.score(o.final_score, okr.score_band(o.final_score)),
                      sep=" "),
            Text(""), Text(""), text.plain(f"retired {o.retired_on} · {o.closing_note}", "dim"),
            Text("")]


class OkrStage(StageView):
    stage_id = "okrs"
    noun, summary = "key result", "#okr-summary"
    show_retired = False

    def compose(self) -> ComposeResult:
        yield Static(id="okr-summary", classes="summary")
        yield ReviewTable(["#", "objective / key result", "progress", "confidence", "pace",
                           "start → now → target", "check-ins"], widths={1: 34})

    def populate(self, ctx: Context) -> None:
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

    def decision_link(self) -> str | None:
        return self.selected

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
        if view := self.objective():
            self.change(lambda: self.controller.session.run(
                            EventKind.OBJECTIVE_DELETE, okrs.delete_draft, view.objective.id),
                        lambda o: f"Deleted the draft {o.title} (u undoes).")

    def action_close_cycle(self) -> None:
        from tui.screens.cycle_close import CycleCloseScreen
        if view := self.objective():
            screen = CycleCloseScreen(self.controller.session, view.objective.cycle)
            self.app.push_screen(screen, lambda _: self.post_message(self.Changed("")))

    def action_show_retired(self) -> None:
        self.show_retired = not self.show_retired
        self.shown = None                               # refilled, whatever else is the same
        self.post_message(self.Changed(""))


def summary(ctx: Context, showing_retired: bool) -> Text:
    active = ctx.board.active
    line = Text(f"{len(active)} active · c check in · +/- re-rank · r retire · N new · "
                f"H {'hides' if showing_retired else 'shows'} retired", style="dim")
    if not active:
        line = Text("No active objective: N writes one, or o on a flagged KPI starts one to "
                    "lift it.", style="dim")
    ended = ctx.board.ended_cycles()
    if ended:
        line.append("\n")
        line.append_text(text.plain(f"{', '.join(ended)} has ended: C closes it.", "yellow"))
    return line
