"""Presence: the live record a facilitator's app publishes beside the store (`<store>.live`),
so followers can mirror the meeting without the store being rewritten on every cursor move.

Written atomically (rename) but not fsync'd: it is a view of the moment, rebuilt every second.
A heartbeat older than STALE_AFTER_S means the facilitator is gone (a dropped SSH session), and
so does a facilitator's process on this host that has ended (a crash): its meeting is at once
free to take over, rather than watched read-only for half a minute.
"""

import os
import socket
import time
from pathlib import Path

import msgspec

from core.errors import CadenceError
from core.model import Stage
from core.processes import running as _running
from core.storage import atomic_write, beside

STALE_AFTER_S = 30.0


class Presence(msgspec.Struct, frozen=True):
    meeting: str
    title: str
    facilitator: str
    stage: int
    selected: str | None = None
    filter: str = ""
    detail: str | None = None
    stages: tuple[Stage, ...] = ()
    current: int = 0
    paused: bool = False
    meeting_s: float = 0.0
    heartbeat: float = msgspec.field(default_factory=time.time)
    pid: int = msgspec.field(default_factory=os.getpid)
    host: str = msgspec.field(default_factory=socket.gethostname)

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.heartbeat

    def is_fresh(self, now: float | None = None) -> bool:
        """Its facilitator is still there: a recent heartbeat, from a process still running."""
        return self.age(now) <= STALE_AFTER_S and (
            self.host != socket.gethostname() or _running(self.pid))

    @property
    def who(self) -> str:
        return self.facilitator or f"the facilitator on {self.host}"


def sidecar(store_path: Path) -> Path:
    return beside(store_path, ".live")


def publish(store_path: Path, presence: Presence) -> None:
    atomic_write(sidecar(store_path), msgspec.json.encode(presence), durable=False,
                 like=store_path)          # followers who may read the store may read this


def read(store_path: Path) -> Presence | None:
    """The published presence, or None when there is none (or it is unreadable: a follower
    then simply waits for the next one)."""
    try:
        return msgspec.json.decode(sidecar(store_path).read_bytes(), type=Presence)
    except (OSError, ValueError, TypeError):   # msgspec's errors are ValueErrors
        return None


def clear(store_path: Path) -> None:
    """Remove our own presence (not a newer facilitator's)."""
    found = read(store_path)
    if found is not None and found.pid == os.getpid() and found.host == socket.gethostname():
        sidecar(store_path).unlink(missing_ok=True)


def role(store_path: Path, take_over: bool,
         now: float | None = None) -> tuple[str, Presence | None]:
    """Who a new `cadence` on this store is: 'facilitate' (a new meeting), 'follow' (a meeting
    is live), or 'take_over' (continue a meeting whose facilitator is gone)."""
    live = read(store_path)
    if not take_over:
        return ("follow", live) if live is not None and live.is_fresh(now) else ("facilitate", None)
    if live is None:
        raise CadenceError(f"{store_path}: no meeting to take over; `cadence` starts one")
    if live.is_fresh(now):
        raise CadenceError(f"the meeting is still live with {live.who} (heartbeat "
                           f"{live.age(now):.0f} s ago); take over once it is older than "
                           f"{STALE_AFTER_S:.0f} s or their app has ended, or `cadence follow` "
                           "to watch")
    return "take_over", live
