"""The HTML minutes of the scripted demo meeting of tests/unit/test_minutes.py, every section
with content (in a browser, with hostile text: tests/cli/test_minutes_html.py)."""

import re

from core import minutes, minutes_html
from tests.unit.test_minutes import meeting  # noqa: F401  (the fixture)

SECTIONS = ("Decisions", "Actions by owner", "Off track", "Since last meeting",
            "Flagged KPIs discussed", "KPIs discussed", "Values recorded", "OKR check-ins",
            "Where the key results will land", "Re-prioritised", "Objectives started", "Retired", "KPIs and OKRs changed", "Carried-over actions",
            "KPI health", "Time per stage", "Appendix: flagged KPIs not discussed")


def test_every_section_of_a_full_meeting(meeting):  # noqa: F811
    page = minutes_html.build(meeting)
    found = minutes.build(meeting)
    headings = re.findall(r">([^<>]+)</h2>", page)
    assert headings == [h for h in headings if h in SECTIONS]           # none else, in order:
    assert [h for h in SECTIONS if h in headings] == headings           # the summary first
    assert set(SECTIONS) - set(headings) == {"Objectives started"}      # none in this one
    for heading in headings:
        body = page.split(f">{heading}</h2>", 1)[1].split("<h2", 1)[0]
        assert "None." not in body, heading
    assert "Turn more trial users into confident, active customers: #2 → #1" in page
    assert "Ship releases that feel rock<wbr>-solid" not in page       # no break but links
    assert "final score 0.56 — Quality is a habit now" in page
    charts = re.findall(r'<svg class="chart"', page)
    assert len(charts) == len(found["discussed"]) == 4      # each KPI the meeting touched
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
