"""Keeping the system from the app: KPIs, the scorecard, objectives and key results, cycle
close — each form stores exactly what was typed, refuses bad input next to the field, undoes."""

import pytest

from core.model import Meeting
from core.store import Store
from tests.app.helpers import (kpi_row, make_app, notified, run, screen_text, select_row,
                               table_text, type_text)
from tests.helpers import TODAY, load


async def fill(pilot, *values: str) -> None:
    """Type each value into the next field; None-like '' just moves on."""
    for index, value in enumerate(values):
        if index:
            await pilot.press("tab")
        if value.startswith("<") and value.endswith(">"):
            await pilot.press(*value[1:-1].split())          # keys for a choice, e.g. <right>
        elif value:
            await type_text(pilot, value)


def kpi(db, name):
    return next((h.kpi for h in load(db).kpis if h.kpi.name == name), None)


async def test_new_kpi_is_stored_exactly(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("N")
        assert app.screen.id == "kpi-form" and app.focused.id == "f-name"
        await fill(pilot, "Net promoter score", "Lena", "", "<>", "40", "20", "<right right>",
                   "Support", "Survey, quarterly", "<right>", "3")
        await pilot.press("enter")
        created = kpi(demo_db, "Net promoter score")
        assert (created.owner, created.unit, created.direction, created.target,
                created.threshold, created.cadence, created.area, created.description,
                created.north_star, created.sustain) == (
            "Lena", "", "higher", 40, 20, "quarterly", "Support", "Survey, quarterly", True, 3)
        assert "Net promoter score" in table_text(app)
        await pilot.press("u")
        assert kpi(demo_db, "Net promoter score") is None


async def test_a_refused_kpi_says_why_next_to_the_field(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.pause()                   # the meeting's start is written after frame one
        before = demo_db.read_bytes()
        await pilot.press("N")
        await fill(pilot, "Cart abandonment", "Ann", "%", "<right>", "20", "25")
        await pilot.press("enter")
        assert "'Cart abandonment' is taken by another KPI" in str(
            app.screen.query_one("#e-name").render())
        assert app.focused.id == "f-name"                      # its text selected: typing
        await type_text(pilot, "Checkout drop-off")             # replaces it
        for _ in range(5):
            await pilot.press("tab")
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "15")                          # lower is better: 15 < 20
        await pilot.press("enter")
        assert "Threshold: 15 must be >= target 20" in str(
            app.screen.query_one("#e-threshold").render())
        await pilot.press("escape")
        assert demo_db.read_bytes() == before


async def test_edit_and_archive_a_kpi(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await select_row(pilot, kpi_row(app, "Uptime"))
        await pilot.press("E")
        assert app.screen.query_one("#f-target").value == "99.9"
        for _ in range(4):
            await pilot.press("tab")
        await type_text(pilot, "99.95")
        await pilot.press("enter")
        assert kpi(demo_db, "Uptime").target == 99.95
        await select_row(pilot, kpi_row(app, "Uptime"))
        uptime = kpi(demo_db, "Uptime").id
        await pilot.press("X", "y")
        assert "Uptime" not in table_text(app)
        assert kpi(demo_db, "Uptime") is None
        history = Store(demo_db).docs("series")[int(uptime[1:])]
        assert len(history) == 78           # the history stays (a year and a half of weeks)
        assert "Archived Uptime" in notified(app)
        await pilot.press("u")
        assert "Uptime" in table_text(app)


async def test_the_scorecard_walks_exactly_the_missing_kpis_and_clears_stale(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        assert [h.kpi.name for h in load(demo_db).to_fill()] == ["Net revenue retention", "CSAT"]
        assert "M fills the scorecard (2 missing)" in screen_text(app)
        await pilot.press("M")
        assert "Net revenue retention" in screen_text(app)
        assert app.screen.query_one("#f-period").value == "2026-Q3"
        await type_text(pilot, "104")
        await pilot.press("enter")
        assert "CSAT" in screen_text(app) and app.screen.id.startswith("scorecard-")
        assert app.screen.query_one("#f-period").value == "2026-10"
        await type_text(pilot, "89")
        await pilot.press("enter")
        assert app.screen.id == "meeting"
        board = load(demo_db)
        assert board.to_fill() == []
        csat = next(h for h in board.kpis if h.kpi.name == "CSAT")
        assert "stale" not in csat.flag_names and csat.latest == 89
        assert "Scorecard: 2 values recorded, 0 still missing." in notified(app)
        await pilot.press("M")
        assert "The scorecard is full" in notified(app)


async def test_escape_stops_the_scorecard_walk(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("M", "escape")
        assert app.screen.id == "meeting"
        assert len(load(demo_db).to_fill()) == 2
        assert "0 values recorded, 2 still missing" in notified(app)


async def test_new_objective_with_linked_kpis_then_more_key_results(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("3", "N")
        assert app.focused.id == "f-title"
        await fill(pilot, "Win the enterprise segment", "Marco", "2026-Q9")
        await pilot.press("enter")
        assert "is not a cycle" in str(app.screen.query_one("#e-cycle").render())
        await type_text(pilot, "2027-H1")
        await pilot.press("tab")
        await fill(pilot, "qualified pipeline coverage, monthly recurring revenue",
                   "Enterprise logos", "2", "10", "")
        await pilot.press("enter")
        view = next(v for v in load(demo_db).active
                    if v.objective.title == "Win the enterprise segment")
        o = view.objective
        assert (o.owner, o.cycle, o.priority) == ("Marco", "2027-H1", 5)
        assert [load(demo_db).name_of(k) for k in o.kpis] == [
            "Qualified pipeline coverage", "Monthly recurring revenue"]
        kr = view.krs[0].kr
        assert (kr.title, kr.start, kr.target, kr.unit, kr.kpi) == ("Enterprise logos", 2, 10,
                                                                    "", None)
        await select_row(pilot, len(load(demo_db).active) + sum(
            len(v.krs) for v in load(demo_db).active) - 1)
        assert app.screen.view.selected == kr.id
        await pilot.press("A")
        await fill(pilot, "Pipeline coverage", "2", "3", "x", "Qualified pipeline coverage")
        await pilot.press("enter")
        added = load(demo_db).by_id[o.id].krs[1].kr
        assert (added.title, added.kpi, added.position) == ("Pipeline coverage", "k3", 1)
        await pilot.press("u", "u")
        assert all(v.objective.title != "Win the enterprise segment"
                   for v in load(demo_db).objectives)


async def test_edit_objective_and_key_result(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("3", "j", "j")                       # First-contact resolution
        await pilot.press("E")
        assert app.screen.query_one("#f-title").value == "Make support feel effortless"
        assert app.screen.query_one("#f-kr_title").value == "First-contact resolution"
        await type_text(pilot, "Make support effortless")
        for _ in range(6):
            await pilot.press("tab")
        await type_text(pilot, "95")                            # kr target
        await pilot.press("enter")
        view = load(demo_db).by_id["o1"]
        assert view.objective.title == "Make support effortless"
        assert view.krs[2].kr.target == 95
        await pilot.press("E", "tab", "tab", "tab", "tab", "tab", "tab")
        await type_text(pilot, "70")                            # start = 70 = target? no: 70
        await pilot.press("tab")
        await type_text(pilot, "70")
        await pilot.press("enter")
        assert "equals start" in str(app.screen.query_one("#e-kr_target").render())
        await pilot.press("escape")
        assert load(demo_db).by_id["o1"].krs[2].kr.target == 95


async def test_delete_a_draft_but_not_an_objective_with_history(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("3", "X")
        assert "has check-ins: retire it (r) instead" in notified(app)
        assert load(demo_db).by_id.get("o1") is not None
        await pilot.press("N")
        await fill(pilot, "Draft idea", "Noor", "", "", "Something", "1", "2")
        await pilot.press("enter")
        draft = next(v for v in load(demo_db).active if v.objective.title == "Draft idea")
        await select_row(pilot, [i for i in range(app.screen.view.table.row_count)
                                 if app.screen.view.table.coordinate_to_cell_key(
                                     (i, 0)).row_key.value == draft.krs[0].kr.id][0])
        await pilot.press("X", "y")
        assert all(v.objective.title != "Draft idea" for v in load(demo_db).objectives)
        assert [v.objective.priority for v in load(demo_db).active] == [1, 2, 3, 4]


async def test_close_a_cycle_retires_with_final_scores_and_keeps_the_kpis(demo_db):
    app = make_app(demo_db)
    async with run(app, (120, 40)) as pilot:
        scores = {v.objective.id: v.score for v in load(demo_db).active}
        await pilot.press("3", "C")
        assert app.screen.id == "cycle-close" and "Close the cycle 2026-Q4" in screen_text(app)
        await pilot.press("r")
        await type_text(pilot, "Support is calmer")
        await pilot.press("enter")
        assert load(demo_db).by_id["o1"].objective.status == "retired"
        await pilot.press("a")
        assert app.screen.id == "close-cycle-form"
        await type_text(pilot, "Trials converted")
        await pilot.press("enter")
        board = load(demo_db)
        assert board.active == []
        for oid, score in scores.items():
            retired = board.by_id[oid].objective
            assert retired.status == "retired" and retired.final_score == pytest.approx(score)
        assert board.by_id["o2"].objective.closing_note == "Trials converted"
        assert len(board.kpis) == 10
        await pilot.press("escape")
        assert "No active objective" in screen_text(app)
        await pilot.press("H")
        assert "Make support feel effortless" in table_text(app)
        assert "retired 2026-11-22 · Support is calmer" in table_text(app)
        await pilot.press("u")                                  # the whole close at once
        assert len(load(demo_db).active) == 3


async def test_an_empty_store_starts_with_the_first_kpi(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with run(app) as pilot:
        assert "press N to add your first KPI" in screen_text(app)
        await pilot.press("N")
        await fill(pilot, "Weekly active users", "Priya", "", "<>", "70000", "60000")
        await pilot.press("enter")
        assert "1/5 KPI health" in screen_text(app)
        assert "Weekly active users" in table_text(app)
        await pilot.press("M")
        await type_text(pilot, "64000")
        await pilot.press("enter")
        await pilot.press("q", "y")
    board = load(db)
    assert board.kpis[0].latest == 64000 and board.kpis[0].band == "amber"
    assert len(board.meetings) == 1 and board.meetings[0].ended_at


async def test_the_first_kpi_of_an_empty_store_belongs_to_the_meeting(db, monkeypatch):
    """Added from the guide, the first KPI is the meeting's first change: its event carries
    the meeting, the minutes list it, and `u` takes it back."""
    from core import minutes
    from core.minutes_md import render
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with run(app) as pilot:
        await pilot.press("N")
        await fill(pilot, "Weekly active users", "Priya", "", "<>", "70000", "60000")
        await pilot.press("enter")
        assert "1/5 KPI health" in screen_text(app)
        store = Store(db)
        added = next(e for e in store.events() if e.kind == "kpi.create")
        assert added.meeting == app.session.meeting == "m1"
        assert [m.id for m in store.records(Meeting)] == ["m1"]            # one meeting
        shown = render(minutes.build(store, "m1"))
        assert "## KPIs and OKRs changed\n\n- KPI 'Weekly active users' added\n" in shown
        await pilot.press("u")
        assert "Weekly active users" not in table_text(app)
        assert load(db).kpis == ()
        await pilot.press("q", "y")
    ended = minutes.build(Store(db), "m1")
    assert ended["meeting"]["end"] and ended["changes"] == []               # undone: not there


async def test_the_guide_closed_without_a_kpi_writes_nothing(db, monkeypatch):
    """`N` plans the meeting; cancelled and closed, no meeting (nor any file) is written."""
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    app = make_app(db)
    async with run(app) as pilot:
        await pilot.press("N")
        assert app.screen.id == "kpi-form"
        await pilot.press("escape")
        assert "press N to add your first KPI" in screen_text(app)
        await pilot.press("q")
    assert not db.exists()


async def test_a_sixth_key_result_is_refused(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await pilot.press("3")
        for n in range(2):                                      # o1 has 3: two more make 5
            await pilot.press("A")
            await fill(pilot, f"Extra {n}", "0", "1")
            await pilot.press("enter")
        before = demo_db.read_bytes()
        await pilot.press("A")
        await fill(pilot, "One too many", "0", "1")
        await pilot.press("enter")
        assert "at most 5 key results" in screen_text(app)
        await pilot.press("escape")
        assert demo_db.read_bytes() == before
        assert len(load(demo_db).by_id["o1"].krs) == 5
