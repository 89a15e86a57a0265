"""KPI health says what changed since the last meeting ended, under its counts, in at most two
lines at any width (at 80x24 the counts that do not fit are left to the list); `l` lists every
change with its reason, for a follower too; escape closes it."""

import pytest

from tests.app.helpers import make_app, notified, run, screen_text, until
from tests.helpers import TODAY
from tui.screens.since import SinceScreen

KPIS = ("name,owner,unit,direction,target,threshold,cadence\n"
        "Churn,Dana,%,lower,2,3,weekly\n")


def since_lines(app) -> list[str]:
    """The summary's lines: from "Since" to the one that ends with the hint."""
    lines = screen_text(app).splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip().startswith("Since 2026"))
    end = next(n for n, line in enumerate(lines) if "l lists them" in line)
    return [line.rstrip() for line in lines[start:end + 1]]


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_summary_fits_under_the_counts(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await until(pilot, lambda: "l lists them" in screen_text(app))
        lines = since_lines(app)
        assert 1 <= len(lines) <= 2 and all(len(line) <= size[0] for line in lines)
        said = " ".join(lines)
        assert said.strip().startswith("Since 2026-11-15: 1 new breach, 1 new signal")
        assert ("1 action done" in said) == (size[0] == 160)     # at 80: left to `l`
        assert "comparing with the last meeting" not in screen_text(app)
        text = screen_text(app).splitlines()
        assert "● ok 2" in text[1] and "open actions from earlier" in text[len(lines) + 2]


async def test_l_lists_every_change_with_its_reason_and_escape_closes(demo_db):
    app = make_app(demo_db)
    async with run(app, (80, 24)) as pilot:
        await until(pilot, lambda: "l lists them" in screen_text(app))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, SinceScreen))
        shown = screen_text(app)
        assert "Since last meeting" in shown and "New flags" in shown
        assert "Defect rate per release: breach: 3% > threshold 2% in 2026-W46" in shown
        await pilot.press("end")
        await pilot.pause()
        assert "Share the Q4 pipeline review with the board: done — Marco Rossi" \
            in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.id == "meeting")


async def test_a_follower_lists_them_too(demo_db):
    follower = make_app(demo_db, mode="follow")
    async with run(follower, (120, 36)) as watch:
        await until(watch, lambda: "l lists them" in screen_text(follower))
        await watch.press("l")
        await until(watch, lambda: isinstance(follower.screen, SinceScreen))


async def test_no_meeting_ended_yet_no_line_and_l_says_so(db, write_csv, monkeypatch):
    from core.imports import import_kpis
    from core.store import Store
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    import_kpis(Store(db), write_csv("k.csv", KPIS))
    app = make_app(db)
    async with run(app, (80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "Since" not in screen_text(app) and "comparing" not in screen_text(app)
        await pilot.press("l")
        await until(pilot, lambda: "No meeting has ended yet" in notified(app))
        assert app.screen.id == "meeting"
