"""Store text is data, never control: a demo store whose every text field holds every attack
(tests/hostile.py), through every output — the CLI's commands, the minutes on stdout and in a
file, the Markdown rendered by CommonMark and linkifying GFM, the app and `follow` under Pilot,
and the raw bytes the app and a follower write to a real terminal (tmux)."""

import os
import re
import subprocess
import time

import pytest

from core import presence
from core.model import Stage
from tests.app.helpers import load, make_app, run, screen_text, write_demo
from tests.conftest import cadence_command, run_cli
from tests.hostile import (HOSTILE, MARKUP, assert_inert, assert_json_escaped,
                           hostile, make_hostile)
from tests.unit.test_display import COMMONMARK, GFM, STRUCTURE


@pytest.fixture
def hostile_db(db):
    return make_hostile(write_demo(db))


# --- the CLI ------------------------------------------------------------------------------

TEXT_COMMANDS = [("status",), ("meetings",), ("minutes", "--meeting", "m1"), ("minutes",)]
JSON_COMMANDS = [("status", "--format", "json"), ("meetings", "--format", "json"),
                 ("minutes", "--meeting", "m1", "--format", "json")]


@pytest.mark.parametrize("command", TEXT_COMMANDS, ids=" ".join)
def test_text_output_shows_every_attack_visibly(hostile_db, command):
    result = run_cli(*command, db=hostile_db)
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout, " ".join(command))
    assert "␛]52;c;SGFja2Vk␇" in result.stdout or "␛\\]52;c;SGFja2Vk␇" in result.stdout


def test_status_has_as_many_lines_as_with_harmless_names(hostile_db, tmp_path):
    """A newline in a name no longer forges a line: the hostile store prints exactly as many
    lines as the same store with plain names, one table row per KPI."""
    plain = run_cli("status", db=write_demo(tmp_path / "plain.json")).stdout.splitlines()
    lines = run_cli("status", db=hostile_db).stdout.splitlines()
    assert len(lines) == len(plain)
    rows = [line for line in lines if re.match(r"\s+[●▲✖·] [a-z ]+\s+(★ )?K\d+ name", line)]
    assert len(rows) == 10


@pytest.mark.parametrize("command", JSON_COMMANDS, ids=" ".join)
def test_json_output_escapes_every_control(hostile_db, command):
    result = run_cli_bytes(*command, db=hostile_db)
    assert result.returncode == 0, result.stderr
    assert_json_escaped(result.stdout, " ".join(command))


def test_minutes_written_to_a_file_are_the_same_inert_text(hostile_db, tmp_path):
    out = tmp_path / "minutes.md"
    result = run_cli("minutes", "--meeting", "m1", "-o", str(out), db=hostile_db)
    assert result.returncode == 0, result.stderr
    assert_inert(out.read_text(), "minutes -o")
    assert out.read_text() == run_cli("minutes", "--meeting", "m1", db=hostile_db).stdout


@pytest.mark.parametrize("renderer", [COMMONMARK, GFM], ids=["commonmark+html", "gfm+linkify"])
def test_rendered_minutes_hold_no_tag_link_or_image_from_the_store(hostile_db, renderer):
    minutes = run_cli("minutes", "--meeting", "m1", db=hostile_db).stdout
    page = renderer.render(minutes)
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", page)) - STRUCTURE - {"h1", "h2",
                                                                             "strong"}
    assert not tags, tags
    assert "http://evil.example/x" in page and MARKUP in page     # shown, as text


def test_errors_naming_store_text_are_one_inert_line(hostile_db, write_csv):
    """An import naming an unknown KPI repeats the cell it could not resolve."""
    path = write_csv("m.csv", f'kpi,date,value\n"{HOSTILE}",2026-11-16,1\n')
    result = run_cli("import", "measurements", str(path), db=hostile_db)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert_inert(result.stderr, "import error")
    assert "PWNED" in result.stderr                   # named, as an escape


def test_a_store_path_holding_controls_is_shown_inert(tmp_path):
    db = tmp_path / "evil\x1b]0;PWNED\x07.json"
    result = run_cli("demo", "--no-open", db=db)
    assert result.returncode == 0, result.stderr
    assert_inert(result.stdout, "demo --no-open")
    assert "␛]0;PWNED␇" in result.stdout


def run_cli_bytes(*args: str, db) -> subprocess.CompletedProcess:
    """The CLI's output as the bytes it wrote, not decoded: what a pipe receives."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    return subprocess.run([*cadence_command(), "--db", str(db), *args], capture_output=True,
                          env={**environ, "CADENCE_TODAY": "2026-11-22"}, timeout=120)


# --- the app and follow under Pilot --------------------------------------------------------

async def visit(pilot, keys: str, checks: list[str]) -> None:
    await pilot.press(*keys.split())
    await pilot.pause()
    checks.append(screen_text(pilot.app))


def make_meeting_hostile(db, meeting_id: str) -> None:
    """The running meeting's title and people, as another process (or a hand edit) could
    write them: the app's own inputs refuse such names, the store may still hold them."""
    from core.model import split_id
    from core.store import Store
    store = Store(db)
    key = split_id(meeting_id)[1]
    with store.transaction("test", "hostile meeting") as tx:
        doc = dict(tx.get("meetings", key))
        doc.update(title=hostile("meeting"), facilitator=hostile("facilitator"),
                   attendees=[hostile("attendee")])
        tx.put("meetings", key, doc)


async def test_every_screen_of_the_app_shows_store_text_inert(hostile_db):
    app = make_app(hostile_db)
    checks: list[str] = []
    async with run(app, size=(160, 50)) as pilot:
        await pilot.pause()
        make_meeting_hostile(hostile_db, app.session.meeting)
        await pilot.pause(1.2)                       # the tick picks the change up
        for keys in ("1", "enter", "escape", "E", "escape", "d", "escape", "2", "i", "escape",
                     "enter", "escape", "3", "enter", "escape", "c", "escape", "r", "escape",
                     "4", "5", "enter", "escape", "v", "escape", "a", "escape", "g", "escape",
                     "w", "escape", "question_mark", "escape", "slash", "escape"):
            await visit(pilot, keys, checks)
        app.notify(hostile("toast"))
        await visit(pilot, "1", checks)
        notes = list(app.told)
    for index, screen in enumerate(checks):
        assert_inert(screen, f"screen {index}")
    assert any(MARKUP in screen for screen in checks), "markup must show literally"
    for message in notes:
        assert_inert(message, "a notification", newlines=False)


async def test_a_follower_shows_the_presence_file_inert(hostile_db):
    """A presence file is another process's word: its title, facilitator, host, stage names
    and filter are as hostile as the store."""
    stages = tuple(Stage(hostile(f"stage {n}"), 5) for n in range(5))
    presence.publish(hostile_db, presence.Presence(
        meeting="m1", title=hostile("live title"), facilitator=hostile("who"), stage=5,
        filter="", stages=stages, current=4))
    app = make_app(hostile_db, mode="follow", live=presence.read(hostile_db))
    async with run(app, size=(160, 50)) as pilot:
        await pilot.pause(0.6)
        screen = screen_text(app)
        notes = list(app.told)
    assert_inert(screen, "follow")
    assert "stage 0" in screen                       # the wrap-up's times name the stages
    for message in notes:
        assert_inert(message, "a follower's notification", newlines=False)


# --- a real terminal: the bytes the app writes ----------------------------------------------

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
    from tests.terminal.test_app_terminal import Terminal
    lead_capture, follow_capture = tmp_path / "lead.bytes", tmp_path / "follow.bytes"
    lead = Terminal.cadence(hostile_db, capture=lead_capture)
    terms = [lead]
    try:
        lead.wait_for("1/5 KPI health")
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
