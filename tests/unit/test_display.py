"""core/display.py: store text made display text. Every control character becomes visible and
nothing else changes; JSON escapes without losing a character; Markdown renders back to
exactly the text, with no tag, link, image or block of its own — checked with markdown-it-py
as CommonMark with HTML on and as GFM with linkify, over hand-picked attacks and generated
text."""

import html
import re

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import display
from tests.hostile import (COMMONMARK, GFM, HOSTILE, PAYLOADS, STRUCTURE, assert_json_escaped,
                           raw_controls)

RENDERERS = {"CommonMark with HTML": COMMONMARK, "GFM with linkify": GFM}
# Where the minutes put user text: a paragraph, a list item, a heading, a table cell.
CONTEXTS = {"paragraph": "{}", "list item": "- {}", "heading": "### {}",
            "table cell": "| head |\n| --- |\n| {} |"}


def test_every_control_character_becomes_visible():
    everything = "".join(map(chr, sorted(display.CONTROLS)))
    shown = display.line(everything)
    assert not raw_controls(shown, newlines=False)
    assert display.line("\x1b]0;x\x07") == "␛]0;x␇"
    assert display.line("a\nb") == "a␊b" and display.block("a\nb") == "a\nb"
    assert display.line("\x7f\x9b\u202e\u2066\u2028") == "␡\\u009b\\u202e\\u2066\\u2028"


@pytest.mark.parametrize("text", ["Cart abandonment", "Umsatz · Q4 → 5 %", "顧客満足度",
                                  "👩‍💻 ratio", "née — “quoted”", "Tab-free ⁂ text"])
def test_ordinary_text_is_left_as_it_is(text):
    assert display.line(text) == display.block(text) == text
    assert not display.has_control(text)


@given(st.text())
def test_no_text_keeps_a_control_character(text):
    assert not raw_controls(display.line(text), newlines=False)
    assert not raw_controls(display.block(text))


@given(st.text())
def test_json_escapes_every_control_and_decodes_to_the_same_text(text):
    raw = display.json(orjson.dumps({"name": text}))
    assert orjson.loads(raw) == {"name": text}
    assert not raw_controls(raw.decode(), newlines=False)


def test_json_of_the_hostile_text():
    assert_json_escaped(display.json(orjson.dumps([HOSTILE])), "a JSON list")


def rendered_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup)).strip()


def check_markdown(text: str) -> None:
    """Rendered in each context by each renderer: only the context's own structure, and
    exactly the display text of `text` — nothing added, nothing turned into markup. The text
    made for a table cell is tried everywhere; the text made for outside a table (`|` left as
    it is) everywhere but in a cell."""
    check_markdown_as(text, display.markdown(text), CONTEXTS)
    check_markdown_as(text, display.markdown(text, cell=False),
                      {k: v for k, v in CONTEXTS.items() if k != "table cell"})


def check_markdown_as(text: str, inline: str, contexts: dict[str, str]) -> None:
    expected = display.line(" ".join(text.split()))
    for renderer_name, renderer in RENDERERS.items():
        for context_name, context in contexts.items():
            if context_name == "table cell" and renderer is COMMONMARK:
                continue                          # CommonMark has no tables
            out = renderer.render(context.format(inline))
            tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", out)) - STRUCTURE
            where = f"{text!r} as a {context_name} ({renderer_name}): {out!r}"
            assert not tags, where
            body = out.split("<td>")[1] if context_name == "table cell" else out
            assert rendered_text(body).removesuffix("</td>") == expected, where


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_each_attack_renders_as_plain_text(name):
    check_markdown(PAYLOADS[name])


ATTACKS = ["<script>alert(1)</script>", "<http://auto.example>", "<1@x.io>", "<a@b.c>",
           "<!-- hidden -->", "<?php ?>", "<![CDATA[x]]>", "https://x.example?q=1&r=2",
           "mailto:a@b.co", "javascript:alert(1)", "WWW.EVIL.COM", "пример.рф", "x.co.uk",
           "see example.com.", "@noor", "#12", "# heading", "## two", "x #", "x ##",
           "> quote", ">quote", "* item", "+ item", "1. one", "1) one", "42. answer", "---",
           "***", "___", "- - -", "_ _ _", "```", "~~~", "~~strike~~", "**bold**", "*em*",
           "_em_", "__init__", "snake_case", "a*b*c", "[x]: http://ref.example", "[^1]",
           "![alt](x.png)", "\\", "a\\", "\\*", "&amp;", "&#x3C;", "&#60;", "a < b", "a <b",
           "2.5 < 3", "-5% vs 2.5%", "10:30", "|a|b|", "a\tb\nc\r\nd", "  spaced  out  ",
           # found by generated text: linkify-it takes symbols for letters, and `//host`
           "\x08.AL", "//xn--p1ai.|", "//evil.example"]


@pytest.mark.parametrize("text", ATTACKS)
def test_markdown_attack(text):
    check_markdown(text)


def test_a_bar_is_escaped_only_in_a_table_cell():
    assert display.markdown("Pause ads | until checkout is fixed", cell=False) == \
        "Pause ads | until checkout is fixed"
    assert display.markdown("Pause ads | until checkout is fixed") == \
        "Pause ads \\| until checkout is fixed"


def test_ordinary_text_is_not_escaped_needlessly():
    assert display.markdown("75% < threshold 80% in 2026-W46") == \
        "75% < threshold 80% in 2026-W46"
    assert display.markdown("-5% vs 2.5% at 10:30, snake_case") == \
        "-5% vs 2.5% at 10:30, snake_case"


PIECES = st.sampled_from(list("\\`*_[]()<>!#|~&@:./-+= \tab1") + [
    "http", "www", "com", "mailto", "img", "lt;", "#x3C;", "- ", "1. ", "\n", "\x1b",
    "\u202e", "\x9b", "**", "__", "~~", "![", "](", "<a ", "</", "<!--", "//", "xn--p1ai",
    ".рф", "é", "\u2408"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=12).map("".join).filter(str.strip))
def test_generated_text_never_becomes_markup(text):
    check_markdown(text)


# --- HTML, chat and calendar text (core/display.py; in a browser: tests/cli/test_minutes_html.py)

def test_html_text_is_escaped_flat_and_cannot_link():
    from core.display import html
    assert html("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#x27;"
    assert html("a\nb\tc \x1b[2J") == "a b c ␛[2J"
    assert html("see http://evil.example") == "see http<wbr>:/<wbr>/evil<wbr>.example"
    assert html("a@evil.example", breaks=False) == "a@evil.example"
    assert html("75% < 80%, 2.5, 10:30, snake_case") == \
        "75% &lt; 80%, 2.5, 10:30, snake_case"


def test_chat_and_calendar_text():
    from core.display import WORD_JOINER as J
    from core.display import chat, chat_markdown, ics, slack
    assert chat("@here see www.evil.example") == f"@{J}here see www{J}.evil{J}.example"
    assert slack("<!channel> & <http://x|y>") == \
        f"&lt;!channel&gt; &amp; &lt;http{J}:/{J}/x|y&gt;"
    assert chat_markdown("@channel *x*") == f"\\@{J}channel \\*x*"
    assert ics("a;b,c\\d\ne") == "a\\;b\\,c\\\\d e"
