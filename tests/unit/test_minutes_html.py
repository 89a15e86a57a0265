"""The HTML minutes of the scripted demo meeting of tests/unit/test_minutes.py, every section
with content (in a browser, with hostile text: tests/cli/test_minutes_html.py)."""

import re

from core import minutes, minutes_html
from tests.unit.test_minutes import meeting  # noqa: F401  (the fixture)

SECTIONS = ("KPI health", "Flagged KPIs", "KPIs discussed", "Values recorded", "OKR check-ins",
            "Re-prioritised", "Retired", "KPIs and OKRs changed", "Decisions and actions",
            "Carried-over actions", "Time per stage")


def test_every_section_of_a_full_meeting(meeting):  # noqa: F811
    page = minutes_html.build(meeting)
    found = minutes.build(meeting)
    for heading in SECTIONS:
        body = page.split(f">{heading}</h2>", 1)[1].split("<h2", 1)[0]
        assert "None." not in body, heading
    assert "Turn more trial users into confident, active customers: #2 → #1" in page
    assert "Ship releases that feel rock<wbr>-solid" not in page       # no break but links
    assert "final score 0.56 — Quality is a habit now" in page
    charts = re.findall(r'<svg class="chart"', page)
    assert len(charts) == len(minutes_html.discussed(found)) == 2     # Cart abandonment, Uptime
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
