"""Event kinds: an enum equal to the strings the store keeps, knowing which undo takes back
and which the minutes list as changes to the system."""

from datetime import date

from core.clock import today
from core.commands import actions, kpis
from core.events import EventKind, is_system, kind_of, undoable
from core.store import Store
from tests.helpers import end_meeting, meeting_on, undo_last

# What the service API (core/service.py, since gone) and core/minutes.py spelled before the
# enum (issue 16).
NOT_UNDOABLE = {"undo", "meeting.start", "meeting.update", "import", "pull", "demo"}
SYSTEM_CHANGES = {"kpi.create", "kpi.update", "kpi.archive", "kpi.process_change",
                  "objective.update",
                  "objective.delete", "kr.create", "kr.update"}


def test_undoable_and_system_are_the_sets_they_were():
    assert {k.value for k in EventKind if not k.undoable} == NOT_UNDOABLE
    assert {k.value for k in EventKind if k.system} == SYSTEM_CHANGES


def test_a_kind_cadence_does_not_write_is_undoable_and_no_system_change():
    """Hand-made stores and tools write kinds of their own; undo treated them as changes."""
    assert kind_of("elsewhere") is None and kind_of("kpi.create") is EventKind.KPI_CREATE
    assert undoable("elsewhere") and not is_system("elsewhere")
    assert not undoable("meeting.update") and is_system("kr.update")


def test_every_kind_the_app_writes_is_an_event_kind_stored_as_its_string(demo_db):
    session = meeting_on(demo_db)
    kpi = session.run(EventKind.KPI_CREATE, kpis.add, name="Leads", owner="Ann", unit="",
                      direction="higher", target=10.0, threshold=5.0, cadence="weekly")
    session.run(EventKind.MEASUREMENT, kpis.measure, kpi.id, date(2026, 11, 9), 7.0, "", today())
    session.run(EventKind.KPI_UPDATE, kpis.update, kpi.id, owner="Sam")
    session.run(EventKind.DECISION, actions.record, "decision", "Ship it", "Noor", None, kpi.id,
                today())
    undo_last(session)
    end_meeting(session)
    raw = Store(demo_db).storage.read()["events"]
    kinds = [doc["kind"] for doc in raw.values()]
    assert all(type(k) is str and kind_of(k) is not None for k in kinds)
    assert kinds[-7:] == ["meeting.start", "kpi.create", "measurement", "kpi.update",
                          "decision", "undo", "meeting.update"]
