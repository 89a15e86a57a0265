"""`cadence status`: KPI health, flags, OKR progress and actions, as text or as JSON."""

from typing import Any

from core import compare, display, explanations, fmt, okr
from core import since as changes
from core.board import Board
from core.follow_through import FollowThrough
from core.forecast import Forecast, describe
from core.health import Health
from core.model import Action, Issue
from core.words import BAND_LABEL, DIRECTION_SYMBOL, NORTH_STAR, due_phrase


def as_json(board: Board, since: changes.Since | None = None) -> dict[str, Any]:
    """`since`: what changed since the last ended meeting (core/since.py), None when no
    meeting has ended."""
    judged = _follow_through(board)
    return {
        "today": board.today.isoformat(),
        "counts": board.counts(),
        "kpis": [{**_kpi_json(h), **_explanation_json(board, h)} for h in board.kpis],
        "objectives": [_objective_json(v, board.forecasts) for v in board.objectives],
        # `overdue` extends the contract's action object (an open action past its due day);
        # `follow_through`, an intervention's verdict (null for other actions).
        "actions": [{**action_json(a), "overdue": board.is_overdue(a),
                     "follow_through": judged.get(a.id)} for a in board.actions],
        "since_last_meeting": changes.as_json(since),
        # The issues list (core/issues.py): the open ones top first, then the settled ones.
        "issues": [issue_json(i, board) for i in _issues(board)],
    }


def _issues(board: Board) -> list[Issue]:
    settled = [i for i in board.issues if i.status != "open"]
    return board.open_issues + sorted(settled, key=lambda i: (i.settled_on, i.key), reverse=True)


def issue_json(i: Issue, board: Board) -> dict[str, Any]:
    return {"id": i.id, "title": i.title, "raised_by": i.raised_by, "meeting": i.meeting,
            "created": i.created.isoformat(), "link": i.link,
            "link_name": board.name_of(i.link) or None, "status": i.status, "rank": i.rank,
            "picked_in": i.top_in, "kept_in": list(i.kept_in), "settled_in": i.settled_in,
            "settled_on": i.settled_on.isoformat() if i.settled_on else None,
            "actions": list(i.actions)}


def follow_through_json(found: FollowThrough) -> dict[str, Any]:
    return {"verdict": found.verdict, "reason": found.reason, "since": found.since.isoformat()}


def _follow_through(board: Board) -> dict[str, dict[str, Any]]:
    """Action id -> its follow-through, for every intervention on a KPI."""
    return {f.action.id: follow_through_json(f)
            for items in board.follow_through.values() for f in items}


def _kpi_json(h: Health) -> dict[str, Any]:
    k = h.kpi
    return {"id": k.id, "name": k.name, "owner": k.owner, "area": k.area, "unit": k.unit,
            "direction": k.direction, "cadence": k.cadence, "north_star": k.north_star,
            "band": h.band, "latest": h.latest,
            "latest_period": h.series.newest_period and h.series.newest_period.isoformat(),
            "target": k.target, "threshold": k.threshold, "flags": h.flag_names,
            "reasons": {f.name: f.reason for f in h.flags},
            "limits": None if h.limits is None else
            {"mean": h.limits.mean, "lower": h.limits.lower, "upper": h.limits.upper},
            "process": process_json(h),
            "compare": compare.as_json(k, compare.compare(k, h.series))}


def process_json(h: Health) -> dict[str, Any]:
    """The XmR reading beside `limits`: the marked process changes, the one the limits
    restart from, whether they are locked, and which rule raised `signal`."""
    rule = next((f.rule for f in h.flags if f.name == "signal"), None)
    return {"changes": [c.isoformat() for c in h.kpi.changes],
            "phase": h.phase and h.phase.isoformat(), "locked": h.locked,
            "signal_rule": rule}


def _explanation_json(board: Board, h: Health) -> dict[str, Any]:
    """The owner's explanation that stands for the KPI's flags (null when none does): an
    addition to the contract's KPI object, whose `flags` keep every flag, explained or not."""
    return {"explanation": explanations.as_json(board.explanation(h.kpi.id))}


def _objective_json(v: okr.ObjectiveView, forecasts: dict[str, Forecast]) -> dict[str, Any]:
    o = v.objective
    return {"id": o.id, "title": o.title, "owner": o.owner, "cycle": o.cycle,
            "status": o.status, "priority": o.priority, "score": v.score,
            "score_band": okr.score_band(v.score), "elapsed": v.elapsed, "kpis": list(o.kpis),
            "warnings": [w.text for w in v.warnings], "final_score": o.final_score,
            "retired_on": o.retired_on.isoformat() if o.retired_on else None,
            "key_results": [{"id": k.kr.id, "title": k.kr.title, "unit": k.kr.unit,
                             "start": k.kr.start, "target": k.kr.target, "current": k.current,
                             "kpi": k.kr.kpi, "progress": k.progress, "behind": k.behind,
                             "confidence": k.kr.confidence,
                             "forecast": forecast_json(forecasts.get(k.kr.id), k.kr.unit)}
                            for k in v.krs]}


def forecast_json(found: Forecast | None, unit: str) -> dict[str, Any] | None:
    """Where an active key result will land (core/forecast.py); null without a forecast."""
    if found is None:
        return None
    return {"points": found.points, "lands": found.lands, "low": found.low, "high": found.high,
            "state": found.state, "per_week": found.per_week, "misses": found.misses,
            "text": describe(found, unit)}


def action_json(a: Action) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "text": a.text, "owner": a.owner,
            "due": a.due.isoformat() if a.due else None, "status": a.status, "link": a.link,
            "meeting": a.meeting, "created": a.created.isoformat(), "issue": a.issue,
            "done_on": a.done_on.isoformat() if a.done_on else None}


GUIDANCE = ("The store holds no KPIs or objectives yet.\n"
            "  Load the demo:  cadence demo\n"
            "  Or import CSV:  cadence import kpis FILE.csv, then measurements and okrs")


def as_text(board: Board, since: changes.Since | None = None) -> str:
    if not board.kpis and not board.objectives:
        return GUIDANCE
    counts = board.counts()
    lines = [f"Cadence status for {board.today}: " + ", ".join(
        f"{counts[b]} {b}" for b in ("green", "amber", "red", "none"))]
    lines += ["", "KPI HEALTH"] + _table([_kpi_row(h) for h in board.kpis],
                                         ("", "KPI", "latest", "target", "trend", "flags"))
    for h in board.flagged:
        lines += [f"  {h.kpi.name}: {f.name}: {f.reason}" for f in h.flags]
        if found := board.explanation(h.kpi.id):
            lines.append(f"  {h.kpi.name}: {found.line}")
    if board.objectives:
        lines += ["", "OBJECTIVES"]
        for view in board.objectives:
            lines += _objective_lines(view)
    open_actions = [a for a in board.actions if a.status == "open" and a.kind != "decision"]
    if open_actions:
        lines += ["", "OPEN ACTIONS"] + [f"  {a.id}  {a.text} — {a.owner}" + _due(board, a)
                                         for a in open_actions]
    if board.open_issues:
        lines += ["", "OPEN ISSUES"] + [f"  #{i.rank} {i.title} — raised by {i.raised_by}"
                                        for i in board.open_issues]
    if since is not None:
        lines += ["", "SINCE LAST MEETING", *changes.short_lines(since)]
    # Each line is one line, whatever a name holds: a newline in it would forge a line.
    return "\n".join(map(display.line, lines))


def _kpi_row(h: Health) -> tuple[str, ...]:
    k = h.kpi
    name = (NORTH_STAR if k.north_star else "") + k.name
    target = DIRECTION_SYMBOL[k.direction] + fmt.value(k.target, k.unit)
    return (BAND_LABEL[h.band], name, fmt.value(h.latest, k.unit), target,
            fmt.sparkline(h.series.values(12)), " ".join(h.flag_names))


def _objective_lines(view: okr.ObjectiveView) -> list[str]:
    o = view.objective
    rank = f"#{o.priority}" if o.status == "active" else "retired"
    lines = [f"  {rank} {o.title} — {o.owner or 'no owner'}, {o.cycle}: score "
             f"{fmt.score(view.score)} ({okr.score_band(view.score)})"]
    lines += [f"      ! {w.text}" for w in view.warnings if o.status == "active"]
    for k in view.krs:
        behind = "  BEHIND" if k.behind and o.status == "active" else ""
        lines.append(f"      {k.progress:4.0%}  {k.kr.title}: {fmt.value(k.kr.start, k.kr.unit)}"
                     f" → {fmt.value(k.current, k.kr.unit)} → {fmt.value(k.kr.target, k.kr.unit)}"
                     f"  [{k.kr.confidence}]{behind}")
    return lines


def _due(board: Board, a: Action) -> str:
    return f", {due_phrase(a.due.isoformat(), board.is_overdue(a))}" if a.due else ""


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    """Columns padded to their widest cell, measured as the cells will be shown."""
    rows = [tuple(map(display.line, row)) for row in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
            for row in [header, *rows]]
