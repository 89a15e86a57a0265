"""Scoring (the quarterly review): every active objective's key results with the values they
end the cycle on; `c` records a key result's final value, and the score is the mean
progress. The OKR stage's list, told as the cycle's scoring."""

from rich.text import Text
from textual.widgets import Static

from core import fmt
from tui import text
from tui.stages.base import Context
from tui.stages.okrs import OkrStage


class ScoringStage(OkrStage, inherit_bindings=False):
    """Its own keys only (the key table's for scoring), not the OKR stage's it inherits."""

    stage_id = "scoring"

    def populate(self, ctx: Context) -> None:
        super().populate(ctx)
        self.query_one("#okr-summary", Static).update(caption(ctx))


def caption(ctx: Context) -> Text:
    active = ctx.board.active
    if not active:
        return Text("No active objective to score.", style="dim")
    scores = [v.score for v in active if v.score is not None]
    mean = sum(scores) / len(scores) if scores else None
    return text.assemble(("Score the cycle: ", "bold"),
                         f"{len(active)} objectives, mean score {fmt.score(mean)} · ",
                         ("c records a key result's final value; the next stages close the "
                          "cycle", "dim"))
