"""Since last meeting (core/since.py): every kind of change between the read model as the last
ended meeting left it and now, at its boundaries — nothing changed, an action due exactly
today, an action done then undone, a KPI archived or added since, a meeting whose end no event
records — and the minutes, which start with it and never change once their meeting ended."""

from datetime import date, datetime, timedelta

import orjson
import pytest

from core import board, minutes, since
from core.commands import actions, kpis, okrs
from core.events import EventKind
from core.minutes_md import render
from core.commands import documents
from core.model import Action, Meeting
from core.store import Store
from tests.helpers import (MINUTES_SCHEMA, TODAY, end_meeting, meeting_on, review,
                           session_on, undo_last)

MET = date(2026, 11, 16)           # Monday of W47: the meeting; TODAY is its Sunday
CYCLE = "2026-Q4"
LATER = date(2026, 12, 2)


class Clock:
    def __init__(self, start: str):
        self.t = datetime.fromisoformat(start)

    def __call__(self) -> str:
        self.t += timedelta(minutes=1)
        return self.t.isoformat()


@pytest.fixture
def met(db, monkeypatch):
    """Two KPIs (Churn amber, Uptime green, weekly values up to W46), an objective with two
    key results, actions due on either side of today, and a meeting that ended on MET."""
    monkeypatch.setattr("core.clock.now", Clock("2026-11-16T08:00:00+00:00"))
    monkeypatch.setenv("CADENCE_TODAY", MET.isoformat())
    store = Store(db)
    with store.transaction("test", "the team's data") as tx:
        churn = kpis.add(tx, name="Churn", owner="Dana", unit="%", direction="lower",
                         target=2.0, threshold=3.0, cadence="weekly")
        uptime = kpis.add(tx, name="Uptime", owner="Sam", unit="%", direction="higher",
                          target=99.9, threshold=99.5, cadence="weekly")
        kpis.record_values(tx, churn, {"2026-10-26": 2.4, "2026-11-02": 2.5,
                                       "2026-11-09": 2.6}, MET)
        kpis.record_values(tx, uptime, {"2026-11-02": 99.95, "2026-11-09": 99.97}, MET)
        okrs.create(tx, "Keep customers", "Dana", CYCLE, [
            dict(title="Calls made", unit="", start=0.0, target=10.0, confidence="on_track",
                 current=5.0),
            dict(title="Churn down", unit="%", start=3.0, target=2.5, kpi=churn.id,
                 confidence="on_track")], (churn.id,), today=date(2026, 10, 1))
        for text, due in (("Due at the meeting", MET), ("Due in between", date(2026, 11, 20)),
                          ("Due today", TODAY), ("Due later", date(2026, 11, 30)),
                          ("Overdue already", date(2026, 11, 10))):
            actions.record(tx, "action", text, "Priya", due, None, MET)
        done = actions.record(tx, "action", "Done before", "Priya", TODAY, None, MET)
        documents.evolve(tx, Action, done.id, status="done")
        actions.record(tx, "decision", "A decision due in between", "Priya",
                       date(2026, 11, 20), None, MET)
    session = meeting_on(store, facilitator="Noor")
    end_meeting(session)
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    return db


def changed(db, today: date = TODAY) -> since.Since | None:
    store = Store(db)
    return since.since_last(store, board.load(store, today))


def kinds(found: since.Since) -> dict[str, list[str]]:
    return {k: [i.name for i in found.of(k)] for k in since.KINDS if found.of(k)}


def later_meeting(db):
    """A second meeting, running (its changes are "now")."""
    return meeting_on(db, facilitator="Noor")


def test_no_ended_meeting_is_none(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    store = Store(db)
    with store.transaction("test", "a KPI") as tx:
        kpis.add(tx, name="Churn", owner="Dana", unit="%", direction="lower", target=2.0,
                 threshold=3.0, cadence="weekly")
    assert changed(db) is None
    meeting_on(db, facilitator="Noor")                   # running, not ended
    assert changed(db) is None
    assert since.as_json(None) is None


def test_nothing_changed_on_the_meetings_day(met):
    found = changed(met, MET)
    assert found is not None and found.items == ()
    assert since.headline(found) == "Since 2026-11-16: nothing changed"


def test_by_today_actions_came_due_or_slipped_by_their_due_day(met):
    """Due on the meeting's day: not overdue then, overdue now (slipped); due between: slipped;
    due exactly today: came due; due before the meeting: overdue then too (not news); due
    later: nothing; a decision is never due."""
    found = changed(met)
    assert kinds(found) == {"actions_slipped": ["Due at the meeting", "Due in between"],
                            "actions_due": ["Due today"]}
    assert found.of("actions_due")[0].reason == "due 2026-11-22, still open — Priya"
    assert found.of("actions_slipped")[1].reason == "⚠ overdue 2026-11-20 — Priya"


def test_a_red_value_is_a_new_breach_a_band_change_and_a_value_added(met):
    session = later_meeting(met)
    churn = board.load(Store(met), TODAY).find_kpi("Churn").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-16", 3.4, "", TODAY)
    found = changed(met)
    assert [(i.extra["flag"], i.reason) for i in found.of("new_flags")] == [
        ("breach", "breach: 3.4% > threshold 3% in 2026-W47"),
        ("drift", "drift: worse 3 weeks in a row (2.4% → 2.5% → 2.6% → 3.4%)")]
    assert [(i.name, i.extra, i.reason) for i in found.of("band_changes")] == [
        ("Churn", {"from": "amber", "to": "red"}, "amber → red (latest 3.4%)")]
    assert [(i.name, i.extra["count"], i.reason) for i in found.of("values_added")] == [
        ("Churn", 1, "1 new value, newest 2026-W47: 3.4%")]
    assert since.summary(found).startswith("1 new breach, 1 new flag, 1 band change, "
                                           "1 value added")


def test_a_green_value_clears_flags_and_a_corrected_value_counts_as_added(met):
    session = later_meeting(met)
    churn = board.load(Store(met), TODAY).find_kpi("Churn").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-16", 1.5, "", TODAY)
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-09", 2.7, "fixed", TODAY)
    found = changed(met)
    cleared = {i.extra["flag"]: i.reason for i in found.of("cleared_flags")}
    assert cleared == {"sustained": "sustained cleared (was: off target for 2 weeks running "
                                    "(2.5%, 2.6%; target 2%))"}
    assert [i.extra for i in found.of("band_changes")] == [{"from": "amber", "to": "green"}]
    assert [i.extra["count"] for i in found.of("values_added")] == [2]


def test_the_same_value_again_is_not_added(met):
    session = later_meeting(met)
    churn = board.load(Store(met), TODAY).find_kpi("Churn").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-09", 2.6, "", TODAY)
    assert "values_added" not in kinds(changed(met))


def test_a_kpi_added_or_archived_since(met):
    session = later_meeting(met)
    uptime = board.load(Store(met), TODAY).find_kpi("Uptime").kpi.id
    session.run(EventKind.KPI_ARCHIVE, kpis.archive, uptime)
    session.run(EventKind.KPI_CREATE, kpis.add, name="NPS", owner="Ana", unit="",
                direction="higher", target=40.0, threshold=20.0, cadence="weekly")
    found = changed(met)
    assert found.of("kpis_archived")[0].name == "Uptime"
    assert found.of("kpis_added")[0].reason == "added since, no value yet; band none"
    # Neither is compared: the new one's no_data is not a new flag, the archived one's
    # flags are not cleared.
    assert not found.of("new_flags") and not found.of("cleared_flags")


def test_confidence_drop_and_an_objective_fell_behind(met):
    session = later_meeting(met)
    view = board.load(Store(met), TODAY).active[0]
    calls = view.krs[0].kr.id
    session.run(EventKind.CHECKIN, okrs.check_in, calls, 1.0, "at_risk", "", TODAY)
    found = changed(met)
    drop = found.of("confidence_drops")[0]
    assert (drop.name, drop.extra["from"], drop.extra["to"]) == ("Calls made", "on_track",
                                                                 "at_risk")
    assert drop.reason == "on track → at risk (Keep customers)"
    behind = found.of("objectives_behind")[0]
    assert behind.name == "Keep customers"
    assert behind.reason.startswith("'Calls made' behind: 10% done, ")


def test_confidence_that_rises_is_no_drop(met):
    session = later_meeting(met)
    calls = board.load(Store(met), TODAY).active[0].krs[0].kr.id
    session.run(EventKind.CHECKIN, okrs.check_in, calls, 9.0, "on_track", "", TODAY)
    assert "confidence_drops" not in kinds(changed(met))


def test_an_action_done_since_is_listed_done_then_undone_is_not(met):
    session = later_meeting(met)
    ids = {a.text: a.id for a in board.load(Store(met), TODAY).actions}
    review(session, ids["Due today"], "done")
    review(session, ids["Due in between"], "done")
    undo_last(session)
    found = changed(met)
    assert [i.name for i in found.of("actions_done")] == ["Due today"]   # not "Done before"
    assert "Due in between" in [i.name for i in found.of("actions_slipped")]


def test_an_action_created_since_and_done_is_done(met):
    session = later_meeting(met)
    new = session.run(EventKind.ACTION, actions.record, "action", "Quick fix", "Sam", None,
                      None, TODAY)
    review(session, new.id, "done")
    assert "Quick fix" in [i.name for i in changed(met).of("actions_done")]


def test_the_last_ended_meeting_not_the_running_one(met, monkeypatch):
    monkeypatch.setattr("core.clock.now", Clock("2026-11-20T08:00:00+00:00"))
    monkeypatch.setenv("CADENCE_TODAY", "2026-11-20")
    end_meeting(meeting_on(met, facilitator="Noor"))     # m2 ends on the 20th
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    meeting_on(met, facilitator="Noor")                  # m3 runs
    found = changed(met)
    assert (found.meeting.id, found.meeting.day) == ("m2", date(2026, 11, 20))
    # Due on m2's day: not overdue then; before it: slipped by m2 already.
    assert kinds(found) == {"actions_slipped": ["Due in between"], "actions_due": ["Due today"]}


def test_a_meeting_whose_end_no_event_records(met):
    """A hand-made store: the meeting's end is only in its document. Events written by its
    end time are "then", later ones "now" (core/as_of.py: written_by)."""
    data = orjson.loads(met.read_bytes())
    for doc in data["meetings"].values():
        doc["ended_at"] = "2026-11-16T08:01:30+00:00"   # after the first event, before others
    data["events"] = {k: e for k, e in data["events"].items()
                      if not any(c.get("table") == "meetings" for c in e["changes"])}
    met.write_bytes(orjson.dumps(data))
    store = Store(met)
    assert [e.at for e in store.events()] == ["2026-11-16T08:01:00+00:00"]
    assert changed(met).items and not changed(met).of("values_added")
    churn = board.load(store, TODAY).find_kpi("Churn").kpi.id
    with store.transaction("test", "a value") as tx:            # at 08:0x, after the end
        kpis.measure(tx, churn, "2026-11-16", 2.0, "", TODAY)
    found = changed(met)
    assert found.meeting.id == "m1"
    assert [(i.name, i.extra["count"]) for i in found.of("values_added")] == [("Churn", 1)]


def test_summary_fits_its_room_and_says_what_it_left_out(met):
    session = later_meeting(met)
    churn = board.load(Store(met), TODAY).find_kpi("Churn").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-16", 3.4, "", TODAY)
    found = changed(met)
    whole = since.headline(found)
    assert len(whole) > 60
    cut = since.headline(found, room=60)
    assert len(cut) <= 60 and cut.endswith(", …") and whole.startswith(cut[:-3])
    assert since.headline(found, room=10) == "Since 2026-11-16: …"


def test_the_json_object_has_every_kind_and_each_item_its_reason(met):
    found = since.as_json(changed(met))
    assert list(found)[:5] == ["meeting", "title", "day", "ended_at", "summary"]
    assert (found["meeting"], found["day"]) == ("m1", "2026-11-16")
    assert set(found) - {"meeting", "title", "day", "ended_at", "summary"} == set(since.KINDS)
    assert found["actions_due"] == [{"id": found["actions_due"][0]["id"], "name": "Due today",
                                     "reason": "due 2026-11-22, still open — Priya",
                                     "owner": "Priya", "due": "2026-11-22"}]


# --- the minutes -------------------------------------------------------------------------------

def test_minutes_start_with_what_changed_since_the_meeting_before(met, monkeypatch):
    session = later_meeting(met)
    churn = board.load(Store(met), TODAY).find_kpi("Churn").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-16", 3.4, "", TODAY)
    end_meeting(session)
    found = minutes.build(Store(met), session.meeting)
    assert list(found)[:3] == ["schema", "meeting", "since_last_meeting"]
    import jsonschema
    jsonschema.validate(found, MINUTES_SCHEMA)
    assert found["since_last_meeting"]["meeting"] == "m1"
    text = render(found)
    # After the summary (decisions, actions by owner, off track): what changed since.
    headings = [part.split("\n", 1)[0] for part in text.split("\n## ")[1:]]
    assert headings[:4] == ["Decisions", "Actions by owner", "Off track", "Since last meeting"]
    first = text.split("\n## ")[4]
    assert first.startswith("Since last meeting\n\nSince Operating review")
    assert "- Churn: breach: 3.4% > threshold 3% in 2026-W47" in first
    # The first meeting's minutes: nothing ended before it.
    first_minutes = minutes.build(Store(met), "m1")
    assert first_minutes["since_last_meeting"] is None
    assert "## Since last meeting\n\nNo meeting had ended before this one." in \
        render(first_minutes)


def test_minutes_stay_byte_identical_whatever_comes_after(met, monkeypatch):
    session = later_meeting(met)
    churn = board.load(Store(met), TODAY).find_kpi("Churn").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-16", 3.4, "", TODAY)
    end_meeting(session)
    before = [render(minutes.build(Store(met), session.meeting)),
              orjson.dumps(minutes.build(Store(met), session.meeting))]
    monkeypatch.setenv("CADENCE_TODAY", "2026-12-02")
    third = meeting_on(met, facilitator="Noor")
    third.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-23", 1.0, "", LATER)
    third.run(EventKind.MEASUREMENT, kpis.measure, churn, "2026-11-09", 9.0, "", LATER)
    ids = {a.text: a.id for a in board.load(Store(met), TODAY).actions}
    review(third, ids["Due today"], "done")
    end_meeting(third)
    after = [render(minutes.build(Store(met), session.meeting)),
             orjson.dumps(minutes.build(Store(met), session.meeting))]
    assert after == before
    assert minutes.build(Store(met), third.meeting)["since_last_meeting"]["meeting"] == \
        session.meeting


def test_last_ended_orders_by_end_time_and_skips_one(met):
    store = Store(met)
    meetings = [Meeting(id="m1", title="a", day=MET, started_at="2026-11-16T09:00:00+00:00",
                        ended_at="2026-11-16T10:00:00+01:00"),
                Meeting(id="m2", title="b", day=MET, started_at="2026-11-16T09:00:00+00:00",
                        ended_at="2026-11-16T09:30:00+00:00")]
    assert since.last_ended(meetings, store.path).id == "m2"      # 09:00 UTC < 09:30
    assert since.last_ended(meetings, store.path, but="m2").id == "m1"
    assert session_on(store) is not None
