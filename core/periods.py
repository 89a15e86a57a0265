"""Cadence periods (a KPI's measuring rhythm) and OKR cycles (an objective's time box).

A period is identified by its first day: a date is normalised to the start of the day, ISO week
(Monday), month or quarter it falls in. ISO weeks belong to the ISO year, so 2021-01-03 is in
2020-W53.
"""

import re
from datetime import date, timedelta

import msgspec

from core.errors import ValidationError

CADENCES = ("daily", "weekly", "monthly", "quarterly")
_UNIT = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}

# The days Cadence reads and writes. Python's calendar ends at 0001-01-01 and 9999-12-31, and
# the rules step past a day on either side (a quarter back for the latest finished period, a
# period on for the next, a cycle's last day, 999 weeks ahead for a due date): bounded well
# inside it, no step can leave the calendar. Wide enough for any team's history and plans.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
DAY_RANGE = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def require_day(day: date, field: str, entity: str = "") -> date:
    """The day, unless it is outside the supported range (then a ValidationError)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(field, f"{day.isoformat()} is outside the days Cadence "
                              f"supports ({DAY_RANGE})", entity)
    return day


def period_start(day: date, cadence: str) -> date:
    if cadence == "daily":
        return day
    if cadence == "weekly":
        return day - timedelta(days=day.weekday())
    if cadence == "monthly":
        return day.replace(day=1)
    if cadence == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown cadence {cadence!r}")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def next_period(start: date, cadence: str) -> date:
    if cadence == "daily":
        return start + timedelta(days=1)
    if cadence == "weekly":
        return start + timedelta(weeks=1)
    return _add_months(start, 1 if cadence == "monthly" else 3)


def previous_period(start: date, cadence: str) -> date:
    if cadence == "daily":
        return start - timedelta(days=1)
    if cadence == "weekly":
        return start - timedelta(weeks=1)
    return _add_months(start, -1 if cadence == "monthly" else -3)


def periods_back(start: date, cadence: str, count: int) -> date:
    """The start of the period `count` periods before the one starting at `start`, in one
    step (previous_period `count` times, for the comparisons of every KPI in `status`)."""
    if cadence == "daily":
        return start - timedelta(days=count)
    if cadence == "weekly":
        return start - timedelta(weeks=count)
    return _add_months(start, -count if cadence == "monthly" else -3 * count)


def latest_finished(today: date, cadence: str) -> date:
    """The start of the last period that has fully ended by today."""
    return previous_period(period_start(today, cadence), cadence)


def period_label(start: date, cadence: str) -> str:
    if cadence == "weekly":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence == "monthly":
        return f"{start.year}-{start.month:02d}"
    if cadence == "quarterly":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return start.isoformat()


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.I)


def parse_period(text: str, cadence: str, field: str = "period") -> date:
    """A date (any day of the period) or the period's label, normalised to the period start."""
    text = text.strip()
    try:
        if m := _WEEK.match(text):
            day = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        elif m := _MONTH.match(text):
            day = date(int(m[1]), int(m[2]), 1)
        elif m := _QUARTER.match(text):
            day = date(int(m[1]), 3 * int(m[2]) - 2, 1)
        else:
            day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a date (YYYY-MM-DD) or a period like "
                              f"{period_label(date(2026, 11, 16), cadence)}") from None
    return period_start(require_day(day, field), cadence)


def unit(cadence: str, count: int = 1) -> str:
    """'week' / '3 weeks' — for human reasons."""
    word = _UNIT[cadence]
    return word if count == 1 else f"{count} {word}s"


class Cycle(msgspec.Struct, frozen=True):
    """An OKR time box, first to last day inclusive."""

    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed(self, today: date, since: date | None = None) -> float:
        """Share of the cycle gone by today, in [0, 1]; with `since` (the day an objective
        was written), the share of what was left of it that day: written mid-cycle, an
        objective starts at 0 rather than already behind. Written after its cycle ended, all
        of it is gone."""
        start = self.start if since is None else max(self.start, since)
        if start > self.end:
            return 1.0
        return min(1.0, max(0.0, (today - start).days / ((self.end - start).days + 1)))


_CYCLE_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.I)
_CYCLE_HALF = re.compile(r"^(\d{4})-H([12])$", re.I)
_CYCLE_YEAR = re.compile(r"^(\d{4})$")
_CYCLE_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


def _year(digits: str, text: str, field: str) -> int:
    """A cycle's year, within the supported days (whole years: they start on January 1)."""
    if not FIRST_DAY.year <= int(digits) <= LAST_DAY.year:
        raise ValidationError(field, f"{text.strip()!r} is outside the days Cadence supports "
                              f"({DAY_RANGE})")
    return int(digits)


def parse_cycle(text: str, field: str = "cycle") -> Cycle:
    """`YYYY-Qn`, `YYYY-Hn`, `YYYY`, or custom dates `YYYY-MM-DD..YYYY-MM-DD`, within the
    supported days (a year is checked before any arithmetic: 9999-Q4 would end in 10000)."""
    label = text.strip().upper()
    if m := _CYCLE_QUARTER.match(label):
        start = date(_year(m[1], text, field), 3 * int(m[2]) - 2, 1)
        return Cycle(label, start, _add_months(start, 3) - timedelta(days=1))
    if m := _CYCLE_HALF.match(label):
        start = date(_year(m[1], text, field), 6 * int(m[2]) - 5, 1)
        return Cycle(label, start, _add_months(start, 6) - timedelta(days=1))
    if m := _CYCLE_YEAR.match(label):
        year = _year(m[1], text, field)
        return Cycle(label, date(year, 1, 1), date(year, 12, 31))
    if m := _CYCLE_CUSTOM.match(label):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise ValidationError(field, f"{text!r} holds a date that does not exist") from None
        require_day(start, field)
        require_day(end, field)
        if end < start:
            raise ValidationError(field, f"{text!r} ends before it starts")
        return Cycle(f"{start}..{end}", start, end)
    raise ValidationError(field, f"{text!r} is not a cycle (YYYY-Qn, YYYY-Hn, YYYY or "
                          "YYYY-MM-DD..YYYY-MM-DD)")


def current_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
