"""A document broken by hand under a running meeting: the app says so, keeps the last good
state, refuses changes, and leaves the file alone until it is fixed."""

import json

from tests.app.helpers import make_app, notified, screen_text
from tests.helpers import write_demo


async def test_a_document_broken_mid_meeting_keeps_the_app_on_the_last_good_state(db):
    """The file still parses, but a hand edit broke one document: the app says so, shows the
    last good state, refuses changes, and leaves the file alone until it is fixed."""
    write_demo(db)
    app = make_app(db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        good = db.read_text()
        data = json.loads(good)
        data["kpis"]["1"]["target"] = "lots"
        db.write_text(json.dumps(data))
        broken = db.read_bytes()
        await pilot.pause(1.3)                                   # a tick re-reads the file
        assert app.is_running and "kpis document 1 is malformed" in notified(app)
        await pilot.press("2", "d", *"Fix it", "tab", *"Noor", "enter")
        assert "kpis document 1 is malformed" in screen_text(app)    # refused in the form
        await pilot.press("escape", "1")
        assert "1/5 KPI health" in screen_text(app)
        assert db.read_bytes() == broken
        db.write_text(good)
        await pilot.pause(1.3)
        await pilot.press("d", *"Fixed", "tab", *"Noor", "enter")
        await pilot.press("q", "y")
    assert json.loads(db.read_text())["actions"][str(len(data["actions"]) + 1)]["text"] == "Fixed"
