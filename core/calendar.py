"""Actions with a due day as an iCalendar file (RFC 5545) an owner imports into a calendar:
`cadence actions --format ics`.

Each action is an all-day VEVENT on its due day, free time (TRANSP:TRANSPARENT). A VTODO
would say "task" more exactly, but Google Calendar and Outlook import only events; every
calendar shows an all-day event. The UID is the action's id with the store's id, so importing
the file again (a due day moved, an action dropped) updates the same entries rather than
adding more, and two teams' stores never collide.

The file is what the RFC asks: CRLF line ends, lines folded at 75 octets (never inside a
UTF-8 character), and every text from the store written through `display.ics` (controls
visible, `\\ ; ,` escaped, no newline), so a name cannot add a property or an event.
"""

import hashlib
from datetime import date, timedelta

from core import display
from core.board import Board
from core.model import Action, Meeting

PRODID = "-//Cadence//Actions//EN"
LINE_OCTETS = 75
STATUS = {"open": "CONFIRMED", "done": "CONFIRMED", "dropped": "CANCELLED"}


def fold(line: str) -> str:
    """A content line folded at 75 octets: each further line starts with a space, which
    counts; a UTF-8 character is never split."""
    lines, current, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        if size + octets > LINE_OCTETS:
            lines.append(current)
            current, size = " ", 1
        current += char
        size += octets
    lines.append(current)
    return "\r\n".join(lines)


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def _stamp(now: str) -> str:
    """An event-log time (`2026-11-22T09:01:00+00:00`, UTC) as an iCalendar UTC time."""
    return now[:19].replace("-", "").replace(":", "") + "Z"


def store_tag(store_id: str | None, path: str) -> str:
    """What makes the UIDs of this store's actions its own: its id (given with its first
    write), else a digest of its path."""
    return store_id or hashlib.sha256(path.encode()).hexdigest()[:24]


def _event(a: Action, due: date, board: Board, tag: str, stamp: str) -> list[str]:
    meeting = board.get(a.meeting, Meeting)
    said = "" if a.status == "open" else f"[{a.status}] "
    details = [f"{a.kind} of {a.owner}"]
    if meeting is not None:
        details.append(f"from {meeting.title} ({meeting.day.isoformat()})")
    if a.link:
        details.append(f"about {board.name_of(a.link) or a.link}")
    return ["BEGIN:VEVENT",
            f"UID:{a.id}.{tag}@cadence",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(due)}",
            f"DTEND;VALUE=DATE:{_day(due + timedelta(days=1))}",
            f"SUMMARY:{said}{display.ics(a.text)} ({display.ics(a.owner)})",
            # `\n` is the escaped newline of a TEXT value: the lines are ours, not the store's.
            "DESCRIPTION:" + "\\n".join(display.ics(d) for d in details),
            f"STATUS:{STATUS[a.status]}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT"]


def calendar(board: Board, actions: list[Action], tag: str, now: str) -> str:
    """The actions that have a due day, as one VCALENDAR; `now` stamps it (DTSTAMP)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:Cadence actions"]
    for action in actions:
        if action.due is not None:
            lines += _event(action, action.due, board, tag, _stamp(now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
