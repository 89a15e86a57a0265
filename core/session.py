"""A meeting's lifecycle in one process: planned as the app opens, written with its first
change (or just after the first frame), every change of the meeting linked to it, ended when
the app closes. No widgets: the app asks; the rules of each change are the commands'.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

from core import agendas, clock
from core.commands import meetings
from core.events import EventKind
from core.model import Meeting
from core.read_model import ReadModel
from core.store import Transaction

P = ParamSpec("P")
T = TypeVar("T")


class Session:
    def __init__(self, read: ReadModel, meeting: str | None = None):
        """`read`: the process's read model of the store; `meeting`: the id of a meeting
        already written (one taken over), if any."""
        self.read = read
        self.store = read.store
        self.meeting = meeting
        self.planned: Meeting | None = None     # started, not yet written (plan)

    def plan(self, title: str | None = None, attendees: tuple[str, ...] = (),
             facilitator: str = "", agenda: agendas.Template | None = None) -> Meeting:
        """A meeting that starts now and is written with the first change (or
        `start_planned()`): the app shows its first screen before the durable write that
        records the start, which takes 50 ms on a store of half a million values. `agenda`:
        its template (default: the weekly operating review)."""
        today = clock.today()
        meetings.check_names(title, attendees, facilitator)
        agenda = agenda or agendas.weekly()
        self.planned = Meeting(id="", title=title or default_title(agenda, today), day=today,
                               started_at=clock.now(), attendees=tuple(attendees),
                               facilitator=facilitator, stages=agenda.planned(),
                               agenda=agenda.name)
        return self.planned

    def start_planned(self) -> Meeting | None:
        """Write the planned meeting's start, if there is one, and return it; it stays planned
        if the store cannot be written now (the error says why)."""
        planned = self.planned
        if planned is None:
            return None
        with self.store.transaction(EventKind.MEETING_START) as tx:
            started = meetings.start(tx, planned)
        self._started(started)
        return started

    @contextmanager
    def change(self, kind: str, summary: str = "") -> Iterator[Transaction]:
        """The transaction every change of the meeting runs in: linked to the meeting, refused
        once the meeting has ended. A planned meeting is written first, in the same write as
        its own event: a change that is refused writes neither."""
        planned = self.planned
        if planned is None:
            with self.store.transaction(kind, summary, self.meeting) as tx:
                meetings.refuse_ended(tx, self.meeting)
                yield tx
            return
        with self.store.transaction(EventKind.MEETING_START) as tx:
            started = meetings.start(tx, planned)
            tx.next_event(kind, summary, started.id)
            yield tx
        self._started(started)

    def run(self, kind: str, command: Callable[Concatenate[Transaction, P], T],
            *args: P.args, **kwargs: P.kwargs) -> T:
        """One change of the meeting: `command` (core/commands/) run in its transaction."""
        with self.change(kind) as tx:
            return command(tx, *args, **kwargs)

    def _started(self, started: Meeting) -> None:
        self.meeting, self.planned = started.id, None

    def current_meeting(self) -> Meeting | None:
        """The running meeting, written or still planned, as the store has it now."""
        if self.meeting is None:
            return self.planned
        self.read.refresh()
        found = self.read.board.by_id.get(self.meeting)
        return found if isinstance(found, Meeting) else None

    def adopt_store(self) -> bool:
        """After the store vanished or was replaced (StoreLost): go on with the file as it is
        now. True when the running meeting is in it; else the meeting is written to it again
        (same title, people and start) with the next change."""
        running = self.current_meeting()              # from the last good state
        self.store.adopt()
        if self.meeting is None or self.current_meeting() is not None:
            return True
        self.meeting = None
        self.planned = None if running is None else Meeting(
            id="", title=running.title, day=running.day, started_at=running.started_at,
            attendees=running.attendees, facilitator=running.facilitator,
            stages=running.stages, agenda=running.agenda)
        return False


def default_title(agenda: agendas.Template, today: object) -> str:
    """"Operating review DATE" for the weekly review (as ever); a template's own title else."""
    if agenda.name == agendas.WEEKLY:
        return f"Operating review {today}"
    return f"{agenda.title} {today}"
