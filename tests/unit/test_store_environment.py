"""The store survives its environment: a symlinked store, writers killed mid-write, a full or
read-only disk, an output path naming the store, the store renamed away or replaced under a
running meeting, a bad CADENCE_LOCK_TIMEOUT, and a store shared with a group."""

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from core import presence, storage
from core.errors import StoreError
from core.model import Action
from core.store import Store, StoreLost
from tests.app.helpers import (TODAY, load, make_app, notified, run, screen_text, type_text,
                               write_demo)
from tests.conftest import cadence_command, run_cli
from tests.app.test_follow import until


@pytest.fixture
def demo_db(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    return write_demo(db)


def add_note(store: Store, name: str = "Uptime") -> int:
    """One small change: a document in a table of the tests' own, which no rule reads."""
    with store.transaction("test", f"added {name}") as tx:
        return tx.insert("notes", {"name": name})


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def dialog_text(app) -> str:
    """The text of the dialog on top, unwrapped (toasts may cover it on screen)."""
    return " ".join(str(w.render()) for w in app.screen.query(Static))


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def ended_process() -> int:
    """The id of a process that has ended (reaped: no other process takes it this soon)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- a symlinked store ----------------------------------------------------------------------


def test_a_symlinked_store_is_written_through_the_link(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "team.json"
    link = tmp_path / "cadence.json"
    other_link = tmp_path / "also.json"
    link.symlink_to(target)
    other_link.symlink_to(target)
    add_note(Store(link), "Uptime")
    add_note(Store(other_link), "CSAT")          # the second link sees the first one's write
    assert link.is_symlink() and other_link.is_symlink()
    assert [d["name"] for d in Store(target).docs("notes").values()] == ["Uptime", "CSAT"]
    # one lock for both links, beside the store itself; nothing beside the links
    assert sorted(p.name for p in shared.iterdir()) == ["team.json", "team.json.lock"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["also.json", "cadence.json", "shared"]
    assert presence.sidecar(link) == presence.sidecar(other_link) == shared / "team.json.live"


def test_a_symlinked_store_stays_a_link_through_the_cli(tmp_path, write_csv):
    target = tmp_path / "real" / "store.json"
    target.parent.mkdir()
    link = tmp_path / "cadence.json"
    link.symlink_to(target)
    kpis = write_csv("kpis.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "Uptime,Ann,%,higher,99.9,99,weekly\n")
    done = run_cli("import", "kpis", str(kpis), db=link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "Uptime" in target.read_text()
    broken = run_cli("import", "kpis", str(tmp_path / "missing.csv"), db=link)
    assert str(tmp_path / "missing.csv") in broken.stderr          # names what the user gave


def test_a_link_to_a_link_to_a_store_is_followed_to_the_end(tmp_path):
    target = tmp_path / "store.json"
    middle = tmp_path / "middle.json"
    outer = tmp_path / "outer.json"
    middle.symlink_to(target)
    outer.symlink_to(middle)
    add_note(Store(outer))
    assert outer.is_symlink() and middle.is_symlink() and not target.is_symlink()
    assert temp_files(tmp_path) == [] and (tmp_path / "store.json.lock").exists()


# --- temp files of killed writers -----------------------------------------------------------


def test_the_next_writer_removes_temp_files_of_dead_writers_only(db):
    add_note(Store(db))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = ended_process()
        here = storage.HOST_TAG
        stale = [f".cadence.json.{here}.{dead}.tmp",          # this host, process gone
                 f".cadence.json.{dead}.tmp",                 # the old name: this host's
                 f".cadence.json.live.{here}.{dead}.tmp"]     # the presence's, same rule
        kept = [f".cadence.json.{here}.{sleeper.pid}.tmp",    # a writer still running
                f".cadence.json.elsewhere.{dead}.tmp",        # another host's: cannot tell
                f".other.json.{here}.{dead}.tmp",             # another file's
                ".cadence.json.notes.tmp",                    # not a name Cadence gives
                f".cadence.json.{here}.{dead}.tmp.bak"]
        for name in stale + kept:
            (db.parent / name).write_bytes(b"x" * 1000)
        store = Store(db)
        assert all((db.parent / name).exists() for name in stale)     # reading removes nothing
        add_note(store, "CSAT")
        assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) \
            == sorted(kept)
    finally:
        sleeper.kill()
        sleeper.wait()


BIG_WRITER = textwrap.dedent("""
    import sys
    from core.store import Store
    store = Store(sys.argv[1])
    print("ready", flush=True)
    while True:
        with store.transaction("bulk") as tx:
            tx.insert("padding", {"pad": "x" * 4_000_000})
""")


def test_a_writer_killed_mid_write_leaves_a_temp_file_the_next_writer_removes(db):
    """A real kill: the writer is stopped while its temp file exists, then killed."""
    add_note(Store(db))
    proc = subprocess.Popen([sys.executable, "-c", BIG_WRITER, str(db)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 60
        while not temp_files(db.parent) and time.monotonic() < deadline:
            pass
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    left = temp_files(db.parent)
    assert left and str(proc.pid) in left[0]                 # what a killed writer leaves
    Store(db)                                                 # the store itself is whole
    add_note(Store(db), "CSAT")
    assert temp_files(db.parent) == []


# --- a full or read-only disk ---------------------------------------------------------------


class Disk:
    """A small disk of its own for a store: a tmpfs where the test may mount one (root with
    CAP_SYS_ADMIN), else a folder whose writes fail with an injected OSError, as a full or
    read-only disk fails them. Where both work, the tests run both ways."""

    def __init__(self, root: Path, real: bool):
        self.path = root / "disk"
        self.path.mkdir()
        self.mounted = real and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(self.path)],
            capture_output=True).returncode == 0
        self._real_open = os.open

    def fill(self) -> None:
        if not self.mounted:
            return self._inject(errno.ENOSPC)
        fd = os.open(self.path / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)

    def read_only(self) -> None:
        if not self.mounted:
            return self._inject(errno.EROFS)
        deadline = time.monotonic() + 10
        # The kernel refuses while a file on it is open for writing (a presence write).
        while subprocess.run(["mount", "-o", "remount,ro", str(self.path)],
                             capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the tmpfs could not be made read-only"
            time.sleep(0.05)

    def heal(self) -> None:
        os.open = self._real_open
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
            (self.path / "filler").unlink(missing_ok=True)

    def _inject(self, code: int) -> None:
        """Files in the folder fail as on such a disk: a full one cannot take a new file
        (a write's temp file), a read-only one cannot open any for writing (the lock too)."""
        real_open, folder = self._real_open, str(self.path)

        def failing_open(path, flags, *args, **kwargs):
            writes = flags & (os.O_WRONLY | os.O_RDWR)
            if writes and str(path).startswith(folder) and (
                    code == errno.EROFS or not os.path.exists(path)):
                raise OSError(code, os.strerror(code), str(path))
            return real_open(path, flags, *args, **kwargs)
        os.open = failing_open

    def close(self) -> None:
        os.open = self._real_open
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


@pytest.fixture(params=["tmpfs", "injected"])
def disk(tmp_path, request):
    found = Disk(tmp_path, real=request.param == "tmpfs")
    if request.param == "tmpfs" and not found.mounted:
        pytest.skip("no tmpfs can be mounted here: the injected faults stand in")
    yield found
    found.close()


def test_a_full_disk_refuses_the_write_and_keeps_the_last_good_store(disk):
    db = disk.path / "cadence.json"
    store = Store(db)
    add_note(store)
    good = db.read_bytes()
    disk.fill()
    with pytest.raises(StoreError, match="cannot be written .No space left on device"):
        add_note(store, "CSAT")
    assert db.read_bytes() == good and temp_files(disk.path) == []
    assert [d["name"] for d in store.docs("notes").values()] == ["Uptime"]
    disk.heal()
    add_note(store, "CSAT")
    assert [d["name"] for d in Store(db).docs("notes").values()] == ["Uptime", "CSAT"]


async def test_the_meeting_goes_on_through_a_full_disk_and_loses_nothing(disk, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    db = write_demo(disk.path / "cadence.json")
    app = make_app(db)
    async with run(app) as pilot:
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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


def test_the_app_says_after_it_closes_what_was_not_saved(disk, monkeypatch):
    """In a real terminal: the warning is printed once the terminal is back, not lost."""
    from tests.terminal.test_app_terminal import Terminal
    if not disk.mounted:
        pytest.skip("the app in a terminal is another process: only a real disk can fail it")
    db = write_demo(disk.path / "cadence.json")
    cadence = " ".join(cadence_command())
    term = Terminal(["sh", "-c", f'{cadence} --db "{db}"; echo "exit $?"; sleep 30'],
                    {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"]})
    try:
        term.wait_for("1/5 KPI health")
        deadline = time.monotonic() + 10
        while not any(m.ended_at is None for m in load(db).meetings) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        disk.read_only()
        term.keys("3")
        term.keys("-")
        term.wait_for("Not saved")
        term.keys("q")
        term.keys("y")
        time.sleep(0.5)
        term.keys("q")                                   # still running: asks again
        term.wait_for("End the meeting and quit?")
        term.keys("y")
        shown = term.wait_for("exit 0")
    finally:
        term.close()
    assert "cadence: warning: the meeting's end was not saved: " in shown
    assert "Traceback" not in shown


# --- minutes -o never names the store -------------------------------------------------------


@pytest.fixture
def minutes_db(db):
    return write_demo(db)


@pytest.mark.parametrize("name", ["cadence.json", "cadence.json.lock", "cadence.json.live",
                                  ".cadence.json.host.123.tmp", "sub/../cadence.json"])
def test_minutes_output_never_names_the_store_or_its_files(minutes_db, name):
    (minutes_db.parent / "sub").mkdir(exist_ok=True)
    before = minutes_db.read_bytes()
    done = run_cli("minutes", "-o", str(minutes_db.parent / name), "--force", db=minutes_db)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "is the store" in done.stderr
    assert minutes_db.read_bytes() == before


def test_minutes_output_through_links_to_the_store_is_refused(minutes_db, tmp_path):
    before = minutes_db.read_bytes()
    soft = tmp_path / "soft.md"
    soft.symlink_to(minutes_db)
    hard = tmp_path / "hard.md"
    os.link(minutes_db, hard)
    link_db = tmp_path / "link.json"
    link_db.symlink_to(minutes_db)
    for output, db in [(soft, minutes_db), (hard, minutes_db), (minutes_db, link_db),
                       (link_db, minutes_db), (tmp_path / "link.json.lock", link_db)]:
        done = run_cli("minutes", "-o", str(output), "--force", db=db)
        assert done.returncode == 1 and "is the store" in done.stderr, (output, db)
    assert minutes_db.read_bytes() == before and soft.is_symlink()


def test_minutes_output_replaces_a_file_only_with_force(minutes_db, tmp_path):
    out = tmp_path / "minutes.md"
    out.write_text("notes of my own\n")
    done = run_cli("minutes", "-o", str(out), db=minutes_db)
    assert done.returncode == 1 and done.stderr.strip() == \
        f"cadence: error: {out}: exists; --force replaces it"
    assert out.read_text() == "notes of my own\n"
    done = run_cli("minutes", "-o", str(out), "--force", db=minutes_db)
    assert done.returncode == 0 and out.read_text().startswith("# ")
    folder = run_cli("minutes", "-o", str(tmp_path), "--force", db=minutes_db)
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    fresh = tmp_path / "new" / "m.md"
    assert run_cli("minutes", "-o", str(fresh), db=minutes_db).returncode == 0
    assert fresh.read_text() == out.read_text()


def test_minutes_output_dash_is_standard_output(minutes_db):
    done = run_cli("minutes", "-o", "-", db=minutes_db)
    assert done.returncode == 0 and done.stdout.startswith("# ")
    assert not (Path.cwd() / "-").exists()
    null = run_cli("minutes", "-o", os.devnull, db=minutes_db)    # written into, not replaced
    assert null.returncode == 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode)


async def test_the_apps_export_asks_before_replacing_a_file_it_did_not_write(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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


def test_a_store_replaced_by_an_older_copy_is_noticed_and_never_written(db):
    store = Store(db)
    add_note(store)
    older = db.read_bytes()
    add_note(store, "CSAT")
    other = Store(db)                                   # another process's write is fine
    add_note(other, "NPS")
    assert store.refresh() and len(store.docs("notes")) == 3
    db.write_bytes(older)                               # git stash, or a checkout
    with pytest.raises(StoreLost, match="replaced"):
        store.refresh()
    with pytest.raises(StoreLost):
        add_note(store, "Churn")
    assert db.read_bytes() == older and len(store.docs("notes")) == 3
    store.write_back()
    assert [d["name"] for d in Store(db).docs("notes").values()] == ["Uptime", "CSAT", "NPS"]
    add_note(store, "Churn")
    assert len(Store(db).docs("notes")) == 4


def test_another_store_copied_over_is_noticed_and_can_be_adopted(db, tmp_path):
    store = Store(db)
    add_note(store)
    elsewhere = tmp_path / "other.json"
    add_note(Store(elsewhere), "Revenue")
    shutil.copy(elsewhere, db)
    with pytest.raises(StoreLost, match="replaced"):
        store.refresh()
    store.adopt()
    assert [d["name"] for d in store.docs("notes").values()] == ["Revenue"]
    add_note(store, "Margin")
    assert [d["name"] for d in Store(db).docs("notes").values()] == ["Revenue", "Margin"]


def test_a_vanished_store_is_not_created_again_by_the_next_change(db):
    store = Store(db)
    add_note(store)
    lock = db.with_name("cadence.json.lock")
    lock.unlink()
    db.rename(db.with_name("moved.json"))
    with pytest.raises(StoreLost, match="moved or deleted"):
        add_note(store, "CSAT")
    assert not db.exists() and not lock.exists()           # not even the lock
    store.adopt()                                           # the facilitator says: start afresh
    add_note(store, "CSAT")
    assert [d["name"] for d in Store(db).docs("notes").values()] == ["CSAT"]


def test_a_store_that_never_existed_is_not_vanished(db):
    store = Store(db)
    with store.transaction("noop"):
        pass
    add_note(store)
    assert Store(db).docs("notes")


async def test_the_store_renamed_away_mid_meeting_asks_and_writes_nothing(demo_db):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
        stash = demo_db.with_name(".stash")
        stash.write_bytes(older)
        os.replace(stash, demo_db)
        await pilot.press("d")
        await type_text(pilot, "Lost?")
        await pilot.press("tab")
        await type_text(pilot, "Noor")
        await pilot.press("enter")                          # the form says why
        form = next(s for s in app.screen_stack if s.id == "decision-form")
        assert "replaced" in " ".join(str(w.render()) for w in form.query(Static))
        await until(pilot, lambda: app.screen.id == "store-lost", timeout=3)
        assert "k: keep the file as it is now" in dialog_text(app)
        assert demo_db.read_bytes() == older
        await pilot.press("k")                              # keep the older file
        assert "This meeting was not in it" in notified(app)
        await pilot.press("q", "y")
    assert demo_db.read_bytes() != older            # the meeting, written again, then ended


async def test_an_import_by_another_process_mid_meeting_is_not_flagged(demo_db, write_csv):
    app = make_app(demo_db)
    async with run(app) as pilot:
        await until(pilot, lambda: app.session.meeting is not None, timeout=3)
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


# --- CADENCE_LOCK_TIMEOUT -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "", "nan", "inf", "1e400", "-1", "-inf", "86401"])
def test_a_bad_lock_timeout_is_one_line_not_a_hang(db, write_csv, value):
    kpis = write_csv("kpis.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "Uptime,Ann,%,higher,99.9,99,weekly\n")
    done = run_cli("import", "kpis", str(kpis), db=db, env={"CADENCE_LOCK_TIMEOUT": value})
    assert done.returncode == 1 and not db.exists()
    assert done.stderr == f"cadence: error: CADENCE_LOCK_TIMEOUT={value!r}: not a number of " \
                          "seconds from 0 to 86400\n"


def test_a_bad_lock_timeout_stops_the_app_before_it_opens(demo_db):
    done = run_cli(db=demo_db, env={"CADENCE_LOCK_TIMEOUT": "soon"})
    assert done.returncode == 1 and done.stderr == \
        "cadence: error: CADENCE_LOCK_TIMEOUT='soon': not a number of seconds from 0 to 86400\n"


@pytest.mark.parametrize("value", ["0", "0.5", " 30 ", "86400"])
def test_a_good_lock_timeout_writes(db, write_csv, value):
    kpis = write_csv("kpis.csv", "name,owner,unit,direction,target,threshold,cadence\n"
                                 "Uptime,Ann,%,higher,99.9,99,weekly\n")
    done = run_cli("import", "kpis", str(kpis), db=db, env={"CADENCE_LOCK_TIMEOUT": value})
    assert done.returncode == 0, done.stderr


# --- a store shared with a group ------------------------------------------------------------


def test_sidecars_take_the_stores_permission_bits(db):
    add_note(Store(db))
    presence.publish(db, presence.Presence(meeting="meetings:1", title="T", facilitator="",
                                           stage=1))
    lock, live = db.with_name("cadence.json.lock"), presence.sidecar(db)
    assert (mode(db), mode(lock), mode(live)) == (0o600, 0o600, 0o600)     # private by default
    os.chmod(db, 0o640)
    add_note(Store(db), "CSAT")
    presence.publish(db, presence.read(db))
    assert (mode(db), mode(lock), mode(live)) == (0o640, 0o640, 0o640)


FOLLOWER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from core import presence
    from core.store import Store
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)                    # from here on: nobody, in the group nogroup
    store = Path(sys.argv[1])
    live = presence.read(store)
    print(live.meeting if live else "No meeting is live")
    print(len(Store(store).docs("notes")))
""")


def test_a_follower_logged_in_as_another_group_member_sees_the_meeting():
    """The store shared with a group (chmod g+r, a group-owned folder): a follower running as
    another user of the group reads the store and the live meeting."""
    if os.geteuid() != 0:
        pytest.skip("needs root to act as another user")
    folder = Path(tempfile.mkdtemp(prefix="cadence-shared-"))
    try:
        os.chown(folder, 0, 65534)
        os.chmod(folder, 0o2750)                        # group-owned, setgid
        db = folder / "cadence.json"
        add_note(Store(db))
        os.chmod(db, 0o640)
        os.chown(db, 0, 65534)
        add_note(Store(db), "CSAT")                      # a new version keeps group and bits
        assert (mode(db), os.stat(db).st_gid) == (0o640, 65534)
        presence.publish(db, presence.Presence(meeting="meetings:7", title="Weekly",
                                               facilitator="Noor", stage=1))
        follower = subprocess.run([sys.executable, "-c", FOLLOWER, str(db)],
                                  capture_output=True, text=True, timeout=60)
        assert follower.returncode == 0, follower.stderr
        assert follower.stdout.split() == ["meetings:7", "2"]
    finally:
        shutil.rmtree(folder)
