"""Minutes from the store: a golden file for a scripted demo meeting, every section, hostile
text checked with a real Markdown parser, and the JSON schema (`cadence minutes`:
tests/cli/test_minutes.py)."""

from datetime import date
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from core import demo, minutes
from core.minutes_md import cell, md, render
from core.clock import today
from core.commands import actions, explanations, kpis, okrs
from core.events import EventKind
from core.model import Stage
from core.store import Store
from tests.helpers import (MINUTES_SCHEMA, TODAY, board_of, end_meeting, meeting_on, review,
                           undo_last, update_meeting)

GOLDEN = Path(__file__).parents[1] / "golden" / "minutes_demo_meeting.md"


class Ticks:
    """Event and meeting times, one minute apart from 09:00 on the meeting day."""

    def __init__(self):
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"2026-11-22T09:{self.n:02d}:00+00:00"


@pytest.fixture
def meeting(db, monkeypatch):
    """The demo, then a meeting run through a session as the app runs it."""
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    monkeypatch.setattr("core.clock.now", Ticks())
    store = Store(db)
    demo.write(store, TODAY)
    session = meeting_on(store, attendees=("Noor", "Dana", "Priya"), facilitator="Noor")
    board = board_of(session)
    kpi = {h.kpi.name: h.kpi.id for h in board.kpis}
    session.run(EventKind.INTERVENTION, actions.record, "intervention",
                "Roll back the checkout redesign", "Priya", date(2026, 11, 25),
                kpi["Cart abandonment"], today())
    session.run(EventKind.DECISION, actions.record, "decision",
                "Pause paid acquisition | until checkout is fixed", "Dana", None,
                kpi["Cart abandonment"], today())
    session.run(EventKind.ACTION, actions.record, "action", "Typo we will undo", "Noor", None,
                None, today())
    undo_last(session)
    session.run(EventKind.MEASUREMENT, kpis.measure, kpi["Uptime"], "2026-11-12", 99.91,
                "short outage", today())
    session.run(EventKind.KPI_UPDATE, kpis.update, kpi["Uptime"], owner="SRE on call")
    session.run(EventKind.EXPLANATION, explanations.explain, kpi["Qualified pipeline coverage"],
                "explained", "quarter-end *deals* slipped | to December", "Marco", today())
    session.run(EventKind.EXPLANATION, explanations.explain, kpi["First response time"],
                "investigating", "", "Lena", today())
    fcr = next(k for v in board.active for k in v.krs if k.kr.title == "First-contact resolution")
    session.run(EventKind.CHECKIN, okrs.check_in, fcr.kr.id, 80.0, "on_track", "new macros",
                today())
    trials = next(v for v in board.active if v.objective.title.startswith("Turn more"))
    session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move, trials.objective.id, up=True)
    rock = next(v for v in board.active if v.objective.title.startswith("Ship releases"))
    session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire,
                {rock.objective.id: "Quality is a habit now"}, today())
    carried = next(a for a in board.actions if a.status == "open" and a.kind == "action")
    review(session, carried.id, "done")
    update_meeting(session, ratings={"Noor": 8, "Dana": 7})
    end_meeting(session, stages=(Stage("KPI health", 10, 540), Stage("Flagged", 15, 1200),
                                 Stage("OKR check-ins", 20, 1500), Stage("Decisions", 10, 240),
                                 Stage("Wrap-up", 5, 0, skipped=True)))
    return store


def test_golden_markdown_of_a_demo_meeting(meeting, request):
    text = render(minutes.build(meeting))
    if request.config.getoption("--snapshot-update"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_every_section_with_content(meeting):
    found = minutes.build(meeting)
    jsonschema.validate(found, MINUTES_SCHEMA)
    assert found["meeting"]["rating_average"] == 7.5
    assert found["meeting"]["duration_min"] > 0
    assert [d["text"] for d in found["decisions"]] == [
        "Roll back the checkout redesign", "Pause paid acquisition | until checkout is fixed"]
    assert found["checkins"][0]["from"] == 77 and found["checkins"][0]["to"] == 80
    assert found["reprioritised"] == [
        {"id": "o2", "title": "Turn more trial users into confident, active customers",
         "from": 2, "to": 1},
        {"id": "o1", "title": "Make support feel effortless", "from": 1, "to": 2}]
    assert found["retired"][0]["note"] == "Quality is a habit now"
    assert found["carried_over"][0]["verdict"] == "done"
    assert found["measurements"][0]["period"] == "2026-W46"
    assert found["stages"][4] == {"name": "Wrap-up", "timebox_min": 5, "spent_min": 0,
                                  "skipped": True, "state": "ok"}
    assert found["stages"][1]["state"] == "amber"                       # 20 of 15 min
    text = render(found)
    assert "Typo we will undo" not in text                              # undone: not there
    for heading in ("Decisions", "Actions by owner", "Off track", "KPI health",
                    "Flagged KPIs discussed", "Values recorded", "OKR check-ins",
                    "Re-prioritised", "Retired", "KPIs and OKRs changed",
                    "Carried-over actions", "Time per stage",
                    "Appendix: flagged KPIs not discussed"):
        section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        assert section.strip() and section.strip() != "None.", heading


def test_sections_without_content_say_none(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    store = Store(db)
    demo.write(store, TODAY)
    meeting_on(store)
    found = minutes.build(store)
    jsonschema.validate(found, MINUTES_SCHEMA)
    text = render(found)
    # The summary says there was nothing; a section of detail with nothing is left out.
    for heading in ("Decisions", "Actions by owner"):
        assert f"## {heading}\n\nNone." in text
    for heading in ("Values recorded", "OKR check-ins", "Re-prioritised", "Objectives started",
                    "Retired", "KPIs and OKRs changed", "Carried-over actions",
                    "Flagged KPIs discussed"):
        assert f"## {heading}\n" not in text
    assert "## Appendix: flagged KPIs not discussed" in text     # the meeting touched none
    assert "in progress" in text and "Rating" not in text


HOSTILE = ["a | b", "line\nbreak", "<script>alert(1)</script>", "[link](http://x)", "`code`",
           "*bold* _it_", "# heading", "back\\slash", "~~gone~~"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_cannot_break_a_table_or_add_formatting(db, monkeypatch, hostile):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    store = Store(db)
    demo.write(store, TODAY)
    session = meeting_on(store, attendees=("Ann",))
    action = session.run(EventKind.DECISION, actions.record, "decision", hostile, "Ann", None,
                         None, today())
    with store.transaction("hand edit") as tx:     # names the forms refuse (a newline) as well
        meeting = tx.get("meetings", int(session.meeting[1:]))
        tx.put("meetings", int(session.meeting[1:]), {**meeting, "attendees": [hostile]})
        tx.put("actions", action.key, {**tx.get("actions", action.key), "owner": hostile})
    text = render(minutes.build(store))
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "link_open", "code_inline", "em_open",
                        "strong_open", "s_open"}
    tables = [i for i, t in enumerate(tokens) if t.type == "table_open"]
    for start in tables:                              # every row has as many cells as the head
        rows, cells = [], 0
        for token in tokens[start:]:
            if token.type == "tr_open":
                cells = 0
            elif token.type in ("th_open", "td_open"):
                cells += 1
            elif token.type == "tr_close":
                rows.append(cells)
            elif token.type == "table_close":
                break
        assert len(set(rows)) == 1, (hostile, rows)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(not h.startswith("heading") for h in headings)
    inline = "".join(t.content for t in tokens if t.type == "inline")
    assert " ".join(hostile.split()).replace("\\", "") in inline.replace("\\", "")


def test_md_escapes_and_flattens():
    assert md("a|b\nc <x> [y]") == "a|b c \\<x> \\[y\\]"          # outside a table
    assert cell("a|b\nc <x> [y]") == "a\\|b c \\<x> \\[y\\]"        # in a cell


def test_export_writes_beside_the_store_named_by_date_and_meeting(meeting):
    path = minutes.export(meeting, "m2")
    assert path == meeting.path.parent / "minutes" / "2026-11-22-m2.md"
    assert path.read_text().startswith("# Operating review 2026-11-22")
    other = minutes.export(meeting, "m1")
    assert other.name == "2026-11-15-m1.md" and path.exists()
