"""`cadence`, `cadence follow` and `--take-over` in real terminals, on a crafted presence file
(tests/hostile.py): each opens, and the ended meeting stays as it was."""

import os
import time

import pytest

from core.model import Meeting
from tests.helpers import load
from tests.hostile import CRAFTED, ENDED, crafted
from tests.terminal.tmux import Terminal


@pytest.mark.parametrize("name", list(CRAFTED))
def test_cadence_and_follow_open_on_a_crafted_presence(meeting_db, name):
    """`follow` waits for a facilitator; `cadence` facilitates a new meeting (no crafted
    presence is live), which ends normally; the ended meeting stays as it was."""
    path = crafted(meeting_db, name)
    ended = load(meeting_db).by_id[ENDED]
    follower = Terminal.cadence(meeting_db, "follow")
    facilitator = None
    try:
        follower.wait_for("waiting for a facilitator")
        facilitator = Terminal.cadence(meeting_db)
        facilitator.wait_for("1/5 KPI health")
        assert "following" not in facilitator.screen()
        facilitator.keys("2")
        facilitator.wait_for("2/5 Flagged")
        facilitator.record_decision()
        facilitator.quit()
        assert follower.alive() and "Traceback" not in follower.screen()
    finally:
        follower.close()
        if facilitator is not None:
            facilitator.close()
    meetings = {m.id: m for m in load(meeting_db).meetings}
    assert meetings[ENDED] == ended and meetings["m3"].ended_at is not None
    assert meetings["m2"].ended_at is None                        # nobody touched it
    if name in ("a folder", "a FIFO", "a symlink to /dev/zero"):
        assert os.path.lexists(path) and not path.is_file()     # refused, left alone


def test_take_over_goes_on_despite_a_heartbeat_in_the_future(meeting_db):
    crafted(meeting_db, "a heartbeat an hour ahead")
    term = Terminal.cadence(meeting_db, "--take-over")
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
    meetings = {m.id: m for m in load(meeting_db).meetings}
    assert isinstance(meetings["m2"], Meeting) and meetings["m2"].ended_at is not None
    assert "m3" not in meetings
