"""The minutes as one self-contained HTML file, for a browser and for mail clients: inline
CSS, inline SVG sparklines and a chart per KPI the meeting discussed, no script, tables
600 px wide (core/templates/minutes.html.jinja).

The page is the minutes' JSON document (core/minutes.py) rendered by a Jinja2 template with
autoescape on; on top of that, every value the template writes goes through
`display.html` (the environment's `finalize`), so text from the store is shown — controls
visible, no tag, entity or link — whichever way the template names it. Only the template's
own markup is markup. Jinja2 is loaded here, on first use: `cadence status` and the app's
launch never pay for it.

The charts need what the JSON does not hold (a KPI's recent values, its process limits):
those come from the store as the meeting saw it, as the JSON does, so an ended meeting's
HTML is the same bytes however much data arrives later.
"""

from functools import lru_cache
from pathlib import Path
from typing import Any

from core import chart, display, fmt, meeting_facts, minutes, since, words
from core.health import Health
from core.periods import period_label
from core.errors import CadenceError
from core.store import Store

Json = dict[str, Any]
TEMPLATES = Path(__file__).parent / "templates"
CHART_VALUES = 26            # half a year of weeks, as the app's detail chart shows
SPARK_VALUES = 12            # as the glyph sparkline of the Markdown minutes


def _chart(h: Health) -> Json:
    """A discussed KPI's chart: its recent values with the target, threshold and process
    limits, and what the caption says of them."""
    k = h.kpi
    recent = h.series.recent(CHART_VALUES)
    lines = {"target": k.target, "threshold": k.threshold,
             "upper limit": h.limits.upper if h.limits else None,
             "lower limit": h.limits.lower if h.limits else None}
    return {"id": k.id, "name": k.name, "unit": k.unit, "band": h.band, "latest": h.latest,
            "direction": k.direction, "target": k.target, "threshold": k.threshold,
            "limits": h.limits,
            "chart": chart.chart([m.value for m in recent],
                                 [period_label(m.period, k.cadence) for m in recent], lines)}


def pictures(store: Store, found: Json, scope: minutes.Scope | None = None) -> Json:
    """What the page draws beyond the JSON, from the store as the meeting saw it (`scope`: a
    roll-up's, over its teams' stores): the sparkline points of every KPI by id, and the
    charts of the KPIs discussed."""
    seen, meeting = minutes.as_seen(store, found["meeting"]["id"])
    board = (scope or minutes.StoreScope()).board(seen, meeting)
    by_id = {h.kpi.id: h for h in board.kpis}
    return {"sparklines": {i: chart.sparkline(h.series.values(SPARK_VALUES))
                           for i, h in by_id.items()},
            "charts": [_chart(by_id[i]) for i in found["discussed"] if i in by_id]}


def _shown(value: object) -> object:
    """Every value the template writes: the template's own markup (Markup) as it is, any
    other value as display text (core/display.py)."""
    from markupsafe import Markup
    if isinstance(value, Markup):
        return value
    return Markup(display.html("" if value is None else value))


def _unbroken(value: object) -> object:
    """`|plain`: display text without the <wbr> link breaks, for the page's <title> and a
    picture's (which show a tag as text, and make no link)."""
    from markupsafe import Markup
    return Markup(display.html("" if value is None else value, breaks=False))


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, finalize=_shown,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    environment.filters["plain"] = _unbroken
    environment.globals.update(
        value=fmt.value, number=fmt.number, score=fmt.score, band_label=words.BAND_LABEL,
        confidence_label=words.CONFIDENCE_LABEL, verdict_label=words.VERDICT_LABEL,
        direction_symbol=words.DIRECTION_SYMBOL, pace=words.pace, stage_note=words.stage_note,
        follow_through=words.follow_through, follow_through_label=words.FOLLOW_THROUGH_LABEL,
        since_kinds=since.KINDS, since_headings=since.HEADINGS, no_earlier=since.NO_EARLIER)
    return environment


def render(found: Json, drawn: Json) -> str:
    """The page of the minutes `found` (the JSON document), with the `drawn` pictures."""
    facts = meeting_facts.phrases(meeting_facts.from_json(found["facts"]))
    page: str = _environment().get_template("minutes.html.jinja").render(m=found, facts=facts,
                                                                        **drawn)
    return page


def build(store: Store, meeting_id: str | None = None,
          scope: minutes.Scope | None = None) -> str:
    found = minutes.build(store, meeting_id, scope)
    return render(found, pictures(store, found, scope))


def export(store: Store, meeting_id: str | None = None,
           scope: minutes.Scope | None = None) -> Path:
    """`e` in the app: the Markdown minutes beside the store (core/minutes.py: export), and
    this page beside them, of the same name with .html. Returns the Markdown file's path."""
    from core.storage import atomic_write
    written = minutes.export(store, meeting_id, scope)
    page = written.with_suffix(".html")
    try:
        atomic_write(page, build(store, meeting_id, scope).encode())
    except OSError as exc:
        raise CadenceError(f"{page}: cannot be written ({exc.strerror})") from None
    return written
