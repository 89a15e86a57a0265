"""Text on the screen. Store text is data, never markup and never control: every string from
the store, a source or the presence file reaches the screen through `plain` or `assemble`,
which make its control characters visible (core/display.py) and build a rich Text (which
parses no markup), styled here in one place."""

from rich.text import Text

from core import display, fmt
from core.words import CONFIDENCE_LABEL
from core.words import BAND_LABEL

BAND_STYLE = {"green": "green", "amber": "yellow", "red": "bold red", "none": "dim",
              "ok": "", "behind": "yellow"}
CONFIDENCE_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}

Part = Text | str | tuple[str, str]


def plain(value: object, style: str = "") -> Text:
    """One line of store text, shown as it is: no markup, no control character acting."""
    return Text(display.line(value), style=style)


def lines(value: object, style: str = "") -> Text:
    """Text of several lines built by Cadence (a rendered Markdown document, say) whose
    store parts are already display text: newlines kept, any other control made visible."""
    return Text(display.block(value), style=style)


def assemble(*parts: Part) -> Text:
    """Text.assemble, with every str part (or `(str, style)` pair) shown as `plain` does."""
    return Text.assemble(*(_safe(p) for p in parts))


def _safe(part: Part) -> Text | tuple[str, str]:
    if isinstance(part, Text):
        return part
    if isinstance(part, tuple):
        return display.line(part[0]), part[1]
    return display.line(part)


def band(name: str) -> Text:
    return Text(BAND_LABEL[name], style=BAND_STYLE[name])


def spark(values: list[float], band_name: str) -> Text:
    return Text(fmt.sparkline(values), style=BAND_STYLE[band_name])


def confidence(name: str) -> Text:
    return plain(CONFIDENCE_LABEL.get(name, name), style=CONFIDENCE_STYLE.get(name, ""))


def score(value: float | None, band_name: str) -> Text:
    return Text(fmt.score(value), style=BAND_STYLE[band_name])


def bar(share: float, width: int = 10) -> Text:
    """A share of 0..1 as a bar and a percentage; anything else is drawn at the nearer end
    (nan, which arithmetic on huge values can give, as empty) rather than crash a screen."""
    share = min(1.0, max(0.0, share)) if share == share else 0.0
    filled = round(share * width)
    return Text("█" * filled + "░" * (width - filled) + f" {share:4.0%}")


def join(*parts: Text | str, sep: str = "  ") -> Text:
    return Text(sep).join(p if isinstance(p, Text) else plain(p) for p in parts)
