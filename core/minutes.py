"""A meeting's minutes, from the store alone (never from the screen): a JSON document with a
stable schema (`cadence.minutes/1`, described in the README) and Markdown rendered from it.

What was undone in the meeting does not appear: undone inserts are gone from the store, and
events that were undone are skipped.
"""

from datetime import datetime
from pathlib import Path

from core import board as boards
from core import clock, fmt, okr
from core.errors import CadenceError
from core.health import Health
from core.meeting import timebox_state
from core.minutes_md import render
from core.stats import mean
from core.status import action_json
from core.model import Action, CheckIn, Event, Meeting, Objective
from core.periods import period_label
from core.storage import atomic_write
from core.store import Store

SCHEMA = "cadence.minutes/1"
# Changes to the operating system itself (not meeting moves), listed as they were described.
SYSTEM_CHANGES = {"kpi.create", "kpi.update", "kpi.archive", "objective.update",
                  "objective.delete", "kr.create", "kr.update"}


def pick_meeting(store: Store, meeting_id: str | None) -> Meeting:
    meetings = store.records(Meeting)
    if not meetings:
        raise CadenceError(f"{store.path}: no meeting yet; `cadence` opens one")
    if meeting_id is None:
        return max(meetings, key=lambda m: (m.day, m.key))
    found = next((m for m in meetings if m.id == meeting_id.strip().lower()), None)
    if found is None:
        raise CadenceError(f"no meeting with id {meeting_id!r}; `cadence meetings` lists them")
    return found


def meeting_list(store: Store) -> list[dict]:
    """Newest first: id, date, title, duration, how many decisions and actions were taken."""
    taken: dict[str, int] = {}
    for a in store.records(Action):
        taken[a.meeting] = taken.get(a.meeting, 0) + 1
    meetings = sorted(store.records(Meeting), key=lambda m: (m.day, m.key), reverse=True)
    return [{"id": m.id, "date": m.day.isoformat(), "title": m.title,
             "duration_min": _minutes_between(m.started_at, m.ended_at),
             "ended": m.ended_at is not None, "decisions": taken.get(m.id, 0)} for m in meetings]


def _kept_events(store: Store, meeting: Meeting) -> list[Event]:
    events = store.events()
    undone = {e.undoes for e in events if e.undoes}
    return [e for e in events if e.meeting == meeting.id and e.kind != "undo"
            and e.id not in undone]


def _minutes_between(start: str, end: str | None) -> float:
    finish = datetime.fromisoformat(end or clock.now())
    return round((finish - datetime.fromisoformat(start)).total_seconds() / 60, 1)


def build(store: Store, meeting_id: str | None = None) -> dict:
    meeting = pick_meeting(store, meeting_id)
    board = boards.load(store, meeting.day)
    events = _kept_events(store, meeting)
    actions = [a for a in reversed(board.actions) if a.meeting == meeting.id]
    return {
        "schema": SCHEMA,
        "meeting": _header(meeting),
        "kpi_health": _health(board),
        "flagged": [_flagged(h, board) for h in board.flagged],
        "measurements": _measurements(meeting, board),
        "checkins": _checkins(store, meeting, board),
        "reprioritised": _reprioritised(events, board),
        "objectives_started": [_objective_ref(board, e.changes[0].key) for e in events
                               if e.kind == "objective.create"],
        "retired": _retired(events, board),
        "changes": [{"kind": e.kind, "summary": e.summary} for e in events
                    if e.kind in SYSTEM_CHANGES],
        "decisions": [_action(a, board) for a in actions],
        "carried_over": [{**_action(board.by_id[a], board), "verdict": verdict}
                         for a, verdict in meeting.verdicts.items() if a in board.by_id],
        "stages": [{"name": s.name, "timebox_min": s.timebox_min,
                    "spent_min": round(s.spent_s / 60, 1), "skipped": s.skipped,
                    "state": timebox_state(s.spent_s, s.timebox_min)} for s in meeting.stages],
    }


def _header(m: Meeting) -> dict:
    ratings = list(m.ratings.values())
    return {"id": m.id, "title": m.title, "date": m.day.isoformat(), "start": m.started_at,
            "end": m.ended_at, "duration_min": _minutes_between(m.started_at, m.ended_at),
            "attendees": list(m.attendees), "facilitator": m.facilitator,
            "ratings": dict(m.ratings),
            "rating_average": round(mean(ratings), 1) if ratings else None}


def _kpi_line(h: Health) -> dict:
    k = h.kpi
    return {"id": k.id, "name": k.name, "band": h.band, "latest": h.latest, "unit": k.unit,
            "target": k.target, "threshold": k.threshold, "direction": k.direction,
            "sparkline": fmt.sparkline(h.series.values(12))}


def _health(board: boards.Board) -> dict:
    return {"counts": board.counts(),
            "off_track": [_kpi_line(h) for h in board.kpis if h.band in ("red", "amber")]}


def _action(a: Action, board: boards.Board) -> dict:
    return {**action_json(a), "link_name": board.name_of(a.link) or None}


def _flagged(h: Health, board: boards.Board) -> dict:
    interventions = [_action(a, board) for a in board.open_interventions(h.kpi.id)]
    return {**_kpi_line(h), "flags": [{"flag": f.name, "reason": f.reason} for f in h.flags],
            "interventions": interventions}


def _measurements(meeting: Meeting, board: boards.Board) -> list[dict]:
    return [{"kpi": h.kpi.id, "name": h.kpi.name, "unit": h.kpi.unit,
             "period": period_label(m.period, h.kpi.cadence), "value": m.value, "note": m.note}
            for h in board.kpis for m in h.series.recorded_in(meeting.id)]


def _checkins(store: Store, meeting: Meeting, board: boards.Board) -> list[dict]:
    found = []
    for c in store.records(CheckIn):
        kr = board.by_id.get(c.kr)
        if c.meeting != meeting.id or not isinstance(kr, okr.KrView):
            continue
        objective = board.by_id[kr.kr.objective]
        found.append({"kr": kr.kr.id, "title": kr.kr.title, "unit": kr.kr.unit,
                      "objective": objective.objective.id,
                      "objective_title": objective.objective.title,
                      "from": c.previous, "to": c.value, "confidence": c.confidence,
                      "note": c.note, "progress": kr.progress, "behind": kr.behind,
                      "objective_score": objective.score, "elapsed": objective.elapsed})
    return found


def _objective_ref(board: boards.Board, key: int) -> dict:
    view = board.by_id.get(f"o{key}")
    title = view.objective.title if view else f"o{key}"
    return {"id": f"o{key}", "title": title}


def _reprioritised(events: list[Event], board: boards.Board) -> list[dict]:
    """Each objective's rank at its first move in the meeting and after its last one."""
    moves: dict[int, list] = {}
    for event in (e for e in events if e.kind == "objective.priority"):
        for change in event.changes:
            before, after = change.before.get("priority"), change.after.get("priority")
            moves.setdefault(change.key, [before, after])[1] = after
    return [{**_objective_ref(board, key), "from": first, "to": last}
            for key, (first, last) in sorted(moves.items(), key=lambda kv: kv[1][1] or 0)
            if first != last]


def _retired(events: list[Event], board: boards.Board) -> list[dict]:
    found = []
    for event in (e for e in events if e.kind == "objective.retire"):
        view = board.by_id.get(f"o{event.changes[0].key}")
        objective: Objective | None = view.objective if view else None
        if objective is not None and objective.status == "retired":
            found.append({"id": objective.id, "title": objective.title,
                          "final_score": objective.final_score, "note": objective.closing_note})
    return found


def export_path(store: Store, minutes: dict) -> Path:
    meeting = minutes["meeting"]
    return store.path.parent / "minutes" / f"{meeting['date']}-{meeting['id']}.md"


def export_file(store: Store, meeting_id: str | None = None) -> Path:
    """Where `export` writes a meeting's minutes, known before they are built (the app asks
    before replacing a file that is there)."""
    meeting = pick_meeting(store, meeting_id)
    return export_path(store, {"meeting": {"date": meeting.day.isoformat(), "id": meeting.id}})


def export(store: Store, meeting_id: str | None = None) -> Path:
    """Write the Markdown minutes beside the store; the name holds the meeting id, so another
    meeting's file is never overwritten."""
    minutes = build(store, meeting_id)
    path = export_path(store, minutes)
    try:
        atomic_write(path, render(minutes).encode())
    except OSError as exc:
        raise CadenceError(f"{path}: cannot be written ({exc.strerror})") from None
    return path
