"""Keys faster than the screens they open, as over SSH or from a browser: `enter` again while
the detail opens, a follower's detail opened and closed faster than it mounts. Nothing crashes."""

import random
import time

import msgspec
import pytest
from textual import events

from core import presence
from tests.app.helpers import make_app, until
from tui.screens.detail import DetailScreen


async def burst(pilot, *keys: str) -> None:
    """Keys queued in one go, as a terminal's one read delivers them: none is handled before
    the next arrives (Pilot.press waits for the app to settle after each)."""
    for key in keys:
        pilot.app.post_message(events.Key(key, "\r" if key == "enter" else key))
    await pilot.pause(0.3)


def details(app) -> list[DetailScreen]:
    return [s for s in app.screen_stack if isinstance(s, DetailScreen)]


@pytest.mark.parametrize("stage", ["1", "2", "3", "4"])
@pytest.mark.parametrize("presses", [2, 3, 5])
async def test_enter_again_while_the_detail_opens(demo_db, stage, presses):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(stage)
        if stage == "4":                              # the demo's meeting has no decision yet
            await pilot.press("d", *"Ship it", "tab", *"Sam", "enter")
        await burst(pilot, *["enter"] * presses)
        assert app.is_running and len(details(app)) <= 1
        await pilot.press("escape")
        await burst(pilot, "down", "enter", "enter", "escape", "up", "enter")
        assert app.is_running and len(details(app)) <= 1
        await pilot.press("escape", "escape")
        assert app.screen.id == "meeting"
        await pilot.press("enter")                    # and the detail still opens afterwards
        assert isinstance(app.screen, DetailScreen)


def publish_detail(db, live: presence.Presence, detail: str | None, selected: str) -> None:
    presence.publish(db, msgspec.structs.replace(live, detail=detail, selected=selected,
                                                 heartbeat=time.time()))


async def test_a_follower_in_free_look_takes_enter_again_while_the_detail_opens(demo_db):
    facilitator = make_app(demo_db, facilitator="Noor")
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)), \
            follower.run_test(size=(120, 36)) as watch:
        await until(watch, lambda: "following Noor" in follower.controller.note())
        await watch.press("f")
        for presses in (2, 3, 4):
            await burst(watch, *["enter"] * presses)
            assert follower.is_running and len(details(follower)) <= 1
            await watch.press("escape")
            await burst(watch, "down")


async def test_a_follower_survives_details_opened_and_closed_faster_than_they_mount(demo_db):
    """The facilitator flicks through details (enter, escape, down, enter...) while followers
    mirror them every quarter second: pops and pushes overlap the detail's own mounting."""
    facilitator = make_app(demo_db, facilitator="Noor")
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)) as lead, \
            follower.run_test(size=(120, 36)) as watch:
        following = follower.screen
        await until(watch, lambda: "following Noor" in follower.controller.note())
        await lead.press("2")
        await until(watch, lambda: following.stage == 2)
        live = presence.read(demo_db)
        ids = [str(key.value) for key in facilitator.screen.view.table.rows][:4]
        for round_ in range(12):               # the presence written directly: no waiting
            ident = ids[round_ % len(ids)]
            publish_detail(demo_db, live, ident if round_ % 3 else None, ident)
            await follower.controller.tick()
            publish_detail(demo_db, live, ids[(round_ + 1) % len(ids)], ident)
            await follower.controller.tick()
            await watch.pause(0.01 * (round_ % 3))
        await watch.pause(0.5)
        assert follower.is_running and len(details(follower)) <= 1


async def test_a_follower_mirrors_a_facilitator_flicking_through_stages_rows_and_details(
        demo_db):
    """Stage, row and detail change on every poll, sometimes before the last change has
    mounted: the flagged stage's chart and the detail's chart may not be there yet."""
    facilitator = make_app(demo_db, facilitator="Noor")
    follower = make_app(demo_db, mode="follow")
    async with facilitator.run_test(size=(120, 36)), \
            follower.run_test(size=(120, 36)) as watch:
        await until(watch, lambda: "following Noor" in follower.controller.note())
        live = presence.read(demo_db)
        board = follower.controller.board()
        rows = {1: [h.kpi.id for h in board.kpis], 2: [h.kpi.id for h in board.flagged],
                3: ["kr1", "kr2", "kr4"], 4: [None], 5: [None]}
        chance = random.Random(15)
        for step in range(80):
            stage = chance.randint(1, 5)
            selected = chance.choice(rows[stage])
            detail = selected if selected and chance.random() < 0.5 else None
            presence.publish(demo_db, msgspec.structs.replace(
                live, stage=stage, selected=selected, detail=detail, heartbeat=time.time()))
            await follower.controller.tick()
            if step % 4 == 0:
                await watch.pause(0.01 * chance.randint(0, 3))
        await watch.pause(0.5)
        assert follower.is_running and len(details(follower)) <= 1
