"""The presence file (`<store>.live`) is written by whoever can write beside the store, so it
is hostile input: each crafted shape against `cadence`, `cadence follow` and `--take-over`.
None may hang (a FIFO, /dev/zero), crash, lock anyone out (a heartbeat in the future) or lead
anyone to write to a meeting that has ended."""

import json
import os
import socket
import threading
import time
from pathlib import Path

import msgspec
import pytest

from core import presence
from core.errors import CadenceError
from core.model import Meeting
from core.service import Service
from core.store import Store
from tests.app.helpers import TODAY, load, make_app, notified, screen_text, write_demo
from tests.conftest import run_cli
from tests.terminal.test_app_terminal import Terminal

ENDED = "m1"          # the demo's meeting, which has ended


@pytest.fixture
def demo_db(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    write_demo(db)
    Service(Store(db)).start_meeting(facilitator="Noor")      # m2, still open
    return db


def presence_json(meeting: str = "m2", **fields) -> bytes:
    """A presence as a running facilitator on this host would publish it (this process)."""
    found = dict(meeting=meeting, title="Operating review", facilitator="Noor", stage=2,
                 current=1, heartbeat=time.time(), pid=os.getpid(), host=socket.gethostname())
    return json.dumps({**found, **fields}).encode()


def write(raw: bytes):
    return lambda path: path.write_bytes(raw)


# Each shape, made at the presence's path. The first three are unusable JSON; the file
# shapes would block a plain open() (FIFO), never end (/dev/zero), or take all memory.
CRAFTED = {
    "stage out of range": lambda p: p.write_bytes(presence_json(stage=9)),
    "current stage out of range": lambda p: p.write_bytes(presence_json(current=5)),
    "garbage": write(b"\x00{not json"),
    "wrong types": write(b'{"meeting": 5, "stage": "two", "title": null}'),
    "a folder": lambda p: p.mkdir(),
    "a FIFO": lambda p: os.mkfifo(p),
    "a symlink to /dev/zero": lambda p: os.symlink("/dev/zero", p),
    "a 10 MB file": lambda p: p.write_bytes(presence_json() + b" " * 10_000_000),
    "an ended meeting": lambda p: p.write_bytes(presence_json(ENDED)),
    "a heartbeat an hour ahead": lambda p: p.write_bytes(presence_json(
        heartbeat=time.time() + 3600)),
}
UNUSABLE = [name for name in CRAFTED if name not in ("an ended meeting",
                                                      "a heartbeat an hour ahead")]


def crafted(db: Path, name: str) -> Path:
    path = presence.sidecar(db)
    CRAFTED[name](path)
    return path


def within(seconds: float, job):
    """Run `job` in a thread; fail (rather than hang the suite) if it has not returned."""
    result = {}

    def run() -> None:
        try:
            result["value"] = job()
        except BaseException as exc:       # raised again in the test's thread
            result["error"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in result:
        raise result["error"]
    return result.get("value")


# --- reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", UNUSABLE)
def test_an_unusable_presence_is_no_presence(demo_db, name):
    crafted(demo_db, name)
    assert within(5, lambda: presence.read(demo_db)) is None
    meetings = load(demo_db).by_id
    assert within(5, lambda: presence.role(demo_db, False, meetings)) == ("facilitate", None)
    with pytest.raises(CadenceError, match="no meeting to take over; `cadence` starts one"):
        presence.role(demo_db, True, meetings)


@pytest.mark.parametrize("fields", [
    {"stage": 0}, {"stage": -1}, {"stage": 6}, {"current": -1},
    {"stages": [{"name": "KPI health", "timebox_min": 10}], "current": 1},
    {"meeting_s": -1.0}, {"meeting_s": 1e300}, {"pid": 0}, {"pid": -1}, {"pid": 2**40},
    {"stages": [{"name": "KPI health", "timebox_min": 10, "spent_s": -5.0}]},
    {"stages": [{"name": "KPI health", "timebox_min": -10}]},
    {"stages": [{"name": "x", "timebox_min": 1}] * 51},
    {"heartbeat": 1e400}, {"stage": 2**70},
], ids=str)
def test_a_presence_with_a_number_the_app_cannot_act_on_is_no_presence(demo_db, fields):
    found = {**json.loads(presence_json()), **fields}
    presence.sidecar(demo_db).write_bytes(json.dumps(found).encode())   # 1e400: Infinity
    assert presence.read(demo_db) is None


def test_the_presence_cadence_writes_is_read_back(demo_db):
    """The control for the two tests above: the same presence, unbroken, is live."""
    presence.sidecar(demo_db).write_bytes(presence_json())
    assert presence.role(demo_db, False, load(demo_db).by_id)[0] == "follow"


def test_a_heartbeat_in_the_future_locks_nobody_out(demo_db):
    crafted(demo_db, "a heartbeat an hour ahead")
    meetings = load(demo_db).by_id
    assert presence.role(demo_db, False, meetings) == ("facilitate", None)
    mode, live = presence.role(demo_db, True, meetings)
    assert mode == "take_over" and live.meeting == "m2"
    presence.sidecar(demo_db).write_bytes(presence_json(heartbeat=time.time() + 3))
    assert presence.role(demo_db, False, meetings)[0] == "follow"   # a clock a little fast


def test_an_ended_meeting_is_never_live(demo_db, tmp_path):
    crafted(demo_db, "an ended meeting")
    meetings = load(demo_db).by_id
    assert presence.role(demo_db, False, meetings) == ("facilitate", None)
    with pytest.raises(CadenceError, match="no meeting to take over .m1 has ended."):
        presence.role(demo_db, True, meetings)
    presence.sidecar(demo_db).write_bytes(presence_json("m99"))
    with pytest.raises(CadenceError, match="m99 is not a meeting of this store"):
        presence.role(demo_db, True, meetings)


def test_nothing_is_written_to_a_meeting_that_has_ended(demo_db):
    """A take-over racing the first facilitator's end: its writes are refused, the ended
    meeting (and its minutes) stay as they were."""
    before = demo_db.read_bytes()
    service = Service(Store(demo_db), meeting=ENDED)
    for change in (lambda: service.record_action("decision", "Late", "Noor"),
                   lambda: service.end_meeting(),
                   lambda: service.update_meeting(attendees=("Sam",))):
        with pytest.raises(CadenceError, match="m1 has ended: nothing more is written to it"):
            change()
    assert demo_db.read_bytes() == before


# --- publishing ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a folder", "a FIFO", "a symlink to /dev/zero"])
def test_publishing_over_something_that_is_not_a_file_is_refused_not_hung(demo_db, name):
    path = crafted(demo_db, name)
    mine = msgspec.json.decode(presence_json(), type=presence.Presence)
    with pytest.raises(CadenceError, match="is not a regular file"):
        within(5, lambda: presence.publish(demo_db, mine))
    assert path.is_symlink() if name.startswith("a symlink") else not path.is_file()
    assert not [p for p in demo_db.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_presence_with_long_text_is_clipped_and_still_read(demo_db):
    mine = msgspec.json.decode(presence_json(), type=presence.Presence)
    huge = msgspec.structs.replace(mine, title="\U0001F600" * 100_000, filter="x" * 100_000)
    presence.publish(demo_db, huge)
    assert presence.sidecar(demo_db).stat().st_size < presence.MAX_BYTES
    found = presence.read(demo_db)
    assert found is not None and len(found.title) == presence.TEXT_MAX


async def test_the_app_says_once_that_followers_cannot_see_it_and_goes_on(demo_db):
    crafted(demo_db, "a folder")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause(1.3)                                # a tick or two republishes
        await pilot.press("2", "3")
        assert app.is_running and "3/5 OKR check-ins" in screen_text(app)
        assert notified(app).count("is not a regular file") == 1
        await pilot.press("q", "y")
    assert presence.sidecar(demo_db).is_dir()


# --- the commands ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", [*UNUSABLE, "an ended meeting"])
def test_take_over_refuses_a_crafted_presence_in_one_line(demo_db, name):
    crafted(demo_db, name)
    before = demo_db.read_bytes()
    result = within(30, lambda: run_cli("--take-over", db=demo_db, today=TODAY.isoformat()))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    expected = "m1 has ended" if name == "an ended meeting" else "no meeting to take over"
    assert expected in result.stderr
    assert demo_db.read_bytes() == before


@pytest.mark.parametrize("name", list(CRAFTED))
def test_cadence_and_follow_open_on_a_crafted_presence(demo_db, name):
    """`follow` waits for a facilitator; `cadence` facilitates a new meeting (no crafted
    presence is live), which ends normally; the ended meeting stays as it was."""
    path = crafted(demo_db, name)
    ended = load(demo_db).by_id[ENDED]
    follower = Terminal.cadence(demo_db, "follow")
    facilitator = None
    try:
        follower.wait_for("waiting for a facilitator")
        facilitator = Terminal.cadence(demo_db)
        facilitator.wait_for("1/5 KPI health")
        assert "following" not in facilitator.screen()
        facilitator.keys("2")
        facilitator.wait_for("2/5 Flagged")
        facilitator.keys("q")
        facilitator.wait_for("End the meeting and quit?")
        facilitator.keys("y")
        deadline = time.monotonic() + 15
        while facilitator.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not facilitator.alive()
        assert follower.alive() and "Traceback" not in follower.screen()
    finally:
        follower.close()
        if facilitator is not None:
            facilitator.close()
    meetings = {m.id: m for m in load(demo_db).meetings}
    assert meetings[ENDED] == ended and meetings["m3"].ended_at is not None
    assert meetings["m2"].ended_at is None                        # nobody touched it
    if name in ("a folder", "a FIFO", "a symlink to /dev/zero"):
        assert os.path.lexists(path) and not path.is_file()     # refused, left alone


def test_take_over_goes_on_despite_a_heartbeat_in_the_future(demo_db):
    crafted(demo_db, "a heartbeat an hour ahead")
    term = Terminal.cadence(demo_db, "--take-over")
    try:
        term.wait_for("2/5 Flagged")
        term.keys("q")
        term.wait_for("End the meeting and quit?")
        term.keys("y")
        deadline = time.monotonic() + 15
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        term.close()
    meetings = {m.id: m for m in load(demo_db).meetings}
    assert isinstance(meetings["m2"], Meeting) and meetings["m2"].ended_at is not None
    assert "m3" not in meetings
