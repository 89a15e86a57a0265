"""What people type, in forms and CSV files, turned into values — or a message naming the field."""

import math
import re
from datetime import date, timedelta
from typing import Literal, overload

from core.errors import ValidationError
from core.periods import require_day

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^\+(\d{1,3})\s*([dw])$")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_due(text: str, today: date, field: str = "due") -> date | None:
    """Due dates as a facilitator types them: 2026-12-01, +3d, +2w, fri, today, tomorrow.
    None for an empty entry; a weekday is its next occurrence (today counts). Within the
    supported days (core.periods.FIRST_DAY to LAST_DAY), like every date Cadence keeps."""
    raw = text.strip().lower()
    if not raw:
        return None
    return require_day(_due(raw, today, field, text), field)


def _due(raw: str, today: date, field: str, text: str) -> date:
    if raw in ("today", "tod"):
        return today
    if raw in ("tomorrow", "tom"):
        return today + timedelta(days=1)
    if m := _RELATIVE.match(raw):
        amount = int(m[1]) * (7 if m[2] == "w" else 1)
        return today + timedelta(days=amount)
    weekday = next((i for i, name in enumerate(WEEKDAYS)
                    if len(raw) >= 3 and name.startswith(raw)), None)
    if weekday is not None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(field, f"{text.strip()!r} is not a date: use YYYY-MM-DD, +3d, "
                              "+2w or a weekday like fri") from None


@overload
def parse_number(text: str, field: str, required: Literal[True] = True,
                 unit: str = "") -> float: ...


@overload
def parse_number(text: str, field: str, required: bool, unit: str = "") -> float | None: ...


def parse_number(text: str, field: str, required: bool = True, unit: str = "") -> float | None:
    """A number as people type it: 1250000, 1,250,000, and with `unit` (the KPI's or the key
    result's) written before or after it, as it reads: 89.1% or 89.1 % for %, $92,500 or
    -$5 for $, 52 min or 52min for min (letters in any case). A unit that is not this one
    (52% for a value in min) is refused naming the one expected: typed by mistake, it would
    be a number in the wrong unit. Thousands multipliers (1.2k) are not numbers: `k` is a
    unit some teams use."""
    value: float | None
    try:
        value = float(text)             # the common case first: an import parses 100k of them
    except ValueError:
        value = _written_number(text, field, required, unit.strip())
    if value is not None and not math.isfinite(value):
        raise ValidationError(field, f"{text.strip()!r} is not a finite number")
    return value


def _written_number(text: str, field: str, required: bool, unit: str) -> float | None:
    """What float() refuses: nothing at all, thousands separators, a unit."""
    raw = text.strip()
    if not raw:
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    found = _plain(raw)
    if found is None and unit:
        found = _plain(_without_unit(raw, unit))
    if found is not None:
        return found
    raise ValidationError(field, _not_a_number(raw, unit))


def _plain(raw: str) -> float | None:
    """A number with no unit: float's own form, or digits in groups of three (1,250,000 — but
    never 26,5, a decimal comma)."""
    try:
        return float(raw)
    except ValueError:
        pass
    if _THOUSANDS.fullmatch(raw):
        return float(raw.replace(",", ""))
    return None


def _without_unit(raw: str, unit: str) -> str:
    """The number's text with `unit` taken off either end (a sign may stand before a unit
    that comes first: -$5); unchanged when the unit is on neither."""
    sign, body = (raw[0], raw[1:].lstrip()) if raw[:1] in "+-" else ("", raw)
    folded, wanted = body.casefold(), unit.casefold()
    if folded.startswith(wanted):
        return sign + body[len(unit):].strip()
    if folded.endswith(wanted):
        return sign + body[:-len(unit)].strip()
    return raw


_WITH_UNIT = re.compile(r"^([^\d+\-.,\s]*)\s*([+-]?[\d.,]+)\s*([^\d.,\s].*)?$")


def _not_a_number(raw: str, unit: str) -> str:
    """Why a value is refused: a number in another unit says which unit is expected."""
    if unit and _without_unit(raw, unit) != raw:          # its unit, and something else
        return f"{raw!r} is not a number in {unit}"
    match = _WITH_UNIT.match(raw)
    number = _plain(match[2]) if match else None
    if number is None:
        return f"{raw!r} is not a number"
    from core.fmt import number as shown, value as with_unit
    if not unit:
        return f"{raw!r}: this value has no unit; write {shown(number)}"
    return (f"{raw!r} is not in {unit}; write {shown(number)} or "
            f"{with_unit(number, unit)}")


def parse_whole(text: str, field: str) -> int | None:
    """A whole number >= 1 (a count of periods), or None when empty. ASCII digits only
    (`isdigit` alone takes `²`, which int() refuses), and few enough of them for int()."""
    raw = text.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw[:19]) < 1:
        raise ValidationError(field, f"{raw[:40]!r} is not a whole number >= 1")
    if len(raw) > 18:
        raise ValidationError(field, f"{raw[:40]!r} is far too large")
    return int(raw)


def parse_rating(text: str, field: str) -> int | None:
    """A meeting rating: a whole number from 1 to 10, or nothing."""
    value = parse_number(text, field, required=False)
    if value is None:
        return None
    if value != int(value) or not 1 <= value <= 10:
        raise ValidationError(field, f"{text.strip()!r} is not a whole number from 1 to 10")
    return int(value)
