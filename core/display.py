"""User text made safe to show: the one place where text from the store or a source (names,
notes, owners, titles, anything a person or a database wrote) becomes display text, for every
output — the terminal (the app, `follow`, `serve`, the CLI), JSON, Markdown.

Such text is data. Shown raw, an ESC sequence in a KPI name would set every follower's
clipboard (OSC 52) or window title, a C1 CSI (U+009B) would do the same on terminals that
honour 8-bit controls, a newline would forge a line of `status`, and a bidi override would
make a name read differently from what it holds ("Trojan Source"). So every such character is
shown as something visible that cannot act: C0 controls as their control pictures (ESC as
`␛`), DEL as `␡`, and C1, bidi and line-separator characters as `\\uXXXX`.
"""

import re

# Bidirectional formatting characters: marks, embeddings, overrides and isolates.
BIDI = frozenset((0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Characters a terminal or a text format acts on rather than shows.
CONTROLS = frozenset((*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *BIDI))


def _visible(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)                 # ␀ … ␟: ␛ for ESC, ␊ for a newline
    if code == 0x7F:
        return "\u2421"                           # ␡
    return f"\\u{code:04x}"


_LINE = {code: _visible(code) for code in CONTROLS}
_BLOCK = {code: shown for code, shown in _LINE.items() if code != 0x0A}
_ANY_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(CONTROLS)) + "]")


def line(text: object) -> str:
    """Text for one line of output: every control character visible, newlines included (a
    newline in a name would otherwise forge a line of output)."""
    return str(text).translate(_LINE)


def block(text: object) -> str:
    """Text of several lines: newlines kept, every other control character visible. For a
    whole output built from fields that went through `line` — a second, cheap guard."""
    return str(text).translate(_BLOCK)


def has_control(text: str) -> bool:
    """Does the text hold a character `line` would have to make visible?"""
    return _ANY_CONTROL.search(text) is not None


# --- JSON --------------------------------------------------------------------------------

# orjson escapes C0 itself (JSON requires it) but writes DEL, C1, bidi and line separators as
# raw UTF-8. Inside a JSON string each of these byte sequences is one such character, so it
# can be replaced by its \uXXXX escape without decoding: the document stays valid JSON and
# decodes to the same text.
_JSON_RAW = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]"
                       rb"|\xe2\x81[\xa6-\xa9]")


def _json_escape(found: re.Match) -> bytes:
    return b"\\u%04x" % ord(found[0].decode())


def json(encoded: bytes) -> bytes:
    """JSON output (already encoded) with every control character escaped as \\uXXXX."""
    return _JSON_RAW.sub(_json_escape, encoded)


# --- Markdown ----------------------------------------------------------------------------

# Everything that can start formatting, a link, an image, an entity, a table cell or HTML
# mid-line. CommonMark lets any ASCII punctuation be backslash-escaped, and escaped text still
# reads well in a plain-text mail.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~<>&])")
# What can start a block where user text opens a line or a list item: "- 1. x" would nest an
# ordered list, "- ---" draw a rule. (Quotes and headings start with `>` and `#`, escaped
# anywhere.) "-5%" and "2.5" start no block and stay as they are.
_MD_BLOCK_START = re.compile(r"^(?:([-+])(?=\s|$|-)|(\d{1,9})([.)])(?=\s|$))")
# What a linkifier (GFM's autolinks, linkify-it) turns into a link: a scheme's colon
# (`http:`, `mailto:`) and the dot of a domain name (`example.com`, `www.x`). Escaping them
# splits the text a linkifier sees; decimals (`2.5`) and times (`10:30`) are left alone.
_MD_LINKISH = re.compile(r"(?<=[^\W\d_])[:@](?=\S)|(?<=\w)\.(?=[^\W\d_])")


def markdown(text: object) -> str:
    """User text as inert Markdown: one line, controls visible, and nothing in it can become
    a tag, a link, an image, an autolink, emphasis or a block."""
    flat = line(" ".join(str(text).split()))     # newlines and tabs become one space
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    escaped = _MD_LINKISH.sub(lambda m: "\\" + m[0], escaped)
    return _MD_BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(found: re.Match) -> str:
    """`-` becomes `\\-`; `1.` becomes `1\\.` (a backslash before a digit is no escape)."""
    return "\\" + found[1] if found[1] else f"{found[2]}\\{found[3]}"
