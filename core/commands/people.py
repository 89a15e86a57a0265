"""People: one name merged into another ("Lena" into "Lena Fischer"), every reference
rewritten in one change — so one undo takes it all back."""

from collections.abc import Callable

from core.commands import documents
from core.errors import CadenceError, ValidationError
from core.model import Action, Issue, Kpi, Meeting, Objective
from core.names import name_key, require_plain
from core.store import Transaction


def merge(tx: Transaction, source: str, into: str) -> int:
    """Every reference to `source` (as people read a name: core.names.name_key) becomes
    `into`: the owners of KPIs, objectives and actions, who raised an issue, and each
    meeting's attendees, facilitator and ratings. Returns how many documents changed."""
    source, into = source.strip(), into.strip()
    for name, field in ((source, "from"), (into, "into")):
        if not name:
            raise ValidationError(field, "must not be empty", "merge")
        require_plain(name, field, "merge")
    gone = name_key(source)
    if gone == name_key(into):
        raise CadenceError(f"{source!r} and {into!r} are one name already")

    def same(name: str) -> bool:
        return name_key(name) == gone

    changed = 0
    for cls, field in ((Kpi, "owner"), (Objective, "owner"), (Action, "owner"),
                       (Issue, "raised_by")):
        for value in tx.records(cls):
            if same(getattr(value, field)):
                documents.save(tx, value.evolve(**{field: into}))
                changed += 1
    for meeting in tx.records(Meeting):
        merged = _merged_meeting(meeting, same, into)
        if merged != meeting:
            documents.save(tx, merged)
            changed += 1
    if not changed:
        raise CadenceError(f"nobody named {source!r}: `cadence people` lists the names")
    tx.summary = f"merged {source!r} into {into!r} ({changed} records)"
    return changed


def _merged_meeting(meeting: Meeting, same: Callable[[str], bool], into: str) -> Meeting:
    """Attendees with `into` once, in the place of the first of the two; the facilitator; a
    rating given under the old name kept under the new (the new name's own, if it has one)."""
    attendees: list[str] = []
    for person in meeting.attendees:
        name = into if same(person) else person
        if name_key(name) != name_key(into) or not any(a == into for a in attendees):
            attendees.append(name)
    ratings = {(into if same(p) else p): r for p, r in meeting.ratings.items() if same(p)}
    ratings.update((p, r) for p, r in meeting.ratings.items() if not same(p))
    return meeting.evolve(attendees=tuple(attendees),
                          facilitator=into if same(meeting.facilitator) else meeting.facilitator,
                          ratings=ratings)
