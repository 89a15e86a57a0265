"""A meeting's record is what the meeting saw: once it has ended, its minutes (Markdown and
JSON) stay the same byte for byte whatever arrives later — imports of new periods, back-filled
values, later meetings, edits, `cadence demo --force` — and the store as of an event
(core/as_of.py) is the store as it was when that event was written."""

from datetime import date, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from core import demo, minutes
from core.as_of import StoreAsOf
from core.board import load
from core.clock import today
from core.commands import actions, kpis, okrs
from core.events import EventKind
from core.imports import import_measurements, import_okrs
from core.minutes_md import render
from core.model import Stage
from core.session import Session
from core.storage import encode
from core.store import Store
from tests.helpers import (TODAY, board_of, end_meeting, meeting_on, review, session_on,
                           undo_last, update_meeting)

# TODAY, 2026-11-22, is a Sunday: the last day of 2026-W47.
LATER = date(2026, 12, 2)            # W49: later data arrives
TABLES = ("kpis", "series", "objectives", "key_results", "checkins", "meetings", "actions")


class Clock:
    """Event times `step` apart (a minute; zero holds them in one second)."""

    def __init__(self, start: str):
        self.t = datetime.fromisoformat(start)
        self.step = timedelta(minutes=1)

    def __call__(self) -> str:
        self.t += self.step
        return self.t.isoformat()


@pytest.fixture
def clock(monkeypatch):
    found = Clock("2026-11-22T09:00:00+00:00")
    monkeypatch.setattr("core.clock.now", found)
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    return found


def by_title(session: Session, start: str) -> str:
    return next(v.objective.id for v in board_of(session).objectives
                if v.objective.title.startswith(start))


def kr_of(session: Session, title: str) -> str:
    return next(k.kr.id for v in board_of(session).objectives for k in v.krs
                if k.kr.title == title)


def kpi_ids(session: Session) -> dict[str, str]:
    return {h.kpi.name: h.kpi.id for h in board_of(session).kpis}


def run_meeting(store: Store, end: bool = True) -> Session:
    """Meeting m2 on the demo, as the app runs it: every kind of change the minutes show."""
    session = meeting_on(store, attendees=("Noor", "Dana", "Priya"), facilitator="Noor")
    kpi = kpi_ids(session)
    session.run(EventKind.INTERVENTION, actions.record, "intervention",
                "Roll back the checkout redesign", "Priya", date(2026, 11, 25),
                kpi["Cart abandonment"], today())
    session.run(EventKind.DECISION, actions.record, "decision", "Pause paid acquisition", "Dana",
                None, kpi["Cart abandonment"], today())
    session.run(EventKind.ACTION, actions.record, "action", "Typo we will undo", "Noor", None,
                None, today())
    undo_last(session)
    session.run(EventKind.MEASUREMENT, kpis.measure, kpi["Uptime"], "2026-11-12", 99.91,
                "short outage", today())
    session.run(EventKind.KPI_UPDATE, kpis.update, kpi["Uptime"], owner="SRE on call")
    session.run(EventKind.CHECKIN, okrs.check_in, kr_of(session, "First-contact resolution"),
                80.0, "on_track", "new macros", today())
    session.run(EventKind.CHECKIN, okrs.check_in, kr_of(session, "First response time"), None,
                "at_risk", "still slow", today())
    # o2 #2 -> #1 (o1 -> #2), then o1 #2 -> #3 (o3 -> #2)
    session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move, by_title(session, "Turn more"), up=True)
    session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move, by_title(session, "Make support"),
                up=False)
    session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire,
                {by_title(session, "Ship releases"): "Quality is a habit now"}, today())
    carried = next(a for a in board_of(session).actions
                   if a.status == "open" and a.kind == "action")
    review(session, carried.id, "done")
    update_meeting(session, ratings={"Noor": 8, "Dana": 7})
    if end:
        end_meeting(session, stages=(Stage("KPI health", 10, 540), Stage("Flagged", 15, 1200),
                                     Stage("OKR check-ins", 20, 1500),
                                     Stage("Decisions", 10, 240),
                                     Stage("Wrap-up", 5, 0, skipped=True)))
    return session


@pytest.fixture
def ended(db, clock) -> Store:
    store = Store(db)
    demo.write(store, TODAY)
    run_meeting(store)
    return store


def record(db: Path, *meetings: str) -> dict[str, tuple[bytes, bytes]]:
    """Each meeting's minutes as `cadence minutes` writes them, Markdown and JSON, from a
    fresh open of the file."""
    store = Store(db)
    found = {}
    for meeting in meetings:
        built = minutes.build(store, meeting)
        found[meeting] = (render(built).encode(), encode(built))
    return found


# --- later data, each as it arrives in real use ----------------------------------------------

def later(monkeypatch, clock: Clock) -> None:
    monkeypatch.setenv("CADENCE_TODAY", LATER.isoformat())
    clock.t = datetime(2026, 12, 2, 8, 0, tzinfo=clock.t.tzinfo)


def import_new_periods(store: Store, folder: Path) -> None:
    """Values of weeks not finished on the meeting's day (W47) and after it, and of its month."""
    csv = folder / "later.csv"
    csv.write_text("kpi,date,value\n"
                   "First response time,2026-11-18,21\nFirst response time,2026-11-25,20\n"
                   "Cart abandonment,2026-11-17,31\nCart abandonment,2026-11-24,18\n"
                   "On-time sprint delivery,2026-11-20,97\nCSAT,2026-11-05,95\n"
                   "Customer churn,2026-11-30,1.2\n")
    import_measurements(store, csv, LATER)


def back_fill(store: Store, folder: Path) -> None:
    """Values for periods before the meeting's day: one new, two replacing what it saw."""
    session = session_on(store)
    kpi = kpi_ids(session)
    for name, period, value, note in (("Defect rate per release", "2026-11-10", 0.5, "recounted"),
                                      ("First response time", "2026-11-03", 12, ""),
                                      ("Net revenue retention", "2026-07-01", 104, "")):
        session.run(EventKind.MEASUREMENT, kpis.measure, kpi[name], period, value, note, today())


def later_meeting(store: Store, folder: Path) -> None:
    """Meeting m3 checks in, intervenes, re-ranks, retires and settles carried-over actions."""
    session = meeting_on(store, attendees=("Noor",), facilitator="Noor")
    for title, value in (("First-contact resolution", 90.0), ("First response time", None)):
        session.run(EventKind.CHECKIN, okrs.check_in, kr_of(session, title), value, "on_track",
                    "", today())
    flagged = board_of(session).flagged[0].kpi
    session.run(EventKind.INTERVENTION, actions.record, "intervention", "Later fix", "Sam", None,
                flagged.id, today())
    session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move, by_title(session, "Improve retention"),
                up=True)
    session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire,
                {by_title(session, "Make support"): "Done later"}, today())
    for action in board_of(session).carried_over(session.meeting):
        review(session, action.id, "dropped")
    session.run(EventKind.MEASUREMENT, kpis.measure, flagged.id, "2026-11-23", 1.0, "", today())
    end_meeting(session)


def edit_and_archive(store: Store, folder: Path) -> None:
    session = session_on(store)
    kpi = kpi_ids(session)
    session.run(EventKind.KPI_UPDATE, kpis.update, kpi["Cart abandonment"],
                name="Checkout abandonment", target=18.0)
    session.run(EventKind.KPI_ARCHIVE, kpis.archive, kpi["Uptime"])
    session.run(EventKind.OBJECTIVE_UPDATE, okrs.update, by_title(session, "Turn more"),
                title="Activate trials")
    session.run(EventKind.KR_UPDATE, okrs.update_key_result,
                kr_of(session, "First-contact resolution"), title="FCR", target=95.0)


def import_objectives(store: Store, folder: Path) -> None:
    """A new objective, and new numbers for a key result the meeting checked in."""
    csv = folder / "okrs.csv"
    csv.write_text("objective,key_result,start,target,kpi,current\n"
                   "Make support feel effortless,First-contact resolution,70,90,,95\n"
                   "Faster answers,Median first response,52,25,First response time,\n"
                   "Faster answers,Answered in an hour,60,95,,\n")
    import_okrs(store, csv, LATER)


def demo_force(store: Store, folder: Path) -> None:
    """The data is replaced by a new demo; the old stays in the demo's event."""
    demo.write(store, LATER, force=True)


LATER_DATA = [import_new_periods, back_fill, later_meeting, edit_and_archive, import_objectives,
              demo_force]


@pytest.mark.parametrize("arrive", LATER_DATA, ids=lambda f: f.__name__)
def test_minutes_of_ended_meetings_stay_byte_identical_after(arrive, ended, db, tmp_path,
                                                             monkeypatch, clock):
    before = record(db, "m1", "m2")                   # the demo's past meeting, and ours
    later(monkeypatch, clock)
    shown = load(Store(db), LATER)
    arrive(Store(db), tmp_path)
    assert load(Store(db), LATER) != shown            # it did change the data
    assert record(db, "m1", "m2") == before


def test_minutes_of_ended_meetings_stay_byte_identical_after_all_of_it(ended, db, tmp_path,
                                                                      monkeypatch, clock):
    before = record(db, "m1", "m2")
    later(monkeypatch, clock)
    for arrive in LATER_DATA:
        arrive(Store(db), tmp_path)
        assert record(db, "m1", "m2") == before, arrive.__name__


def test_a_later_value_of_a_linked_kpi_leaves_the_check_in_score_alone(ended, db, tmp_path,
                                                                      monkeypatch, clock):
    """The 0.34 -> 0.43 case: a key result linked to a KPI reads the KPI's latest value, so a
    value imported after the meeting moved the score the minutes reported."""
    def row() -> dict:
        found = minutes.build(Store(db), "m2")["checkins"]
        return next(c for c in found if c["title"] == "First response time")
    seen = row()
    later(monkeypatch, clock)
    import_new_periods(Store(db), tmp_path)
    now = load(Store(db), LATER).by_id[seen["objective"]]
    assert round(now.score, 2) != round(seen["objective_score"], 2)     # the import moves it
    assert row() == seen


def test_a_value_for_a_week_unfinished_on_the_meetings_day_does_not_appear(ended, db,
                                                                          monkeypatch, clock):
    """W47 ends on the meeting's day; a value for it recorded the next day is not what the
    meeting saw, though its period started before the meeting."""
    md = render(minutes.build(Store(db), "m2"))
    assert "2026-W47" not in md
    monkeypatch.setenv("CADENCE_TODAY", "2026-11-23")
    session = session_on(db)
    cart = board_of(session).find_kpi("Cart abandonment").kpi.id
    session.run(EventKind.MEASUREMENT, kpis.measure, cart, "2026-11-16", 40, "", today())
    assert load(Store(db), TODAY).find_kpi("Cart abandonment").latest == 40   # on the day: there
    assert render(minutes.build(Store(db), "m2")) == md


def test_an_event_in_the_same_second_as_the_end_is_not_in_the_minutes(db, clock, tmp_path):
    store = Store(db)
    demo.write(store, TODAY)
    session = run_meeting(store, end=False)
    clock.step = timedelta(0)                              # the end and what follows: one second
    end_meeting(session)
    before = record(db, "m2")
    import_new_periods(Store(db), tmp_path)
    session_on(db).run(EventKind.ACTION, actions.record, "action", "After the end", "Noor", None,
                       None, today())
    assert record(db, "m2") == before
    text = before["m2"][0].decode()
    assert "After the end" not in text and "Typo we will undo" not in text   # undone in it


def test_minutes_of_a_running_meeting_follow_the_store(db, clock):
    """Until it ends, a meeting's minutes are the store as it is (the export mid-meeting)."""
    store = Store(db)
    demo.write(store, TODAY)
    session = run_meeting(store, end=False)
    session.run(EventKind.ACTION, actions.record, "action", "One more thing", "Dana", None, None,
                today())
    assert "One more thing" in render(minutes.build(Store(db), "m2"))


def test_reprioritised_ranks_are_the_apps_at_the_end_of_the_meeting(ended, db):
    """Raise, lower and retire in one meeting: each rank in the minutes is the one the app
    showed at the end; the retired objective is under Retired, not a move."""
    found = minutes.build(Store(db), "m2")
    board = load(Store(db), TODAY)
    assert [(o["title"][:12], o["from"], o["to"]) for o in found["reprioritised"]] == [
        ("Turn more tr", 2, 1), ("Make support", 1, 2)]
    for moved in found["reprioritised"]:
        assert moved["to"] == board.by_id[moved["id"]].objective.priority
    assert [o["title"] for o in found["retired"]] == ["Ship releases that feel rock-solid"]
    ranks = {v.objective.title[:12]: v.objective.priority for v in board.active}
    assert ranks == {"Turn more tr": 1, "Make support": 2, "Improve rete": 3}   # renumbered
    text = render(found)
    assert "Make support feel effortless: #1 → #2" in text
    assert "Improve retention" not in text.split("## Re-prioritised")[1].split("##")[0]


def test_a_cycle_close_in_a_meeting_lists_every_retired_objective(db, clock):
    store = Store(db)
    demo.write(store, TODAY)
    session = meeting_on(store)
    session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire,
                {by_title(session, "Make support"): "calm", by_title(session, "Ship releases"): ""},
                today())
    end_meeting(session)
    retired = minutes.build(Store(db), "m2")["retired"]
    assert [(o["id"], o["note"]) for o in retired] == [("o1", "calm"), ("o3", "")]


def test_the_store_as_of_each_event_is_the_store_as_it_was_then(db, tmp_path, monkeypatch,
                                                               clock):
    """Every table, after every event: demo, meetings with undo, imports, edits, a replace."""
    seen: dict[int, dict] = {}

    def snapshot() -> None:
        data = orjson.loads(db.read_bytes())
        seen[len(data["events"])] = {t: {int(k): d for k, d in data.get(t, {}).items()}
                                     for t in TABLES}
    demo.write(Store(db), TODAY)
    snapshot()
    run_meeting(Store(db))
    snapshot()
    later(monkeypatch, clock)
    for arrive in LATER_DATA:
        arrive(Store(db), tmp_path)
        snapshot()
    store = Store(db)
    events = store.events()
    assert len(seen) == len(LATER_DATA) + 2 and max(seen) == len(events)
    for kept, tables in seen.items():
        view = StoreAsOf(store, events, kept)
        assert [e.id for e in view.events()] == [e.id for e in events[:kept]]
        for table in TABLES:
            assert view.docs(table) == tables[table], (kept, table)
    assert store.docs("series") == seen[len(events)]["series"]        # the store is untouched


def test_minutes_of_a_meeting_whose_data_was_replaced_come_from_the_log(ended, db, clock):
    """`cadence demo --force` replaces the data and keeps the old in its event: the old
    meetings' minutes are still there, the new demo's meeting has its own."""
    before = record(db, "m1", "m2")
    demo.write(Store(db), TODAY, force=True)
    assert record(db, "m1", "m2") == before
    newest = minutes.build(Store(db))
    assert newest["meeting"]["id"] == "m3" and newest["meeting"]["end"]
    assert [m["id"] for m in minutes.meeting_list(Store(db))] == ["m3"]


def test_a_meeting_id_in_no_store_nor_log_is_one_error(ended, db):
    for missing in ("m42", "x1", "e1", ""):
        with pytest.raises(minutes.CadenceError, match="no meeting with id"):
            minutes.build(Store(db), missing)


def hand_made(db: Path, data: dict) -> None:
    db.write_bytes(encode(data))


def test_a_meeting_ended_by_hand_is_cut_at_its_end_time(db, clock, tmp_path):
    """A store edited by hand: the meeting has an end no event records. The events written
    after that time are taken back; one in the same second counts as before the end. (No
    change can be linked to an ended meeting any more, so the later ones are values.)"""
    store = Store(db)
    demo.write(store, TODAY)
    run_meeting(store, end=False)
    data = orjson.loads(db.read_bytes())
    data["meetings"]["2"]["ended_at"] = "2026-11-22T10:00:00+00:00"
    hand_made(db, data)
    clock.t = datetime.fromisoformat("2026-11-22T09:59:00+00:00")
    anyone = session_on(db)
    cart = board_of(anyone).find_kpi("Cart abandonment").kpi.id
    anyone.run(EventKind.MEASUREMENT, kpis.measure, cart, "2026-W46", 31.5, "", today())  # 10:00
    before = record(db, "m2")
    anyone.run(EventKind.MEASUREMENT, kpis.measure, cart, "2026-W46", 33.5, "", today())  # 10:01
    import_new_periods(Store(db), tmp_path)
    assert record(db, "m2") == before
    assert "31.5%" in before["m2"][0].decode() and "33.5%" not in before["m2"][0].decode()


def test_a_store_from_before_schema_2_is_read_as_of_the_meetings_end(db):
    """Schema 1 kept one document per measurement, and its events say so: a value recorded
    after the meeting is taken back from the KPI's series all the same."""
    kpi = {"name": "Cart abandonment", "owner": "Priya", "unit": "%", "direction": "lower",
           "target": 20.0, "threshold": 25.0, "cadence": "weekly"}

    def value(period: str, v: float) -> dict:
        return {"kpi": "k1", "period": period, "value": v, "note": "", "meeting": None}
    meeting = {"title": "Review", "day": "2026-11-22", "started_at": "2026-11-22T09:00:00+00:00",
               "ended_at": "2026-11-22T10:00:00+00:00"}

    def event(at: str, table: str, key: int, after: dict) -> dict:
        return {"at": at, "kind": "x", "summary": "", "meeting": None,
                "changes": [{"table": table, "key": key, "before": None, "after": after}]}
    hand_made(db, {
        "_meta": {"1": {"schema_version": 1, "next_ids": {}}},
        "kpis": {"1": kpi}, "meetings": {"1": meeting},
        "measurements": {"1": value("2026-11-09", 21.0), "2": value("2026-11-16", 30.0)},
        "events": {"1": event("2026-11-20T09:00:00+00:00", "kpis", 1, kpi),
                   "2": event("2026-11-20T09:00:00+00:00", "measurements", 1,
                              value("2026-11-09", 21.0)),
                   "3": event("2026-11-22T10:00:00+00:00", "meetings", 1, meeting),
                   "4": event("2026-11-23T09:00:00+00:00", "measurements", 2,
                              value("2026-11-16", 30.0))}})
    found = minutes.build(Store(db), "m1")
    assert found["kpi_health"]["off_track"][0]["latest"] == 21.0
    assert [f["name"] for f in found["flagged"]] == []
    assert load(Store(db), TODAY).kpis[0].latest == 30.0                 # today's store has it


def test_follow_through_relapse_and_forecasts_stay_as_the_meeting_saw_them(ended, db, tmp_path,
                                                                           monkeypatch, clock):
    """Issue 19's verdicts, `relapse` and forecasts are judged as of the meeting's day: values
    arriving later change them now, never in the minutes."""
    def seen() -> dict:
        return minutes.build(Store(db), "m1")
    before = seen()
    flagged = {k["name"]: k for k in before["flagged"]}
    rota = flagged["First response time"]["follow_through"]["interventions"][0]
    assert rota["verdict"] == "no change"
    assert "relapse" in [f["flag"] for f in flagged["Customer churn"]["flags"]]
    lands = {f["title"]: f["lands"] for f in before["forecasts"]}
    later(monkeypatch, clock)
    import_new_periods(Store(db), tmp_path)          # FRT 21 min, churn 1.2%
    now = load(Store(db), LATER)
    frt = now.find_kpi("First response time")
    assert [f.verdict for f in now.follow_through[frt.kpi.id]] == ["improving"]   # W47: late
    assert "relapse" not in now.find_kpi("Customer churn").flag_names
    kr = next(k for v in now.active for k in v.krs if k.kr.title == "First response time")
    assert now.forecasts[kr.kr.id].lands != lands["First response time"]
    assert seen() == before
