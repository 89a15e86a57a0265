"""Undo: a meeting's changes taken back one event at a time, newest first. The undo is an
event too (kind `undo`, naming the event it undid), so it is in the log and the minutes skip
what it took back."""

from core import series
from core.errors import CadenceError
from core.events import undoable
from core.model import PREFIXES, Change, CheckIn, Doc, Event, Explanation, Kpi, make_id
from core.store import ABSENT, Transaction, changed_fields


def undo(tx: Transaction, meeting_id: str | None) -> Event:
    """Revert the meeting's latest change not yet undone; returns its event."""
    if meeting_id is None:
        raise CadenceError("nothing to undo: only changes made in a meeting can be undone")
    target = latest_undoable(tx, meeting_id)
    if target is None:
        raise CadenceError("nothing left to undo in this meeting")
    for change in reversed(target.changes):
        tx.put(change.table, change.key,
               reverted(tx.get(change.table, change.key), change, target.summary))
    tx.undoes, tx.summary = target.id, f"undid {target.summary}"
    return target


def latest_undoable(tx: Transaction, meeting_id: str) -> Event | None:
    events = tx.records(Event)
    undone = {e.undoes for e in events if e.undoes}
    return next((e for e in reversed(events) if e.meeting == meeting_id
                 and undoable(e.kind) and e.id not in undone), None)


def reverted(current: Doc | None, change: Change, summary: str) -> Doc | None:
    """A document with one change taken back. An update is reverted field by field, so later
    changes to other fields (attendees after a verdict) survive; a field changed again since,
    or an added or removed document that changed since, refuses the undo."""
    if change.before is None or change.after is None or current is None:
        if current != change.after:
            raise CadenceError(f"cannot undo {summary!r}: it was changed again since")
        return change.before
    fields = changed_fields(change.before, change.after)
    if any(current.get(k, ABSENT) != change.after.get(k, ABSENT) for k in fields):
        raise CadenceError(f"cannot undo {summary!r}: it was changed again since")
    restored = {k: v for k, v in current.items() if k not in fields}
    restored.update((k, change.before[k]) for k in fields if k in change.before)
    return restored


def about(event: Event) -> list[str]:
    """The ids of what an event changed, in its order, as the meeting lists them: a value's
    KPI, a check-in's key result, an explanation's KPI (the app puts its cursor back on the
    row an undo was about)."""
    found = []
    for change in event.changes:
        doc = change.after or change.before or {}
        if change.table == series.TABLE:
            found.append(make_id(Kpi.TABLE, change.key))
        elif change.table == CheckIn.TABLE and isinstance(doc.get("kr"), str):
            found.append(doc["kr"])
        elif change.table == Explanation.TABLE and isinstance(doc.get("kpi"), str):
            found.append(doc["kpi"])
        elif change.table in PREFIXES:
            found.append(make_id(change.table, change.key))
    return list(dict.fromkeys(found))
