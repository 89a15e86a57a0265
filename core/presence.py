"""Presence: the live record a facilitator's app publishes beside the store (`<store>.live`),
so followers can mirror the meeting without the store being rewritten on every cursor move.

Written atomically (rename) but not fsync'd: it is a view of the moment, rebuilt every second.
A heartbeat older than STALE_AFTER_S means the facilitator is gone (a dropped SSH session), and
so does a facilitator's process on this host that has ended (a crash): its meeting is at once
free to take over, rather than watched read-only for half a minute.

Anyone who can write beside the store can write this file, so it is read as hostile input:
never followed through a symlink, never waited on (a FIFO), never read past MAX_BYTES (a
symlink to /dev/zero, a 10 MB file), and only used when every number in it is one the app can
act on. Anything else is "no presence". A presence naming a meeting the store holds as ended
is not live either: nobody follows it, takes it over, or writes to it.
"""

import math
import os
import socket
import stat
import time
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

import msgspec

from core.errors import CadenceError
from core.model import DEFAULT_STAGES, LONGEST_MEETING_S, Meeting, Stage
from core.processes import running as _running
from core.storage import atomic_write, beside

STALE_AFTER_S = 30.0
# A heartbeat ahead of our clock: another host's clock a little fast is fine; further ahead,
# it is a broken or forged file, and taken as stale so that it never locks anyone out.
AHEAD_S = 5.0
# A presence is well under 1 KB; its free text (title, facilitator, filter) is clipped to
# TEXT_MAX characters when published, so even escaped it stays far below this cap.
TEXT_MAX = 1000
MAX_BYTES = 64 * 1024
MAX_STAGES = 50
UNSEEN = "Followers cannot see the meeting"


class Mode(StrEnum):
    """Who a new `cadence` on a store is (`role`)."""

    FACILITATE = "facilitate"     # a new meeting
    FOLLOW = "follow"             # a meeting is live: mirror it
    TAKE_OVER = "take_over"       # go on with a meeting whose facilitator is gone


class Presence(msgspec.Struct, frozen=True):
    meeting: str | None         # None: planned, not written yet (nothing recorded so far)
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
    agenda: str = "weekly"      # the template's name (core/agendas.py), for a take-over
    heartbeat: float = msgspec.field(default_factory=time.time)
    pid: int = msgspec.field(default_factory=os.getpid)
    host: str = msgspec.field(default_factory=socket.gethostname)

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.heartbeat

    def is_fresh(self, now: float | None = None) -> bool:
        """Its facilitator is still there: a recent heartbeat (not one from the future), from
        a process still running."""
        return -AHEAD_S <= self.age(now) <= STALE_AFTER_S and (
            self.host != socket.gethostname() or _running(self.pid))

    @property
    def who(self) -> str:
        return self.facilitator or f"the facilitator on {self.host}"


def usable(found: Presence) -> bool:
    """Can a follower mirror it and a facilitator take it over without an index or a number
    out of range? (Types are msgspec's: a stage is an int, a heartbeat a float.)"""
    stages = found.stages or DEFAULT_STAGES
    return (1 <= found.stage <= len(stages) and len(stages) <= MAX_STAGES
            and 0 <= found.current < len(stages)
            and 0 <= found.meeting_s <= LONGEST_MEETING_S and math.isfinite(found.heartbeat)
            and 0 < found.pid < 2**31)


def sidecar(store_path: Path) -> Path:
    return beside(store_path, ".live")


def publish(store_path: Path, presence: Presence) -> None:
    """Write the presence; a CadenceError (never a hang) when the path is taken by something
    that is not a regular file (a folder, a FIFO, a symlink) or cannot be written: the meeting
    goes on, and only followers miss it."""
    path = sidecar(store_path)
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise CadenceError(f"{UNSEEN}: {path}: cannot be read ({exc.strerror})") from None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise CadenceError(f"{UNSEEN}: {path} is not a regular file; remove it")
    try:
        atomic_write(path, msgspec.json.encode(_clipped(presence)), durable=False,
                     like=store_path)          # followers who may read the store may read this
    except OSError as exc:
        raise CadenceError(f"{UNSEEN}: {path}: cannot be written ({exc.strerror})") from None


def _clipped(presence: Presence) -> Presence:
    long = {name: getattr(presence, name)[:TEXT_MAX] for name in ("title", "facilitator",
                                                                   "filter", "selected", "detail")
            if len(getattr(presence, name) or "") > TEXT_MAX}
    return msgspec.structs.replace(presence, **long) if long else presence


def read(store_path: Path) -> Presence | None:
    """The published presence, or None when there is none, or none Cadence could have
    written (a follower then simply waits for the next one)."""
    raw = _read_capped(sidecar(store_path))
    if raw is None:
        return None
    try:
        found = msgspec.json.decode(raw, type=Presence)
    except (ValueError, TypeError, CadenceError):   # msgspec's errors are ValueErrors
        return None
    return found if usable(found) else None


def _read_capped(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file of at most MAX_BYTES: opened without
    following a symlink and without waiting for a FIFO's writer."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        chunks, size = [], 0
        while chunk := os.read(fd, MAX_BYTES + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES:          # it grew since fstat
                return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def meeting_problem(found: Presence, meetings: Mapping[str, object]) -> str | None:
    """Why the presence's meeting cannot be live (`meetings`: the store's meetings by id,
    e.g. Board.by_id): it has ended, or the store does not hold it. A meeting not written
    yet (no id: nothing recorded so far) is live."""
    if found.meeting is None:
        return None
    meeting = meetings.get(found.meeting)
    if not isinstance(meeting, Meeting):
        return f"{found.meeting} is not a meeting of this store"
    if meeting.ended_at is not None:
        return f"{found.meeting} has ended"
    return None


def current(store_path: Path, meetings: Mapping[str, object],
            now: float | None = None) -> Presence | None:
    """The meeting live now: a fresh presence naming a meeting of the store still open."""
    found = read(store_path)
    if found is None or not found.is_fresh(now) or meeting_problem(found, meetings):
        return None
    return found


def clear(store_path: Path) -> None:
    """Remove our own presence (not a newer facilitator's)."""
    found = read(store_path)
    if found is not None and found.pid == os.getpid() and found.host == socket.gethostname():
        sidecar(store_path).unlink(missing_ok=True)


def role(store_path: Path, take_over: bool, meetings: Mapping[str, object],
         now: float | None = None) -> tuple[Mode, Presence | None]:
    """Who a new `cadence` on this store is (Mode). `meetings`: the store's meetings by id
    (Board.by_id); an ended one is never followed nor taken over."""
    if not take_over:
        live = current(store_path, meetings, now)
        return (Mode.FOLLOW, live) if live is not None else (Mode.FACILITATE, None)
    found = read(store_path)
    if found is None:
        raise CadenceError(f"{store_path}: no meeting to take over; `cadence` starts one")
    if problem := meeting_problem(found, meetings):
        raise CadenceError(f"{store_path}: no meeting to take over ({problem}); `cadence` "
                           "starts a new one")
    if found.is_fresh(now):
        age = max(0.0, found.age(now))             # a clock a little ahead: "0 s", not "-2 s"
        raise CadenceError(f"the meeting is still live with {found.who} (heartbeat "
                           f"{age:.0f} s ago); take over once it is older than "
                           f"{STALE_AFTER_S:.0f} s or their app has ended, or `cadence follow` "
                           "to watch")
    return Mode.TAKE_OVER, found
