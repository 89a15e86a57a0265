"""A KPI's detail chart drawn by plotext: the series, target and threshold lines, XmR limits.

plotext keeps one global figure, so charts are built on the main thread only; a built chart is
cached until its data or size changes. plotext is imported on first use, so the first screen
does not wait for it.
"""

from functools import lru_cache

from rich.text import Text
from textual.widget import Widget

from core.health import Health
from core.periods import period_label



@lru_cache(maxsize=64)
def _render(title: str, labels: tuple[str, ...], values: tuple[float, ...],
            lines: tuple[tuple[float, str], ...], width: int, height: int, marker: str) -> str:
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.title(title)
    xs = list(range(len(values)))
    for value, color in lines:
        plt.hline(value, color)
    plt.plot(xs, list(values), marker=marker)
    step = max(1, len(xs) // 4)
    plt.xticks(xs[::step], list(labels[::step]))
    return plt.build()


class KpiChart(Widget):
    DEFAULT_CSS = "KpiChart { height: 1fr; min-height: 8; }"

    def __init__(self, marker: str = "hd", **kwargs):
        super().__init__(**kwargs)
        self.health: Health | None = None
        self.marker = marker

    def show(self, health: Health | None) -> None:
        self.health = health
        self.refresh()

    def render(self) -> Text:
        h = self.health
        if h is None:
            return Text("")
        if len(h.series) < 2:
            return Text("Not enough values for a chart yet.", style="dim")
        k = h.kpi
        recent = h.series.recent(26)
        lines = [(k.target, "green"), (k.threshold, "red")]
        if h.limits is not None:
            lines += [(h.limits.upper, "gray"), (h.limits.lower, "gray")]
        title = f"target {k.target:g} (green), threshold {k.threshold:g} (red)" + \
            (", process limits (gray)" if h.limits else "")
        built = _render(title, tuple(period_label(m.period, k.cadence) for m in recent),
                        tuple(m.value for m in recent), tuple(lines),
                        max(20, self.size.width), max(6, self.size.height), self.marker)
        return Text.from_ansi(built)
