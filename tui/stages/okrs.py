"""Stage 3, OKR check-ins: active objectives in priority order, the cursor on key results."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from core import fmt, okr
from tui import text
from tui.stages.base import Context, StageView, matches
from tui.widgets.review_table import ReviewTable

SHORT_WARNING = {"has": "⚠ key results", "points": "⚠ no KPI link"}


def objective_cells(view: okr.ObjectiveView) -> list[Text]:
    o = view.objective
    warnings = "  ".join(SHORT_WARNING[w.split()[0]] for w in view.warnings)
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


class OkrStage(StageView):
    number, title = 3, "OKR check-ins"

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
        self.table.fill(rows, groups, order)
        active = ctx.board.active
        summary = (f"{len(active)} active objective{'s' * (len(active) != 1)} · c check in · "
                   "+ / - re-rank · r retire")
        self.query_one("#okr-summary", Static).update(
            Text(summary if active else "No active objective. Press o on a flagged KPI to "
                 "start one.", style="dim"))
