"""The service API the app calls today, kept while the app moves to what it is made of: the
meeting's lifecycle (core/session.py), the read model (core/read_model.py), the commands by
area (core/commands/) and undo (core/undo.py). It composes them and holds no rule of its own:
each method is one change of the session, or a question to the read model.
"""

from datetime import date
from typing import Any

from core import board as boards
from core import clock, series, undo
from core.commands import actions, kpis, meetings, okrs
from core.events import EventKind
from core.model import Action, CheckIn, Event, KeyResult, Kpi, Meeting, Objective, Stage
from core.read_model import ReadModel
from core.session import Session
from core.store import Store


class Service:
    def __init__(self, store: Store, meeting: str | None = None,
                 board: boards.Board | None = None):
        """`board`: the read model of the store as it is now, if the caller loaded it."""
        self.store = store
        self.read = ReadModel(store, board)
        self.session = Session(self.read, meeting)

    @property
    def meeting(self) -> str | None:
        return self.session.meeting

    @meeting.setter
    def meeting(self, meeting_id: str | None) -> None:
        self.session.meeting = meeting_id

    @property
    def problem(self) -> str | None:
        """Why the store cannot be read right now (the last good state is shown)."""
        return self.read.problem

    def today(self) -> date:
        return clock.today()

    def board(self) -> boards.Board:
        """The read model, refreshed first."""
        self.read.refresh()
        return self.read.board

    # --- the meeting ---------------------------------------------------------------------

    def start_meeting(self, title: str | None = None, attendees: tuple[str, ...] = (),
                      facilitator: str = "") -> Meeting:
        self.session.plan(title, attendees, facilitator)
        started = self.session.start_planned()
        assert started is not None                  # just planned
        return started

    def plan_meeting(self, title: str | None = None, attendees: tuple[str, ...] = (),
                     facilitator: str = "") -> Meeting:
        return self.session.plan(title, attendees, facilitator)

    def start_planned(self) -> Meeting | None:
        return self.session.start_planned()

    def current_meeting(self) -> Meeting | None:
        return self.session.current_meeting()

    def adopt_store(self) -> bool:
        return self.session.adopt_store()

    def end_meeting(self, stages: tuple[Stage, ...] | None = None,
                    ratings: dict[str, int] | None = None) -> Meeting:
        with self.session.change(EventKind.MEETING_UPDATE) as tx:
            return meetings.end(tx, tx.meeting, clock.now(), stages, ratings)

    def update_meeting(self, **fields: Any) -> Meeting:
        with self.session.change(EventKind.MEETING_UPDATE) as tx:
            return meetings.update(tx, tx.meeting, **fields)

    def undo(self) -> Event:
        with self.session.change(EventKind.UNDO) as tx:
            return undo.undo(tx, tx.meeting)

    # --- decisions and actions -----------------------------------------------------------

    def record_action(self, kind: str, text: str, owner: str, due: date | None = None,
                      link: str | None = None) -> Action:
        with self.session.change(kind) as tx:
            return actions.record(tx, kind, text, owner, due, link, self.today())

    def review_action(self, action_id: str, verdict: str) -> Action:
        with self.session.change(EventKind.ACTION_VERDICT) as tx:
            return actions.review(tx, action_id, verdict, tx.meeting)

    # --- KPIs ----------------------------------------------------------------------------

    def record_measurement(self, kpi_id: str, period: date | str, value: float,
                           note: str = "") -> series.Measurement:
        with self.session.change(EventKind.MEASUREMENT) as tx:
            return kpis.measure(tx, kpi_id, period, value, note, self.today())

    def add_kpi(self, **fields: Any) -> Kpi:
        with self.session.change(EventKind.KPI_CREATE) as tx:
            return kpis.add(tx, **fields)

    def update_kpi(self, kpi_id: str, **fields: Any) -> Kpi:
        with self.session.change(EventKind.KPI_UPDATE) as tx:
            return kpis.update(tx, kpi_id, **fields)

    def archive_kpi(self, kpi_id: str) -> Kpi:
        with self.session.change(EventKind.KPI_ARCHIVE) as tx:
            return kpis.archive(tx, kpi_id)

    # --- OKRs ----------------------------------------------------------------------------

    def check_in(self, kr_id: str, value: float | None, confidence: str,
                 note: str = "") -> CheckIn:
        with self.session.change(EventKind.CHECKIN) as tx:
            return okrs.check_in(tx, kr_id, value, confidence, note, self.today())

    def create_objective(self, title: str, owner: str, cycle: str,
                         key_results: list[dict[str, Any]],
                         kpis: tuple[str, ...] = ()) -> Objective:
        with self.session.change(EventKind.OBJECTIVE_CREATE) as tx:
            return okrs.create(tx, title, owner, cycle, key_results, kpis)

    def move_objective(self, objective_id: str, up: bool) -> Objective:
        with self.session.change(EventKind.OBJECTIVE_PRIORITY) as tx:
            return okrs.move(tx, objective_id, up)

    def retire_objective(self, objective_id: str, note: str) -> Objective:
        return self.retire_objectives({objective_id: note})[0]

    def retire_objectives(self, notes: dict[str, str]) -> list[Objective]:
        with self.session.change(EventKind.OBJECTIVE_RETIRE) as tx:
            return okrs.retire(tx, notes, self.today())

    def update_objective(self, objective_id: str, **fields: Any) -> Objective:
        with self.session.change(EventKind.OBJECTIVE_UPDATE) as tx:
            return okrs.update(tx, objective_id, **fields)

    def delete_draft(self, objective_id: str) -> Objective:
        with self.session.change(EventKind.OBJECTIVE_DELETE) as tx:
            return okrs.delete_draft(tx, objective_id)

    def add_key_result(self, objective_id: str, **fields: Any) -> KeyResult:
        with self.session.change(EventKind.KR_CREATE) as tx:
            return okrs.add_key_result(tx, objective_id, **fields)

    def update_key_result(self, kr_id: str, **fields: Any) -> KeyResult:
        with self.session.change(EventKind.KR_UPDATE) as tx:
            return okrs.update_key_result(tx, kr_id, **fields)
