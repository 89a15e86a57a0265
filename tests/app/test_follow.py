"""Live meetings: a follower mirrors the facilitator, changes nothing, and both pick up what
another process writes; one facilitator at a time, with take-over when one is gone."""

import msgspec
import pytest

from core import presence
from core.imports import import_measurements
from core.store import Store
from tests.app.helpers import make_app, notified, screen_text, until, write_meeting
from tests.helpers import TODAY, live_presence, load
from tui.keys import KEYS
from tui.screens.detail import DetailScreen


async def test_the_follower_mirrors_stage_selection_and_detail(demo_db):
    facilitator = make_app(demo_db, facilitator="Noor")
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)) as lead, \
            follower.run_test(size=(120, 36)) as watch:
        await until(watch, lambda: "following Noor" in screen_text(follower))
        assert "read-only" in screen_text(follower)
        await lead.press("2")
        await until(watch, lambda: "2/5 Flagged" in screen_text(follower))
        await lead.press("down", "down")
        chosen = facilitator.screen.view.selected
        await until(watch, lambda: follower.screen.view.selected == chosen)
        await lead.press("3", "down")
        await until(watch, lambda: follower.screen.view.selected == "kr2")
        await lead.press("enter")
        await until(watch, lambda: isinstance(follower.screen, DetailScreen))
        await lead.press("escape")
        await until(watch, lambda: follower.screen.id == "meeting")


async def test_a_followers_keys_change_nothing(demo_db):
    facilitator = make_app(demo_db)
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)) as lead, \
            follower.run_test(size=(120, 36)) as watch:
        await until(watch, lambda: "following" in screen_text(follower))
        await lead.pause(0.3)
        before = demo_db.read_bytes()
        footer = screen_text(follower).splitlines()[-1]
        assert "Decide" not in footer and "Undo" not in footer and "Free look" in footer
        for key in KEYS:
            if key.action not in ("quit_meeting", "free_look", "help"):
                await watch.press(key.key.split(",")[0])
                await watch.press("escape")
        await watch.press("f", "2", "i", "d", "u", "e", "m", "enter", "escape", "f")
        assert demo_db.read_bytes() == before
        assert not (demo_db.parent / "minutes").exists()
        assert follower.screen.id == "meeting"


async def test_free_look_browses_alone_then_follows_again(demo_db):
    facilitator = make_app(demo_db)
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)) as lead, \
            follower.run_test(size=(120, 36)) as watch:
        await until(watch, lambda: "following" in screen_text(follower))
        await watch.press("4")                       # ignored while following
        assert follower.screen.stage == 1
        await watch.press("f", "4")
        assert follower.screen.stage == 4 and "free look" in screen_text(follower)
        await lead.press("3")
        await watch.pause(0.5)
        assert follower.screen.stage == 4            # free look: not pulled along
        await watch.press("f")
        await until(watch, lambda: follower.screen.stage == 3)


async def test_an_external_import_shows_up_in_both(demo_db, write_csv):
    facilitator = make_app(demo_db)
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)) as lead, \
            follower.run_test(size=(120, 36)) as watch:
        await until(watch, lambda: "following" in screen_text(follower))
        import_measurements(Store(demo_db), write_csv(
            "m.csv", "kpi,date,value\nCart abandonment,2026-11-12,17.5\n"), TODAY)
        await until(lead, lambda: "17.5%" in screen_text(facilitator), timeout=2.0)
        await until(watch, lambda: "17.5%" in screen_text(follower), timeout=2.0)


async def test_follow_waits_for_a_meeting_and_picks_it_up(demo_db):
    follower = make_app(demo_db, mode="follow")
    async with follower.run_test(size=(120, 36)) as watch:
        await watch.pause(0.3)
        assert "waiting for a facilitator" in screen_text(follower)
        assert "1/5 KPI health" in screen_text(follower)
        facilitator = make_app(demo_db, facilitator="Dana")
        async with facilitator.run_test(size=(120, 36)) as lead:
            await lead.press("5")
            await until(watch, lambda: "5/5 Wrap-up" in screen_text(follower))
            assert "following Dana" in screen_text(follower)
        await until(watch, lambda: "waiting for a facilitator" in screen_text(follower))


async def test_taking_over_goes_on_with_the_same_meeting_and_clock(demo_db):
    from core.model import DEFAULT_STAGES, Stage
    stages = tuple(Stage(s.name, s.timebox_min, 120.0 * i) for i, s in enumerate(DEFAULT_STAGES))
    stale = msgspec.structs.replace(live_presence(demo_db, age_s=60), stages=stages, current=2,
                                    meeting_s=1200.0, selected="kr4")
    app = make_app(demo_db, mode="take_over", live=stale)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.session.meeting == "m2"
        assert app.controller.clock.stage_s(2) == pytest.approx(240, abs=1)
        assert "3/5 OKR check-ins" in screen_text(app)      # on the stage the clock is on
        assert app.screen.view.table.selected == "kr4"       # and the row it was on
        await pilot.press("d")
        await pilot.press(*"Carry on")
        await pilot.press("tab", *"Sam", "enter")
        await pilot.press("q", "y")
    assert load(demo_db).actions[0].meeting == "m2"
    assert len(load(demo_db).meetings) == 2                     # no new meeting was started


async def test_the_facilitator_removes_its_presence_when_the_meeting_ends(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.1)
        assert presence.read(demo_db).meeting == app.session.meeting
        await pilot.press("q", "y")
    assert presence.read(demo_db) is None


async def test_a_store_broken_mid_meeting_is_left_alone_and_the_meeting_goes_on(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()                   # the meeting's start is written after frame one
        good = demo_db.read_bytes()
        demo_db.write_bytes(b'{"kpis": {')                     # someone breaks it by hand
        await until(pilot, lambda: "not valid JSON" in notified(app), timeout=3)
        assert "1/5 KPI health" in screen_text(app) and app.is_running
        await pilot.press("2", "d")
        await pilot.press(*"Fix the file", "tab", *"Noor", "enter")
        assert "not valid JSON" in screen_text(app)           # refused in the form
        await pilot.press("escape")
        assert demo_db.read_bytes() == b'{"kpis": {'           # never overwritten
        demo_db.write_bytes(good)
        await pilot.pause(1.2)
        await pilot.press("d", *"Fixed", "tab", *"Noor", "enter")
        assert load(demo_db).actions[0].text == "Fixed"
        await pilot.press("q", "y")


async def test_a_store_broken_before_the_meeting_is_written_still_opens(demo_db):
    """The meeting's start is written just after the first frame; if the file broke in
    between, the app says so and writes the meeting with the first change once it is fixed."""
    good = demo_db.read_bytes()
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        demo_db.write_bytes(b'{"kpis": {')
        await until(pilot, lambda: "not valid JSON" in notified(app), timeout=3)
        assert app.is_running and app.session.meeting is None
        demo_db.write_bytes(good)
        await pilot.pause(1.2)
        await pilot.press("d", *"Fixed", "tab", *"Noor", "enter")
        decision = load(demo_db).actions[0]
        assert decision.text == "Fixed" and decision.meeting == app.session.meeting
        await pilot.press("q", "y")


async def test_a_store_restored_from_before_the_meeting_keeps_the_app_running(demo_db):
    """Someone copies back an older file mid-meeting: the meeting is no longer in it. The app
    asks what to do instead of crashing (tests/app/test_store_environment.py tries each answer);
    kept, the meeting is written to that file again with the next change."""
    older = demo_db.read_bytes()
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        assert await write_meeting(pilot) is not None
        demo_db.write_bytes(older)
        await pilot.pause(1.2)                              # the next tick re-reads the file
        assert app.is_running and app.screen.id == "store-lost"
        assert demo_db.read_bytes() == older
        await pilot.press("k", "2", "1")
        assert "1/5 KPI health" in screen_text(app) and "was not in it" in notified(app)
        await pilot.press("5", "a", "escape")              # the meeting's own forms open
        assert app.screen.id == "meeting"
        await pilot.press("q", "y")
    # Nothing was recorded in the file kept: like any meeting that records nothing, it is
    # not written (tests/app/test_meeting_flow.py).
    assert len(load(demo_db).meetings) == 1


async def test_a_followers_help_lists_only_what_works_for_it(demo_db):
    """The facilitator's changing keys are off for a follower: its help does not list them,
    says its moving keys work in free look, and that q stops watching."""
    follower = make_app(demo_db, mode="follow")
    async with follower.run_test(size=(140, 60)) as watch:
        await watch.press("question_mark")
        text = screen_text(follower)
        assert "read-only: the keys that change it are the facilitator's" in text
        assert "stop watching; the meeting goes on" in text
        assert "next stage (in free look: f)" in text
        for key in KEYS:
            if key.changes:
                assert key.help[:30] not in text, key
