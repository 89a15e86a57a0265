"""The store survives its environment under a running meeting: a full or read-only disk, a
minutes file the app did not write, the store renamed away or replaced, an import by another
process. The meeting goes on, nothing saved is lost, and what cannot be saved is told. (The
store's own side: tests/unit/test_store_environment.py.)"""

import os

from textual.widgets import Static

from core.model import Action
from tests.app.helpers import (dialog_text, make_app, notified, run, screen_text, type_text,
                               until, write_meeting)
from tests.disk import temp_files
from tests.helpers import TODAY, load, run_cli, write_demo


async def test_the_meeting_goes_on_through_a_full_disk_and_loses_nothing(disk, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    db = write_demo(disk.path / "cadence.json")
    app = make_app(db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        await pilot.press("3", "minus")               # a change that is saved
        await pilot.pause()
        good = db.read_bytes()
        disk.fill()
        await pilot.pause(1.2)                                 # a presence write fails
        await pilot.press("minus")                             # and a change
        await pilot.press("e")                                 # and an export
        await pilot.press("d")
        await type_text(pilot, "Buy a bigger disk")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("enter")                             # the form says why, stays
        assert "No space left on device" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause(1.2)
        assert app.is_running and app.screen.id == "meeting"
        told = notified(app)
        assert told.count("Followers cannot see the meeting") == 1     # once, not each second
        assert "Not saved: " in told and "No space left on device" in told
        assert db.read_bytes() == good and temp_files(disk.path) == []
        disk.heal()
        await pilot.press("d")
        await type_text(pilot, "Keep space free")
        await pilot.press("tab")
        await type_text(pilot, "Sam")
        await pilot.press("enter", "q", "y")
    assert app.unsaved is None
    board = load(db)
    assert [a.text for a in board.actions if a.meeting == app.session.meeting] \
        == ["Keep space free"]
    assert next(m for m in board.meetings if m.id == app.session.meeting).ended_at is not None


async def test_a_read_only_disk_mid_meeting_is_told_and_quitting_asks_twice(disk, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    db = write_demo(disk.path / "cadence.json")
    app = make_app(db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        good = db.read_bytes()
        disk.read_only()
        await pilot.press("3", "minus")
        assert "Read-only file system" in notified(app) and app.is_running
        await pilot.press("q", "y")                     # the end cannot be saved: stays once
        assert app.is_running and "The meeting's end was not saved" in notified(app)
        await pilot.press("q")
        assert "quitting leaves it unsaved" in dialog_text(app)
        await pilot.press("y")
    assert "Read-only file system" in app.unsaved
    assert db.read_bytes() == good

# --- the export -----------------------------------------------------------------------------

async def test_the_apps_export_asks_before_replacing_a_file_it_did_not_write(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        path = demo_db.parent / "minutes" / f"{TODAY}-{app.session.meeting}.md"
        path.parent.mkdir()
        path.write_text("hand-written notes\n")
        await pilot.press("e")
        assert app.screen.id == "confirm-dialog" and "Replace the minutes file?" in \
            dialog_text(app) and f"{path} is already there" in dialog_text(app)
        await pilot.press("n")
        assert path.read_text() == "hand-written notes\n" and "was kept" in notified(app)
        await pilot.press("e", "y")
        assert path.read_text().startswith("# ") and f"Minutes written to {path}" in notified(app)
        await pilot.press("e")                       # the file it wrote itself: no question
        assert app.screen.id == "meeting"
        path.write_text("edited meanwhile\n")
        await pilot.press("w", "e")                  # from the preview: the same question
        assert app.screen.id == "confirm-dialog"
        await pilot.press("escape", "3", "minus")    # a change, so quitting offers `e`
        await pilot.press("q", "e")                  # and from the quit dialog
        assert app.screen.id == "confirm-dialog"
        await pilot.press("enter")
    assert path.read_text().startswith("# ") and app.unsaved is None
    assert load(demo_db).meetings[-1].ended_at is not None

# --- the store renamed away or replaced under a running meeting -----------------------------

async def test_the_store_renamed_away_mid_meeting_asks_and_writes_nothing(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        await pilot.pause(1.1)                               # presence published
        moved = demo_db.with_name("stashed.json")
        demo_db.rename(moved)
        before = {p.name: p.read_bytes() for p in demo_db.parent.iterdir() if p.is_file()}
        await pilot.press("3", "minus")            # a change, before the next tick
        assert app.screen.id == "store-lost" and "moved or deleted" in dialog_text(app)
        assert "k: go on without it" in dialog_text(app)
        await pilot.pause(2.2)
        assert {p.name: p.read_bytes() for p in demo_db.parent.iterdir() if p.is_file()} \
            == before                                        # nothing created, nothing written
        assert "KPI health" in screen_text(app) or app.screen.id == "store-lost"
        await pilot.press("w")                               # write back the store
        assert app.screen.id == "meeting" and "Wrote the store back" in notified(app)
        assert demo_db.read_bytes() == moved.read_bytes()
        await pilot.press("minus", "q", "y")
    assert load(demo_db).meetings[-1].ended_at is not None


async def test_the_store_renamed_away_kept_as_gone_starts_the_meeting_again(demo_db):
    app = make_app(demo_db, attendees=("Noor",))
    async with run(app) as pilot:
        await write_meeting(pilot)
        demo_db.rename(demo_db.with_name("stashed.json"))
        await until(pilot, lambda: app.screen.id == "store-lost", timeout=3)
        await pilot.press("k")
        assert "This meeting was not in it" in notified(app) and app.is_running
        await pilot.press("d")
        await type_text(pilot, "Start over")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter", "q", "y")
    board = load(demo_db)
    (meeting,) = board.meetings
    assert meeting.attendees == ("Noor",) and meeting.ended_at is not None
    assert [a.text for a in board.actions] == ["Start over"]


async def test_the_store_renamed_away_then_quit_writes_nothing(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        moved = demo_db.with_name("stashed.json")
        demo_db.rename(moved)
        kept = moved.read_bytes()
        await until(pilot, lambda: app.screen.id == "store-lost", timeout=3)
        await pilot.press("escape", "n", "y")                  # no way around the choice
        assert app.screen.id == "store-lost"
        await pilot.press("q")
    assert not app.is_running and not demo_db.exists() and moved.read_bytes() == kept
    assert app.unsaved is None


async def test_an_older_copy_checked_out_mid_meeting_is_noticed(demo_db):
    """What `git stash` does: the file as committed, before this meeting, is put back."""
    older = demo_db.read_bytes()
    app = make_app(demo_db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        await pilot.press("d")
        await type_text(pilot, "Lost?")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        # Put back just before the save: the app's once-a-second look at the file would
        # otherwise notice first, on a slow machine, and its dialog take the keys typed.
        stash = demo_db.with_name(".stash")
        stash.write_bytes(older)
        os.replace(stash, demo_db)
        await pilot.press("enter")                          # the form says why
        form = next(s for s in app.screen_stack if s.id == "decision-form")
        # The form takes its keys in order (tui/forms/typeahead.py): on a loaded machine the
        # enter may be handled a few frames later.
        await until(pilot, lambda: "replaced" in " ".join(
            str(w.render()) for w in form.query(Static)), timeout=3)
        await until(pilot, lambda: "k: keep the file as it is now" in dialog_text(app),
                    timeout=3)
        assert app.screen.id == "store-lost" and demo_db.read_bytes() == older
        await pilot.press("k")                              # keep the older file
        await until(pilot, lambda: "This meeting was not in it" in notified(app), timeout=3)
        await until(pilot, lambda: app.screen.id == "decision-form", timeout=3)  # enter: again
        await pilot.press("enter", "q", "y")
    # The meeting written again with that decision, then ended.
    assert [a.text for a in load(demo_db).actions if a.meeting == app.session.meeting] \
        == ["Lost?"]


async def test_an_import_by_another_process_mid_meeting_is_not_flagged(demo_db, write_csv):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await write_meeting(pilot)
        values = write_csv("m.csv", "kpi,date,value\nCart abandonment,2026-11-16,21\n")
        done = run_cli("import", "measurements", str(values), db=demo_db)
        assert done.returncode == 0, done.stderr
        await pilot.pause(1.2)
        await pilot.press("d")
        await type_text(pilot, "After the import")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter")
        await pilot.pause(1.2)
        assert app.screen.id == "meeting" and "replaced" not in notified(app)
        await pilot.press("q", "y")
    assert [a.text for a in load(demo_db).actions if isinstance(a, Action)
            and a.meeting == app.session.meeting] == ["After the import"]
