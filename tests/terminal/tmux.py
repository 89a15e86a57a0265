"""A real terminal for the tests of this folder: a tmux pane running a command (the installed
`cadence`, mostly), its screen as text, keys typed or sent in one burst."""

import os
import shlex
import subprocess
import time
import uuid
from pathlib import Path

from tests.helpers import TODAY, cadence_command


class Terminal:
    """A tmux pane running a command, on a tmux server of the tests' own (so a test that sets
    a server option, or a stray session, never touches a person's tmux)."""

    SERVER = "cadence-tests"

    @classmethod
    def cadence(cls, db, *args: str, size=(100, 30), capture: Path | None = None) -> "Terminal":
        """The installed `cadence` on the store `db`, today being the demo's day."""
        env = {"CADENCE_TODAY": TODAY.isoformat(), "PATH": os.environ["PATH"]}
        return cls([*cadence_command(), "--db", str(db), *args], env, size, capture)

    def __init__(self, command: list[str], env: dict, size=(100, 30),
                 capture: Path | None = None):
        """`capture`: a file that receives every byte the command writes to the terminal,
        from its first (the command starts once the capture runs)."""
        self.name = f"cadence-test-{uuid.uuid4().hex[:8]}"
        # Only `env`: a tmux server started by someone else hands its own environment to new
        # sessions (a PYTHONPATH there would run another checkout's code).
        exports = [f"{k}={v}" for k, v in {"HOME": os.environ.get("HOME", "/"), **env}.items()]
        command = ["env", "-i", "TERM=xterm-256color", *exports, *command]
        if capture is not None:
            go = capture.with_name(capture.name + ".go")
            command = ["sh", "-c", 'while [ ! -e "$0" ]; do sleep 0.05; done; exec "$@"',
                       str(go), *command]
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y",
                  str(size[1]), *command, check=True)
        if capture is not None:
            # Let applications set tmux's clipboard (OSC 52), so a test sees if one did.
            self.tmux("set-option", "-s", "set-clipboard", "on", check=True)
            self.tmux("pipe-pane", "-o", "-t", self.name, f"cat > {shlex.quote(str(capture))}",
                      check=True)
            go.touch()

    def tmux(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.SERVER, *args], capture_output=True,
                              text=True, check=check)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def pane_title(self) -> str:
        return self.tmux("display-message", "-p", "-t", self.name, "#{pane_title}").stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.burst(*keys)
        time.sleep(0.2)

    def burst(self, *keys: str) -> None:
        """Keys in one write, as SSH delivers fast typing: in one read."""
        self.tmux("send-keys", "-t", self.name, *keys, check=True)

    def type(self, text: str) -> None:
        # Paced like a person: a key that opens a form, sent in one burst with the text that
        # follows it, can be overtaken by that text (Textual bubbles the key to the screen
        # while the rest goes straight to the focused widget).
        self.tmux("send-keys", "-t", self.name, "-l", text, check=True)
        time.sleep(0.3)

    def record_decision(self, what: str = "Ship it", owner: str = "Sam") -> None:
        """A decision typed into its form as a person would: the first change, which writes
        the meeting (opening the app and closing it adds none)."""
        self.keys("d")
        self.type(what)
        self.keys("Tab")
        self.type(owner)
        self.keys("Enter")

    def quit(self, wait: float = 15) -> None:
        """`q`, confirmed with `y`, then the app gone within `wait` seconds."""
        self.keys("q")
        self.wait_for("End the meeting and quit?")
        self.keys("y")
        deadline = time.monotonic() + wait
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not self.alive(), self.screen()

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.name).returncode == 0

    def close(self) -> None:
        self.tmux("kill-session", "-t", self.name)
