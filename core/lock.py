"""The cross-process lock every write takes: an exclusive flock on `<store>.lock`.

The kernel drops the lock when its holder exits, even by SIGKILL, so a crash never leaves the
store locked. filelock does the same, but importing it costs ~40 ms (sqlite3, hashlib, threads
for its other lock kinds) on every start of the app; it is kept for systems without fcntl.
"""

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import CadenceError
from core.storage import Permissions, take_permissions

if TYPE_CHECKING:
    from filelock import FileLock

if sys.platform == "win32":
    fcntl = None
else:
    import fcntl


DEFAULT_TIMEOUT_S = 120.0
MAX_TIMEOUT_S = 86400.0            # a day: any longer is a typo, not a wait


class Busy(Exception):
    """Another process held the lock for the whole timeout."""


def timeout() -> float:
    """How long a writer waits for another: CADENCE_LOCK_TIMEOUT seconds, else 120. Read when
    a lock is taken (not when the module loads), so a bad value is a one-line error of the
    command that writes: `nan` and `inf` would wait for ever, a negative one never."""
    text = os.environ.get("CADENCE_LOCK_TIMEOUT")
    if text is None:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 <= seconds <= MAX_TIMEOUT_S:              # false for nan too
        raise CadenceError(f"CADENCE_LOCK_TIMEOUT={text!r}: not a number of seconds from 0 "
                           f"to {MAX_TIMEOUT_S:g}")
    return seconds


class Lock:
    def __init__(self, path: Path, timeout: float, permissions: Permissions = (0o600, None)):
        """`permissions`: the lock file's bits and group, the store's: whoever may write the
        store must be able to open its lock."""
        self.path, self.timeout, self.permissions = path, timeout, permissions
        self._held: int | FileLock | None = None

    def acquire(self) -> None:
        if fcntl is None:
            self._held = _portable(self.path, self.timeout)
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        take_permissions(fd, self.permissions)
        deadline, pause = time.monotonic() + self.timeout, 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._held = fd
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise Busy from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)     # quick when the holder is quick

    def release(self) -> None:
        held, self._held = self._held, None
        if isinstance(held, int):
            os.close(held)                        # closing the descriptor unlocks it
        elif held is not None:
            held.release()


def _portable(path: Path, timeout: float) -> "FileLock":
    from filelock import FileLock, Timeout
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise Busy from None
    return lock
