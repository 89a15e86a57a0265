"""The service API the app and the CLI call: every change to the store goes through here.

A `Service` may have a running meeting; everything done then links to it, and `undo()` reverts
that meeting's changes one event at a time (the undo is an event too).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from core import board as boards
from core import clock, okr, series
from core.errors import CadenceError, StoreError
from core.manage import ManageMixin, active_ranking, add_objective, write_ranking
from core.model import (Action, Change, CheckIn, Event, Kpi, Meeting, Objective, Stage,
                        make_id, split_id)
from core.names import require_plain, require_plain_fields
from core.periods import parse_period, period_label
from core.store import ABSENT, Store, Transaction, changed_fields

NOT_UNDOABLE = {"undo", "meeting.start", "meeting.update", "import", "demo"}


class Service(ManageMixin):
    def __init__(self, store: Store, meeting: str | None = None,
                 board: boards.Board | None = None):
        """`board`: the read model of the store as it is now, if the caller loaded it."""
        self.store = store
        self.meeting = meeting
        self.problem: str | None = None      # why the store cannot be read right now
        self._planned: Meeting | None = None   # started, not yet written (plan_meeting)
        self._board: tuple[int, date, boards.Board] | None = None
        if board is not None:
            self._board = (store.version, board.today, board)

    def today(self) -> date:
        return clock.today()

    def board(self) -> boards.Board:
        """The read model, rebuilt only when the store (or the day) changed. If the file turns
        unreadable mid-meeting (someone broke it by hand), the last good state stays on screen
        and `problem` says why; writes are refused until it is readable again."""
        try:
            self.store.refresh()
            today = self.today()
            if self._board is None or self._board[:2] != (self.store.version, today):
                # A file that parses may still hold a broken document: the same problem.
                self._board = (self.store.version, today, boards.load(self.store, today))
            self.problem = None
        except StoreError as exc:
            if self._board is None:
                raise
            self.problem = str(exc)
        return self._board[2]

    @contextmanager
    def _tx(self, kind: str, summary: str = "") -> Iterator[Transaction]:
        self.start_planned()                 # whatever is done in a meeting links to it
        with self.store.transaction(kind, summary, self.meeting) as tx:
            self._refuse_ended(tx)
            yield tx

    def _refuse_ended(self, tx: Transaction) -> None:
        """Nothing is written to a meeting that has ended (its minutes are what it saw): a
        meeting taken over while its first facilitator, thought gone, was ending it."""
        found = split_id(self.meeting or "")
        doc = tx.get("meetings", found[1]) if found and found[0] == "meetings" else None
        if doc is not None and doc.get("ended_at") is not None:
            raise CadenceError(f"{self.meeting} has ended: nothing more is written to it")

    # --- lookups -------------------------------------------------------------------------

    def _key(self, tx: Transaction, ident: str, table: str) -> int:
        """The key of the document with this id in this table; an error if there is none."""
        found = split_id(ident or "")
        if not (found and found[0] == table and tx.get(table, found[1]) is not None):
            raise CadenceError(f"no {table.rstrip('s').replace('_', ' ')} with id {ident!r}")
        return found[1]

    # --- measurements --------------------------------------------------------------------

    def record_measurement(self, kpi_id: str, period: date | str, value: float,
                           note: str = "") -> series.Measurement:
        with self._tx("measurement") as tx:
            key = self._key(tx, kpi_id, "kpis")
            kpi = tx.record(Kpi, key)
            start = parse_period(period, kpi.cadence) if isinstance(period, str) else period
            measurement = series.Measurement(kpi.id, start, value, note.strip(), tx.meeting)
            series.put(tx, kpi, {start.isoformat(): measurement.entry}, self.today())
            tx.summary = (f"{kpi.name}: {value:g} for {period_label(start, kpi.cadence)}")
        return measurement

    # --- meetings ------------------------------------------------------------------------

    def start_meeting(self, title: str | None = None, attendees: tuple[str, ...] = (),
                      facilitator: str = "") -> Meeting:
        self.plan_meeting(title, attendees, facilitator)
        return self.start_planned()

    def plan_meeting(self, title: str | None = None, attendees: tuple[str, ...] = (),
                     facilitator: str = "") -> Meeting:
        """A meeting that starts now and is written with the first change (or
        `start_planned()`): the app shows its first screen before the durable write that
        records the start, which takes 50 ms on a store of half a million values."""
        today = self.today()
        check_meeting_names(title, attendees, facilitator)
        self._planned = Meeting(id="", title=title or f"Operating review {today}", day=today,
                                started_at=clock.now(), attendees=tuple(attendees),
                                facilitator=facilitator)
        return self._planned

    def start_planned(self) -> Meeting | None:
        """Write the planned meeting's start, if there is one, and return it; it stays planned
        if the store cannot be written now (the error says why)."""
        planned = self._planned
        if planned is None:
            return None
        with self.store.transaction("meeting.start", f"started {planned.title}") as tx:
            key = tx.insert("meetings", planned.to_doc())
            self.meeting = tx.meeting = make_id("meetings", key)
        self._planned = None
        return planned.evolve(id=self.meeting)

    def current_meeting(self) -> Meeting | None:
        """The running meeting, written or still planned."""
        if self.meeting is None:
            return self._planned
        found = self.board().by_id.get(self.meeting)
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
        self._planned = Meeting(id="", title=running.title, day=running.day,
                                started_at=running.started_at, attendees=running.attendees,
                                facilitator=running.facilitator) if running else None
        return False

    def end_meeting(self, stages: tuple[Stage, ...] | None = None,
                    ratings: dict[str, int] | None = None) -> Meeting:
        return self.update_meeting(stages=stages, ratings=ratings, ended_at=clock.now())

    def update_meeting(self, **fields) -> Meeting:
        """Attendees, facilitator, ratings, stage times, end: bookkeeping, not undoable.
        Fields given as None are left as they are."""
        for person in fields.get("attendees") or ():
            require_plain(person, "attendees", "meeting")
        with self._tx("meeting.update") as tx:
            meeting = self._evolve(tx, Meeting, self.meeting,
                                   **{k: v for k, v in fields.items() if v is not None})
            tx.summary = f"updated {meeting.title}: {', '.join(sorted(fields))}"
        return meeting

    # --- decisions and actions -----------------------------------------------------------

    def record_action(self, kind: str, text: str, owner: str, due: date | None = None,
                      link: str | None = None) -> Action:
        require_plain(owner, "owner", kind)      # a name; the text is free text, like a note
        with self._tx(kind) as tx:                # tx.meeting: a planned one is written first
            action = Action(id="", kind=kind, text=text.strip(), owner=owner.strip(),
                            meeting=tx.meeting, created=self.today(), due=due, link=link)
            tx.summary = f"{kind}: {action.text} ({action.owner})"
            if link is not None:
                self._check_link(tx, link)
            key = tx.insert("actions", action.to_doc())
        return action.evolve(id=make_id("actions", key))

    def _check_link(self, tx: Transaction, link: str) -> None:
        found = split_id(link)
        if not found or found[0] not in ("kpis", "objectives", "key_results") \
                or tx.get(*found) is None:
            raise CadenceError(f"link: no KPI, objective or key result with id {link!r}")

    def review_action(self, action_id: str, verdict: str) -> Action:
        """A carried-over action's verdict: its status, and the verdict kept on the meeting
        (so "still open" is on record too)."""
        with self._tx("action.verdict") as tx:
            action = self._evolve(tx, Action, action_id, status=verdict)
            key = self._key(tx, self.meeting, "meetings")
            settled = tx.record(Meeting, key).verdicts
            self._evolve(tx, Meeting, self.meeting, verdicts={**settled, action.id: verdict})
            tx.summary = f"{action.kind} {action.text!r}: {verdict.replace('open', 'still open')}"
        return action

    # --- OKRs ----------------------------------------------------------------------------

    def check_in(self, kr_id: str, value: float | None, confidence: str,
                 note: str = "") -> CheckIn:
        view = self.board().by_id.get(kr_id)
        if not isinstance(view, okr.KrView):
            raise CadenceError(f"no key result with id {kr_id!r}")
        kr = view.kr
        if kr.kpi is not None:
            if value is not None:
                raise CadenceError(f"value: {kr.title!r} takes its value from its KPI")
            value = view.current
        elif value is None:
            raise CadenceError("value: a check-in needs the key result's current value")
        updated = kr.evolve(confidence=confidence,
                            current=kr.current if kr.kpi is not None else value)
        with self._tx("checkin", f"check-in {kr.title}: {view.current:g} -> {value:g}") as tx:
            checkin = CheckIn(id="", kr=kr.id, day=self.today(), confidence=confidence,
                              value=value, previous=view.current, note=note.strip(),
                              meeting=tx.meeting)
            tx.put("key_results", kr.key, updated.to_doc())
            key = tx.insert("checkins", checkin.to_doc())
        return checkin.evolve(id=make_id("checkins", key))

    def create_objective(self, title: str, owner: str, cycle: str,
                         key_results: list[dict], kpis: tuple[str, ...] = ()) -> Objective:
        with self._tx("objective.create", f"objective {title!r} created") as tx:
            return add_objective(tx, title, owner, cycle, key_results, kpis)

    def move_objective(self, objective_id: str, up: bool) -> Objective:
        with self._tx("objective.priority") as tx:
            ranking = active_ranking(tx)
            index = next((i for i, o in enumerate(ranking) if o.id == objective_id), None)
            if index is None:
                raise CadenceError(f"no active objective with id {objective_id!r}")
            other = index - 1 if up else index + 1
            if not 0 <= other < len(ranking):
                raise CadenceError(f"{ranking[index].title!r} is already the "
                                   f"{'top' if up else 'lowest'} priority")
            ranking[index], ranking[other] = ranking[other], ranking[index]
            write_ranking(tx, ranking)
            moved = next(o for o in ranking if o.id == objective_id)
            tx.summary = f"{moved.title!r} moved {'up' if up else 'down'}"
        return tx.record(Objective, moved.key)

    def retire_objective(self, objective_id: str, note: str) -> Objective:
        return self.retire_objectives({objective_id: note})[0]

    # --- undo ----------------------------------------------------------------------------

    def undo(self) -> Event:
        """Revert this meeting's latest change that is not yet undone; returns its event."""
        if self.meeting is None:
            raise CadenceError("nothing to undo: only changes made in a meeting can be undone")
        with self._tx("undo") as tx:
            target = latest_undoable(tx, self.meeting)
            if target is None:
                raise CadenceError("nothing left to undo in this meeting")
            for change in reversed(target.changes):
                tx.put(change.table, change.key,
                       reverted(tx.get(change.table, change.key), change, target.summary))
            tx.undoes, tx.summary = target.id, f"undid {target.summary}"
        return target


def check_meeting_names(title: str | None, attendees: tuple[str, ...], facilitator: str) -> None:
    """The names a meeting starts with (`--title`, `--attendee`, `--facilitator`): plain text,
    checked before the app opens, as well as when the meeting is planned."""
    require_plain_fields({"title": title or "", "facilitator": facilitator},
                         ("title", "facilitator"), "meeting")
    for person in attendees:
        require_plain(person, "attendees", "meeting")


def reverted(current: dict | None, change: Change, summary: str) -> dict | None:
    """A document with one change taken back. An update is reverted field by field, so later
    changes to other fields (attendees after a verdict) survive; a field changed again since,
    or an added or removed document that changed since, refuses the undo."""
    if change.before is None or change.after is None or current is None:
        if current != change.after:
            raise CadenceError(f"cannot undo {summary!r}: it was changed again since")
        return change.before
    fields = changed_fields(change.before, change.after)
    if any(current.get(k, ABSENT) != change.after.get(k, ABSENT) for k in fields):
        raise CadenceError(f"cannot undo {summary!r}: it was changed again since")
    restored = {k: v for k, v in current.items() if k not in fields}
    restored.update((k, change.before[k]) for k in fields if k in change.before)
    return restored


def latest_undoable(tx: Transaction, meeting: str) -> Event | None:
    events = tx.records(Event)
    undone = {e.undoes for e in events if e.undoes}
    return next((e for e in reversed(events) if e.meeting == meeting
                 and e.kind not in NOT_UNDOABLE and e.id not in undone), None)
