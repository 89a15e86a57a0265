"""Which kind of stage each stage of a meeting is (its view), from the meeting's stage list."""

from collections.abc import Sequence

from core.model import Stage

_BY_TITLE = {"KPI health": "health", "Flagged": "flagged", "OKR check-ins": "okrs",
             "Decisions": "decisions", "Wrap-up": "wrapup"}
WEEKLY = ("health", "flagged", "okrs", "decisions", "wrapup")


def stage_ids(stages: Sequence[Stage]) -> list[str]:
    """A stage's kind, by its id, else by its title; a stage of an unknown kind is shown as
    the weekly review's stage at its place."""
    return [getattr(s, "id", "") or _BY_TITLE.get(s.name) or WEEKLY[min(i, len(WEEKLY) - 1)]
            for i, s in enumerate(stages)]
