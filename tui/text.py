"""Text on the screen. Store text is data, never markup and never control: every string from
the store, a source or the presence file reaches the screen through `plain` or `assemble`,
which make its control characters visible (core/display.py) and build a rich Text (which
parses no markup), styled here in one place."""

from rich.text import Text

from core import display, fmt
from core.forecast import Forecast, describe
from core.words import CONFIDENCE_LABEL
from core.words import BAND_LABEL

# Every style that means something, by what it means: how it looks in colour, and without
# (NO_COLOR). Without colour Textual draws each colour as the grey of its luminance, and red on
# the dark background becomes grey on grey; so there what must stand out is bold, and what is
# worst reversed, beside its symbol or word (core/words.py) — never told by colour alone.
LOOKS: dict[str, tuple[str, str]] = {
    # A band, and a score in its band.
    "green": ("green", ""), "amber": ("yellow", "bold"), "red": ("bold red", "bold reverse"),
    "none": ("dim", "dim"),
    # A trend's sparkline in its band's colour: its shape says enough without.
    "spark.green": ("green", ""), "spark.amber": ("yellow", ""), "spark.red": ("bold red", ""),
    "spark.none": ("dim", "dim"),
    "on_track": ("green", ""), "at_risk": ("yellow", "bold"), "off_track": ("red", "bold reverse"),
    "flag": ("yellow", "bold"),             # a KPI's flags
    "explained": ("dim italic", "dim italic"),   # flags its owner explained (and the words)
    "behind": ("bold yellow", "bold"),      # a key result behind its cycle's pace
    "warning": ("yellow", "bold"),          # an OKR warning, an ended cycle, a thing to settle
    "settled": ("green", ""),
    "error": ("bold red", "bold"),          # a refused value, beside its ✖
    "paused": ("bold yellow", "bold"),      # the meeting's clock
    "over": ("bold yellow", "bold"),        # a stage past its timebox
    "far_over": ("bold white on red", "bold reverse"),   # and half as long again
}
STYLE: dict[str, str] = {}                  # the looks in use


def use_colour(on: bool) -> None:
    """The looks of the app's process: in colour, or without (the app starts with NO_COLOR
    set; Textual then draws in monochrome)."""
    STYLE.update({meaning: looks[0 if on else 1] for meaning, looks in LOOKS.items()})


use_colour(True)

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
    return Text(BAND_LABEL[name], style=STYLE[name])


def spark(values: list[float], band_name: str) -> Text:
    return Text(fmt.sparkline(values), style=STYLE[f"spark.{band_name}"])


def timebox_style(state: str) -> str:
    """A stage's time against its timebox (core.meeting.TimeboxState): within it, past it,
    past it by half again."""
    return {"ok": "", "amber": STYLE["over"], "red": STYLE["far_over"]}[state]


def confidence(name: str) -> Text:
    return plain(CONFIDENCE_LABEL.get(name, name), style=STYLE.get(name, ""))


def score(value: float | None, band_name: str) -> Text:
    return Text(fmt.score(value), style=STYLE[band_name])


def bar(share: float, width: int = 10) -> Text:
    """A share of 0..1 as a bar and a percentage; anything else is drawn at the nearer end
    (nan, which arithmetic on huge values can give, as empty) rather than crash a screen."""
    share = min(1.0, max(0.0, share)) if share == share else 0.0
    filled = round(share * width)
    return Text("█" * filled + "░" * (width - filled) + f" {share:4.0%}")


def join(*parts: Text | str, sep: str = "  ") -> Text:
    return Text(sep).join(p if isinstance(p, Text) else plain(p) for p in parts)


def forecast(found: Forecast, unit: str, whole: bool = True) -> Text:
    """Where a key result will land (core/forecast.py), a miss said in words (it reads
    without colour) and styled as a key result behind its pace. Not `whole`: without the
    range and the "its target", for the OKR stage's line under its list (4 rows at most at
    80 columns, with the objective's line; the detail has it whole)."""
    said = describe(found, unit, with_range=whole)
    miss = " · misses its target" if whole else " · misses"
    return plain(said + miss if found.misses else said,
                 STYLE["behind"] if found.misses else "")
