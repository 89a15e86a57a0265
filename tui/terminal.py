"""The app's end when its terminal goes away or it is told to stop (SIGHUP, SIGTERM).

On a shared SSH host every dropped connection closes the app's terminal, and Textual's Linux
driver does not survive that: its writer thread dies on the first failed write (EIO), so once
its 30-write queue is full every write blocks the event loop for good — App._shutdown too
(driver.close → WriterThread.stop → Queue.put) — and reading the closed terminal returns
end-of-file at once, so its input thread spins. The meeting is never ended, its presence file
stays, and the process lives on.

So: the driver's output drops what cannot be written (its queue keeps draining); a thread
watches the terminal for its hang-up; a signal only writes a byte to a pipe that thread waits
on (safe in a signal handler, whatever the main thread was doing — even blocked on a terminal
that takes no output). That thread asks the app to end the meeting and close, and if the app
has not exited GRACE_S later (its shutdown can still block on a stalled connection), ends the
meeting itself when the app could not, then the process.
"""

import os
import select
import signal
import threading
import time
from collections.abc import Callable

from textual.drivers.linux_driver import LinuxDriver

GRACE_S = 1.0          # Textual closes in ~0.1 s on a working terminal
LAST_WRITE_S = 0.7     # for the meeting's end when the app could not write it: 1.7 s in all
HUNG_UP = 128 + signal.SIGHUP   # the exit status when the terminal went away: as for SIGHUP


class Hangup:
    """Closes the app once, on SIGHUP or SIGTERM or its terminal's end, within GRACE_S.

    `close(code)` is called from this thread and must only hand over to the event loop;
    `end_meeting()` may be called from here when the loop is stuck; `ended` is set once the
    meeting's end is written (or there is none to write).
    """

    SIGNALS = (signal.SIGHUP, signal.SIGTERM)

    def __init__(self, close: Callable[[int], None], end_meeting: Callable[[], None],
                 ended: threading.Event, terminal: int):
        self._close, self._end_meeting, self._ended = close, end_meeting, ended
        self._terminal = terminal
        self._wake_read, self._wake_write = os.pipe()
        self.code: int | None = None

    def start(self) -> None:
        threading.Thread(target=self._watch, name="cadence-hangup", daemon=True).start()
        for signum in self.SIGNALS:
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame) -> None:
        self.request(128 + signum)

    def request(self, code: int = HUNG_UP) -> None:
        """From any thread or a signal handler: the first request's code is the exit status."""
        if self.code is None:
            self.code = code
            os.write(self._wake_write, b"!")

    def _watch(self) -> None:
        poller = select.poll()
        poller.register(self._wake_read, select.POLLIN)
        poller.register(self._terminal, 0)        # 0: only hang-up and error are reported
        poller.poll()
        self.request()                            # nothing if a signal came first
        code = self.code
        deadline = time.monotonic() + GRACE_S
        self._close(code)
        if self._ended.wait(GRACE_S):
            time.sleep(max(0.0, deadline - time.monotonic()))    # the app may exit itself
        else:                                     # the event loop is stuck: end it from here
            threading.Thread(target=self._end_meeting, daemon=True).start()
            self._ended.wait(LAST_WRITE_S)
        os._exit(code)


class GuardedOutput:
    """The terminal's output for Textual's writer thread: a write that fails (the terminal is
    gone) tells `gone` and turns every later write into nothing, so the thread stays alive
    and the queue the event loop fills keeps draining."""

    def __init__(self, file, gone: Callable[[], None]):
        self._file, self._gone = file, gone
        self.lost = False

    def write(self, text: str) -> None:
        self._call(self._file.write, text)

    def flush(self) -> None:
        self._call(self._file.flush)

    def _call(self, method, *args) -> None:
        if self.lost:
            return
        try:
            method(*args)
        except (OSError, ValueError):             # EIO, EPIPE; ValueError: a closed file
            self.lost = True
            self._gone()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return True


class TerminalDriver(LinuxDriver):
    """Textual's Linux driver whose output survives the terminal's end and reports it to the
    app (`terminal_gone()`, called from the writer thread)."""

    def __init__(self, app, **kwargs):
        super().__init__(app, **kwargs)
        self._file = GuardedOutput(self._file, app.terminal_gone)
