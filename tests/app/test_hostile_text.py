"""Store text is data, never control, on every screen of the app and of `follow` under Pilot:
a demo store whose every text field holds every attack (tests/hostile.py), and a presence
file as hostile as the store."""

from core import presence
from core.model import Stage
from tests.app.helpers import make_app, run, screen_text, write_meeting
from tests.helpers import open_meeting
from tests.hostile import MARKUP, assert_inert, hostile, make_meeting_hostile


async def visit(pilot, keys: str, checks: list[str]) -> None:
    await pilot.press(*keys.split())
    await pilot.pause()
    checks.append(screen_text(pilot.app))


async def test_every_screen_of_the_app_shows_store_text_inert(hostile_db):
    app = make_app(hostile_db)
    checks: list[str] = []
    async with run(app, size=(160, 50)) as pilot:
        make_meeting_hostile(hostile_db, await write_meeting(pilot))
        await pilot.pause(1.2)                       # the tick picks the change up
        for keys in ("1", "enter", "escape", "E", "escape", "d", "escape", "2", "i", "escape",
                     "enter", "escape", "3", "enter", "escape", "c", "escape", "r", "escape",
                     "4", "5", "enter", "escape", "v", "escape", "a", "escape", "g", "escape",
                     "w", "escape", "question_mark", "escape", "slash", "escape"):
            await visit(pilot, keys, checks)
        app.notify(hostile("toast"))
        await visit(pilot, "1", checks)
        notes = list(app.told)
    for index, screen in enumerate(checks):
        assert_inert(screen, f"screen {index}")
    assert any(MARKUP in screen for screen in checks), "markup must show literally"
    for message in notes:
        assert_inert(message, "a notification", newlines=False)


async def test_a_follower_shows_the_presence_file_inert(hostile_db):
    """A presence file is another process's word: its title, facilitator, host, stage names
    and filter are as hostile as the store."""
    stages = tuple(Stage(hostile(f"stage {n}"), 5) for n in range(5))
    presence.publish(hostile_db, presence.Presence(
        meeting=open_meeting(hostile_db), title=hostile("live title"),
        facilitator=hostile("who"), stage=5, filter="", stages=stages, current=4))
    app = make_app(hostile_db, mode="follow", live=presence.read(hostile_db))
    async with run(app, size=(160, 50)) as pilot:
        await pilot.pause(0.6)
        screen = screen_text(app)
        notes = list(app.told)
    assert_inert(screen, "follow")
    # The presence's own text shows: the header names its stage, the wrap-up's times all of
    # them (the meeting is open: a follower mirrors it).
    assert "5/5 stage 4" in screen and "1. stage 0" in screen
    for message in notes:
        assert_inert(message, "a follower's notification", newlines=False)




async def test_the_monthly_and_quarterly_stages_show_store_text_inert(hostile_db):
    """The deep dive (a KPI's and an objective's detail), the scoring, the cycle's close and
    the next cycle as drafted and as turned, over the hostile store."""
    from core import agendas
    from core.store import Store
    checks: list[str] = []
    for name, keys in (("monthly", ("4", "down", "down", "enter", "escape", "end", "enter",
                                    "escape")),
                       ("quarterly", ("2", "3", "space", "4", "C", "escape", "C", "enter",
                                      "3", "4", "enter", "escape"))):
        app = make_app(hostile_db, agenda=agendas.find(Store(hostile_db), name))
        async with run(app, size=(160, 50)) as pilot:
            for key in keys:
                await visit(pilot, key, checks)
            notes = list(app.told)
        for message in notes:
            assert_inert(message, f"a notification ({name})", newlines=False)
    for index, screen in enumerate(checks):
        assert_inert(screen, f"screen {index}")
    assert any(MARKUP in screen for screen in checks), "markup must show literally"
    assert any("is closed." in screen for screen in checks), "the turn was made"
