"""How numbers read to people: values with their unit, scores, sparklines."""

import math

from core.stats import fraction

_PREFIX_UNITS = {"$", "€", "£", "¥"}
_SUFFIX_UNITS = {"%", "x", "×"}
SPARK = "▁▂▃▄▅▆▇█"


HUGE = 1e15       # from here on, digits in groups would fill a line: 1.7e+308


def number(value: float) -> str:
    """Up to two decimals, trailing zeros dropped, thousands grouped: 26, 26.5, 1,250,000;
    past a quadrillion, three significant digits (1.7e+308); arithmetic that overflowed as
    ∞ (or — when it is no number at all)."""
    if not abs(value) < HUGE:
        if math.isnan(value):
            return "—"
        return f"{value:.3g}" if math.isfinite(value) else "-∞" if value < 0 else "∞"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return _with_unit(number(value), unit)


def _with_unit(text: str, unit: str) -> str:
    unit = unit.strip()
    if not unit:
        return text
    if unit in _PREFIX_UNITS:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    if unit in _SUFFIX_UNITS:
        return f"{text}{unit}"
    return f"{text} {unit}"


def score(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.2f}"


def sparkline(values: list[float]) -> str:
    """One block glyph per value, scaled between the series' own min and max (without
    overflow, however far apart they are)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    low, high = min(finite), max(finite)
    if high == low:
        return SPARK[3] * len(finite)
    top = len(SPARK) - 1
    return "".join(SPARK[round(fraction(v, low, high) * top)] for v in finite)


def delta(change: float, unit: str = "", signed: bool = True) -> str:
    """A change of a value: "+0.12 pt" for a percentage (points: a move from 4% to 5% is
    one point, not 1%), "-5 min", "+$1,200"; a change too small for two decimals keeps two
    significant digits (+0.004 pt), so a slow needed rate never reads as +0."""
    size = abs(change)
    text = f"{size:.2g}" if 0 < size < 0.005 else number(size)
    sign = ("-" if change < 0 else "+") if signed and text != "0" else ""
    return sign + (f"{text} pt" if unit.strip() == "%" else _with_unit(text, unit))
