"""A store on a disk that turns read-only mid-meeting, in a real terminal (tmux): once the
terminal is back, the app says what was not saved."""

import os
import time

import pytest

from tests.helpers import TODAY, cadence_command, load, write_demo
from tests.terminal.tmux import Terminal


def test_the_app_says_after_it_closes_what_was_not_saved(disk, monkeypatch):
    """In a real terminal: the warning is printed once the terminal is back, not lost."""
    if not disk.mounted:
        pytest.skip("the app in a terminal is another process: only a real disk can fail it")
    db = write_demo(disk.path / "cadence.json")
    cadence = " ".join(cadence_command())
    term = Terminal(["sh", "-c", f'{cadence} --db "{db}"; echo "exit $?"; sleep 30'],
                    {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"]})
    try:
        term.wait_for("1/5 KPI health")
        term.record_decision()                   # the meeting is written with its first change
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
