"""A presence file the app cannot write over (tests/hostile.py): the facilitator is told once
that followers cannot see the meeting, and the meeting goes on."""

from core import presence
from tests.app.helpers import make_app, notified, screen_text
from tests.hostile import crafted


async def test_the_app_says_once_that_followers_cannot_see_it_and_goes_on(meeting_db):
    crafted(meeting_db, "a folder")
    app = make_app(meeting_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause(1.3)                                # a tick or two republishes
        await pilot.press("2", "3")
        assert app.is_running and "3/5 OKR check-ins" in screen_text(app)
        assert notified(app).count("is not a regular file") == 1
        await pilot.press("q", "y")
    assert presence.sidecar(meeting_db).is_dir()
