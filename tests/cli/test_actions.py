"""`cadence actions`: decisions and actions by owner and status, as text, JSON, and an
iCalendar file parsed back by an independent parser (the `icalendar` package), hostile store
text included."""

import json
import re

import icalendar

from core import calendar, display
from tests.helpers import run_cli, write_demo
from tests.hostile import HOSTILE, make_hostile


def test_text_and_json_pick_by_owner_and_status(db):
    write_demo(db)
    listed = run_cli("actions", db=db)
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "a4", "a3", "a2", "a1", "a6", "a5"]           # newest first: a5, a6 are weeks old
    assert "⚠ overdue 2026-11-20" in listed.stdout
    found = json.loads(run_cli("actions", "--owner", "priya  NAIR", "--status", "open",
                               "--format", "json", db=db).stdout)
    assert [(a["id"], a["kind"], a["status"], a["due"]) for a in found] == [
        ("a2", "intervention", "open", "2026-11-29")]
    assert set(found[0]) >= {"id", "kind", "text", "owner", "due", "status", "link", "meeting"}
    done = json.loads(run_cli("actions", "--status", "done", "--format", "json", db=db).stdout)
    assert {a["id"] for a in done} == {"a1", "a4", "a5", "a6"}      # a5, a6: earlier interventions
    nobody = run_cli("actions", "--owner", "Nobody", db=db)
    assert nobody.returncode == 0 and "No decision or action matches." in nobody.stdout


def events(raw: bytes) -> list:
    return icalendar.Calendar.from_ical(raw).walk("VEVENT")


# A TEXT value as RFC 5545 3.3.11 has it: `; , \` only escaped, a backslash only escaping.
TEXT_VALUE = re.compile(r"(?:[^;,\\]|\\[\\;,nN])*")


def text_values(raw: bytes) -> list[str]:
    """The SUMMARY and DESCRIPTION values, unfolded, as written."""
    lines = raw.decode().replace("\r\n ", "").split("\r\n")
    return [line.partition(":")[2] for line in lines
            if line.startswith(("SUMMARY:", "DESCRIPTION:"))]


def test_ics_holds_the_open_actions_with_a_due_day_as_rfc_5545_asks(db):
    write_demo(db)
    result = run_cli("actions", "--format", "ics", db=db, text=False)
    assert result.returncode == 0, result.stderr
    raw = result.stdout
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")   # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    found = events(raw)
    assert [(str(e["UID"]).split(".")[0], e["DTSTART"].dt.isoformat(), str(e["SUMMARY"]))
            for e in found] == [
        ("a3", "2026-11-20", "Draft a staffing plan for a second support shift (Lena Fischer)"),
        ("a2", "2026-11-29", "A/B test a one-page checkout (Priya Nair)")]
    assert all((e["DTEND"].dt - e["DTSTART"].dt).days == 1 for e in found)     # all day
    assert "about Cart abandonment" in str(found[1]["DESCRIPTION"]).splitlines()
    again = events(run_cli("actions", "--format", "ics", db=db, today="2026-11-25",
                           text=False).stdout)
    assert [e["UID"] for e in again] == [e["UID"] for e in found]          # stable per action
    other = db.with_name("other.json")
    write_demo(other)
    theirs = events(run_cli("actions", "--format", "ics", db=other, text=False).stdout)
    assert not {e["UID"] for e in theirs} & {e["UID"] for e in found}      # another store's


def test_hostile_text_stays_one_value_of_one_property(db):
    """Every text of the store holding newlines, commas, semicolons, backslashes, controls
    and `END:VEVENT` lines: each action is still one event with our properties, and its
    summary reads as the text shown everywhere else."""
    make_hostile(write_demo(db))
    data = json.loads(db.read_text())
    forged = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:forged;a,b\\c"
    for doc in data["actions"].values():
        doc["text"] = f"{doc['text']} {forged}"
    db.write_text(json.dumps(data))
    result = run_cli("actions", "--format", "ics", "--status", "open", db=db, text=False)
    assert result.returncode == 0, result.stderr
    raw = result.stdout
    assert b"\x1b" not in raw and b"\x00" not in raw and b"\xe2\x80\xae" not in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    values = text_values(raw)
    assert len(values) == 4
    for value in values:
        assert TEXT_VALUE.fullmatch(value), value
    found = events(raw)
    assert len(found) == 2
    for event in found:
        assert sorted(event) == ["DESCRIPTION", "DTEND", "DTSTAMP", "DTSTART", "STATUS",
                                 "SUMMARY", "TRANSP", "UID"]
        summary = str(event["SUMMARY"])
        shown = display.chat(f"{HOSTILE} {forged}")
        assert shown in summary and "\n" not in summary
        assert "SUMMARY:forged;a,b\\c" in summary.replace(display.WORD_JOINER, "")


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "é€😀" * 40
    folded = calendar.fold(line).encode()
    parts = folded.split(b"\r\n")
    assert len(parts) > 1 and all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    for part in parts:
        part.decode()                                 # each line is whole UTF-8
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode() == line


def test_errors_are_one_line(db, tmp_path):
    write_demo(db)
    bad = run_cli("actions", "--status", "late", db=db)
    assert bad.returncode == 1 and "invalid choice: 'late'" in bad.stderr
    out = tmp_path / "actions.ics"
    out.write_text("mine")
    kept = run_cli("actions", "--format", "ics", "-o", str(out), db=db)
    assert kept.returncode == 1 and "exists; --force replaces it" in kept.stderr
    assert len(kept.stderr.strip().splitlines()) == 1 and out.read_text() == "mine"
    written = run_cli("actions", "--format", "ics", "-o", str(out), "--force", db=db)
    assert written.returncode == 0 and out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
