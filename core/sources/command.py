"""A command source: a program and its arguments (split as a shell would, run without one)
that prints `date,value` CSV — the way to any API Cadence has no source for. It runs with no
input, for at most `timeout` seconds, and at most `cap` bytes of its output are read."""

import os
import shlex
import signal
import subprocess
import tempfile
import threading
from contextlib import suppress
from pathlib import Path

from core import csvrows
from core.errors import CadenceError
from core.sources.csv_source import COLUMNS

OUTPUT_CAP = 1 << 20        # 1 MiB: ten years of daily rows, many times over


def fetch(line: str, store: Path, timeout: float, cap: int = OUTPUT_CAP) -> list[tuple[str, str]]:
    """The `(date, value)` cells of what the command printed; it runs in the store's folder."""
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        raise CadenceError(f"the command line cannot be split ({exc})") from None
    if not argv:
        raise CadenceError("the command line is empty")
    output, status, complaint, timed_out = _run(argv, store.resolve().parent, timeout, cap)
    if timed_out:
        raise CadenceError(f"{argv[0]}: stopped after {timeout:g} s (it took longer)")
    if len(output) > cap:
        raise CadenceError(f"{argv[0]}: printed more than {cap:,} bytes (a KPI's rows are "
                           "one per period)")
    if status != 0:
        raise CadenceError(f"{argv[0]}: exited with status {status}"
                           + (f": {complaint}" if complaint else ""))
    try:
        text = output.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CadenceError(f"{argv[0]}: printed text that is not UTF-8 (bad byte at offset "
                           f"{exc.start})") from None
    table = csvrows.from_text(f"{argv[0]} (its output)", text, COLUMNS)
    at, value_at = table.column("date"), table.column("value")
    assert at is not None and value_at is not None
    return [(cells[at], cells[value_at]) for cells in table.rows if not csvrows.blank(cells)]


def _run(argv: list[str], folder: Path, timeout: float,
         cap: int) -> tuple[bytes, int, str, bool]:
    """Output (up to cap + 1 bytes), exit status, the last line it wrote on stderr, and
    whether it was stopped for taking too long. A timer kills it at the deadline, so a
    program that hangs without printing cannot hold the pull."""
    with tempfile.TemporaryFile() as errors:
        try:
            # A session of its own: at the deadline the whole group goes, children too (a
            # script's `sleep` or a child holding its output kept the pull waiting).
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=errors, cwd=folder, start_new_session=True)
        except FileNotFoundError:
            raise CadenceError(f"{argv[0]}: no such program") from None
        except OSError as exc:
            raise CadenceError(f"{argv[0]}: cannot be run ({exc.strerror})") from None
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            _kill_group(process)
        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            assert process.stdout is not None
            output = process.stdout.read(cap + 1)
            if len(output) > cap:
                _kill_group(process)
            process.stdout.close()
            status = process.wait()
        finally:
            timer.cancel()
        errors.seek(0)
        lines = errors.read(64 * 1024).decode("utf-8", "replace").strip().splitlines()
    return output, status, lines[-1].strip() if lines else "", fired.is_set()


def _kill_group(process: "subprocess.Popen[bytes]") -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(ProcessLookupError):
        process.kill()
