"""A KPI's detail chart drawn by plotext: the series, target and threshold lines, XmR limits.

plotext keeps one global figure, so charts are built on the main thread only; a built chart is
cached until its data or size changes. plotext is imported on first use, so the first screen
does not wait for it.
"""

import math
from functools import lru_cache

from rich.text import Text
from textual.widget import Widget

from core.health import Health
from core.periods import period_label

# plotext computes its axis in plain floats: a span past the largest float (1.7e308 to
# -1.7e308) gives it inf and nan, which it turns into ints. Values this large are drawn in
# units of a power of ten instead, which keeps every span finite.
LARGEST_DRAWN = 1e15


def scale(numbers: list[float]) -> int:
    """The power of ten the chart divides its numbers by (0: none)."""
    largest = max(map(abs, numbers), default=0.0)
    return int(math.log10(largest)) - 2 if largest >= LARGEST_DRAWN else 0


# Each line of the chart: its colour, and without colour (NO_COLOR: every colour a grey) the
# marker it is drawn with instead, by which the caption names it.
LINES = {"target": ("green", "="), "threshold": ("red", "x"), "process limits": ("gray", "·")}


@lru_cache(maxsize=64)
def _render(title: str, labels: tuple[str, ...], values: tuple[float, ...],
            lines: tuple[tuple[float, str, str], ...], width: int, height: int,
            marker: str) -> Text:
    """The chart as Text, kept: a stage switch back to the flagged KPIs draws it again, and
    parsing plotext's ANSI output costs more than the frame it would delay. A line is drawn
    in its colour, or (given a marker) as a row of that marker."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.title(title)
    xs = list(range(len(values)))
    for value, color, line_marker in lines:
        if line_marker:
            plt.plot(xs, [value] * len(xs), marker=line_marker)
        else:
            plt.hline(value, color)
    plt.plot(xs, list(values), marker=marker)
    step = max(1, len(xs) // 4)
    plt.xticks(xs[::step], list(labels[::step]))
    return Text.from_ansi(plt.build())


def caption(lines: list[tuple[str, float]], colour: bool, power: int) -> str:
    """What the lines are: `target 95 (green)`, or without colour `target 95 (=)`."""
    said = []
    for name, value in lines:
        look = LINES[name][0 if colour else 1]
        part = f"{name} ({look})" if name == "process limits" else f"{name} {value:g} ({look})"
        if part not in said:                   # the process limits: two lines, one name
            said.append(part)
    return ", ".join(said) + (f"; in units of 1e{power}" if power else "")


class KpiChart(Widget):
    DEFAULT_CSS = "KpiChart { height: 1fr; min-height: 8; }"

    def __init__(self, marker: str = "hd", **kwargs):
        super().__init__(**kwargs)
        self.health: Health | None = None
        self.marker = marker
        self._waits = True                # for the first frame: see on_mount

    def on_mount(self) -> None:
        """plotext takes ~20 ms to import and a chart as long to build: one shown as the app
        starts (the health stage on a tall terminal) is drawn just after the first frame."""
        self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        self._waits = False
        self.refresh()

    def show(self, health: Health | None) -> None:
        self.health = health
        self.refresh()

    def render(self) -> Text:
        h = self.health
        if h is None or self._waits:
            return Text("")
        if len(h.series) < 2:
            return Text("Not enough values for a chart yet.", style="dim")
        k = h.kpi
        recent = h.series.recent(26)
        lines = [("target", k.target), ("threshold", k.threshold)]
        if h.limits is not None:
            lines += [("process limits", h.limits.upper), ("process limits", h.limits.lower)]
        values = [m.value for m in recent]
        power = scale(values + [value for _, value in lines])
        colour = not self.app.no_color
        unit = 10.0 ** power
        drawn = tuple((value / unit, LINES[name][0], "" if colour else LINES[name][1])
                      for name, value in lines)
        try:
            built = _render(caption(lines, colour, power),
                            tuple(period_label(m.period, k.cadence) for m in recent),
                            tuple(v / unit for v in values), drawn,
                            max(20, self.size.width), max(6, self.size.height), self.marker)
        except (ArithmeticError, ValueError):    # plotext's own arithmetic on odd values
            return Text("These values cannot be drawn as a chart.", style="dim")
        return built
