"""Hostile input: what an attacker, a mailed CSV or a careless hand edit can put in a store or
beside it — text in any field, numbers at the edge of the float range, a crafted presence file
— and the checks that none of it acts on an output (core/display.py is the rule for text)."""

import json
import os
import socket
import time
from pathlib import Path

import orjson
from markdown_it import MarkdownIt

from core import display, presence
from core.model import split_id
from core.store import Store
from tests.helpers import write_demo

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
    for key, doc in data.get("explanations", {}).items():
        _texts(doc, ("text", "owner"), f"X{key}")
    for key, doc in data.get("issues", {}).items():
        _texts(doc, ("title", "raised_by"), f"I{key}")
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


def make_meeting_hostile(db: Path, meeting_id: str) -> None:
    """The running meeting's title and people, as another process (or a hand edit) could
    write them: the app's own inputs refuse such names, the store may still hold them."""
    key = split_id(meeting_id)[1]
    with Store(db).transaction("test", "hostile meeting") as tx:
        doc = dict(tx.get("meetings", key))
        doc.update(title=hostile("meeting"), facilitator=hostile("facilitator"),
                   attendees=[hostile("attendee")])
        tx.put("meetings", key, doc)


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


# --- Markdown as the minutes' readers render it ------------------------------------------------

COMMONMARK = MarkdownIt("commonmark", {"html": True})
GFM = MarkdownIt("gfm-like", {"html": True, "linkify": True})
# The tags a renderer makes of the minutes' own structure (user text adds none).
STRUCTURE = {"p", "ul", "li", "h3", "table", "thead", "tbody", "tr", "th", "td"}


# --- numbers at the edge of the float range ----------------------------------------------------

BIG = 1.7e308


def huge_demo(db: Path) -> Path:
    """The demo with values at the edge: KPIs whose series swing across the whole float
    range, mix it with tiny and ordinary values, or sit at its top; targets and thresholds at
    either end; a key result from -1.7e308 to 1.7e308 with check-ins at both."""
    write_demo(db)
    data = json.loads(db.read_text())
    data["kpis"]["1"].update(target=BIG, threshold=-BIG, direction="higher")
    data["kpis"]["2"].update(target=-BIG, threshold=BIG, direction="lower")
    mixes = [lambda i: BIG if i % 2 else -BIG, lambda i: (BIG, 1e-300, -5.0, 3.0)[i % 4],
             lambda i: BIG, lambda i: -BIG + i * 1e292]
    for key, doc in data["series"].items():
        make = mixes[int(key) % len(mixes)]
        data["series"][key] = {p: make(i) for i, p in enumerate(doc)}
    kr = next(k for k, d in data["key_results"].items() if d["kpi"] is None)
    data["key_results"][kr].update(start=-BIG, target=BIG, current=BIG)
    for doc in data["checkins"].values():
        doc["value"] = BIG if doc["value"] and doc["value"] > 50 else -BIG
    db.write_text(json.dumps(data))
    return db


# --- a crafted presence file (`<store>.live`) --------------------------------------------------

ENDED = "m1"          # the demo's meeting, which has ended


def presence_json(meeting: str = "m2", **fields) -> bytes:
    """A presence as a running facilitator on this host would publish it (this process)."""
    found = dict(meeting=meeting, title="Operating review", facilitator="Noor", stage=2,
                 current=1, heartbeat=time.time(), pid=os.getpid(), host=socket.gethostname())
    return json.dumps({**found, **fields}).encode()


def _write(raw: bytes):
    return lambda path: path.write_bytes(raw)


# Each shape, made at the presence's path. The first three are unusable JSON; the file
# shapes would block a plain open() (FIFO), never end (/dev/zero), or take all memory.
CRAFTED = {
    "stage out of range": lambda p: p.write_bytes(presence_json(stage=9)),
    "current stage out of range": lambda p: p.write_bytes(presence_json(current=5)),
    "garbage": _write(b"\x00{not json"),
    "wrong types": _write(b'{"meeting": 5, "stage": "two", "title": null}'),
    "a folder": lambda p: p.mkdir(),
    "a FIFO": lambda p: os.mkfifo(p),
    "a symlink to /dev/zero": lambda p: os.symlink("/dev/zero", p),
    "a 10 MB file": lambda p: p.write_bytes(presence_json() + b" " * 10_000_000),
    "an ended meeting": lambda p: p.write_bytes(presence_json(ENDED)),
    "a heartbeat an hour ahead": lambda p: p.write_bytes(presence_json(
        heartbeat=time.time() + 3600)),
}
UNUSABLE = [name for name in CRAFTED if name not in ("an ended meeting",
                                                      "a heartbeat an hour ahead")]


def crafted(db: Path, name: str) -> Path:
    """The presence of the store at `db` made in the shape CRAFTED names."""
    path = presence.sidecar(db)
    CRAFTED[name](path)
    return path
