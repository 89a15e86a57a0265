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


def _json_escape(found: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(found[0].decode())


def json(encoded: bytes) -> bytes:
    """JSON output (already encoded) with every control character escaped as \\uXXXX."""
    return _JSON_RAW.sub(_json_escape, encoded)


# --- Markdown ----------------------------------------------------------------------------

# Only what would render as formatting is escaped, so the minutes still read cleanly in a
# plain-text mail ("75% < 80%" stays as it is). CommonMark lets any ASCII punctuation be
# backslash-escaped; each rule below names what it stops.
_MD_PATTERN = (
    r"[\\`\[\]~]"                         # escapes, code, links and images, strikes
    r"|<(?!\s|$)"                         # HTML and autolinks (`<b>`, `<http:x>`, `<1@x.io>`)
    r"|&(?=#?\w+;)"                       # entities: `&lt;` would show as `<`
    r"|\*(?=\S)"                          # emphasis: only a `*` before a non-space can open it
    r"|(?<![^\W_])_|_(?![^\W_])"          # and `_`, except inside a word (`snake_case`)
    r"|#(?=[\w#]|$)|@(?=\w)"              # issue links, mentions, a heading's closing #
    r"|(?<=[^\W\d_]):(?=\S)|(?<=/)/"      # a scheme (`http:`, `mailto:`, `//host`): links
    r"|(?<=\S)\.(?=[^\W\d_])")            # the dot of a domain (`example.com`, `www.x`)
_MD_ESCAPES = re.compile(_MD_PATTERN)
# In a table cell `|` ends the cell; anywhere else it is text (a GFM table needs a row of its
# own and a delimiter row under it, which one flattened line of user text cannot make).
_MD_CELL_ESCAPES = re.compile(_MD_PATTERN + r"|\|")
# What starts a block where user text opens a line or a list item: a list ("- 1. x" would
# nest one), a rule ("- ---"), a quote or a heading. "-5%" and "2.5" start none.
_MD_BLOCK_START = re.compile(r"^(?:[-+*]|#{1,6}|\d{1,9}[.)])(?=\s|$)|^-(?=-)|^>")


def markdown(text: object, cell: bool = True) -> str:
    """User text as inert Markdown inline text: one line, controls visible, and nothing in it
    becomes a tag, a link, an image, an autolink, emphasis, a table cell or a block — checked
    with CommonMark (HTML on) and GFM-like linkifying renderers in tests/unit/test_display.py.
    `cell=False` for text outside a table (a paragraph, a list item, a heading): `|` is left as
    it is there, so "A | B" reads as it is in a plain-text mail."""
    flat = line(" ".join(str(text).split()))     # newlines and tabs become one space
    escapes = _MD_CELL_ESCAPES if cell else _MD_ESCAPES
    escaped = escapes.sub(lambda found: "\\" + found[0], flat)
    return _MD_BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(found: re.Match[str]) -> str:
    """`- x` becomes `\\- x`, but `1. x` becomes `1\\. x`: a backslash before a digit is no
    escape."""
    marker = found[0]
    if marker[0].isdigit():
        return f"{marker[:-1]}\\{marker[-1]}"
    return "\\" + marker


# --- HTML, chat and calendar -------------------------------------------------------------

# Where a mail client, a chat or a calendar would make a link of plain text: a scheme's colon
# (`http:`, `mailto:`), the `//` of a host, the dot of a domain (`evil.example`), the `@` of
# an address or a mention. The same places the Markdown escapes above break.
_LINK_BREAKS = re.compile(r"(?<=[^\W\d_]):(?=\S)|(?<=/)/|(?<=\S)\.(?=[^\W\d_])|@(?=\w)")
_MARK = "\x00"              # no text from `line` holds a NUL (it shows as ␀): a safe marker
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "'": "&#x27;"})
WORD_JOINER = "\u2060"      # invisible and unbreakable: splits a link without a visible mark


def _broken(text: str, mark: str) -> str:
    """`mark` at each place a link would start: before a colon, slash or dot, after an `@`
    (`@\u2060here` is no mention, `a@\u2060b.example` no address)."""
    return _LINK_BREAKS.sub(
        lambda found: found[0] + mark if found[0] == "@" else mark + found[0], text)


def _flat(text: object) -> str:
    """One line with every control visible; newlines and tabs become one space."""
    return line(" ".join(str(text).split()))


def html(text: object, breaks: bool = True) -> str:
    """User text as HTML text: one line, controls visible, `& < > " '` as entities — so
    nothing in it becomes a tag, an attribute, an entity or a script — and a `<wbr>` before
    each place a mail client would start a link, so `http://evil.example` stays text in Gmail
    or Outlook too (`<wbr>` adds no character: the text reads and copies as it is).
    `breaks=False` where no link is made and a tag would show as text: a quoted attribute's
    value, the page's <title>. Checked in a real browser in tests/cli/test_minutes_html.py."""
    flat = _flat(text)
    if not breaks:
        return flat.translate(_HTML_ESCAPES)
    return _broken(flat, _MARK).translate(_HTML_ESCAPES).replace(_MARK, "<wbr>")


def chat(text: object) -> str:
    """User text for a chat message that is not Markdown (a Teams card's text run, Slack's
    text with formatting off): one line, controls visible, and a word joiner before each
    place a chat would start a link or a mention. Slack still reads `&`, `<` and `>`:
    `slack()` adds those."""
    return _broken(_flat(text), WORD_JOINER)


def slack(text: object) -> str:
    """`chat()` with the three characters Slack reads as its own syntax (`<!channel>`,
    `<http://x|y>`) written as the entities Slack asks for."""
    return chat(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_markdown(text: object) -> str:
    """User text for a chat that reads Markdown (Mattermost): `markdown()`, and a word joiner
    after each `@`, which Mattermost reads as a mention (`@channel`) before any Markdown."""
    return markdown(text).replace("@", "@" + WORD_JOINER)


_ICS_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,"})


def ics(text: object) -> str:
    """User text as an iCalendar TEXT value (RFC 5545 3.3.11): as `chat()` (calendar apps
    make links of text too), and `\\ ; ,` escaped, so a name cannot end a property, add one
    or split a value. Folding long lines is the writer's (core/calendar.py)."""
    return chat(text).translate(_ICS_ESCAPES)
