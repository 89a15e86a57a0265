"""User text is data, never markup: every string from the store reaches the screen as a
rich Text (which parses nothing), styled here in one place."""

from rich.text import Text

from core import fmt
from core.health import BAND_LABEL

BAND_STYLE = {"green": "green", "amber": "yellow", "red": "bold red", "none": "dim",
              "ok": "", "behind": "yellow"}
CONFIDENCE_LABEL = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}
CONFIDENCE_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}


def plain(value: object, style: str = "") -> Text:
    return Text(str(value), style=style)


def band(name: str) -> Text:
    return Text(BAND_LABEL[name], style=BAND_STYLE[name])


def spark(values: list[float], band_name: str) -> Text:
    return Text(fmt.sparkline(values), style=BAND_STYLE[band_name])


def confidence(name: str) -> Text:
    return Text(CONFIDENCE_LABEL.get(name, name), style=CONFIDENCE_STYLE.get(name, ""))


def score(value: float | None, band_name: str) -> Text:
    return Text(fmt.score(value), style=BAND_STYLE[band_name])


def bar(share: float, width: int = 10) -> Text:
    """A share of 0..1 as a bar and a percentage; anything else is drawn at the nearer end
    (nan, which arithmetic on huge values can give, as empty) rather than crash a screen."""
    share = min(1.0, max(0.0, share)) if share == share else 0.0
    filled = round(share * width)
    return Text("█" * filled + "░" * (width - filled) + f" {share:4.0%}")


def join(*parts: Text | str, sep: str = "  ") -> Text:
    return Text(sep).join(p if isinstance(p, Text) else Text(p) for p in parts)
