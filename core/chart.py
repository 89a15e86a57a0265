"""A KPI's numbers as drawing coordinates, for the SVG sparklines and charts of the HTML
minutes. Only numbers here: the template (core/templates/minutes.html.jinja) draws the
shapes, and every text it writes beside them goes through core/display.py.

Values are finite but may span the whole float range (1.7e308 to -1.7e308): positions are
computed with `stats.fraction`, which cannot overflow.
"""

from math import isfinite

import msgspec

from core.stats import fraction


class Line(msgspec.Struct, frozen=True):
    """A horizontal line across the chart: the target, the threshold, a process limit."""

    name: str                     # "target", "threshold", "upper limit", "lower limit"
    value: float
    y: float


class Chart(msgspec.Struct, frozen=True):
    width: int
    height: int
    points: str                   # the series as an SVG polyline: "x,y x,y ..."
    last: tuple[float, float]     # the newest value's point, drawn as a dot
    lines: tuple[Line, ...]
    top: float                    # the values at the plot's top and bottom edges
    bottom: float
    first_label: str              # the oldest and newest periods, under the plot
    last_label: str


# The plot inside the chart: room above and below for the axis labels.
PAD_TOP, PAD_BOTTOM, PAD_X = 14, 18, 4


def _y(value: float, low: float, high: float, top: float, height: float) -> float:
    """The y coordinate of `value` (SVG's y grows downwards), rounded to a tenth of a pixel."""
    if high == low:
        return round(top + height / 2, 1)
    return round(top + (1 - fraction(value, low, high)) * height, 1)


def _xs(count: int, left: float, width: float) -> list[float]:
    if count == 1:
        return [round(left + width / 2, 1)]
    return [round(left + i * width / (count - 1), 1) for i in range(count)]


def sparkline(values: list[float], width: int = 96, height: int = 20) -> str:
    """The series as polyline points in a `width` x `height` box, between its own minimum
    and maximum (as the glyph sparkline is); empty when it has no value."""
    finite = [v for v in values if isfinite(v)]
    if not finite:
        return ""
    low, high = min(finite), max(finite)
    ys = [_y(v, low, high, 2, height - 4) for v in finite]
    return " ".join(f"{x},{y}" for x, y in zip(_xs(len(finite), 2, width - 4), ys))


def chart(values: list[float], labels: list[str], lines: dict[str, float | None],
          width: int = 560, height: int = 160) -> Chart | None:
    """The series (oldest first, one label per value) and the named lines, scaled together
    so every line is inside the plot; None for fewer than two values."""
    kept = [(v, label) for v, label in zip(values, labels) if isfinite(v)]
    if len(kept) < 2:
        return None
    drawn = {name: v for name, v in lines.items() if v is not None and isfinite(v)}
    everything = [v for v, _ in kept] + list(drawn.values())
    low, high = min(everything), max(everything)
    plot_height = height - PAD_TOP - PAD_BOTTOM
    xs = _xs(len(kept), PAD_X, width - 2 * PAD_X)
    ys = [_y(v, low, high, PAD_TOP, plot_height) for v, _ in kept]
    return Chart(width, height, " ".join(f"{x},{y}" for x, y in zip(xs, ys)),
                 (xs[-1], ys[-1]),
                 tuple(Line(name, v, _y(v, low, high, PAD_TOP, plot_height))
                       for name, v in drawn.items()),
                 high, low, kept[0][1], kept[-1][1])
