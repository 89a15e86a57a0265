"""Driving the meeting app as a person does, under Pilot: a frozen clock, keys, waiting in
the app's loop, and the screen, the dialogs and the notifications as text."""

import html
import re
import time
from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Static

from core.meeting import MeetingClock
from core.store import Store
from tests.helpers import load
from tui.app import CadenceApp


class FrozenTime:
    """The meeting clock's time source, moved only by the test."""

    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def make_app(db: Path, **kwargs) -> CadenceApp:
    return CadenceApp(Store(db), clock=MeetingClock(now=kwargs.pop("now", FrozenTime())),
                      **kwargs)


def run(app: CadenceApp, size=(120, 36)):
    """run_test with notifications on: what the app tells the facilitator is checked too."""
    return app.run_test(size=size, notifications=True)


def kpi_id(db: Path, name: str) -> str:
    return next(h.kpi.id for h in load(db).kpis if h.kpi.name == name)


def screen_text(app) -> str:
    """Every character the screen shows, as plain text, line by line (a modal screen's
    background too), read from the app's SVG screenshot: Textual's one public export of the
    screen. Each `<text>` holds one run of characters: its line is named by its clip path, its
    column is `x` over the width of one cell (`textLength` is one cell per character)."""
    lines: dict[int, str] = {}
    for x, length, line, escaped in SVG_TEXT.findall(app.export_screenshot()):
        run = html.unescape(escaped.replace("&#160;", " "))     # Rich writes a space so
        if run == "\n":                                         # Rich's own end of a line
            continue
        column = round(float(x) / (float(length) / len(run)))
        shown = lines.get(int(line), "")
        lines[int(line)] = shown + " " * (column - cell_len(shown)) + run
    return "\n".join(lines.get(y, "") for y in range(max(lines, default=-1) + 1))


SVG_TEXT = re.compile(r'<text [^>]*?x="([\d.]+)" [^>]*?textLength="([\d.]+)" '
                      r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>', re.DOTALL)


def key_bar_text(app) -> str:
    """The keys the bottom bar shows, as plain text."""
    from tui.widgets.key_bar import KeyBar
    return str(app.screen.query_one(KeyBar).render()).strip()


def kpi_row(app, name: str) -> int:
    """The row index of a KPI in the current stage's table."""
    table = app.screen.view.table
    for index in range(table.row_count):
        if name in str(table.get_row_at(index)[1]):
            return index
    raise AssertionError(f"{name} is not in the table")


async def select_row(pilot, index: int) -> None:
    table = pilot.app.screen.view.table
    table.move_cursor(row=index)
    await pilot.pause()


async def until(pilot, condition, timeout=1.0) -> float:
    """Wait (in the app's loop) until condition() holds; returns how long it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        await pilot.pause(0.02)
    return time.monotonic() - start


async def write_meeting(pilot) -> str:
    """The app's meeting written to the store now, as its first change would write it (a
    meeting is kept only once something is recorded in it): for tests about a meeting that
    is already in the store. Returns its id."""
    pilot.app.session.start_planned()
    await pilot.pause()
    return pilot.app.session.meeting


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


def notified(app) -> str:
    """Every notification the app has shown, newest last (toasts wrap and overlap the screen,
    so their text is checked here rather than on it)."""
    return "\n".join(app.told)


def dialog_text(app) -> str:
    """The text of the dialog on top, unwrapped (toasts may cover it on screen)."""
    return " ".join(str(w.render()) for w in app.screen.query(Static))


def widget_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def table_text(app) -> str:
    table = app.screen.view.table
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))


SVG_STYLE = re.compile(r"\.([\w-]+-r\d+) \{ fill: (#[0-9a-f]{6})")
SVG_RUN = re.compile(r'<text class="([\w-]+)" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                     r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>', re.DOTALL)
SVG_BACKGROUND = re.compile(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" '
                            r'width="([\d.]+)" height="[\d.]+" shape-rendering="crispEdges"/>')
LINE_HEIGHT, FIRST_LINE = 24.4, 1.5           # Rich's SVG: a line's box, from its top


def colours_of(app, word: str) -> list[tuple[str, str]]:
    """The foreground and background colours of every run of characters on screen that
    holds `word`, as drawn (Textual's NO_COLOR filter included), read from the app's SVG
    screenshot: a run's colour is its class's fill, its background the rectangle under it."""
    svg = app.export_screenshot()
    fills = dict(SVG_STYLE.findall(svg))
    backgrounds = [(fill, float(x), float(width), round((float(y) - FIRST_LINE) / LINE_HEIGHT))
                   for fill, x, y, width in SVG_BACKGROUND.findall(svg)]
    found = []
    for css, x, length, line, escaped in SVG_RUN.findall(svg):
        if word not in html.unescape(escaped.replace("&#160;", " ")):
            continue
        middle = float(x) + float(length) / 2
        under = next((fill for fill, left, width, row in reversed(backgrounds)
                      if row == int(line) and left <= middle < left + width), None)
        found.append((fills.get(css, "#000000"), under or "#000000"))
    return found


def contrast(one: str, other: str) -> float:
    """WCAG 2's contrast ratio of two colours (1 to 21)."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def every_page(app, pilot, scroller: str) -> str:
    """The text of a scrolling dialog (`scroller`: a selector of its scrolling container),
    page by page: what lies below the fold is read all the same (the help at 160x60, a KPI
    detail with many reasons)."""
    found = app.screen.query_one(scroller)
    pages, y = [], 0
    while True:
        found.scroll_to(y=y, animate=False)
        await pilot.pause()
        pages.append(screen_text(app))
        if y >= found.max_scroll_y:
            return "\n".join(pages)
        y = min(y + max(found.size.height - 2, 1), found.max_scroll_y)
