"""Since last meeting: what changed between the read model as the last ended meeting left it
and the read model now — flags raised and cleared, bands moved, values added, objectives that
fell behind, confidence that dropped, actions that came due, slipped or were done. The room
starts with what is new rather than re-reading every number.

"Then" is the store as of the meeting's end (core/as_of.py), judged on the meeting's day, as
the meeting's own minutes are; "now" is any read model (today's, or another meeting's as of its
end: the minutes compare a meeting with the one that ended before it). Each change carries its
reason, in this module's words, like a flag.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from core import board as boards
from core import fmt, okr, series
from core.as_of import StoreAsOf, instant, meeting_end, written_by
from core.health import Health
from core.model import Action, Event, Meeting
from core.periods import period_label
from core.store import Store
from core.words import CONFIDENCE_LABEL, OVERDUE

# Every kind of change, in the order lists and summaries give them.
KINDS = ("new_flags", "cleared_flags", "band_changes", "values_added", "kpis_added",
         "kpis_archived", "objectives_behind", "confidence_drops", "actions_due",
         "actions_slipped", "actions_done")
# What a list of each kind is headed with (the app's `l`, the text status, the minutes).
HEADINGS = {"new_flags": "New flags", "cleared_flags": "Flags cleared",
            "band_changes": "Band changes", "values_added": "Values added",
            "kpis_added": "KPIs added", "kpis_archived": "KPIs archived",
            "objectives_behind": "Objectives that fell behind",
            "confidence_drops": "Confidence drops", "actions_due": "Actions that came due",
            "actions_slipped": "Actions that slipped", "actions_done": "Actions done"}
# A count in the summary line: (singular, plural).
COUNTED = {"breach": ("new breach", "new breaches"), "signal": ("new signal", "new signals"),
           "new_flags": ("new flag", "new flags"),
           "cleared_flags": ("flag cleared", "flags cleared"),
           "band_changes": ("band change", "band changes"),
           "values_added": ("value added", "values added"),
           "kpis_added": ("KPI added", "KPIs added"),
           "kpis_archived": ("KPI archived", "KPIs archived"),
           "objectives_behind": ("objective fell behind", "objectives fell behind"),
           "confidence_drops": ("confidence drop", "confidence drops"),
           "actions_due": ("action came due", "actions came due"),
           "actions_slipped": ("action slipped", "actions slipped"),
           "actions_done": ("action done", "actions done")}
NOTHING = "nothing changed"
NO_EARLIER = "No meeting had ended before this one."
# Confidence from best to worst: a drop is a step to the right.
CONFIDENCE_ORDER = ("on_track", "at_risk", "off_track")
SCORE_ORDER = ("red", "amber", "green")


class Item(msgspec.Struct, frozen=True):
    """One change: what it is about (`id`, and `name` as people read it) and why it is
    listed; `extra` holds the kind's own fields (a flag's name, a band's from and to, how
    many values), as the JSON gives them."""

    kind: str
    id: str
    name: str
    reason: str
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class Since(msgspec.Struct, frozen=True):
    """What changed since `meeting` ended, in KINDS order."""

    meeting: Meeting
    items: tuple[Item, ...]

    def of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


class Then(msgspec.Struct, frozen=True):
    """The read model as the meeting left it, and its KPIs' stored values then (the series
    documents by KPI key): what `compare` measures now against."""

    meeting: Meeting
    board: boards.Board
    values: dict[int, dict[str, series.Entry]]


# --- which meeting, and the store as it left it ------------------------------------------------

def last_ended(meetings: Iterable[Meeting], path: Path, but: str | None = None
               ) -> Meeting | None:
    """The meeting that ended last (not one still running), other than `but`."""
    ended = [m for m in meetings if m.ended_at is not None and m.id != but]
    return max(ended, key=lambda m: (instant(m.ended_at or "", path), m.key), default=None)


def then(store: boards.Readable, meeting: Meeting) -> Then:
    """The read model as of `meeting`'s end, on its day. `store`: the store, or the store as
    of a later event (the minutes of a later meeting); its event log is cut at the first
    event that ended the meeting, or, for a meeting no event ended (a hand-made store), at
    the last event written by its end time (as core/minutes.as_seen does)."""
    base: Store = store.store if isinstance(store, StoreAsOf) else store  # type: ignore[assignment]
    seen = store.records(Event)                 # as of `store`: a later end is not seen
    kept = meeting_end(seen, meeting.key)
    if kept is None:
        kept = written_by(seen, meeting.ended_at or "", base.path)
    everything = base.events()
    # Nothing written since: the store itself, whose values are already converted.
    view: boards.Readable = base if kept == len(everything) else \
        StoreAsOf(base, everything, kept)
    # The outer dict copied: a later write replaces a document, never changes one in place.
    return Then(meeting, boards.load(view, meeting.day), dict(view.docs(series.TABLE)))


def since_last(store: boards.Readable, now: boards.Board, but: str | None = None
               ) -> Since | None:
    """What changed since the last meeting that ended (other than `but`), None when none
    has. `now`: the read model of `store`."""
    meeting = last_ended(store.records(Meeting), store.path, but)
    if meeting is None:
        return None
    return compare(then(store, meeting), store, now)


class Baseline:
    """The app's memory of "then": building it costs a second read model (a second board as
    of a past event), once per last ended meeting; comparing with it costs little, so the
    summary follows every change made since."""

    def __init__(self) -> None:
        self._then: Then | None = None
        self._key: tuple[Any, ...] | None = None
        self._now: boards.Board | None = None          # the board last compared, and with
        self._found: Since | None = None                # what: a filter's refill is free

    @staticmethod
    def _which(store: Store, now: boards.Board) -> tuple[Meeting | None, tuple[Any, ...]]:
        meeting = last_ended(now.meetings, store.path)
        key = (store.meta().get("store_id"), meeting and meeting.id,
               meeting and meeting.ended_at)
        return meeting, key

    def ready(self, store: Store, now: boards.Board) -> bool:
        """Whether `compare` answers at once (the meeting to compare with is known)."""
        return self._which(store, now)[1] == self._key

    def compare(self, store: Store, now: boards.Board) -> Since | None:
        meeting, key = self._which(store, now)
        if key != self._key:
            self._then = then(store, meeting) if meeting is not None else None
            self._key, self._now = key, None
        if now is not self._now:
            self._found = compare(self._then, store, now) if self._then is not None else None
            self._now = now
        return self._found


# --- what changed ------------------------------------------------------------------------------

def compare(was: Then, store: boards.Readable, now: boards.Board) -> Since:
    """`now` (the read model of `store`) against `was`."""
    items = [*_kpis(was, store, now), *_objectives(was.board, now), *_actions(was.board, now)]
    order = {kind: n for n, kind in enumerate(KINDS)}
    return Since(was.meeting, tuple(sorted(items, key=lambda i: order[i.kind])))


def _kpis(was: Then, store: boards.Readable, now: boards.Board) -> Iterator[Item]:
    before = {h.kpi.id: h for h in was.board.kpis}
    current = {h.kpi.id for h in now.kpis}
    values = store.docs(series.TABLE)
    for h in now.kpis:
        old = before.get(h.kpi.id)
        if old is None:
            yield Item("kpis_added", h.kpi.id, h.kpi.name, _added(h))
            continue
        yield from _flags(old, h)
        if old.band != h.band:
            yield Item("band_changes", h.kpi.id, h.kpi.name,
                       f"{old.band} → {h.band}{_latest(h)}", {"from": old.band, "to": h.band})
        doc = values.get(h.kpi.key, {})
        added = _values_added(was.values.get(h.kpi.key, {}), doc, now.today)
        if added:
            yield Item("values_added", h.kpi.id, h.kpi.name, _values_reason(h, added, doc),
                       {"count": len(added)})
    for ident, old in before.items():
        if ident not in current:
            yield Item("kpis_archived", ident, old.kpi.name,
                       "archived since: it left the review, its history stays")


def _flags(old: Health, new: Health) -> Iterator[Item]:
    was, now = set(old.flag_names), set(new.flag_names)
    for flag in new.flags:
        if flag.name not in was:
            yield Item("new_flags", new.kpi.id, new.kpi.name, f"{flag.name}: {flag.reason}",
                       {"flag": flag.name})
    for flag in old.flags:
        if flag.name not in now:
            yield Item("cleared_flags", new.kpi.id, new.kpi.name,
                       f"{flag.name} cleared (was: {flag.reason})", {"flag": flag.name})


def _latest(h: Health) -> str:
    return f" (latest {fmt.value(h.latest, h.kpi.unit)})" if h.latest is not None else ""


def _added(h: Health) -> str:
    count = len(h.series)
    held = f"with {count} value{'s' * (count != 1)}" if count else "no value yet"
    return f"added since, {held}; band {h.band}"


def _values_added(old: dict[str, series.Entry], new: dict[str, series.Entry],
                  today: date) -> list[str]:
    """The periods up to today whose value is new since, or other than it was."""
    if old is new:
        return []
    upto = today.isoformat()
    return [p for p, e in new.items() if p <= upto and (
        p not in old or series.value_of(old[p]) != series.value_of(e))]


def _values_reason(h: Health, periods: list[str], doc: dict[str, series.Entry]) -> str:
    """ "3 new values, newest 2026-W47: 26%"."""
    newest, count = max(periods), len(periods)
    label = period_label(date.fromisoformat(newest), h.kpi.cadence)
    return (f"{count} new value{'s' * (count != 1)}, newest {label}: "
            f"{fmt.value(series.value_of(doc[newest]), h.kpi.unit)}")


def _objectives(was: boards.Board, now: boards.Board) -> Iterator[Item]:
    for view in now.active:
        old = was.get(view.objective.id, okr.ObjectiveView)
        if old is None:
            continue
        reasons = _fell_behind(old, view)
        if reasons:
            yield Item("objectives_behind", view.objective.id, view.objective.title,
                       "; ".join(reasons))
        for kr in view.krs:
            before = was.get(kr.kr.id, okr.KrView)
            if before is not None and _dropped(before.kr.confidence, kr.kr.confidence):
                yield Item("confidence_drops", kr.kr.id, kr.kr.title,
                           f"{CONFIDENCE_LABEL[before.kr.confidence]} → "
                           f"{CONFIDENCE_LABEL[kr.kr.confidence]} ({view.objective.title})",
                           {"objective": view.objective.id, "from": before.kr.confidence,
                            "to": kr.kr.confidence})


def _fell_behind(old: okr.ObjectiveView, new: okr.ObjectiveView) -> list[str]:
    """Why an objective fell behind: a key result behind now that was not then, a score
    in a lower band."""
    was_behind = {k.kr.id for k in old.krs if k.behind}
    known = {k.kr.id for k in old.krs}
    reasons = [f"{k.kr.title!r} behind: {k.progress:.0%} done, {new.elapsed:.0%} of the "
               "cycle gone" for k in new.krs
               if k.behind and k.kr.id in known and k.kr.id not in was_behind]
    before, after = okr.score_band(old.score), okr.score_band(new.score)
    if before in SCORE_ORDER and after in SCORE_ORDER \
            and SCORE_ORDER.index(after) < SCORE_ORDER.index(before):
        reasons.append(f"score {fmt.score(old.score)} → {fmt.score(new.score)} "
                       f"({before} → {after})")
    return reasons


def _dropped(before: str, after: str) -> bool:
    return CONFIDENCE_ORDER.index(after) > CONFIDENCE_ORDER.index(before)


def _actions(was: boards.Board, now: boards.Board) -> Iterator[Item]:
    """Each action once: done since; else slipped (overdue now, not then); else came due
    (due after the meeting's day, up to today, and not yet overdue: due today)."""
    for action in reversed(now.actions):                        # oldest first
        if action.kind == "decision":
            continue
        old = was.get(action.id, Action)
        extra = {"owner": action.owner, "due": action.due and action.due.isoformat()}
        if action.status == "done" and (old is None or old.status != "done"):
            yield Item("actions_done", action.id, action.text, f"done — {action.owner}",
                       extra)
        elif now.is_overdue(action) and not (old is not None and was.is_overdue(old)):
            yield Item("actions_slipped", action.id, action.text,
                       f"{OVERDUE} {action.due} — {action.owner}", extra)
        elif action.status == "open" and action.due is not None \
                and was.today < action.due <= now.today:
            yield Item("actions_due", action.id, action.text,
                       f"due {action.due}, still open — {action.owner}", extra)


# --- how it is said ----------------------------------------------------------------------------

def counts(since: Since) -> list[tuple[int, tuple[str, str]]]:
    """The summary's counts, in KINDS order: new breaches and signals apart from other new
    flags; values by how many values, not how many KPIs."""
    found: list[tuple[int, tuple[str, str]]] = []
    for kind in KINDS:
        items = since.of(kind)
        if kind == "new_flags":
            for flag in ("breach", "signal"):
                found.append((sum(1 for i in items if i.extra["flag"] == flag), COUNTED[flag]))
            items = [i for i in items if i.extra["flag"] not in ("breach", "signal")]
        found.append((sum(i.extra["count"] for i in items) if kind == "values_added"
                      else len(items), COUNTED[kind]))
    return [(n, words) for n, words in found if n]


def summary(since: Since, room: int | None = None) -> str:
    """ "2 new breaches, 1 flag cleared, 12 values added, 2 actions done", or that nothing
    changed. `room`: the most characters it may take (a screen's lines): the counts that do
    not fit are left for the full list, and "…" says so."""
    said = [f"{n} {words[n != 1]}" for n, words in counts(since)]
    text = ", ".join(said) or NOTHING
    while room is not None and len(text) > room and said:
        said.pop()
        text = ", ".join(said) + ", …" if said else "…"
    return text


def headline(since: Since, room: int | None = None) -> str:
    """The summary with the meeting's day: "Since 2026-11-22: 2 new breaches, …"."""
    head = f"Since {since.meeting.day}: "
    return head + summary(since, None if room is None else room - len(head))


def sections(since: Since) -> list[tuple[str, list[Item]]]:
    """The items by kind, each kind with its heading, only the kinds that have any."""
    return [(HEADINGS[kind], since.of(kind)) for kind in KINDS if since.of(kind)]


def as_json(since: Since | None) -> dict[str, Any] | None:
    """The contract's `since_last_meeting`: the meeting compared with, the summary, and a
    list per kind (every kind, empty or not) of {id, name, reason, ...its own fields}."""
    if since is None:
        return None
    m = since.meeting
    return {"meeting": m.id, "title": m.title, "day": m.day.isoformat(), "ended_at": m.ended_at,
            "summary": summary(since),
            **{kind: [{"id": i.id, "name": i.name, "reason": i.reason, **i.extra}
                      for i in since.of(kind)] for kind in KINDS}}



SHOWN_NAMES = 5             # a short list names this many, then says how many more


def short_lines(since: Since) -> list[str]:
    """The headline, then a line per kind naming what it is about: the text status's
    section (the app's `l` and the minutes give every reason)."""
    lines = [f"  {headline(since)}"]
    for heading, items in sections(since):
        names = list(dict.fromkeys(i.name for i in items))
        more = len(names) - SHOWN_NAMES
        shown = " · ".join(names[:SHOWN_NAMES]) + (f" and {more} more" if more > 0 else "")
        lines.append(f"    {heading}: {shown}")
    return lines
