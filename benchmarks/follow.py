"""How fast followers catch up with the facilitator, in real terminals (tmux).

    python -m benchmarks.follow [--rounds 20]

Starts the demo meeting with one facilitator and two followers, switches stage `rounds` times,
and times each follower from the key press until its screen shows the new stage.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from core import demo
from core.clock import today
from core.store import Store
from tui.keys import STAGE_NAMES

CADENCE = [sys.executable, "-m", "tui"]


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def start(command: list[str]) -> str:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "30", "env",
         "TERM=xterm-256color", *command)
    return name


def wait_for(name: str, text: str, timeout: float = 20) -> float:
    start_at = time.monotonic()
    while text not in tmux("capture-pane", "-p", "-t", name):
        if time.monotonic() - start_at > timeout:
            raise SystemExit(f"{text!r} never appeared in {name}")
        time.sleep(0.005)
    return time.monotonic() - start_at


def measure(rounds: int) -> list[float]:
    db = Path(tempfile.mkdtemp()) / "cadence.json"
    demo.write(Store(db), today())
    lead = start([*CADENCE, "--db", str(db), "--facilitator", "Noor"])
    followers = []
    try:
        wait_for(lead, "1/5 KPI health")
        followers = [start([*CADENCE, "--db", str(db), "follow"]) for _ in range(2)]
        for name in followers:
            wait_for(name, "following Noor")
        delays = []
        for i in range(rounds):
            stage = 2 + i % 4
            tmux("send-keys", "-t", lead, str(stage))
            pressed = time.monotonic()
            for name in followers:
                wait_for(name, f"{stage}/5 {STAGE_NAMES[stage - 1]}")
                delays.append(time.monotonic() - pressed)
            time.sleep(0.3)
        return delays
    finally:
        for name in [lead, *followers]:
            tmux("kill-session", "-t", name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    delays = measure(parser.parse_args().rounds)
    print(f"follower catch-up over {len(delays)} stage changes: median "
          f"{statistics.median(delays) * 1000:.0f} ms, worst {max(delays) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
