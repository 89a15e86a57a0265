"""An owner's explanation of a flagged KPI, and how long it stands.

Two kinds, because a room needs to know two different things about a red it has seen before:
- "explained": the flags are understood ("holiday effect"). It stands until a new value
  arrives — a newer period, or the same period's value replaced by another — since a new
  value is new evidence the explanation never saw. It also ends when a flag it did not cover
  appears (the value going stale, say): an explanation cannot vouch for what it never saw.
  While it stands the KPI's flags are shown dimmed beside it; they stay in the data (the
  contract's flag list is unchanged).
- "investigating": someone is finding out why. It carries over from meeting to meeting,
  whatever values arrive, until the KPI has no flag or a later explanation replaces it.

Only a KPI's newest explanation counts: a later one replaces the earlier, even once the later
has lapsed (a lapsed "explained" does not bring back an older "investigating").
"""

from collections.abc import Iterable
from typing import Any

import msgspec

from core.health import Health
from core.model import Explanation

EXPLAINED, INVESTIGATING = "explained", "investigating"
KIND_LABEL = {EXPLAINED: "explained", INVESTIGATING: "investigating"}


class Standing(msgspec.Struct, frozen=True):
    """A KPI's explanation that stands now, and whether its flags are shown dimmed."""

    explanation: Explanation

    @property
    def dims(self) -> bool:
        """An explained KPI's flags are dimmed; one under investigation's stay as they are
        (the room still owes an answer)."""
        return self.explanation.kind == EXPLAINED

    @property
    def line(self) -> str:
        """What the screens and the minutes say beside the flags: "explained: holiday
        effect", "investigating since 2026-11-22 (Lena): supplier outage"."""
        return phrase(self.explanation)


def phrase(found: Explanation) -> str:
    if found.kind == EXPLAINED:
        return f"explained: {found.text}"
    said = f": {found.text}" if found.text.strip() else ""
    return f"investigating since {found.created.isoformat()} ({found.owner}){said}"


def stands(found: Explanation, health: Health) -> bool:
    """Whether an explanation (the KPI's newest) still stands for the KPI as it is now."""
    if not health.flags:
        return False                    # nothing left to explain: the flags are gone
    if found.kind == INVESTIGATING:
        return True
    newest = health.series.newest
    same_value = (found.period is None and newest is None) or (
        newest is not None and newest.period == found.period and newest.value == found.value)
    return same_value and set(health.flag_names) <= set(found.flags)


def standing(explanations: Iterable[Explanation],
             healths: Iterable[Health]) -> dict[str, Standing]:
    """By KPI id, the explanation that stands for each KPI (its newest, if it stands).
    `explanations`: in the order they were recorded (the store's key order)."""
    newest: dict[str, Explanation] = {}
    for found in explanations:
        newest[found.kpi] = found
    if not newest:
        return {}
    return {h.kpi.id: Standing(newest[h.kpi.id]) for h in healths
            if h.kpi.id in newest and stands(newest[h.kpi.id], h)}


def as_json(found: Standing | None) -> dict[str, Any] | None:
    """What `status --format json` and the minutes carry for a KPI (null: none stands)."""
    if found is None:
        return None
    e = found.explanation
    return {"id": e.id, "kind": e.kind, "text": e.text, "owner": e.owner,
            "since": e.created.isoformat(), "meeting": e.meeting, "flags": list(e.flags),
            "period": e.period.isoformat() if e.period else None, "value": e.value,
            "dimmed": found.dims, "line": found.line}
