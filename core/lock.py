"""The cross-process lock every write takes: an exclusive flock on `<store>.lock`.

The kernel drops the lock when its holder exits, even by SIGKILL, so a crash never leaves the
store locked. filelock does the same, but importing it costs ~40 ms (sqlite3, hashlib, threads
for its other lock kinds) on every start of the app; it is kept for systems without fcntl.
"""

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:                       # Windows
    fcntl = None


class Busy(Exception):
    """Another process held the lock for the whole timeout."""


class Lock:
    def __init__(self, path: Path, timeout: float):
        self.path, self.timeout = path, timeout
        self._held = None

    def acquire(self) -> None:
        if fcntl is None:
            self._held = _portable(self.path, self.timeout)
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
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


def _portable(path: Path, timeout: float):
    from filelock import FileLock, Timeout
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise Busy from None
    return lock
