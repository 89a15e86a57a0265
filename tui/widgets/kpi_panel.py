"""The selected KPI beside or below a list of KPIs: why it is flagged, and its chart. The
Flagged stage shows it beside its list; KPI health below its list when the terminal is tall
(cadence.tcss)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Static

from core import fmt
from core.explanations import Standing
from core.health import Health
from tui import text
from tui.widgets.kpi_chart import KpiChart


def heading(h: Health) -> Text:
    k = h.kpi
    return text.join(text.plain(k.name, "bold"), text.band(h.band),
                     text.plain(f"latest {fmt.value(h.latest, k.unit)}, target "
                                f"{fmt.value(k.target, k.unit)}"),
                     text.plain(f"owner {k.owner}", "dim"))


def reasons(h: Health, standing: Standing | None = None) -> Text:
    """Each flag with its reason, a line each; dimmed under its owner's explanation while
    that stands (or with the investigation under way, not dimmed)."""
    if not h.flags:
        return Text("No flag: nothing to discuss here.", style="dim")
    dim = standing is not None and standing.dims
    flag, reason = (text.STYLE["explained"],) * 2 if dim else (f"bold {text.STYLE['flag']}", "")
    lines = [text.join(text.plain(f.name, flag), text.plain(f.reason, reason)) for f in h.flags]
    if standing is not None:
        lines.append(text.plain(f"✎ {standing.line}",
                                text.STYLE["explained"] if dim else f"bold {text.STYLE['flag']}"))
    return Text("\n").join(lines)


class KpiPanel(Container):
    """The selected KPI's flags with their reasons, and its chart. Its parts keep their
    height (cadence.tcss), so a cursor move redraws them without a layout pass."""

    def compose(self) -> ComposeResult:
        yield Static(id="panel-reasons")
        yield KpiChart(id="panel-chart")

    def show(self, health: Health | None, standing: Standing | None = None) -> None:
        box = self.query_one("#panel-reasons", Static)
        # The layout is redone only where the reasons' height follows them (Flagged's).
        height = box.styles.height
        box.update(reasons(health, standing) if health else Text(""),
                   layout=height is None or height.is_auto)
        self.query_one(KpiChart).show(health)
