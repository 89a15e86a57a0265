"""The stage views, one per kind of stage in core's registry. Only the first stage of a meeting
is imported before the first frame; the others on their first visit (a few milliseconds each),
hence the imports inside the function."""

from collections.abc import Sequence
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


def view_class(stage_id: str) -> type["StageView"]:
    """The view that shows a stage of this kind."""
    if stage_id == "health":
        from tui.stages.health import HealthStage
        return HealthStage
    if stage_id == "flagged":
        from tui.stages.flagged import FlaggedStage
        return FlaggedStage
    if stage_id == "okrs":
        from tui.stages.okrs import OkrStage
        return OkrStage
    if stage_id == "decisions":
        from tui.stages.decisions import DecisionsStage
        return DecisionsStage
    if stage_id == "wrapup":
        from tui.stages.wrapup import WrapUpStage
        return WrapUpStage
    raise ValueError(f"no view for the stage kind {stage_id!r}")
