"""Numbers at the edge of the float range on every screen of the app, every row's detail and
chart too (tests/hostile.py: huge_demo)."""

from tests.app.helpers import make_app, screen_text
from tests.helpers import TODAY
from tests.hostile import huge_demo


async def test_every_screen_shows_huge_values(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    huge_demo(db)
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        for stage in "12345":
            await pilot.press(stage)
            await pilot.pause()
            assert f"{stage}/5" in screen_text(app)
            rows = app.screen.view.table.row_count
            for _ in range(rows if stage in "123" else 0):   # each row: its detail and chart
                await pilot.press("enter")
                await pilot.pause()
                if app.screen.id == "detail":
                    await pilot.press("escape")
                await pilot.press("down")
                await pilot.pause()
        assert "1.7e+308" in screen_text(app) or stage == "5"
        await pilot.press("q", "y")
    assert app.return_code in (0, None)
