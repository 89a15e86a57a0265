"""The meeting's flow, as a facilitator meets it (issue 17): open actions from earlier
meetings told from the first screen and overdue ones marked wherever an action shows; a
meeting kept only once something is recorded in it; the scorecard's walk saying where it is;
a filter that hides every row saying so; the minutes preview rendered; quitting with the
export saying where the file went; a follower with no meeting showing no clock; an empty
store's welcome that fits 80x24 and names the store. Each at 80x24 and at 160x50."""

from datetime import timedelta

import pytest
from textual.widgets import Markdown

from core import presence
from core.commands import actions
from core.events import EventKind
from core.store import Store
from tests.app.helpers import (dialog_text, kpi_id, make_app, notified, run, screen_text,
                               table_text, type_text, until, widget_text, write_meeting)
from tests.helpers import TODAY, live_presence, load, run_cli
from tests.hostile import assert_inert, make_meeting_hostile
from tui.screens.detail import DetailScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


def header(app) -> str:
    return screen_text(app).splitlines()[0]


def record_earlier(db, kind: str, text: str, due_days: int, link: str | None = None) -> None:
    """An action recorded before this meeting (by an earlier one, or the CLI): due
    `due_days` from today."""
    with Store(db).transaction(kind) as tx:
        actions.record(tx, kind, text, "Sam", TODAY + timedelta(days=due_days), link,
                       TODAY - timedelta(days=10))


# --- open actions from earlier meetings, overdue ones marked ------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_open_actions_from_earlier_meetings_show_from_the_first_screen(demo_db, size):
    """The demo's last meeting left two actions open: a staffing plan due two days ago, a
    checkout test due next week. The first screen says so until the wrap-up settles them."""
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.pause()
        assert "2 open actions from earlier meetings: 1 ⚠ overdue · 5 settles them" \
            in screen_text(app)
        await pilot.press("5", "v", "enter", "1")         # the staffing plan: done
        assert "1 open action from earlier meetings · 5 settles them" in screen_text(app)
        await pilot.press("5", "down", "v", "enter", "1")  # the checkout test: done
        assert "from earlier meetings" not in screen_text(app)
        assert "✖ off 5" in screen_text(app)                # the counts stay


@pytest.mark.parametrize("size", SIZES)
async def test_an_overdue_action_is_marked_wherever_it_shows(demo_db, size):
    """With a symbol and a word, so it reads without colour: the flagged KPI's interventions,
    this meeting's decisions, the wrap-up's carried-over actions, the detail, the verdict
    form. Due today is not overdue yet."""
    cart = kpi_id(demo_db, "Cart abandonment")
    record_earlier(demo_db, "intervention", "Call the payment provider", -3, cart)
    record_earlier(demo_db, "action", "Book the offsite", 0)
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        app.session.run(EventKind.DECISION, actions.record, "action", "Send the deck", "Ana",
                        TODAY - timedelta(days=1), None, TODAY)      # as the `d` form saves
        await pilot.press("1")
        assert "4 open actions from earlier meetings: 2 ⚠ overdue, 1 due today" \
            in screen_text(app)
        await pilot.press("2")
        app.screen.view.table.select(cart)
        await pilot.pause()
        assert "Call the payment provider  Sam  ⚠ overdue 2026-11-19" in \
            widget_text(app, "#interventions")
        assert "A/B test a one-page checkout  Priya Nair  due 2026-11-29\n" in \
            widget_text(app, "#interventions") + "\n"
        await pilot.press("4")
        assert "Send the deck Ana ⚠ overdue 2026-11-21" in table_text(app)
        await pilot.press("5")
        rows = table_text(app)
        assert "Draft a staffing plan for a second support shift Lena Fischer ⚠ overdue " \
               "2026-11-20" in rows
        assert "Call the payment provider Sam ⚠ overdue 2026-11-19" in rows
        assert "Book the offsite Sam 2026-11-22" in rows and "Priya Nair 2026-11-29" in rows
        assert "4 to settle, 2 ⚠ overdue" in " ".join(screen_text(app).split())
        await pilot.press("enter")               # the first row: the staffing plan, overdue
        assert isinstance(app.screen, DetailScreen)
        assert "⚠ overdue 2026-11-20" in screen_text(app)
        await pilot.press("escape", "v")
        assert "Lena Fischer, ⚠ overdue 2026-11-20" in dialog_text(app)


# --- a meeting is kept only once something is recorded -----------------------------------

LOOKING_AROUND = ("2", "3", "4", "5", "1", "n", "p", "t", "t", "s", "slash", "z", "escape",
                  "1", "enter", "escape", "question_mark", "escape")


@pytest.mark.parametrize("keys", [(), LOOKING_AROUND], ids=["at once", "after looking around"])
@pytest.mark.parametrize("size", SIZES)
async def test_opening_and_closing_the_app_adds_no_meeting(demo_db, size, keys):
    """Moving between stages, pausing, skipping, filtering, a detail, the help: none of it is
    a record of the meeting. The store is not written at all."""
    listed = run_cli("meetings", db=demo_db).stdout
    before = demo_db.read_bytes()
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press(*keys)
        await pilot.pause(1.2)                              # a tick: nothing written either
        await pilot.press("q")
        assert "Nothing was recorded in this meeting, so no meeting is kept." in \
            dialog_text(app)
        assert "export" not in dialog_text(app)             # nothing to export
        await pilot.press("y")
    assert demo_db.read_bytes() == before
    assert run_cli("meetings", db=demo_db).stdout == listed
    assert not presence.sidecar(demo_db).exists()


@pytest.mark.parametrize("size", SIZES)
async def test_one_decision_makes_one_meeting(demo_db, size):
    listed = load(demo_db).meetings
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("u")                          # nothing to undo: nothing recorded
        assert len(load(demo_db).meetings) == len(listed)
        await pilot.press("3", "d")
        await type_text(pilot, "Hire a second support lead")
        await pilot.press("tab")
        await type_text(pilot, "Lena")
        await pilot.press("enter", "q")
        assert "The meeting's end and its stage times are saved." in dialog_text(app)
        await pilot.press("y")
    meetings = load(demo_db).meetings
    (new,) = [m for m in meetings if m not in listed]
    assert new.ended_at is not None and new.stages[2].spent_s >= 0
    assert [a.text for a in load(demo_db).actions if a.meeting == new.id] == \
        ["Hire a second support lead"]
    assert f"{new.id}  2026-11-22" in run_cli("meetings", db=demo_db).stdout


async def test_a_meeting_not_written_yet_is_live_for_followers(demo_db):
    """Its presence names no meeting until the first change; a second `cadence` on the store
    follows it rather than starting another, and the follower sees the meeting's id once it
    is written."""
    app = make_app(demo_db, facilitator="Noor")
    async with run(app) as pilot:
        await until(pilot, lambda: presence.read(demo_db) is not None, timeout=3)
        live = presence.read(demo_db)
        assert (live.meeting, live.facilitator) == (None, "Noor")
        assert presence.role(demo_db, False, load(demo_db).by_id)[0] == "follow"
        await pilot.press("d", *"Go", "tab", *"Noor", "enter")
        await until(pilot, lambda: presence.read(demo_db).meeting == app.session.meeting)
        await pilot.press("q", "y")


async def test_taking_over_a_meeting_not_written_yet_goes_on_with_its_clock(demo_db):
    """The facilitator recorded nothing, then their connection dropped: the meeting taken over
    is this app's, written with its first change."""
    stale = live_presence(demo_db, age_s=45)
    stale = presence.Presence(**{**{f: getattr(stale, f) for f in stale.__struct_fields__},
                                 "meeting": None, "stage": 3, "meeting_s": 600.0})
    presence.publish(demo_db, stale)
    listed = len(load(demo_db).meetings)
    mode, live = presence.role(demo_db, True, load(demo_db).by_id)
    app = make_app(demo_db, mode=mode, live=live)
    async with run(app) as pilot:
        await pilot.pause()
        assert "3/5 OKR check-ins" in header(app) and "meeting 10:00" in header(app)
        assert len(load(demo_db).meetings) == listed
        await pilot.press("d", *"Go on", "tab", *"Sam", "enter", "q", "y")
    assert len(load(demo_db).meetings) == listed + 1


# --- the scorecard's walk, a filter that hides everything ----------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_the_scorecard_walk_says_how_far_it_is(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("M")
        await until(pilot, lambda: "Fill the scorecard: 1 of 2" in screen_text(app))
        await type_text(pilot, "5")
        await pilot.press("enter")
        await until(pilot, lambda: "Fill the scorecard: 2 of 2" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: "1 value recorded, 1 still missing" in notified(app))


@pytest.mark.parametrize("stage, noun", [(1, "KPI"), (2, "flagged KPI"), (3, "key result"),
                                         (4, "decision or action"),
                                         (5, "carried-over action")])
@pytest.mark.parametrize("size", SIZES)
async def test_a_filter_with_no_match_says_so_on_every_stage(demo_db, size, stage, noun):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press(str(stage), "slash")
        await type_text(pilot, "zq [b]")                    # typed text, shown as typed
        said = f"No {noun} matches 'zq [b]' — escape clears the filter"
        assert said in screen_text(app) and app.screen.view.table.row_count == 0
        await pilot.press("escape")
        assert said not in screen_text(app) and "No " + noun not in screen_text(app)
        if stage != 4:                                      # nothing decided yet
            assert app.screen.view.table.row_count > 0


# --- the minutes: previewed as rendered, and where they went on quitting --------------------

@pytest.mark.parametrize("size", SIZES)
async def test_the_minutes_preview_renders_the_markdown(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("5", "w")
        await until(pilot, lambda: app.screen.id == "minutes-preview")
        await pilot.pause()
        shown = screen_text(app)
        assert app.screen.query(Markdown) and "Operating review 2026-11-22" in shown
        # They start with the summary a reader forwards: the decisions first.
        assert "Decisions" in shown and "Since last meeting" not in shown.split("Decisions")[0]
        for source in ("# ", "## ", "**", "| --- |"):          # rendered, not shown as typed
            assert source not in shown, source
        await pilot.press("escape")
        assert app.screen.id == "meeting"


def link_tokens(markdown: str, parser) -> list[str]:
    found, todo = [], list(parser.parse(markdown))
    while todo:
        token = todo.pop()
        todo.extend(token.children or ())
        if token.type in ("link_open", "image", "html_inline", "html_block") \
                or token.type.startswith("link"):
            found.append(f"{token.type}: {token.content or token.attrs}")
    return found


async def test_the_minutes_preview_of_a_hostile_store_holds_no_link(hostile_db):
    """Links in Textual's Markdown are live. None is made from store text (escaped) or from
    the minutes' own Markdown, by Textual's own parser; the preview's parser makes none even
    from a link written out (tests/hostile.py: every payload, in every field)."""
    from markdown_it import MarkdownIt

    from tui.screens.minutes_preview import LINK_RULES, inert_parser
    app = make_app(hostile_db)
    async with run(app, (160, 50)) as pilot:
        make_meeting_hostile(hostile_db, await write_meeting(pilot))
        await pilot.press("d", *"Decide", "tab", *"Sam", "enter")
        await pilot.pause(1.2)
        await pilot.press("5", "w")
        await until(pilot, lambda: app.screen.id == "minutes-preview")
        await pilot.pause()
        markdown = app.screen.markdown
        assert "http://evil.example" in markdown.replace("\\", "")
        assert link_tokens(markdown, MarkdownIt("gfm-like")) == []
        assert link_tokens(markdown, inert_parser()) == []
        assert link_tokens("[l](http://x.example) <http://y.example> www.z.example",
                           inert_parser()) == []
        assert app.screen.query_one(Markdown)._open_links is False
        assert_inert(screen_text(app), "the minutes preview")
    assert {"link", "linkify", "html_inline"} <= set(LINK_RULES)


@pytest.mark.parametrize("size", SIZES)
async def test_quitting_with_the_export_says_where_the_minutes_went(demo_db, size):
    app = make_app(demo_db)
    async with run(app, size) as pilot:
        await pilot.press("d", *"Ship it", "tab", *"Sam", "enter", "q")
        assert "not been exported since the last change" in dialog_text(app)
        await pilot.press("e")
    path = demo_db.parent / "minutes" / f"2026-11-22-{app.session.meeting}.md"
    assert path.exists() and app.after_exit == [f"Minutes written to {path} (and its .html)"]


# --- a follower with no meeting, an empty store ---------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_follower_with_no_live_meeting_shows_no_running_clock(demo_db, size):
    app = make_app(demo_db, mode="follow")
    async with run(app, size) as pilot:
        await pilot.pause(0.6)
        top = header(app)
        assert "waiting for a facilitator" in top
        assert "meeting" not in top.replace("No meeting is live", "") and "stage 0" not in top
        live_presence(demo_db, age_s=0, pid=None)              # a facilitator comes
        await until(pilot, lambda: "meeting 0" in header(app), timeout=3)
        presence.sidecar(demo_db).unlink()                    # and goes
        await until(pilot, lambda: "waiting for a facilitator" in header(app), timeout=3)
        assert "meeting 0" not in header(app)


def dialog_lines(lines: list[str]) -> str:
    """The lines inside a box, joined as one text (Rich wraps at spaces), borders off."""
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    inside = (line.strip().strip("│").strip() for line in lines[top + 1:bottom])
    return " ".join(line for line in inside if line)


@pytest.mark.parametrize("size", SIZES)
async def test_the_empty_store_welcome_fits_and_names_the_store(tmp_path, monkeypatch, size):
    """As opened with `--db team.json`: the commands it suggests fill that store, not the
    default one."""
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path / "team.json")
    async with run(app, size) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert len(lines) == size[1]
        bottom = next(i for i, line in enumerate(lines) if line.startswith("╰"))
        assert bottom < size[1] - 1 and "q Quit" in lines[-1]       # the box, then the keys
        text = dialog_lines(lines)
        db = tmp_path / "team.json"
        for command in ("demo", "import kpis kpis.csv",
                        "import measurements measurements.csv", "import okrs okrs.csv"):
            assert f"cadence --db {db} {command}" in text, command
        assert "Start here: press N to add your first KPI." in text
        assert text.endswith("Press q to quit.")
        await pilot.press("q")
    assert not (tmp_path / "team.json").exists()


async def test_the_empty_store_welcome_names_a_relative_store_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from pathlib import Path
    app = make_app(Path("my review.json"))
    async with run(app, (80, 24)) as pilot:
        await pilot.pause()
        assert "  cadence --db 'my review.json' demo" in screen_text(app)
        await pilot.press("q")
