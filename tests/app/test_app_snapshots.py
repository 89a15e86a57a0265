"""SVG snapshots of each stage on the demo data (CADENCE_TODAY and the clock frozen), so a
visual regression shows up as a diff. Update with --snapshot-update, then look at every SVG."""

import pytest

from tests.app.helpers import make_app


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_stage(snap_compare, demo_db, stage):
    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), press=[str(stage)])


def test_kpi_health_at_80x24(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), press=["down", "down"])


def test_flagged_at_160x50(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=(160, 50), press=["2", "down"])


def test_help(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), press=["question_mark"])


def test_intervention_form(snap_compare, demo_db):
    async def blink_off(pilot):
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("i")
        pilot.app.focused.cursor_blink = False
    assert snap_compare(make_app(demo_db), terminal_size=(100, 30), run_before=blink_off)
