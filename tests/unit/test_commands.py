"""The commands by area, each over a transaction on a real store file: what each changes,
what it refuses, and the summary it gives its event. Several in one transaction are one
event and one write (an import, the demo)."""

from datetime import date

import pytest

from core import board, queries
from core.commands import actions, kpis, meetings, okrs
from core.errors import CadenceError
from core.model import Meeting, Objective
from core.okr import ObjectiveView
from core.store import Store
from tests.helpers import TODAY

KPI = dict(owner="Ann", unit="%", direction="lower", target=2.0, threshold=3.0,
           cadence="weekly")


@pytest.fixture
def store(demo_db) -> Store:
    return Store(demo_db)


def last_event(db):
    return Store(db).events()[-1]


def shown(db) -> board.Board:
    return board.load(Store(db), TODAY)


# --- KPIs --------------------------------------------------------------------------------------

def test_a_kpi_is_added_edited_and_archived(store, demo_db):
    with store.transaction("kpi.create") as tx:
        added = kpis.add(tx, name="  Refund rate ", **KPI)
    assert added.name == "Refund rate" and last_event(demo_db).summary == "KPI 'Refund rate' added"
    with store.transaction("kpi.update") as tx:
        kpis.update(tx, added.id, owner="Sam")
    assert shown(demo_db).find_kpi("refund rate").kpi.owner == "Sam"
    with store.transaction("kpi.archive") as tx:
        kpis.archive(tx, added.id)
    assert shown(demo_db).find_kpi("Refund rate") is None
    assert last_event(demo_db).summary == "KPI 'Refund rate' archived"


def test_a_kpi_name_that_reads_as_another_is_refused(store, demo_db):
    before = demo_db.read_bytes()
    with pytest.raises(CadenceError, match="reads the same as KPI 'Cart abandonment'"), \
            store.transaction("kpi.create") as tx:
        kpis.add(tx, name="Cart  Abandonment\u200b", **KPI)
    assert demo_db.read_bytes() == before


def test_a_measurement_replaces_its_period_and_says_so(store, demo_db):
    cart = queries.kpi_by_name(store, "Cart abandonment")
    with store.transaction("measurement", meeting="m1") as tx:
        measured = kpis.measure(tx, cart.id, "2026-W46", 19.0, " fixed ", TODAY)
    assert (measured.period, measured.note, measured.meeting) == (date(2026, 11, 9), "fixed",
                                                                 "m1")
    assert last_event(demo_db).summary == "Cart abandonment: 19 for 2026-W46"
    assert shown(demo_db).find_kpi("Cart abandonment").latest == 19.0
    with pytest.raises(CadenceError, match="has not started yet"), \
            store.transaction("measurement") as tx:
        kpis.measure(tx, cart.id, date(2026, 11, 23), 1.0, "", TODAY)


# --- OKRs --------------------------------------------------------------------------------------

def test_an_objective_is_created_last_with_its_key_results_in_order(store, demo_db):
    with store.transaction("objective.create") as tx:
        created = okrs.create(tx, "Fix checkout", "Priya", "2026-Q4",
                              [dict(title="Abandonment", start=26.0, target=20.0),
                               dict(title="Checkout time", start=90.0, target=60.0)],
                              today=TODAY)
    assert created.priority == 5 and last_event(demo_db).summary == \
        "objective 'Fix checkout' created"
    assert [kr.title for kr in queries.key_results_of(Store(demo_db), created.id)] == \
        ["Abandonment", "Checkout time"]


def test_moving_an_objective_swaps_neighbours_and_refuses_past_the_top(store, demo_db):
    first, second = queries.active_ranking(store)[:2]
    with store.transaction("objective.priority") as tx:
        moved = okrs.move(tx, second.id, up=True)
    assert moved.priority == 1 and last_event(demo_db).summary == f"{second.title!r} moved up"
    with pytest.raises(CadenceError, match="is already the top priority"), \
            store.transaction("objective.priority") as tx:
        okrs.move(tx, second.id, up=True)
    with pytest.raises(CadenceError, match="no active objective with id 'o99'"), \
            store.transaction("objective.priority") as tx:
        okrs.move(tx, "o99", up=False)


def test_retiring_keeps_the_final_score_as_of_today_and_renumbers(store, demo_db):
    ranking = queries.active_ranking(store)
    score = shown(demo_db).get(ranking[0].id, ObjectiveView).score
    with store.transaction("objective.retire") as tx:
        retired, = okrs.retire(tx, {ranking[0].id: " done "}, TODAY)
    assert (retired.final_score, retired.closing_note, retired.retired_on) == (score, "done",
                                                                              TODAY)
    assert [o.priority for o in queries.active_ranking(Store(demo_db))] == [1, 2, 3]
    with pytest.raises(CadenceError, match="no active objective"), \
            store.transaction("objective.retire") as tx:
        okrs.retire(tx, {ranking[0].id: "again"}, TODAY)


def test_a_draft_goes_but_an_objective_with_check_ins_is_retired_instead(store, demo_db):
    with store.transaction("objective.create") as tx:
        draft = okrs.create(tx, "Draft", "Ann", "2026-Q4", [dict(title="KR", start=0.0,
                                                                 target=1.0)], today=TODAY)
    with store.transaction("objective.delete") as tx:
        okrs.delete_draft(tx, draft.id)
    assert queries.find(Store(demo_db), Objective, draft.id) is None
    assert queries.key_results_of(Store(demo_db), draft.id) == []
    checked = queries.active_ranking(store)[0]
    with pytest.raises(CadenceError, match="has check-ins: retire it"), \
            store.transaction("objective.delete") as tx:
        okrs.delete_draft(tx, checked.id)


def test_a_sixth_key_result_is_refused(store):
    support = queries.active_ranking(store)[0]                 # three key results
    with pytest.raises(CadenceError, match="at most 5 key results"), \
            store.transaction("kr.create") as tx:
        for n in range(3):
            okrs.add_key_result(tx, support.id, title=f"Extra {n}", start=0.0, target=1.0)


def test_a_check_in_of_a_kpi_linked_key_result_takes_the_kpis_value(store, demo_db):
    csat = queries.key_results_of(store, queries.active_ranking(store)[0].id)[0]
    latest = shown(demo_db).find_kpi("CSAT").latest
    with store.transaction("checkin", meeting="m1") as tx:
        checkin = okrs.check_in(tx, csat.id, None, "at_risk", "", TODAY)
    assert (checkin.value, checkin.confidence, checkin.meeting) == (latest, "at_risk", "m1")
    with pytest.raises(CadenceError, match="takes its value from its KPI"), \
            store.transaction("checkin") as tx:
        okrs.check_in(tx, csat.id, 90.0, "on_track", "", TODAY)


# --- decisions and actions -------------------------------------------------------------------

def test_an_action_is_recorded_for_the_transactions_meeting_and_checks_its_link(store, demo_db):
    with store.transaction("action", meeting="m1") as tx:
        action = actions.record(tx, "action", " Call the bank ", " Noor ", None, "k1", TODAY)
    assert (action.text, action.owner, action.meeting, action.created) == \
        ("Call the bank", "Noor", "m1", TODAY)
    assert last_event(demo_db).summary == "action: Call the bank (Noor)"
    with pytest.raises(CadenceError, match="link: no KPI, objective or key result"), \
            store.transaction("action") as tx:
        actions.record(tx, "action", "x", "y", None, "a1", TODAY)


def test_a_verdict_settles_the_action_and_is_kept_on_the_meeting(store, demo_db):
    with store.transaction("meeting.start") as tx:
        meeting = meetings.start(tx, Meeting(id="", title="Review", day=TODAY,
                                             started_at="2026-11-22T09:00:00+00:00"))
    carried = next(a for a in shown(demo_db).actions if a.status == "open")
    with store.transaction("action.verdict", meeting=meeting.id) as tx:
        actions.review(tx, carried.id, "open", meeting.id)
    assert shown(demo_db).get(meeting.id, Meeting).verdicts == {carried.id: "open"}
    assert last_event(demo_db).summary.endswith(": still open")


# --- meetings, and many commands as one event --------------------------------------------------

def test_a_meetings_start_belongs_to_it_and_its_end_says_what_changed(store, demo_db):
    with store.transaction("meeting.start") as tx:
        meeting = meetings.start(tx, Meeting(id="", title="Review", day=TODAY,
                                             started_at="2026-11-22T09:00:00+00:00"))
        assert tx.meeting == meeting.id
    with store.transaction("meeting.update", meeting=meeting.id) as tx:
        ended = meetings.end(tx, meeting.id, "2026-11-22T10:00:00+00:00", ratings={"Ann": 8})
    assert ended.ended_at and ended.ratings == {"Ann": 8}
    assert last_event(demo_db).summary == "updated Review: ended_at, ratings, stages"
    with pytest.raises(CadenceError, match="attendees: holds the control character"), \
            store.transaction("meeting.update") as tx:
        meetings.update(tx, meeting.id, attendees=("Ann\x1b[2J",))


def test_commands_in_one_transaction_are_one_event_whose_summary_the_caller_sets(store,
                                                                                   demo_db):
    events = len(store.events())
    with store.transaction("import") as tx:
        added = kpis.add(tx, name="Refund rate", **KPI)
        kpis.record_values(tx, added, {"2026-11-09": 2.5, "2026-11-16": 2.0}, TODAY)
        okrs.create(tx, "Fewer refunds", "Ann", "2026-Q4",
                    [dict(title="Refunds", start=3.0, target=1.0, kpi=added.id)], today=TODAY)
        tx.summary = "imported by hand"
    found = Store(demo_db).events()
    assert len(found) == events + 1 and found[-1].summary == "imported by hand"
    assert shown(demo_db).find_kpi("Refund rate").latest == 2.0
