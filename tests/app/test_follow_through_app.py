"""Issue 19 on screen, driven with keys on the demo: whether past interventions worked (the
Flagged stage and a KPI's detail), the `relapse` reason, and where a key result will land (the
OKR stage's line under the list and a key result's detail)."""

from tests.app.helpers import kpi_row, make_app, run, screen_text, select_row
from tui.screens.detail import DetailScreen


async def test_flagged_says_whether_past_interventions_worked(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Qualified pipeline coverage"))
        text = screen_text(app)
        assert "1 past intervention, 1 recovered" in text and "✓ recovered" in text
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "follow-through" in text and "Review every stalled deal with its rep" in text
        assert "green again in 2026-W38 (3.12x)" in text        # the reason, wrapped
        await pilot.press("escape")
        await select_row(pilot, kpi_row(app, "First response time"))
        assert "1 past intervention, 0 recovered" in screen_text(app)
        assert "= no change" in screen_text(app)
        await select_row(pilot, kpi_row(app, "Cart abandonment"))     # its one is not due yet
        assert "past intervention" not in screen_text(app)


async def test_flagged_shows_the_relapse_reason(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.press("2")
        await select_row(pilot, kpi_row(app, "Customer churn"))
        assert ("relapse  2.65% again after 'Improve retention' retired at 2.57% on 2026-09-30"
                in screen_text(app))


async def test_the_okr_stage_says_where_a_key_result_will_land(demo_db):
    app = make_app(demo_db)
    async with run(app, (160, 50)) as pilot:
        await pilot.press("3")
        await select_row(pilot, kpi_row(app, "Weekly active users"))
        text = screen_text(app)
        assert "lands at 63,712; needs +2,854 a week" in text      # the range: in its detail
        assert "misses" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert "forecast                lands at 63,712" in screen_text(app)
        await pilot.press("escape")
        await select_row(pilot, kpi_row(app, "CSAT"))                # one value in the cycle
        assert "lands at" not in screen_text(app)
