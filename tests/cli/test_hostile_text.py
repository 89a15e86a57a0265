"""Store text is data, never control: a demo store whose every text field holds every attack
(tests/hostile.py), through every output of the CLI — its commands, the minutes on stdout and
in a file, the Markdown rendered by CommonMark and linkifying GFM. The app and `follow` under
Pilot: tests/app/test_hostile_text.py; the bytes written to a real terminal:
tests/terminal/test_hostile_text.py."""

import re

import pytest

from tests.helpers import run_cli, write_demo
from tests.hostile import (COMMONMARK, GFM, HOSTILE, MARKUP, STRUCTURE, assert_inert,
                           assert_json_escaped)


TEXT_COMMANDS = [("status",), ("meetings",), ("minutes", "--meeting", "m1"), ("minutes",),
                 ("actions",), ("people",)]
JSON_COMMANDS = [("status", "--format", "json"), ("meetings", "--format", "json"),
                 ("minutes", "--meeting", "m1", "--format", "json"),
                 ("actions", "--format", "json"), ("people", "--format", "json")]
# HTML, mail, chats and calendar files: tests/cli/test_minutes_html.py, test_delivery.py and
# test_actions.py.


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
    result = run_cli(*command, db=hostile_db, text=False)
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
