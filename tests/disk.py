"""A small disk of a test's own for a store, which fills up or turns read-only (the `disk`
fixture in tests/conftest.py runs a test both ways where both work), and the temp files a
write leaves in a folder."""

import errno
import os
import subprocess
import time
from pathlib import Path


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


class Disk:
    """A small disk of its own for a store: a tmpfs where the test may mount one (root with
    CAP_SYS_ADMIN), else a folder whose writes fail with an injected OSError, as a full or
    read-only disk fails them. Where both work, the tests run both ways."""

    def __init__(self, root: Path, real: bool):
        self.path = root / "disk"
        self.path.mkdir()
        self.mounted = real and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(self.path)],
            capture_output=True).returncode == 0
        self._real_open = os.open

    def fill(self) -> None:
        if not self.mounted:
            return self._inject(errno.ENOSPC)
        fd = os.open(self.path / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)

    def read_only(self) -> None:
        if not self.mounted:
            return self._inject(errno.EROFS)
        deadline = time.monotonic() + 10
        # The kernel refuses while a file on it is open for writing (a presence write).
        while subprocess.run(["mount", "-o", "remount,ro", str(self.path)],
                             capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "the tmpfs could not be made read-only"
            time.sleep(0.05)

    def heal(self) -> None:
        os.open = self._real_open
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
            (self.path / "filler").unlink(missing_ok=True)

    def _inject(self, code: int) -> None:
        """Files in the folder fail as on such a disk: a full one cannot take a new file
        (a write's temp file), a read-only one cannot open any for writing (the lock too)."""
        real_open, folder = self._real_open, str(self.path)

        def failing_open(path, flags, *args, **kwargs):
            writes = flags & (os.O_WRONLY | os.O_RDWR)
            if writes and str(path).startswith(folder) and (
                    code == errno.EROFS or not os.path.exists(path)):
                raise OSError(code, os.strerror(code), str(path))
            return real_open(path, flags, *args, **kwargs)
        os.open = failing_open

    def close(self) -> None:
        os.open = self._real_open
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
