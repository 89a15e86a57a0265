"""`cadence minutes --format html`, opened in a real browser (headless Chromium at 600 px,
as a mail client's reading pane): it renders, fits, fetches and runs nothing, and text from
the store stays text however hostile. A screenshot of the demo meeting's page is kept
(tests/browser.py: artifacts)."""

import json
from pathlib import Path

import orjson
from linkify_it import LinkifyIt

from core import display
from tests.browser import artifact
from tests.helpers import run_cli, write_demo
from tests.hostile import HOSTILE, assert_inert, make_hostile

# What HTML and a mail client would act on, beyond tests/hostile.py's payloads.
HTML_PAYLOADS = (
    "<script>window.pwned = 1</script>",
    "<img src=x onerror=\"window.pwned = 2\">",
    "javascript:window.pwned=3",
    "<a href=\"javascript:window.pwned=4\">click</a>",
    "\"><svg onload=window.pwned=5>",
    "</style><style>body { display: none }</style>",
    "</td></tr></table><table style=\"width:5000px\"><tr><td>wide",
    "<!-- <title>",
    "&amp; &#60;b&#62; &lt;i&gt;",
    "averyveryveryverylongwordwithoutanyspacethatwouldpushthetablewiderthanthepage" * 3,
    "\x1b]0;PWNED\x07 \x00 \x7f \x85 \u202e",
)
HTML_HOSTILE = " ".join(HTML_PAYLOADS)


def html_hostile(db: Path) -> Path:
    """The demo with every text field holding tests/hostile.py's payloads and the HTML
    ones above."""
    make_hostile(write_demo(db))
    data = orjson.loads(db.read_bytes())

    def worse(value):
        if isinstance(value, str):
            return value.replace(HOSTILE, f"{HOSTILE} {HTML_HOSTILE}")
        if isinstance(value, list):
            return [worse(v) for v in value]
        if isinstance(value, dict):
            return {worse(k): worse(v) for k, v in value.items()}
        return value
    db.write_bytes(orjson.dumps(worse(data)))
    return db


def hostile_meeting(db: Path) -> str:
    """A second meeting over the hostile store that fills every section of the minutes but
    "started": a value and an intervention on a KPI, a decision, a check-in, a re-rank, a
    retirement, a KPI edit, a carried-over action dropped; its attendees' names and notes
    hostile too. Returns its id."""
    from datetime import date

    from core.clock import today
    from core.commands import actions, kpis, okrs
    from core.events import EventKind
    from tests.helpers import board_of, end_meeting, meeting_on, review
    names = " ".join(HTML_PAYLOADS[:-1])               # a name typed in holds no control
    session = meeting_on(db, title=f"meeting {names} www.evil.example", facilitator="Noor",
                         attendees=(f"Ann {names}",))
    board = board_of(session)
    kpi = board.kpis[2].kpi.id
    text = f"{HOSTILE} {HTML_HOSTILE}"
    session.run(EventKind.MEASUREMENT, kpis.measure, kpi, "2026-11-12", 3.5, text, today())
    session.run(EventKind.INTERVENTION, actions.record, "intervention", text, "Priya",
                date(2026, 11, 30), kpi, today())
    session.run(EventKind.DECISION, actions.record, "decision", text, "Dana", None, None,
                today())
    kr = next(k for v in board.active for k in v.krs if k.kr.kpi is None)
    session.run(EventKind.CHECKIN, okrs.check_in, kr.kr.id, kr.current + 1, "at_risk", text,
                today())
    session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move, board.active[1].objective.id, up=True)
    session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire, {board.active[-1].objective.id: text},
                today())
    session.run(EventKind.KPI_UPDATE, kpis.update, kpi, owner="SRE")
    carried = next(a for a in board.actions if a.status == "open" and a.kind == "action")
    review(session, carried.id, "dropped")
    end_meeting(session)
    return session.meeting


def html_minutes(db: Path, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "minutes.html"
    result = run_cli("minutes", "--format", "html", "-o", str(out), "--force", *args, db=db)
    assert result.returncode == 0, result.stderr
    return out


def overflow(page) -> int:
    """How far the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_demo_meetings_html_renders_within_600_px(db, tmp_path, page):
    write_demo(db)
    out = html_minutes(db, tmp_path, "--meeting", "m1")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    assert page.title() == "Operating review 2026-11-15"
    assert overflow(page) == 0
    headings = page.locator("h2").all_inner_texts()
    # The summary first: what a reader forwards, then what changed, then the detail.
    assert headings[:4] == ["Decisions", "Actions by owner", "Off track", "Since last meeting"]
    assert headings.index("KPIs discussed") < headings.index("KPI health")
    # A chart per KPI a decision or intervention was about, with its four lines.
    charts = page.locator("svg.chart")
    assert charts.count() == 4                          # each KPI the meeting touched
    assert charts.first.locator("line").count() == 4 and charts.first.locator("polyline").count()
    assert page.locator("svg.spark").count() == 6              # one per off-track KPI then
    assert page.locator("script, img, iframe, link, a").count() == 0
    assert [r for r in requests if not r.startswith("file:")] == []   # nothing fetched
    for svg in page.locator("svg").all():
        box = svg.bounding_box()
        assert box["width"] > 0 and box["x"] + box["width"] <= 600
    shot = artifact("minutes-demo-m1.png")
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot of the HTML minutes: {shot}")
    assert shot.stat().st_size > 10_000


def test_an_ended_meetings_html_stays_the_same_bytes(db, tmp_path):
    write_demo(db)
    before = html_minutes(db, tmp_path, "--meeting", "m1").read_bytes()
    csv = tmp_path / "values.csv"
    csv.write_text("kpi,date,value\nCart abandonment,2026-11-12,35\n"
                   "Cart abandonment,2026-11-19,36\n")
    assert run_cli("import", "measurements", str(csv), db=db, today="2026-11-24").returncode == 0
    again = tmp_path / "again.html"
    assert run_cli("minutes", "--meeting", "m1", "--format", "html", "-o", str(again), db=db,
                   today="2026-11-30").returncode == 0
    assert again.read_bytes() == before


TEXT_NODES = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) found.push(walker.currentNode.data);
    return found;
}"""
ATTRIBUTES = """() => [...document.querySelectorAll('*')].flatMap(
    e => [...e.attributes].map(a => [e.tagName.toLowerCase(), a.name, a.value]))"""


def test_hostile_store_text_stays_text_in_a_browser(db, tmp_path, page, monkeypatch):
    """Every text field of the store holding a script, an event handler, a javascript:
    link, text that closes the style or the table, entities, controls and bidi: the page
    runs nothing, opens no dialog, has no link and no element or attribute of the store's
    making, still fits 600 px, and shows each payload as the text it is."""
    html_hostile(db)
    monkeypatch.setenv("CADENCE_TODAY", "2026-11-22")
    meeting = hostile_meeting(db)
    out = html_minutes(db, tmp_path, "--meeting", meeting)
    raw = out.read_text()
    # Every section has content (one left out when empty: no objective was started).
    assert raw.count("None.") == 0 and ">Objectives started</h2>" not in raw
    assert_inert(raw, "the HTML minutes")
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("window.pwned") is None and page.dialogs == []
    assert page.locator("script, img, iframe, object, embed, a, link, form").count() == 0
    assert page.locator("style").count() == 1                     # the page's own
    assert page.evaluate("getComputedStyle(document.body).display") == "block"
    assert overflow(page) == 0
    for tag, name, value in page.evaluate(ATTRIBUTES):
        assert not name.startswith("on"), (tag, name)
        assert "javascript" not in value.lower(), (tag, name)
        assert "5000px" not in value, (tag, name)
    shown = page.evaluate("document.body.innerText")
    for payload in HTML_PAYLOADS[:-1]:
        assert " ".join(payload.split()) in shown, payload
    assert display.line(" ".join(HTML_PAYLOADS[-1].split())) in shown   # controls shown
    assert "[link=file:///etc/passwd]x[/]" in shown
    # No text node holds what a mail client or a chat would make a link of.
    linkify = LinkifyIt()
    linked = [text for text in page.evaluate(TEXT_NODES) if linkify.test(text)]
    assert linked == []
    assert page.title().startswith("meeting ")                    # title text, no <wbr> in it
    assert "<wbr>" not in page.title()
    shot = artifact("minutes-hostile.png")
    page.screenshot(path=str(shot), full_page=True)


def test_json_and_html_of_the_same_meeting_agree(db, tmp_path):
    """The page is the JSON document rendered: every decision of the JSON is on it."""
    write_demo(db)
    page_text = html_minutes(db, tmp_path, "--meeting", "m1").read_text()
    found = json.loads(run_cli("minutes", "--meeting", "m1", "--format", "json", db=db).stdout)
    assert found["decisions"]
    for decision in found["decisions"]:
        assert display.html(decision["text"]) in page_text
    assert "<script" not in page_text


def test_an_unknown_format_is_one_line(db):
    write_demo(db)
    result = run_cli("minutes", "--format", "xml", db=db)
    assert result.returncode == 1 and "invalid choice: 'xml'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
