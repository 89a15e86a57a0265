"""What the tests of every folder share: the demo's day, KPI and series builders, a demo store
and its board, a session of a meeting as the app makes one, the installed `cadence` run as a
user runs it, and waiting on a thread or a process with a deadline.

Fixtures are in tests/conftest.py; what only the app's tests need is in tests/app/helpers.py,
only the terminal's in tests/terminal/tmux.py."""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from core import board, clock, demo, minutes, presence, undo
from core.commands import actions, meetings
from core.events import EventKind
from core.model import Action, Event, Kpi, Meeting, Stage
from core.periods import latest_finished, previous_period
from core.read_model import ReadModel
from core.series import Measurement, Series
from core.session import Session
from core.store import Store

TODAY = date(2026, 11, 22)  # a Sunday in ISO week 47: the demo's day
# What the minutes in JSON promise (the contract's schema, shipped with core).
MINUTES_SCHEMA = json.loads((Path(minutes.__file__).parent / "minutes.schema.json").read_text())


# --- values and stores -----------------------------------------------------------------------

def kpi(**overrides) -> Kpi:
    fields = dict(id="k1", name="Cart abandonment", owner="Priya", unit="%", direction="lower",
                  target=20.0, threshold=25.0, cadence="weekly")
    return Kpi(**{**fields, **overrides})


def series(k: Kpi, values: list[float], today: date = TODAY, gap: int = 0) -> Series:
    """Values oldest first, the newest in the latest finished period (minus `gap` periods)."""
    period = latest_finished(today, k.cadence)
    for _ in range(gap):
        period = previous_period(period, k.cadence)
    found = []
    for value in reversed(values):
        found.append(Measurement(k.id, period, value))
        period = previous_period(period, k.cadence)
    return Series.of(k.id, found)


def write_demo(db: Path) -> Path:
    demo.write(Store(db), TODAY)
    return db


def load(db: Path) -> board.Board:
    """The board of the store at `db` on the demo's day, from a fresh open of the file."""
    return board.load(Store(db), TODAY)


def add_note(store: Store, name: str = "Uptime") -> int:
    """A document of a table Cadence keeps no values in: the store's rules alone apply (a
    KPI document would have to be a whole KPI)."""
    with store.transaction("test", f"added {name}") as tx:
        return tx.insert("notes", {"name": name})


# --- meetings ----------------------------------------------------------------------------------
# A change is what the app runs: `session.run(EventKind.X, command, *args)`, a command of
# core/commands/ in the meeting's transaction, written out in each test as the forms write it.
# Here: the session, its refreshed board, and the changes that take the meeting's id from the
# transaction (undo, the meeting's own bookkeeping, a verdict).

def session_on(store: Store | Path, meeting: str | None = None) -> Session:
    """A meeting's session on the store, as the app opens one (core/session.py); `meeting`:
    the id of one already written, to go on with it."""
    found = store if isinstance(store, Store) else Store(store)
    return Session(ReadModel(found), meeting)


def meeting_on(store: Store | Path, title: str | None = None, attendees: tuple[str, ...] = (),
               facilitator: str = "") -> Session:
    """A session whose meeting is started and written, as the app's first frame leaves it."""
    session = session_on(store)
    session.plan(title, attendees, facilitator)
    session.start_planned()
    return session


def board_of(session: Session) -> board.Board:
    """The session's read model, refreshed first (as the app's tick and each change do)."""
    session.read.refresh()
    return session.read.board


def undo_last(session: Session) -> Event:
    """`u`: the meeting's latest change taken back, as the meeting screen runs it."""
    return session.run(EventKind.UNDO, lambda tx: undo.undo(tx, tx.meeting))


def update_meeting(session: Session, **fields) -> Meeting:
    """Attendees, ratings or stage times of the session's meeting (its own bookkeeping)."""
    return session.run(EventKind.MEETING_UPDATE,
                       lambda tx: meetings.update(tx, tx.meeting, **fields))


def review(session: Session, action_id: str, verdict: str) -> Action:
    """A carried-over action settled in this meeting, and the verdict kept on the meeting."""
    return session.run(EventKind.ACTION_VERDICT,
                       lambda tx: actions.review(tx, action_id, verdict, tx.meeting))


def end_meeting(session: Session, stages: tuple[Stage, ...] | None = None,
                ratings: dict[str, int] | None = None) -> Meeting:
    """The meeting's end, now, as the app writes it when it closes (tui/controller.py)."""
    return session.run(EventKind.MEETING_UPDATE, lambda tx: meetings.end(
        tx, tx.meeting, clock.now(), stages, ratings))


def open_meeting(db: Path) -> str:
    """Noor's meeting, started and still open (the demo's own meeting, m1, has ended)."""
    found = next((m.id for m in load(db).meetings if m.ended_at is None), None)
    return found or meeting_on(db, facilitator="Noor").meeting


def live_presence(db: Path, age_s: float, pid: int | None = None) -> presence.Presence:
    """Noor's open meeting, published `age_s` ago by a process of this host: by default one
    still running that is not this test's (its parent)."""
    found = presence.Presence(meeting=open_meeting(db), title="Operating review 2026-11-22",
                              facilitator="Noor", stage=3, heartbeat=time.time() - age_s,
                              pid=os.getppid() if pid is None else pid)
    presence.publish(db, found)
    return found


# --- the installed command -------------------------------------------------------------------

def cadence_command() -> list[str]:
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).with_name("cadence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def run_cli(*args: str, db: Path | None = None, today: str | None = "2026-11-22",
            env: dict | None = None, cwd: Path | None = None,
            text: bool = True) -> subprocess.CompletedProcess:
    """`cadence ARGS` as a user runs it, with none of this process's CADENCE_ settings; its
    output decoded, or (`text=False`) the bytes it wrote, as a pipe receives them."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    if today:
        environ["CADENCE_TODAY"] = today
    environ.update(env or {})
    command = cadence_command() + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(command, capture_output=True, text=text, env=environ, cwd=cwd,
                          timeout=120)


# --- deadlines -----------------------------------------------------------------------------

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


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited child not yet reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False
