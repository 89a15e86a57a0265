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


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_kpi_detail_with_grid_and_process_change(snap_compare, demo_db, size):
    """Uptime: the comparisons and the 13-period grid; its chart with the prior year, the
    process change the demo marks and the limits locked from it (at 80x24, scrolled to them)."""
    async def open_uptime(pilot):
        await pilot.press(*["down"] * 4, "enter")
        await pilot.pause()
        if size == (80, 24):
            await pilot.press("pagedown")
            await pilot.pause()
    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=open_uptime)
