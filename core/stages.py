"""The agenda's stages, named once: the only place a stage's id, title, order and default
timebox live. A meeting carries its own list of stages (core.model.Stage, made from an agenda
by `core.model.planned_stages`), so an agenda template only names stage ids.

This module imports nothing of Cadence: the model's default agenda is built from it.
"""

from collections.abc import Sequence

import msgspec

from core.errors import CadenceError


class StageType(msgspec.Struct, frozen=True):
    """A kind of stage an agenda may hold."""

    id: str
    title: str
    timebox_min: int          # the default; a meeting's own stage may differ


REGISTRY: tuple[StageType, ...] = (
    StageType("health", "KPI health", 10),
    StageType("flagged", "Flagged", 15),
    StageType("okrs", "OKR check-ins", 20),
    StageType("decisions", "Decisions", 10),
    StageType("wrapup", "Wrap-up", 5),
    # The monthly strategy review's: the facilitator picks KPIs or objectives and goes deep.
    StageType("deepdive", "Deep dive", 30),
    # The quarterly review's: key results' final values, the cycle's close, the next cycle.
    StageType("scoring", "Scoring", 20),
    StageType("close", "Cycle close", 15),
    StageType("drafting", "Next cycle", 20),
)
# The weekly operating review: the contract's five stages, in this order (keys 1-5).
WEEKLY: tuple[str, ...] = ("health", "flagged", "okrs", "decisions", "wrapup")

_BY_ID = {t.id: t for t in REGISTRY}
_BY_TITLE = {t.title: t for t in REGISTRY}


def find(stage_id: str) -> StageType | None:
    return _BY_ID.get(stage_id)


def titled(title: str) -> StageType | None:
    """The stage type of a stage written before stages had ids (by its exact title: a stage
    renamed by hand is a stage of its own)."""
    return _BY_TITLE.get(title)


def agenda(ids: Sequence[str]) -> tuple[StageType, ...]:
    """The stage types an agenda names, in its order; an unknown id is refused."""
    unknown = [i for i in ids if i not in _BY_ID]
    if unknown:
        raise CadenceError(f"agenda: no stage {unknown[0]!r} (stages: {', '.join(_BY_ID)})")
    return tuple(_BY_ID[i] for i in ids)
