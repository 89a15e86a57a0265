"""A KPI's detail chart drawn by plotext: the series, target and threshold lines, XmR limits
(from a marked process change on, drawn with a vertical mark at it), and the same periods a
year earlier when the KPI has values then.

plotext keeps one global figure, so charts are built on the main thread only; a built chart is
cached until its data or size changes. plotext is imported on first use, so the first screen
does not wait for it.
"""

import math
import textwrap
from functools import lru_cache

from rich.text import Text
from textual.widget import Widget

from core import display, fmt
from core.compare import year_earlier
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
LINES = {"target": ("green", "="), "threshold": ("red", "x"), "process limits": ("gray", "·"),
         "a year earlier": ("blue", "+"), "process change": ("magenta", "│")}
# A line: its value, colour, marker (colour off) and the first point it spans from.
Line = tuple[float, str, str, int]


@lru_cache(maxsize=64)
def _render(title: str, labels: tuple[str, ...], values: tuple[float, ...],
            lines: tuple[Line, ...], width: int, height: int, marker: str,
            earlier: tuple[tuple[int, float], ...] = (), change: int | None = None,
            colour: bool = True) -> Text:
    """The chart as Text, kept: a stage switch back to the flagged KPIs draws it again, and
    parsing plotext's ANSI output costs more than the frame it would delay. A line is drawn
    in its colour, or (given a marker) as a row of that marker; `earlier`: the points of the
    same periods a year earlier; `change`: the point a process change is marked at."""
    import plotext as plt

    plt.clear_figure()
    # plotext drops a title wider than the chart: a long caption (a year earlier, a process
    # change, at 80 columns) is wrapped above the chart instead, in the rows it takes from it.
    above = textwrap.wrap(title, width) if len(title) > width - 2 else []
    plt.plotsize(width, max(4, height - len(above)))
    plt.theme("clear")
    if not above:
        plt.title(title)
    xs = list(range(len(values)))
    for value, color, line_marker, first in lines:
        if line_marker or first:
            plt.plot(xs[first:], [value] * len(xs[first:]), marker=line_marker or "dot",
                     color=None if line_marker else color)
        else:
            plt.hline(value, color)
    if earlier:
        look, plain = LINES["a year earlier"]
        plt.plot([x for x, _ in earlier], [v for _, v in earlier],
                 marker=plain if not colour else marker, color=look if colour else None)
    if change is not None:
        plt.vline(change, LINES["process change"][0] if colour else None)
    plt.plot(xs, list(values), marker=marker)
    step = max(1, len(xs) // 4)
    plt.xticks(xs[::step], list(labels[::step]))
    return Text("".join(f"{line}\n" for line in above)) + Text.from_ansi(plt.build())


def caption(lines: list[tuple[str, float | str]], colour: bool, power: int,
            unit: str = "") -> str:
    """What the lines are: `target 95% (green)`, or without colour `target 95% (=)`, in the
    KPI's unit as the detail says them (store text: shown through display.line); a line
    with no value of its own (process limits, a year earlier) by its name, and a process
    change by its period (`process change 2026-W24 (|)`, as its value is its period)."""
    said = []
    for name, value in lines:
        look = LINES[name][0 if colour else 1]
        if name == "process change":
            part = f"{name} {value} ({look})"
        elif name in ("process limits", "a year earlier"):
            part = f"{name} ({look})"
        else:
            part = f"{name} {display.line(fmt.value(float(value), unit))} ({look})"
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
        periods = [m.period for m in recent]
        lines = [("target", k.target), ("threshold", k.threshold)]
        if h.limits is not None:
            lines += [("process limits", h.limits.upper), ("process limits", h.limits.lower)]
        # From the marked change on, if it is among the periods drawn.
        change = next((x for x, p in enumerate(periods) if h.phase and p >= h.phase), None)
        earlier = [(x, v) for x, p in enumerate(periods)
                   if (v := h.series.value_at(year_earlier(p, k.cadence))) is not None]
        values = [m.value for m in recent]
        power = scale(values + [value for _, value in lines] + [v for _, v in earlier])
        colour = not self.app.no_color
        unit = 10.0 ** power
        first = change or 0
        drawn = tuple((value / unit, LINES[name][0], "" if colour else LINES[name][1],
                       first if name == "process limits" else 0) for name, value in lines)
        named: list[tuple[str, float | str]] = [*lines]
        named += [("a year earlier", 0.0)] if earlier else []
        if change is not None and h.phase is not None:
            named.append(("process change", period_label(h.phase, k.cadence)))
        try:
            built = _render(caption(named, colour, power, k.unit),
                            tuple(period_label(p, k.cadence) for p in periods),
                            tuple(v / unit for v in values), drawn,
                            max(20, self.size.width), max(6, self.size.height), self.marker,
                            tuple((x, v / unit) for x, v in earlier), change, colour)
        except (ArithmeticError, ValueError):    # plotext's own arithmetic on odd values
            return Text("These values cannot be drawn as a chart.", style="dim")
        return built
