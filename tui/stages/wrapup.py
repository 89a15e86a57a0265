"""Wrap-up: carried-over actions to settle, what the meeting did beside its rating, time per
stage against its timebox."""

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from core import meeting_facts, people, words
from core.meeting import MeetingClock, clock_text, timebox_state
from core.board import Board
from core.model import Action, Meeting
from tui import text
from tui.stages.base import Context, StageView
from tui.stages.decisions import action_cells, action_line, action_matches
from tui.widgets.selected_line import SelectedLine
from tui.widgets.review_table import Column, ReviewTable

# At 80 columns: the verdict, text, owner and due whole; kind and what it is about are in the
# line under the list.
COLUMNS = (Column("verdict", 10), Column("kind", 12, priority=4), Column("text", 24, text=True),
           Column("owner", 14, priority=1, least=10),
           Column("due", 20, priority=2, least=10),
           Column("about", 20, priority=3))


def stage_times(clock: MeetingClock) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2))
    for column in ("stage", "spent", "timebox", ""):
        table.add_column(column)
    for index, stage in enumerate(clock.snapshot()):
        state = timebox_state(stage.spent_s, stage.timebox_min)
        note = words.stage_note(stage.skipped, state)
        style = text.timebox_style(state)
        table.add_row(text.plain(f"{index + 1}. {stage.name}"),
                      Text(clock_text(stage.spent_s), style),
                      Text(f"{stage.timebox_min} min"), Text(note, style))
    return table


class WrapUpStage(StageView):
    stage_id = "wrapup"
    noun, summary = "carried-over action", "#carried-summary"
    _board: Board | None = None
    _verdicts: dict[str, str] = {}
    _facts: meeting_facts.Facts | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="carried-summary", classes="summary")
        yield ReviewTable(COLUMNS)
        yield SelectedLine()
        with VerticalScroll(id="wrapup-detail"):
            yield Static(id="attendees")
            yield Static(id="facts")
            yield Static(id="times")

    def populate(self, ctx: Context) -> None:
        self._board = ctx.board
        settled = self._verdicts = ctx.board.verdicts(ctx.meeting)
        carried = [a for a in ctx.board.carried_over(ctx.meeting)
                   if action_matches(ctx.board, a, ctx.filter)]
        rows = []
        for a in carried:
            verdict = settled.get(a.id)
            rows.append((a.id, [verdict_cell(verdict), *action_cells(ctx.board, a)[:-1]]))
        self.table.fill(rows)
        self.show_selection()
        open_count = sum(1 for a in carried if a.id not in settled)
        overdue = sum(1 for a in carried if a.id not in settled and ctx.board.is_overdue(a))
        late = f", {overdue} {words.OVERDUE}" if overdue else ""
        self.query_one("#carried-summary", Static).update(Text(
            f"Carried over from earlier meetings: {open_count} to settle{late} (v: done / "
            "still open / dropped)" if carried else "No open actions carried over from "
            "earlier meetings.", style="dim"))
        meeting = ctx.board.by_id.get(ctx.meeting)
        if isinstance(meeting, Meeting):
            done = people.done_days(ctx.board, self.controller.store)
            rate = people.meeting_completion(ctx.board, meeting, done)
            self.query_one("#attendees", Static).update(people_line(meeting, rate))
        # Counted with each change; the stages' times again every second (clock_moved).
        events = meeting_facts.kept_events(self.controller.store, ctx.meeting)
        self._facts = meeting_facts.facts(ctx.board, ctx.meeting, ctx.clock.snapshot(), events)
        self.clock_moved(ctx.clock)

    def show_selection(self) -> None:
        board = self._board
        item = board.by_id.get(self.selected or "") if board else None
        line = (action_line(board, item, verdict_cell(self._verdicts.get(item.id)))
                if board and isinstance(item, Action) else Text(""))
        self.query_one(SelectedLine).show(line)

    def clock_moved(self, clock: MeetingClock) -> None:
        if self._facts is not None:
            self._facts = meeting_facts.with_stages(self._facts, clock.snapshot())
            self.query_one("#facts", Static).update(facts_line(self._facts))
        self.query_one("#times", Static).update(stage_times(clock))

    def running_meeting(self) -> Meeting | None:
        meeting = self.controller.current_meeting()
        if meeting is None:
            self.notify("This meeting is not in the store (was the file replaced?).",
                        severity="warning")
        return meeting

    def action_verdict(self) -> None:
        from tui.forms.meeting_forms import verdict_form
        if action := self.chosen(Action, "a carried-over action"):
            self.open_form(verdict_form(self.controller.session, action),
                           f"Settled: {action.text}")

    def action_attendees(self) -> None:
        from tui.forms.meeting_forms import attendees_form
        if meeting := self.running_meeting():
            self.open_form(attendees_form(self.controller.session, meeting), "Attendees updated.")

    def action_rate(self) -> None:
        from tui.forms.meeting_forms import rating_form
        if meeting := self.running_meeting():
            self.open_form(rating_form(self.controller.session, meeting), "Ratings saved.")

    def action_preview(self) -> None:
        self.app.run_worker(self.controller.preview(), exclusive=True)


def verdict_cell(verdict: str | None) -> Text:
    return text.plain(words.VERDICT_LABEL[verdict] if verdict else "to settle",
                      text.STYLE["settled" if verdict else "warning"])


def facts_line(found: meeting_facts.Facts) -> Text:
    """What the meeting did, under its rating (the minutes say the same, core/meeting_facts)."""
    return text.join(text.plain("Did:", "bold"),
                     text.plain(" · ".join(meeting_facts.phrases(found))), sep=" ")


def people_line(meeting: Meeting, rate: people.Completion | None = None) -> Text:
    people = ", ".join(f"{p} ({meeting.ratings[p]})" if p in meeting.ratings else p
                       for p in meeting.attendees) or "none yet — press a to add them"
    ratings = list(meeting.ratings.values())
    average = f"rating {sum(ratings) / len(ratings):.1f} / 10" if ratings else "no rating yet (g)"
    return Text("\n").join([
        text.join(text.plain("Attendees:", "bold"), text.plain(people), sep=" "),
        text.join(text.plain("Meeting:", "bold"), text.plain(average),
                  text.plain("· w previews the minutes · e exports them", "dim"), sep=" "),
        *([text.join(text.plain("To-dos:", "bold"), text.plain(rate.phrase()),
                     text.plain("· those due since the last meeting", "dim"), sep=" ")]
          if rate is not None else [])])
