"""Stage 3, OKR check-ins: active objectives in priority order, the cursor on key results."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, okr
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
            text.plain(f"{o.owner} · {view.elapsed:.0%} of {o.cycle} gone", "dim"),
            text.plain(warnings, "yellow")]


def kr_cells(kr: okr.KrView) -> list[Text]:
    k = kr.kr
    path = " → ".join(fmt.value(v, k.unit) for v in (k.start, kr.current, k.target))
    title = "  " + k.title + (" ⇢ KPI" if k.kpi else "")
    return [Text(""), text.plain(title), text.bar(kr.progress), text.confidence(k.confidence),
            text.plain("behind" if kr.behind else "on pace", "bold yellow" if kr.behind else "dim"),
            text.plain(path), text.spark(list(kr.history), "none")]


def retired_cells(view: okr.ObjectiveView) -> list[Text]:
    o = view.objective
    return [text.plain("✓", "dim"), text.plain(o.title, "dim"),
            text.join("final", text.score(o.final_score, okr.score_band(o.final_score)),
                      sep=" "),
            Text(""), Text(""), text.plain(f"retired {o.retired_on} · {o.closing_note}", "dim"),
            Text("")]


class OkrStage(StageView):
    number, title = 3, "OKR check-ins"
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
