"""Hostile text: what an attacker, a mailed CSV or a careless hand edit can put in any text field
of a store, and the checks that none of it acts on an output (core/display.py is the rule)."""

import json
from pathlib import Path

import orjson

from core import display

# Markup first: where a cell is cut, what must show literally still shows.
PAYLOADS = {
    "Rich link markup": "[link=file:///etc/passwd]x[/]",
    "Textual action markup": "[@click=app.quit]q[/]",
    "unbalanced markup": "[/]",
    "OSC 52 (sets the clipboard)": "\x1b]52;c;SGFja2Vk\x07",
    "OSC 0 (sets the window title)": "\x1b]0;PWNED\x07",
    "CSI clear screen": "\x1b[2J",
    "CSI colours": "\x1b[31;7m",
    "8-bit CSI": "\x9b31m",
    "8-bit OSC and ST": "\x9d0;PWNED\x9c",
    "NEL": "\x85",
    "DEL": "\x7f",
    "BEL, BS, CR": "\x07\x08\r",
    "NUL": "\x00",
    "newline forging a line": "\nFORGED line",
    "line separator": "\u2028FORGED",
    "bidi override": "\u202eevil\u202c",
    "bidi isolate": "\u2066x\u2069",
    "bidi marks": "\u200f\u061c",
    "HTML tag": "<img src=x onerror=alert(1)>",
    "URL": "http://evil.example/x",
    "Markdown image": "![i](http://img.example/i.png)",
    "Markdown link": "[l](http://link.example)",
    "bare domain": "www.evil.example",
    "e-mail address": "a@evil.example",
    "entity": "&lt;b&gt;",
    "list start": "- 1. x",
}
HOSTILE = " ".join(PAYLOADS.values())
MARKUP = PAYLOADS["Rich link markup"]


def hostile(label: str = "") -> str:
    return f"{label} {HOSTILE}".strip()


def _texts(doc: dict, fields: tuple[str, ...], label: str) -> None:
    for field in fields:
        if field in doc:
            doc[field] = hostile(f"{label} {field}")


def make_hostile(db: Path) -> Path:
    """Every text field of the (demo) store at `db` holding every payload; still a valid
    store (names stay unique, dates and numbers untouched)."""
    data = orjson.loads(db.read_bytes())
    for key, doc in data["kpis"].items():
        _texts(doc, ("name", "owner", "unit", "area", "description"), f"K{key}")
    for key, doc in data["objectives"].items():
        _texts(doc, ("title", "owner", "closing_note"), f"O{key}")
    for key, doc in data["key_results"].items():
        _texts(doc, ("title", "unit"), f"KR{key}")
    for doc in data["checkins"].values():
        doc["note"] = hostile("note")
    for key, doc in data["actions"].items():
        _texts(doc, ("text", "owner"), f"A{key}")
    for doc in data["meetings"].values():
        doc["title"], doc["facilitator"] = hostile("meeting"), hostile("facilitator")
        doc["attendees"] = [hostile("attendee 1"), hostile("attendee 2")]
        doc["ratings"] = {doc["attendees"][0]: 8}
        for stage in doc["stages"]:
            stage["name"] = hostile(stage["name"])
    for doc in data["events"].values():
        doc["summary"] = hostile("event")
    series = data["series"]
    for doc in series.values():
        newest = max(doc)
        value = doc[newest] if not isinstance(doc[newest], dict) else doc[newest]["value"]
        doc[newest] = {"value": value, "note": hostile("value note"), "meeting": None}
    db.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return db


def raw_controls(text: str, newlines: bool = True) -> set[str]:
    """The control characters in `text` that reached it raw (newlines allowed by default)."""
    return {f"U+{ord(c):04X}" for c in text
            if ord(c) in display.CONTROLS and not (newlines and c == "\n")}


def assert_inert(text: str, where: str, newlines: bool = True) -> None:
    found = raw_controls(text, newlines)
    assert not found, f"{where}: raw control characters {sorted(found)}"
    forged = [line for line in text.splitlines() if line.lstrip().startswith("FORGED")]
    assert not forged, f"{where}: a newline in store text forged a line: {forged[:2]}"


# UTF-8 of what JSON may not carry raw: DEL, C1, bidi, line separators (orjson escapes C0).
RAW_IN_JSON = (b"\x7f", *(bytes([0xC2, b]) for b in range(0x80, 0xA0)),
               *(chr(c).encode() for c in sorted(display.BIDI | {0x2028, 0x2029})))


def assert_json_escaped(raw: bytes, where: str) -> object:
    """No control character raw in the bytes, and the text decodes back unchanged."""
    assert b"\x1b" not in raw and b"\x00" not in raw, where
    leaked = [seq for seq in RAW_IN_JSON if seq in raw]
    assert not leaked, f"{where}: raw in JSON: {leaked}"
    found = json.loads(raw)
    assert any(HOSTILE in text for text in strings(found)), f"{where}: the text was altered"
    return found


def strings(value: object):
    """Every string in a decoded JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
