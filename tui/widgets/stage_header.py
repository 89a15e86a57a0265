"""The header: `N/len Name` (the stage of the meeting's agenda), the meeting's title, its clock
and the stage clock against the timebox (amber and 'over' past it, red and '50% over' past
half again), and 'paused'."""

from rich.text import Text
from textual.widgets import Static

from core.meeting import MeetingClock, clock_text
from core.words import TIMEBOX_LABEL
from tui import text

def over(state: str) -> str:
    word = TIMEBOX_LABEL[state]
    return f" {word}" if word else ""


def header_parts(stage: int, clock: MeetingClock, running: bool = True) -> tuple[Text, Text]:
    """Where we are, and the clocks (none when no meeting runs: a follower waiting for a
    facilitator); the meeting title goes between them if it fits."""
    # The stage's name is the meeting's (a follower's comes from the presence file): store text.
    name = clock.stages[stage - 1].name
    left = text.plain(f" {stage}/{len(clock.stages)} {name} ", "bold reverse")
    if not running:
        return left, Text("")
    state = clock.state(stage - 1)
    timebox = clock.stages[stage - 1].timebox_min
    right = Text.assemble(
        ("⏸ paused  ", text.STYLE["paused"]) if clock.paused else "",
        ("meeting ", "dim"), clock_text(clock.meeting_s()), ("  stage ", "dim"),
        (f"{clock_text(clock.stage_s(stage - 1))}/{timebox:02d}:00{over(state)}",
         text.timebox_style(state)), " ")
    return left, right


class StageHeader(Static):
    DEFAULT_CSS = "StageHeader { height: 1; }"

    def show(self, stage: int, title: str, clock: MeetingClock, note: str = "",
             running: bool = True) -> None:
        """`note` says who is watching whom (`following Noor · read-only`); `running`:
        whether a meeting runs, whose clocks to show."""
        left, right = header_parts(stage, clock, running)
        room = self.size.width - left.cell_len - right.cell_len - 2
        # The note goes first: at 80 columns the title is what gets cut, not "read-only".
        middle = text.assemble((f" {note} ·" if note else "", "italic"), (" " + title, "bold"))
        middle.truncate(max(0, room), overflow="ellipsis")
        gap = max(1, self.size.width - left.cell_len - middle.cell_len - right.cell_len)
        # One row, always: no layout to redo for a clock that moves every second.
        self.update(Text.assemble(left, middle, " " * gap, right), layout=False)
