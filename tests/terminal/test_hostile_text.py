"""Store text is data, never control, down to the raw bytes the app and a follower write to
a real terminal (tmux): a demo store whose every text field holds every attack
(tests/hostile.py), and no escape sequence of its own reaches the terminal, its title or its
clipboard."""

import time

from tests.helpers import load
from tests.hostile import make_meeting_hostile
from tests.terminal.tmux import Terminal

SEQUENCES = {"OSC 52": b"\x1b]52;c;SGFja2Vk", "OSC 0": b"\x1b]0;PWNED",
             "store ESC": b"\x1b[31;7m", "8-bit CSI": "\x9b31m".encode(),
             "8-bit OSC": "\x9d0;PWNED".encode(), "NEL": "\x85".encode(),
             **{f"bidi U+{ord(c):04X}": c.encode() for c in "\u202e\u2066\u2069\u200f\u061c"}}


def running_meeting(db) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        running = [m.id for m in load(db).meetings if m.ended_at is None]
        if running:
            return running[0]
        time.sleep(0.1)
    raise AssertionError("the app never wrote its meeting's start")


def raw_stream_of(term, capture) -> bytes:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not capture.exists():
        time.sleep(0.1)
    return capture.read_bytes()


def test_the_app_and_a_follower_write_no_store_control_to_the_terminal(hostile_db, tmp_path):
    lead_capture, follow_capture = tmp_path / "lead.bytes", tmp_path / "follow.bytes"
    lead = Terminal.cadence(hostile_db, capture=lead_capture)
    terms = [lead]
    try:
        lead.wait_for("1/5 KPI health")
        lead.record_decision()                   # the meeting is written with its first change
        make_meeting_hostile(hostile_db, running_meeting(hostile_db))
        follower = Terminal.cadence(hostile_db, "follow", capture=follow_capture)
        terms.append(follower)
        follower.wait_for("read-only")
        for key in ("2", "Enter", "Escape", "3", "Enter", "Escape", "4", "5", "w", "Escape",
                    "?", "Escape", "1", "Enter"):
            lead.keys(key)
        time.sleep(1.0)                          # the follower mirrors the last moves
        titles = [t.pane_title() for t in terms]
        clipboards = [t.tmux("show-buffer").stdout for t in terms]
        streams = {"facilitator": raw_stream_of(lead, lead_capture),
                   "follower": raw_stream_of(follower, follow_capture)}
    finally:
        for term in terms:
            term.close()
    for who, stream in streams.items():
        assert len(stream) > 1000, f"{who}: nothing captured"
        leaked = [name for name, sequence in SEQUENCES.items() if sequence in stream]
        assert not leaked, f"{who} wrote raw {leaked}"
        assert "␛]52;c;SGFja2Vk".encode() in stream, f"{who} did not show the name"
    assert all("PWNED" not in title for title in titles)
    assert not any("Hacked" in buffer or "SGFja2Vk" in buffer for buffer in clipboards)
