"""The app's process: it ends within 2 s of SIGHUP, SIGTERM or its terminal closing, ending the
meeting first, whatever the terminal's state (mid-redraw, closed, taking no output); and an app
that crashes exits 2.

Each case runs the installed `cadence` in a real terminal: tmux, or a pty of our own when the
test needs to close it without a signal or to stop reading it."""

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest

from core import presence
from core.model import Meeting
from core.store import Store
from tests.helpers import TODAY, cadence_command, running
from tests.terminal.tmux import Terminal

DEADLINE_S = 2.0          # the contract: gone within 2 s
BURST = [str(stage) for _ in range(6) for stage in (2, 3, 4, 5, 1)]   # 30 stage switches


def app_pid(db: Path, timeout: float = 20) -> int:
    """The facilitator's pid, from the presence file it publishes after its first frame."""
    deadline = time.monotonic() + timeout
    while (live := presence.read(db)) is None:
        assert time.monotonic() < deadline, "the app never published its presence"
        time.sleep(0.05)
    return live.pid


def gone_within(pid: int, seconds: float) -> float:
    start = time.monotonic()
    while running(pid):
        if time.monotonic() - start > seconds:
            cpu = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()[11:13]
            os.kill(pid, signal.SIGKILL)                 # leave no process behind
            raise AssertionError(f"pid {pid} still running after {seconds} s "
                                 f"(utime, stime: {cpu})")
        time.sleep(0.02)
    return time.monotonic() - start


def assert_meeting_ended(db: Path, meetings_before: int) -> None:
    meetings = Store(db).records(Meeting)
    assert len(meetings) == meetings_before + 1
    newest = max(meetings, key=lambda m: m.started_at or "")
    assert newest.started_at and newest.ended_at, newest
    assert presence.read(db) is None and not presence.sidecar(db).exists()


def meetings(db: Path) -> int:
    return len(Store(db).records(Meeting))


def record_a_decision(term: "Terminal | Pty", db: Path, before: int) -> None:
    """A meeting is written with its first change (opening the app and closing it adds
    none), so each case records a decision first: the meeting its end must save."""
    if isinstance(term, Pty):
        term.keys("d")
        time.sleep(0.3)
        term.keys("Ship it\tSam\r")
    else:
        term.record_decision()
    deadline = time.monotonic() + 10
    while meetings(db) != before + 1:
        assert time.monotonic() < deadline, "the decision never made the meeting"
        time.sleep(0.05)


@pytest.mark.parametrize("run", range(6))
def test_a_closed_tmux_session_mid_redraw_ends_the_meeting_and_the_app(demo_db, run):
    """tmux kill-session: the pty closes and the app gets SIGHUP while a burst of stage
    switches is still being drawn (it hung for good in 10 runs of 12)."""
    before = meetings(demo_db)
    term = Terminal.cadence(demo_db)
    try:
        term.wait_for("1/5 KPI health")
        pid = app_pid(demo_db)
        record_a_decision(term, demo_db, before)
        term.burst(*BURST)
        time.sleep(0.01 * run)                           # a little further into the redraw
    finally:
        term.close()
    gone_within(pid, DEADLINE_S)
    assert_meeting_ended(demo_db, before)


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_ends_the_meeting_and_the_app_with_128_plus_the_signal(demo_db, tmp_path,
                                                                       signum, status):
    """Sent to the app alone, its terminal still there: the exit status says which signal."""
    before = meetings(demo_db)
    rc = tmp_path / "rc"
    env = {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"]}
    command = " ".join([*cadence_command(), "--db", str(demo_db)])
    term = Terminal(["sh", "-c", f"{command}; echo $? > {rc}; sleep 60"], env)
    try:
        term.wait_for("1/5 KPI health")
        pid = app_pid(demo_db)
        record_a_decision(term, demo_db, before)
        term.burst(*BURST)
        os.kill(pid, signum)
        gone_within(pid, DEADLINE_S)
        deadline = time.monotonic() + 5
        while not rc.exists() or not rc.read_text().strip():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # On a failure, the terminal's scrollback holds Textual's traceback: shown with it.
        assert int(rc.read_text()) == status, term.tmux(
            "capture-pane", "-p", "-S", "-200", "-t", term.name).stdout
        assert "1/5 KPI health" not in term.screen()     # the terminal was given back
    finally:
        term.close()
    assert_meeting_ended(demo_db, before)


class Pty:
    """`cadence` on a pty of our own, in a session of its own with no controlling terminal:
    closing the pty sends it no signal at all, so only the terminal's end can tell it."""

    def __init__(self, db: Path):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"],
               "TERM": "xterm-256color"}
        self.process = subprocess.Popen([*cadence_command(), "--db", str(db)], stdin=slave,
                                        stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.screen = b""
        self.reading = True               # until stall() stops taking the app's output
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while self.reading and (chunk := os.read(self.master, 65536)):
                self.screen += chunk
        except OSError:
            pass

    def keys(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> None:
        os.close(self.master)

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize("run", range(3))
def test_a_terminal_closed_without_a_signal_ends_the_meeting_and_the_app(demo_db, run):
    """The pty's other end closes (a terminal emulator or sshd gone) but no SIGHUP comes:
    reading it gives end-of-file at once (Textual's input thread spun on it), writing
    fails. The app notices, ends the meeting and exits 129, as for a hang-up."""
    before = meetings(demo_db)
    term = Pty(demo_db)
    try:
        pid = app_pid(demo_db)
        assert pid == term.process.pid
        record_a_decision(term, demo_db, before)
        term.keys("".join(BURST))
        time.sleep(0.01 * run)
        term.close()
        gone_within(pid, DEADLINE_S)
        assert term.process.wait(timeout=5) == 129
    finally:
        term.end()
    assert_meeting_ended(demo_db, before)


def stall(term: Pty) -> None:
    """Stage switches, each a redraw, until the app's event loop itself is blocked: nobody
    reads the terminal, so Textual's writer thread waits in write() and the loop on its full
    queue (the main thread waits on a lock, for good)."""
    term.reading = False
    deadline = time.monotonic() + 30
    while not blocked(term.process.pid):
        assert time.monotonic() < deadline, "the app's output never blocked"
        for key in BURST:                 # one at a time: a frame each, not one per burst
            term.keys(key)
            time.sleep(0.02)


def blocked(pid: int) -> bool:
    """The process's main thread has waited on a lock (a futex) for half a second."""
    for _ in range(10):
        with open(f"/proc/{pid}/task/{pid}/wchan") as wchan:
            if "futex" not in wchan.read():
                return False
        time.sleep(0.05)
    return True


def test_sigterm_while_the_terminal_takes_no_output_still_ends_all_within_2_s(demo_db):
    """A stalled connection: nobody reads the terminal. SIGTERM still ends the meeting and
    the process (the blocked event loop cannot: the hang-up thread does)."""
    before = meetings(demo_db)
    term = Pty(demo_db)
    try:
        pid = app_pid(demo_db)
        record_a_decision(term, demo_db, before)
        stall(term)
        os.kill(pid, signal.SIGTERM)
        gone_within(pid, DEADLINE_S)
        assert term.process.wait(timeout=5) == 143
    finally:
        term.close()
        term.end()
    assert_meeting_ended(demo_db, before)


@pytest.mark.parametrize("hangup", [True, False])
@pytest.mark.parametrize("run", range(3))
def test_a_stalled_terminal_that_then_closes_ends_all_within_2_s(demo_db, hangup, run):
    """The stalled connection finally drops, with SIGHUP (sshd's) or without: the blocked
    write fails, and Textual's writer thread, dying on it, left the event loop blocked on
    its full queue for good. This is the hang of the dropped SSH session, every time."""
    before = meetings(demo_db)
    term = Pty(demo_db)
    try:
        pid = app_pid(demo_db)
        record_a_decision(term, demo_db, before)
        stall(term)
        term.close()
        if hangup:
            os.kill(pid, signal.SIGHUP)
        gone_within(pid, DEADLINE_S)
        assert term.process.wait(timeout=5) == 129
    finally:
        term.end()
    assert_meeting_ended(demo_db, before)


CRASHING = """
from tui.screens.meeting import MeetingScreen

def broken(self):
    raise RuntimeError("a bug behind a key")

MeetingScreen.action_help = broken        # `?` now raises, as a real bug in an action would
from tui.cli import run
run()
"""


def test_an_app_that_crashes_exits_2_with_a_one_line_note_after_the_traceback(demo_db,
                                                                              tmp_path):
    """Textual's App.run() returns after an unhandled exception; `cadence` must not exit 0.
    The bug is put behind `?` by the wrapper script above; all else is the real command."""
    before = meetings(demo_db)
    script = tmp_path / "crashing.py"
    script.write_text(CRASHING)
    env = {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"]}
    command = f"{sys.executable} {script} --db {demo_db}"
    term = Terminal(["sh", "-c", f"{command}; echo exit status $?; sleep 60"], env,
                    size=(100, 60))
    try:
        term.wait_for("1/5 KPI health")
        record_a_decision(term, demo_db, before)
        term.keys("?")
        shown = term.wait_for("exit status")
    finally:
        term.close()
    assert "a bug behind a key" in shown
    assert "cadence: internal error: the app stopped" in shown
    assert "exit status 2" in shown
    assert_meeting_ended(demo_db, before)          # what was saved stays saved, and it ended


def test_output_to_a_closed_terminal_is_dropped_and_told_once():
    """The driver's output on a pty whose other end has closed (EIO): Textual's writer thread
    died on the first such write; here it is told once and the rest goes nowhere."""
    from tui.terminal import GuardedOutput
    master, slave = os.openpty()
    told = []
    terminal = open(slave, "w")
    output = GuardedOutput(terminal, lambda: told.append(True))
    output.write("before\n")
    output.flush()
    os.close(master)
    for _ in range(3):
        output.write("x" * 10_000)
        output.flush()
    assert told == [True] and output.lost
    with pytest.raises(OSError):                   # what the writer thread died on
        os.write(slave, b"y")
    with suppress(OSError):                        # what is still buffered cannot go either
        terminal.close()
