"""The store survives its environment: a symlinked store, writers killed mid-write, a full
disk, the store renamed away or replaced under it, and a store shared with a group. The same
under a running meeting: tests/app/test_store_environment.py; through the CLI (an output path
naming the store, a bad CADENCE_LOCK_TIMEOUT): tests/cli/test_store_environment.py."""

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

from core import presence, storage
from core.errors import StoreError
from core.store import Store, StoreLost
from tests.disk import temp_files
from tests.helpers import add_note


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


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

# --- a full disk ----------------------------------------------------------------------------

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

# --- the store renamed away or replaced -----------------------------------------------------

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
