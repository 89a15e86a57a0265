"""How numbers read to people: values with their unit, scores, sparklines."""

import math

_PREFIX_UNITS = {"$", "€", "£", "¥"}
_SUFFIX_UNITS = {"%", "x", "×"}
SPARK = "▁▂▃▄▅▆▇█"


def number(value: float) -> str:
    """Up to two decimals, trailing zeros dropped, thousands grouped: 26, 26.5, 1,250,000."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = number(value)
    unit = unit.strip()
    if not unit:
        return text
    if unit in _PREFIX_UNITS:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    if unit in _SUFFIX_UNITS:
        return f"{text}{unit}"
    return f"{text} {unit}"


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def sparkline(values: list[float]) -> str:
    """One block glyph per value, scaled between the series' own min and max."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    low, high = min(finite), max(finite)
    if high == low:
        return SPARK[3] * len(finite)
    top = len(SPARK) - 1
    return "".join(SPARK[round((v - low) / (high - low) * top)] for v in finite)
