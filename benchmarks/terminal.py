"""A program in a pseudo-terminal, timed the way a person sees it: from launch (or a key) to
the screen showing something."""

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time

SCREEN = (100, 30)    # columns, rows: what every program is timed in


class Pty:
    def __init__(self, command: list[str], env: dict[str, str], size=SCREEN):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.started = time.monotonic()
        self.proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                     env={**env, "TERM": "xterm-256color"},
                                     start_new_session=True)
        os.close(slave)
        self.fd = master
        self.seen = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.seen += chunk
        return chunk

    def wait_for(self, marker: bytes, timeout: float = 60) -> float:
        """Seconds from launch until `marker` was written to the screen."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{marker!r} never appeared")
            self.read(0.05)
        return time.monotonic() - self.started

    def key_to_frame(self, key: bytes, quiet: float = 0.15) -> float:
        """Seconds from a key to the first output after it (the next frame)."""
        while self.read(quiet):                 # let earlier output settle
            pass
        os.write(self.fd, key)
        pressed = time.monotonic()
        while not self.read(5):
            if time.monotonic() - pressed > 5:
                raise TimeoutError(f"no frame after {key!r}")
        return time.monotonic() - pressed

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        os.close(self.fd)
