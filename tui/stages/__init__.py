"""The stage views, one per kind of stage in core's registry. Only the first stage of a meeting
is imported before the first frame; the others on their first visit (a few milliseconds each),
hence the imports inside the function."""

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING

from core.model import Stage
from core.stages import WEEKLY

if TYPE_CHECKING:
    from tui.stages.base import StageView


def kinds(stages: Sequence[Stage]) -> list[str]:
    """Each stage's kind (core/stages.py), by which its view is chosen. A stage the registry
    does not know (renamed by hand) is shown as the weekly review's stage at its place."""
    return [s.kind.id if s.kind else WEEKLY[min(i, len(WEEKLY) - 1)]
            for i, s in enumerate(stages)]


# Each kind of stage's view: its module and class, imported on the stage's first visit.
VIEWS: dict[str, tuple[str, str]] = {
    "health": ("tui.stages.health", "HealthStage"),
    "flagged": ("tui.stages.flagged", "FlaggedStage"),
    "okrs": ("tui.stages.okrs", "OkrStage"),
    "decisions": ("tui.stages.decisions", "DecisionsStage"),
    "wrapup": ("tui.stages.wrapup", "WrapUpStage"),
    "deepdive": ("tui.stages.deepdive", "DeepDiveStage"),
    "scoring": ("tui.stages.scoring", "ScoringStage"),
    "close": ("tui.stages.turn", "CloseStage"),
    "drafting": ("tui.stages.turn", "DraftingStage"),
}


def view_class(stage_id: str) -> type["StageView"]:
    """The view that shows a stage of this kind."""
    if stage_id not in VIEWS:
        raise ValueError(f"no view for the stage kind {stage_id!r}")
    module, name = VIEWS[stage_id]
    found: type[StageView] = getattr(import_module(module), name)
    return found
