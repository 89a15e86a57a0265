"""A meeting's lifecycle: planned, written with its first change (in the same write), every
change linked to it, nothing written once it has ended."""

import json

import pytest

from core.commands import actions, kpis, meetings
from core.errors import CadenceError
from core.events import EventKind
from core.model import Meeting
from core.store import Store
from tests.helpers import TODAY, session_on


def meeting_ids(db) -> list[str]:
    return [m.id for m in Store(db).records(Meeting)]


def test_a_planned_meeting_is_written_with_its_first_change_in_one_write(demo_db):
    session = session_on(demo_db)
    before = meeting_ids(demo_db)
    planned = session.plan("Weekly review", ("Ann",), "Noor")
    assert session.meeting is None and session.current_meeting() == planned
    assert meeting_ids(demo_db) == before                           # nothing written yet
    writes = session.store.storage.disk_writes
    with session.change(EventKind.DECISION) as tx:
        decided = actions.record(tx, "decision", "Ship it", "Ann", None, None, TODAY)
    assert session.store.storage.disk_writes == writes + 1          # one durable write
    assert session.meeting == decided.meeting and session.planned is None
    assert meeting_ids(demo_db) == before + [session.meeting]
    events = Store(demo_db).events()[-2:]
    assert [(e.kind, e.meeting) for e in events] == [("meeting.start", session.meeting),
                                                     ("decision", session.meeting)]
    assert [e.summary for e in events] == ["started Weekly review", "decision: Ship it (Ann)"]
    assert session.start_planned() is None                          # no second meeting
    assert session.current_meeting().title == "Weekly review"


def test_a_refused_first_change_writes_neither_it_nor_the_meeting(demo_db):
    """As the empty store's guide needs: a first KPI refused, the guide closed, no meeting."""
    session = session_on(demo_db)
    before = demo_db.read_bytes()
    session.plan()
    with pytest.raises(CadenceError, match="threshold"), \
            session.change(EventKind.KPI_CREATE) as tx:
        kpis.add(tx, name="Leads", owner="Ann", unit="", direction="higher", target=5.0,
                 threshold=10.0, cadence="weekly")
    assert demo_db.read_bytes() == before and session.planned is not None
    with session.change(EventKind.DECISION) as tx:                  # the next one writes it
        actions.record(tx, "decision", "Ship it", "Ann", None, None, TODAY)
    assert session.meeting in meeting_ids(demo_db)


def test_start_planned_writes_the_start_alone(demo_db):
    session = session_on(demo_db)
    session.plan(facilitator="Noor")
    started = session.start_planned()
    assert started.id == session.meeting and started.facilitator == "Noor"
    event = Store(demo_db).events()[-1]
    assert (event.kind, event.meeting) == ("meeting.start", started.id)


def test_an_ended_meeting_takes_no_more_changes(demo_db):
    """Taken over by another facilitator while this one, thought gone, was ending it."""
    session = session_on(demo_db)
    session.plan()
    meeting = session.start_planned().id
    other = Store(demo_db)
    with other.transaction(EventKind.MEETING_UPDATE, meeting=meeting) as tx:
        meetings.end(tx, meeting, "2026-11-22T10:00:00+00:00")
    before = demo_db.read_bytes()
    with pytest.raises(CadenceError, match=f"^{meeting} has ended: nothing more is written"), \
            session.change(EventKind.DECISION) as tx:
        actions.record(tx, "decision", "Too late", "Ann", None, None, TODAY)
    assert demo_db.read_bytes() == before


def test_a_meeting_missing_from_a_replaced_store_is_planned_again(demo_db, tmp_path):
    session = session_on(demo_db)
    session.plan("Weekly review", ("Ann", "Sam"), "Noor")
    first = session.start_planned()
    session.read.refresh()
    other = tmp_path / "other.json"
    other.write_bytes(demo_db.read_bytes())
    data = json.loads(other.read_text())
    data["_meta"]["1"]["store_id"] = "another store"
    del data["meetings"][first.id[1:]]
    demo_db.write_text(json.dumps(data))                       # a checkout replaced the file
    assert session.adopt_store() is False
    assert session.meeting is None and session.planned is not None
    assert (session.planned.title, session.planned.attendees, session.planned.started_at) == \
        (first.title, first.attendees, first.started_at)
    with session.change(EventKind.DECISION) as tx:
        actions.record(tx, "decision", "Go on", "Ann", None, None, TODAY)
    assert Store(demo_db).records(Meeting)[-1].title == "Weekly review"
