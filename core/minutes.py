"""A meeting's minutes, from the store alone (never from the screen): a JSON document with a
stable schema (`cadence.minutes/1`, described in the README) and Markdown rendered from it.

An ended meeting's minutes come from the store as it stood at the meeting's end (core/as_of.py),
judged as of the meeting's day: they stay the same, byte for byte, whatever arrives later. A
running meeting's come from the store as it is.

What was undone in the meeting does not appear: undone inserts are gone from the store, and
events that were undone are skipped.
"""

from pathlib import Path
from typing import Any, Protocol

from core import agendas
from core import board as boards
from core import (clock, compare, explanations, fmt, follow_through, meeting_facts, okr,
                  people)
from core import since as changes
from core.as_of import StoreAsOf, instant, meeting_end, written_by
from core.errors import CadenceError
from core.events import EventKind, is_system
from core.health import Health
from core.meeting import timebox_state
from core.minutes_md import render
from core.model import (Action, Change, CheckIn, Event, Issue, Meeting, Objective, make_id,
                        split_id)
from core.periods import period_label
from core.stats import mean
from core.status import action_json, follow_through_json, forecast_json, issue_json
from core.storage import atomic_write
from core.store import ABSENT, Store

SCHEMA = "cadence.minutes/1"
Json = dict[str, Any]


def pick_meeting(store: Store, meeting_id: str | None) -> Meeting | None:
    """The meeting with this id (None if the store has none now), else the latest one."""
    meetings = store.records(Meeting)
    if not meetings and meeting_id is None:
        raise CadenceError(f"{store.path}: no meeting yet; `cadence` opens one")
    if meeting_id is None:
        return max(meetings, key=lambda m: (m.day, m.key))
    return next((m for m in meetings if m.id == meeting_id.strip().lower()), None)


def as_seen(store: Store, meeting_id: str | None) -> tuple[boards.Readable, Meeting]:
    """The meeting, and the store as it saw it: as of its end once it has ended, else as it is.
    A meeting whose data was replaced since (`cadence demo --force` keeps the old data in its
    event) is found in the event log."""
    meeting = pick_meeting(store, meeting_id)
    if meeting is not None and meeting.ended_at is None:
        return store, meeting
    key = meeting.key if meeting is not None else _meeting_key(meeting_id)
    events = store.events()
    kept = meeting_end(events, key) if key is not None else None
    if kept is None and meeting is not None and meeting.ended_at is not None:
        kept = written_by(events, meeting.ended_at, store.path)
    view = StoreAsOf(store, events, kept) if kept is not None else None
    seen = next((m for m in view.records(Meeting) if m.key == key), meeting) if view else None
    if view is None or seen is None:
        raise CadenceError(f"no meeting with id {meeting_id!r}; `cadence meetings` lists them")
    return view, seen


def _meeting_key(meeting_id: str | None) -> int | None:
    found = split_id(meeting_id or "")
    return found[1] if found and found[0] == Meeting.TABLE else None


def meeting_list(store: Store) -> list[Json]:
    """Newest first: id, date, title, duration, how many decisions and actions were taken."""
    taken: dict[str | None, int] = {}
    for a in store.records(Action):
        taken[a.meeting] = taken.get(a.meeting, 0) + 1
    meetings = sorted(store.records(Meeting), key=lambda m: (m.day, m.key), reverse=True)
    return [{"id": m.id, "date": m.day.isoformat(), "title": m.title,
             "duration_min": _minutes_between(m.started_at, m.ended_at, store.path),
             "ended": m.ended_at is not None, "decisions": taken.get(m.id, 0)} for m in meetings]


def _kept_events(store: boards.Readable, meeting: Meeting) -> list[Event]:
    return meeting_facts.kept_events(store, meeting.id)


def _minutes_between(start: str, end: str | None, path: Path) -> float:
    finish = instant(end or clock.now(), path)
    return round((finish - instant(start, path)).total_seconds() / 60, 1)


class Scope(Protocol):
    """What a meeting reviewed: the read model its minutes show, and what changed since the
    meeting before it. One store's (`StoreScope`), or a roll-up's over many team stores
    (core/rollup.py: MinutesScope)."""

    def board(self, seen: boards.Readable, meeting: Meeting) -> boards.Board: ...

    def since(self, seen: boards.Readable, board: boards.Board,
              meeting: Meeting) -> changes.Since | None: ...


class StoreScope:
    """A meeting of one store: its store as the meeting saw it, judged as of its day."""

    def board(self, seen: boards.Readable, meeting: Meeting) -> boards.Board:
        return boards.load(seen, meeting.day)

    def since(self, seen: boards.Readable, board: boards.Board,
              meeting: Meeting) -> changes.Since | None:
        return changes.since_last(seen, board, meeting.id)


def build(store: Store, meeting_id: str | None = None, scope: Scope | None = None) -> Json:
    scope = scope or StoreScope()
    seen, meeting = as_seen(store, meeting_id)
    board = scope.board(seen, meeting)                  # flags and bands as of its day
    events = _kept_events(seen, meeting)
    actions = [a for a in reversed(board.actions) if a.meeting == meeting.id]
    found: Json = {
        "schema": SCHEMA,
        "meeting": _header(meeting, store.path),
        # What changed since the meeting before it ended, as this one saw it (core/since.py).
        "since_last_meeting": changes.as_json(scope.since(seen, board, meeting)),
        "kpi_health": _health(board),
        "flagged": [_flagged(h, board) for h in board.flagged],
        "measurements": _measurements(meeting, board),
        "checkins": _checkins(seen, meeting, board),
        "forecasts": _forecasts(board),
        "reprioritised": _reprioritised(events, board),
        "objectives_started": _started(events, board),
        "retired": _retired(events, board),
        "changes": [{"kind": e.kind, "summary": e.summary} for e in events
                    if is_system(e.kind)],
        "decisions": [_action(a, board) for a in actions],
        "carried_over": [{**_action(a, board), "verdict": meeting.verdicts[a.id]}
                         for a in _settled(meeting, board)],
        # What the meeting did, beside its rating: the numbers the wrap-up showed.
        "facts": meeting_facts.as_json(meeting_facts.facts(board, meeting.id, meeting.stages,
                                                           events)),
        **_issues(meeting, board),
        # The to-dos that fell due since the meeting before, done on time (core/people.py).
        "completion": people.completion_json(
            people.meeting_completion(board, meeting, people.done_days(board, seen))),
        "stages": [{"name": s.name, "timebox_min": s.timebox_min,
                    "spent_min": round(s.spent_s / 60, 1), "skipped": s.skipped,
                    "state": timebox_state(s.spent_s, s.timebox_min)} for s in meeting.stages],
    }
    # The KPIs it discussed (core/meeting_facts.py, as the wrap-up counts them), in the
    # board's order: the HTML draws each one's chart, the Markdown splits the flagged ones.
    touched = meeting_facts.discussed(board, meeting.id, events)
    found["discussed"] = [h.kpi.id for h in board.kpis if h.kpi.id in touched]
    for k in found["flagged"]:
        k["discussed"] = k["id"] in touched
    found["summary"] = summary(found)
    return found


# --- the summary a reader needs in ten seconds -------------------------------------------

def summary(found: Json) -> Json:
    """What the minutes open with, from the rest of them: the decisions taken, the actions
    each person now owes (this meeting's, and carried-over ones it kept open), and what is
    off track — the parts a reader forwards; everything else is detail."""
    return {"decisions": [a for a in found["decisions"] if a["kind"] == "decision"],
            "actions_by_owner": _by_owner(found),
            "off_track": _off_track(found)}


def _by_owner(found: Json) -> list[Json]:
    """The meeting's actions and interventions, and the carried-over ones it kept open, by
    owner (owners A-Z), each owner's soonest due first and those with no due day last; a
    carried-over one says so."""
    owed = [{**a, "carried_over": False} for a in found["decisions"] if a["kind"] != "decision"]
    owed += [{**a, "carried_over": True} for a in found["carried_over"]
             if a["verdict"] == "open"]
    owners: dict[str, list[Json]] = {}
    for action in owed:
        owners.setdefault(action["owner"], []).append(action)
    return [{"owner": owner, "actions": sorted(items, key=lambda a: (a["due"] is None,
                                                                     a["due"] or ""))}
            for owner, items in sorted(owners.items(), key=lambda o: o[0].casefold())]


def _off_track(found: Json) -> Json:
    """The counts of the health summary, and the red and amber KPIs by name."""
    off = found["kpi_health"]["off_track"]
    return {"counts": found["kpi_health"]["counts"],
            "red": [k["name"] for k in off if k["band"] == "red"],
            "amber": [k["name"] for k in off if k["band"] == "amber"]}


def _header(m: Meeting, path: Path) -> Json:
    ratings = list(m.ratings.values())
    return {"id": m.id, "title": m.title, "date": m.day.isoformat(), "start": m.started_at,
            "end": m.ended_at, "duration_min": _minutes_between(m.started_at, m.ended_at, path),
            "attendees": list(m.attendees), "facilitator": m.facilitator,
            "ratings": dict(m.ratings),
            "rating_average": round(mean(ratings), 1) if ratings else None,
            "agenda": m.agenda, "agenda_title": agendas.shown_name(m.agenda)}


def _kpi_line(h: Health) -> Json:
    k = h.kpi
    return {"id": k.id, "name": k.name, "band": h.band, "latest": h.latest, "unit": k.unit,
            "target": k.target, "threshold": k.threshold, "direction": k.direction,
            "sparkline": fmt.sparkline(h.series.values(12)),
            "compare": compare.as_json(k, compare.compare(k, h.series))}


def _health(board: boards.Board) -> Json:
    return {"counts": board.counts(),
            "off_track": [_kpi_line(h) for h in board.kpis if h.band in ("red", "amber")]}


def _action(a: Action, board: boards.Board) -> Json:
    return {**action_json(a), "link_name": board.name_of(a.link) or None}


def _issues(meeting: Meeting, board: boards.Board) -> Json:
    """The issues list as the meeting left it: those it solved, each with the decisions and
    actions it was solved into, those it dropped, and those still open (top first)."""
    settled = board.issues_settled_in(meeting.id)

    def shown(i: Issue) -> Json:
        return {**issue_json(i, board), "decisions": [
            _action(a, board) for a in (board.get(ident, Action) for ident in i.actions) if a]}
    return {"issues_solved": [shown(i) for i in settled if i.status == "solved"],
            "issues_dropped": [shown(i) for i in settled if i.status == "dropped"],
            "issues_open": [shown(i) for i in board.open_issues]}


def _settled(meeting: Meeting, board: boards.Board) -> list[Action]:
    """The carried-over actions the meeting gave a verdict, in the order it gave them."""
    found = (board.get(ident, Action) for ident in meeting.verdicts)
    return [a for a in found if a is not None]


def _flagged(h: Health, board: boards.Board) -> Json:
    interventions = [_action(a, board) for a in board.open_interventions(h.kpi.id)]
    return {**_kpi_line(h), "flags": [{"flag": f.name, "reason": f.reason} for f in h.flags],
            "interventions": interventions, "follow_through": _follow_through(h, board),
            "explanation": explanations.as_json(board.explanation(h.kpi.id))}


def _follow_through(h: Health, board: boards.Board) -> Json:
    """Did the KPI's past interventions work (core/follow_through.py), as of the meeting's
    day: how many, how many recovered, and each with its verdict."""
    found = board.past_interventions(h.kpi.id)
    return {"past": len(found), "recovered": follow_through.recovered(found),
            "interventions": [{**_action(f.action, board), **follow_through_json(f)}
                              for f in found]}


def _forecasts(board: boards.Board) -> list[Json]:
    """Where each active key result will land, as of the meeting's day (core/forecast.py)."""
    return [{"kr": k.kr.id, "title": k.kr.title, "unit": k.kr.unit,
             "objective": v.objective.id, "objective_title": v.objective.title,
             "target": k.kr.target, **(forecast_json(board.forecasts[k.kr.id], k.kr.unit) or {})}
            for v in board.active for k in v.krs if k.kr.id in board.forecasts]


def _own(ident: str) -> bool:
    """Whether an id is the store's own: a roll-up's board also holds its teams' KPIs and
    objectives (`growth:k3`), whose meetings and events are their store's, not this one's."""
    return split_id(ident) is not None


def _measurements(meeting: Meeting, board: boards.Board) -> list[Json]:
    return [{"kpi": h.kpi.id, "name": h.kpi.name, "unit": h.kpi.unit,
             "period": period_label(m.period, h.kpi.cadence), "value": m.value, "note": m.note}
            for h in board.kpis if _own(h.kpi.id) for m in h.series.recorded_in(meeting.id)]


def _checkins(store: boards.Readable, meeting: Meeting, board: boards.Board) -> list[Json]:
    found = []
    for c in store.records(CheckIn):
        kr = board.get(c.kr, okr.KrView)
        objective = board.get(kr.kr.objective, okr.ObjectiveView) if kr else None
        if c.meeting != meeting.id or kr is None or objective is None:
            continue
        found.append({"kr": kr.kr.id, "title": kr.kr.title, "unit": kr.kr.unit,
                      "objective": objective.objective.id,
                      "objective_title": objective.objective.title,
                      "from": c.previous, "to": c.value, "confidence": c.confidence,
                      "note": c.note, "progress": kr.progress, "behind": kr.behind,
                      "objective_score": objective.score, "elapsed": objective.elapsed})
    return found


def _objective_ref(board: boards.Board, key: int) -> Json:
    ident = make_id(Objective.TABLE, key)
    view = board.get(ident, okr.ObjectiveView)
    return {"id": ident, "title": view.objective.title if view else ident}


def _started(events: list[Event], board: boards.Board) -> list[Json]:
    """Objectives the meeting wrote: one at a time, or carried forward by a cycle's turn
    (those name the objective they carry on: `carried_from`, with its cycle)."""
    found = []
    for event in events:
        if event.kind == EventKind.OBJECTIVE_CREATE:
            found.append(_objective_ref(board, event.changes[0].key))
        elif event.kind == EventKind.CYCLE_TURN:
            found += [_carried_ref(board, c.key) for c in event.changes
                      if c.table == Objective.TABLE and c.before is None]
    return found


def _carried_ref(board: boards.Board, key: int) -> Json:
    found = _objective_ref(board, key)
    view = board.get(found["id"], okr.ObjectiveView)
    source = view.objective.carried_from if view else None
    before = board.get(source or "", okr.ObjectiveView)
    return {**found, "carried_from": source, "cycle": view.objective.cycle if view else None,
            "carried_from_cycle": before.objective.cycle if before else None}


def _reprioritised(events: list[Event], board: boards.Board) -> list[Json]:
    """Each active objective the meeting raised or lowered: from its rank before the meeting
    first changed it (a retirement above it renumbers it too; one started in the meeting
    starts from the rank it was given) to its rank at the meeting's end, as the app showed it
    then — raise, lower and retire in one meeting renumber the ranks in turn, so the end is
    read from the store, not from the last move. Objectives only renumbered by a retirement
    are not listed: the retirement is, under Retired."""
    first: dict[int, int | None] = {}
    moved: set[int] = set()
    for event in events:
        for change in (c for c in event.changes if c.table == Objective.TABLE):
            if change.after is None or not _ranks(change):
                continue
            first.setdefault(change.key, (change.before or change.after).get("priority"))
            if event.kind == EventKind.OBJECTIVE_PRIORITY:
                moved.add(change.key)
    moves = [(v.objective, first[v.objective.key]) for v in board.active
             if _own(v.objective.id) and v.objective.key in moved
             and first[v.objective.key] != v.objective.priority]
    return [{"id": o.id, "title": o.title, "from": was, "to": o.priority}
            for o, was in sorted(moves, key=lambda m: m[0].priority or 0)]


def _ranks(change: Change) -> bool:
    """Whether a change to an objective gave it a rank or changed it."""
    if change.before is None:
        return True
    return bool(change.before.get("priority", ABSENT)
                != (change.after or {}).get("priority", ABSENT))


def _retired(events: list[Event], board: boards.Board) -> list[Json]:
    """Objectives the meeting retired (a cycle close retires several in one change), as they
    stood at its end."""
    found = []
    for event in (e for e in events
                  if e.kind in (EventKind.OBJECTIVE_RETIRE, EventKind.CYCLE_TURN)):
        for change in event.changes:
            view = (board.get(make_id(Objective.TABLE, change.key), okr.ObjectiveView)
                    if change.table == Objective.TABLE else None)
            objective = view.objective if view else None
            if objective is not None and (change.after or {}).get("status") == "retired" \
                    and objective.status == "retired":
                found.append({"id": objective.id, "title": objective.title,
                              "final_score": objective.final_score,
                              "note": objective.closing_note})
    return found


def export_path(store: Store, minutes: Json) -> Path:
    meeting = minutes["meeting"]
    return store.path.parent / "minutes" / f"{meeting['date']}-{meeting['id']}.md"


def export_file(store: Store, meeting_id: str | None = None) -> Path:
    """Where `export` writes a meeting's minutes, known before they are built (the app asks
    before replacing a file that is there)."""
    meeting = pick_meeting(store, meeting_id)
    if meeting is None:
        raise CadenceError(f"no meeting with id {meeting_id!r}; `cadence meetings` lists them")
    return export_path(store, {"meeting": {"date": meeting.day.isoformat(), "id": meeting.id}})


def export(store: Store, meeting_id: str | None = None, scope: Scope | None = None) -> Path:
    """Write the Markdown minutes beside the store; the name holds the meeting id, so another
    meeting's file is never overwritten."""
    minutes = build(store, meeting_id, scope)
    path = export_path(store, minutes)
    try:
        atomic_write(path, render(minutes).encode())
    except OSError as exc:
        raise CadenceError(f"{path}: cannot be written ({exc.strerror})") from None
    return path
