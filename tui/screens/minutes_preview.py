"""`w`: the minutes as they stand, rendered from the Markdown that `e` writes (headings, lists
and tables as a code host shows them), so the facilitator sees what the team will read.

Links in Textual's Markdown widget are live (a click opens them). The minutes hold none: every
text from the store is escaped by core/display.markdown, and the minutes' own Markdown makes
no link. Rendered here, it is parsed besides with link-making switched off (links, images,
autolinks, bare URLs, HTML) and clicks open nothing: a flaw in the escaping would still show
as text, never act. This module loads on the first preview only."""

from markdown_it import MarkdownIt
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown, Static

# markdown-it's rules that make something a reader can follow or that fetches (an image).
LINK_RULES = ["link", "image", "autolink", "linkify", "html_inline", "html_block"]


def inert_parser() -> MarkdownIt:
    """GFM as Textual's Markdown widget parses it (tables, strikes), minus every link rule."""
    parser = MarkdownIt("gfm-like").disable(LINK_RULES)
    parser.options["linkify"] = False
    return parser


class MinutesPreview(ModalScreen[bool]):
    """Dismisses with True when the facilitator asks to export from here."""

    BINDINGS = [Binding("escape,q,w", "close", "Close"), Binding("e", "export", "Export")]

    def __init__(self, markdown: str):
        super().__init__(id="minutes-preview")
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("Minutes (preview)", classes="form-title")
            yield Markdown(self.markdown, parser_factory=inert_parser, open_links=False)
            yield Static(Text("e exports · escape closes · up/down scroll", style="dim"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()                       # no link is made (inert_parser); none is followed

    def action_close(self) -> None:
        self.dismiss(False)

    def action_export(self) -> None:
        self.dismiss(True)
