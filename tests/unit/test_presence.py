"""The presence file (`<store>.live`) is written by whoever can write beside the store, so it
is hostile input: each crafted shape (tests/hostile.py) against reading, publishing and the
choice of role. None may hang (a FIFO, /dev/zero), lock anyone out (a heartbeat in the future)
or lead anyone to write to a meeting that has ended. Then one facilitator at a time: a second
one follows, and takes over once the first is gone. The same shapes against the app, the
commands and a real terminal: tests/app, tests/cli and tests/terminal, test_presence.py."""

import json
import subprocess
import sys
import time

import msgspec
import pytest

from core import presence
from core.clock import today
from core.commands import actions
from core.errors import CadenceError
from core.events import EventKind
from tests.helpers import end_meeting, live_presence, load, session_on, update_meeting, within
from tests.hostile import ENDED, UNUSABLE, crafted, presence_json


# --- reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", UNUSABLE)
def test_an_unusable_presence_is_no_presence(meeting_db, name):
    crafted(meeting_db, name)
    assert within(5, lambda: presence.read(meeting_db)) is None
    meetings = load(meeting_db).by_id
    assert within(5, lambda: presence.role(meeting_db, False, meetings)) == ("facilitate", None)
    with pytest.raises(CadenceError, match="no meeting to take over; `cadence` starts one"):
        presence.role(meeting_db, True, meetings)


@pytest.mark.parametrize("fields", [
    {"stage": 0}, {"stage": -1}, {"stage": 6}, {"current": -1},
    {"stages": [{"name": "KPI health", "timebox_min": 10}], "current": 1},
    {"meeting_s": -1.0}, {"meeting_s": 1e300}, {"pid": 0}, {"pid": -1}, {"pid": 2**40},
    {"stages": [{"name": "KPI health", "timebox_min": 10, "spent_s": -5.0}]},
    {"stages": [{"name": "KPI health", "timebox_min": -10}]},
    {"stages": [{"name": "x", "timebox_min": 1}] * 51},
    {"heartbeat": 1e400}, {"stage": 2**70},
], ids=str)
def test_a_presence_with_a_number_the_app_cannot_act_on_is_no_presence(meeting_db, fields):
    found = {**json.loads(presence_json()), **fields}
    presence.sidecar(meeting_db).write_bytes(json.dumps(found).encode())   # 1e400: Infinity
    assert presence.read(meeting_db) is None


def test_the_presence_cadence_writes_is_read_back(meeting_db):
    """The control for the two tests above: the same presence, unbroken, is live."""
    presence.sidecar(meeting_db).write_bytes(presence_json())
    assert presence.role(meeting_db, False, load(meeting_db).by_id)[0] == "follow"


def test_a_presence_past_stage_5_is_read_when_its_agenda_has_the_stage(meeting_db):
    """A monthly review's sixth stage: followers mirror it (stage 6 of five is no presence,
    above)."""
    from core import agendas
    monthly = next(t for t in agendas.BUILTIN if t.name == "monthly").planned()
    found = {**json.loads(presence_json()), "stage": 6, "current": 5, "agenda": "monthly",
             "stages": [msgspec.to_builtins(s) for s in monthly]}
    presence.sidecar(meeting_db).write_bytes(json.dumps(found).encode())
    live = presence.read(meeting_db)
    assert live is not None and (live.stage, live.agenda) == (6, "monthly")
    found["stage"] = 7
    presence.sidecar(meeting_db).write_bytes(json.dumps(found).encode())
    assert presence.read(meeting_db) is None


def test_a_heartbeat_in_the_future_locks_nobody_out(meeting_db):
    crafted(meeting_db, "a heartbeat an hour ahead")
    meetings = load(meeting_db).by_id
    assert presence.role(meeting_db, False, meetings) == ("facilitate", None)
    mode, live = presence.role(meeting_db, True, meetings)
    assert mode == "take_over" and live.meeting == "m2"
    presence.sidecar(meeting_db).write_bytes(presence_json(heartbeat=time.time() + 3))
    assert presence.role(meeting_db, False, meetings)[0] == "follow"   # a clock a little fast


def test_an_ended_meeting_is_never_live(meeting_db, tmp_path):
    crafted(meeting_db, "an ended meeting")
    meetings = load(meeting_db).by_id
    assert presence.role(meeting_db, False, meetings) == ("facilitate", None)
    with pytest.raises(CadenceError, match="no meeting to take over .m1 has ended."):
        presence.role(meeting_db, True, meetings)
    presence.sidecar(meeting_db).write_bytes(presence_json("m99"))
    with pytest.raises(CadenceError, match="m99 is not a meeting of this store"):
        presence.role(meeting_db, True, meetings)


def test_nothing_is_written_to_a_meeting_that_has_ended(meeting_db):
    """A take-over racing the first facilitator's end: its writes are refused, the ended
    meeting (and its minutes) stay as they were."""
    before = meeting_db.read_bytes()
    session = session_on(meeting_db, meeting=ENDED)
    for change in (lambda: session.run(EventKind.DECISION, actions.record, "decision", "Late",
                                       "Noor", None, None, today()),
                   lambda: end_meeting(session),
                   lambda: update_meeting(session, attendees=("Sam",))):
        with pytest.raises(CadenceError, match="m1 has ended: nothing more is written to it"):
            change()
    assert meeting_db.read_bytes() == before


# --- publishing ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["a folder", "a FIFO", "a symlink to /dev/zero"])
def test_publishing_over_something_that_is_not_a_file_is_refused_not_hung(meeting_db, name):
    path = crafted(meeting_db, name)
    mine = msgspec.json.decode(presence_json(), type=presence.Presence)
    with pytest.raises(CadenceError, match="is not a regular file"):
        within(5, lambda: presence.publish(meeting_db, mine))
    assert path.is_symlink() if name.startswith("a symlink") else not path.is_file()
    assert not [p for p in meeting_db.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_presence_with_long_text_is_clipped_and_still_read(meeting_db):
    mine = msgspec.json.decode(presence_json(), type=presence.Presence)
    huge = msgspec.structs.replace(mine, title="\U0001F600" * 100_000, filter="x" * 100_000)
    presence.publish(meeting_db, huge)
    assert presence.sidecar(meeting_db).stat().st_size < presence.MAX_BYTES
    found = presence.read(meeting_db)
    assert found is not None and len(found.title) == presence.TEXT_MAX


# --- one facilitator at a time ---------------------------------------------------------------

def role(db, take_over: bool, now: float | None = None):
    return presence.role(db, take_over, load(db).by_id, now)


def test_second_facilitator_follows_and_take_over_needs_a_stale_heartbeat(demo_db):
    assert role(demo_db, take_over=False) == ("facilitate", None)
    live_presence(demo_db, age_s=3)
    mode, live = role(demo_db, take_over=False)
    assert mode == "follow" and live.facilitator == "Noor"
    with pytest.raises(Exception, match="still live with Noor"):
        role(demo_db, take_over=True)
    live_presence(demo_db, age_s=45)
    assert role(demo_db, take_over=False)[0] == "facilitate"
    mode, live = role(demo_db, take_over=True)
    assert mode == "take_over" and live.meeting == "m2"


def test_a_facilitator_whose_app_has_ended_on_this_host_is_gone_at_once(demo_db):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    crashed = live_presence(demo_db, age_s=2, pid=int(ended.stdout))
    assert not crashed.is_fresh()
    assert role(demo_db, take_over=False) == ("facilitate", None)
    assert role(demo_db, take_over=True) == ("take_over", crashed)
    elsewhere = live_presence(demo_db, age_s=2, pid=int(ended.stdout))
    elsewhere = msgspec.structs.replace(elsewhere, host="another-host")
    presence.publish(demo_db, elsewhere)      # another host's process: only its heartbeat tells
    assert role(demo_db, take_over=False) == ("follow", elsewhere)


def test_a_meeting_not_written_yet_is_live_and_taken_over_once_stale(demo_db):
    """A facilitator's meeting is written with its first change; until then its presence
    names no meeting (null), and it is live all the same: a second `cadence` follows it."""
    planned = msgspec.structs.replace(live_presence(demo_db, age_s=3), meeting=None)
    presence.publish(demo_db, planned)
    assert presence.read(demo_db) == planned
    assert role(demo_db, take_over=False) == ("follow", planned)
    with pytest.raises(CadenceError, match="still live with Noor"):
        role(demo_db, take_over=True)
    stale = msgspec.structs.replace(planned, heartbeat=time.time() - 45)
    presence.publish(demo_db, stale)
    assert role(demo_db, take_over=False) == ("facilitate", None)
    assert role(demo_db, take_over=True) == ("take_over", stale)
