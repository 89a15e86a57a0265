"""The words and symbols every output shares: `cadence status`, the minutes, the app and a
follower's view say a band, a verdict, a timebox or a confidence the same way, so each is
spelled here once. Bands read as words and symbols as well as colours (NO_COLOR, monochrome
projectors).

Keyed by the strings the values hold (core.model.Verdict and core.meeting.TimeboxState are
StrEnums, equal to them): this module imports nothing, so `cadence status` pays for no rule
module it does not use.
"""

BAND_LABEL = {"green": "● ok", "amber": "▲ watch", "red": "✖ off", "none": "· no data"}
CONFIDENCE_LABEL = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}
# Before a target: "≥ 95%" when higher is better.
DIRECTION_SYMBOL = {"higher": "≥ ", "lower": "≤ "}
NORTH_STAR = "★ "
VERDICT_LABEL = {"open": "still open", "done": "done", "dropped": "dropped"}
# After a stage's time: nothing within its timebox.
TIMEBOX_LABEL = {"ok": "", "amber": "over", "red": "50% over"}
SKIPPED = "skipped"
# An open action past its due day: a symbol and a word, so it reads without colour.
OVERDUE = "⚠ overdue"
# An OKR warning (core.okr.OkrWarning, by its code) where a table row has room for a word or two.
WARNING_LABEL = {"kr_count": "⚠ key results", "no_kpi": "⚠ no KPI link"}


def pace(behind: bool) -> str:
    """A key result's progress against the time gone of its cycle."""
    return "behind" if behind else "on pace"


def stage_note(skipped: bool, state: str) -> str:
    """What the wrap-up and the minutes say beside a stage's time."""
    return SKIPPED if skipped else TIMEBOX_LABEL[state]


def follow_up(waiting: int, overdue: int, due_today: int) -> str:
    """Open actions from earlier meetings still to settle (core.board.FollowUp): "2 open
    actions from earlier meetings: 1 ⚠ overdue, 1 due today"."""
    head = f"{waiting} open action{'s' * (waiting != 1)} from earlier meetings"
    parts = [f"{overdue} {OVERDUE}" if overdue else "", f"{due_today} due today" if due_today
             else ""]
    said = ", ".join(p for p in parts if p)
    return f"{head}: {said}" if said else head


def due(day: str | None, overdue: bool) -> str:
    """An action's due day as a table cell: the mark first, so a cut cell still says it."""
    if not day:
        return "—"
    return f"{OVERDUE} {day}" if overdue else day


def due_phrase(day: str | None, overdue: bool) -> str:
    """An action's due day in a sentence: "due 2026-11-20", "⚠ overdue 2026-11-20" (as its
    table cell says it, so the line under a list repeats the cell), "no due date"."""
    if not day:
        return "no due date"
    return due(day, overdue) if overdue else f"due {day}"


def origin(kind: str, connection: str = "", pulled_at: str = "", meeting: str = "") -> str:
    """Where a recorded value came from (core/series.py Provenance), as the KPI detail says
    it: "pulled from warehouse (sql) 2026-11-30 07:00 UTC", "typed in Operating review 2026-11-22".
    `meeting`: the meeting's title. A value with no provenance was typed outside a meeting or
    imported (the event log says which)."""
    at = f"{pulled_at[:16].replace('T', ' ')} UTC" if pulled_at else ""
    if kind == "formula":
        return f"computed by its formula {at}".rstrip()
    if kind in ("sql", "csv", "command"):
        where = f"{connection} ({kind})" if connection else f"its {kind} source"
        return f"pulled from {where} {at}".rstrip()
    if kind == "meeting":
        return f"typed in {meeting}" if meeting else "typed in a meeting"
    return "typed or imported"


# --- did it work? (core/follow_through.py) -------------------------------------------------
# An intervention's verdict: a symbol and a word, so it reads without colour.
FOLLOW_THROUGH_LABEL = {"recovered": "✓ recovered", "improving": "↗ improving",
                        "no change": "= no change", "worse": "✖ worse",
                        "too early": "… too early"}


def follow_through(past: int, recovered: int) -> str:
    """A flagged KPI's interventions whose day has passed: "3 past interventions, 2
    recovered"."""
    return f"{past} past intervention{'s' * (past != 1)}, {recovered} recovered"
