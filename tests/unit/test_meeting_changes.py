"""A meeting's changes as the app makes them — a session (core/session.py) running each
command of core/commands/ in the meeting's transaction — and undo (core/undo.py): each change
shows on the refreshed board, is linked to the meeting, and undo takes it back step by step."""

from datetime import date

import pytest

from core.clock import today
from core.commands import actions, kpis, okrs
from core.errors import CadenceError
from core.events import EventKind
from core.store import Store
from tests.helpers import (TODAY, board_of, end_meeting, meeting_on, review, session_on,
                           undo_last, update_meeting)


@pytest.fixture
def session(demo_db):
    return meeting_on(demo_db, attendees=("Noor", "Dana"), facilitator="Noor")


def kpi_named(session, name):
    return next(h for h in board_of(session).kpis if h.kpi.name == name)


def objective_titled(session, title):
    return next(v for v in board_of(session).objectives if v.objective.title == title)


def test_a_meeting_starts_and_ends_with_a_record(session):
    meeting = board_of(session).by_id[session.meeting]
    assert meeting.title == "Operating review 2026-11-22" and meeting.attendees == ("Noor", "Dana")
    ended = end_meeting(session, ratings={"Noor": 8, "Dana": 7})
    assert ended.ended_at and ended.ratings == {"Noor": 8, "Dana": 7}


def test_recording_an_intervention_links_it_to_meeting_and_kpi(session):
    cart = kpi_named(session, "Cart abandonment")
    action = session.run(EventKind.INTERVENTION, actions.record, "intervention",
                         "Roll back the checkout change", "Priya", date(2026, 11, 29),
                         cart.kpi.id, today())
    newest = board_of(session).actions[0]
    assert newest == action and newest.meeting == session.meeting and newest.link == cart.kpi.id
    with pytest.raises(CadenceError, match="link: no KPI, objective or key result"):
        session.run(EventKind.ACTION, actions.record, "action", "x", "y", None, "k999", today())


def test_measurement_replaces_the_period_and_undo_restores_it(session):
    cart = kpi_named(session, "Cart abandonment")
    session.run(EventKind.MEASUREMENT, kpis.measure, cart.kpi.id, "2026-11-12", 19.0, "",
                today())
    assert kpi_named(session, "Cart abandonment").latest == 19.0
    assert "breach" not in kpi_named(session, "Cart abandonment").flag_names
    undo_last(session)
    assert kpi_named(session, "Cart abandonment").latest == 26.0


def test_a_future_period_is_refused(session):
    with pytest.raises(CadenceError, match="has not started yet"):
        session.run(EventKind.MEASUREMENT, kpis.measure, kpi_named(session, "Uptime").kpi.id,
                    "2026-11-30", 99.9, "", today())


def test_check_in_moves_the_key_result_and_undo_moves_it_back(session):
    view = objective_titled(session, "Make support feel effortless")
    fcr = view.krs[2]
    checkin = session.run(EventKind.CHECKIN, okrs.check_in, fcr.kr.id, 80.0, "on_track",
                          "new macros", today())
    assert (checkin.previous, checkin.value, checkin.meeting) == (77.0, 80.0, session.meeting)
    after = board_of(session).by_id[fcr.kr.id]
    assert after.current == 80.0 and after.history[-1] == 80.0 and after.progress == 0.5
    undo_last(session)
    assert board_of(session).by_id[fcr.kr.id].current == 77.0


def test_check_in_of_a_kpi_linked_key_result_takes_the_kpi_value(session):
    csat = objective_titled(session, "Make support feel effortless").krs[0]
    checkin = session.run(EventKind.CHECKIN, okrs.check_in, csat.kr.id, None, "off_track", "",
                          today())
    assert checkin.value == csat.current
    assert board_of(session).by_id[csat.kr.id].kr.confidence == "off_track"
    with pytest.raises(CadenceError, match="takes its value from its KPI"):
        session.run(EventKind.CHECKIN, okrs.check_in, csat.kr.id, 90.0, "on_track", "", today())


def test_reprioritise_swaps_neighbours_and_undo_restores_the_order(session):
    titles = lambda: [v.objective.title for v in board_of(session).active]  # noqa: E731
    first = titles()
    third = objective_titled(session, first[2]).objective.id
    session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move, third, up=True)
    assert titles() == [first[0], first[2], first[1], first[3]]
    assert [v.objective.priority for v in board_of(session).active] == [1, 2, 3, 4]
    with pytest.raises(CadenceError, match="already the top priority"):
        session.run(EventKind.OBJECTIVE_PRIORITY, okrs.move,
                    objective_titled(session, first[0]).objective.id, up=True)
    undo_last(session)
    assert titles() == first


def test_retire_keeps_the_final_score_and_renumbers(session):
    view = objective_titled(session, "Ship releases that feel rock-solid")
    retired, = session.run(EventKind.OBJECTIVE_RETIRE, okrs.retire,
                           {view.objective.id: "Good enough for now"}, today())
    assert retired.final_score == pytest.approx(view.score)
    assert retired.retired_on == TODAY and retired.closing_note == "Good enough for now"
    assert [v.objective.priority for v in board_of(session).active] == [1, 2, 3]
    assert kpi_named(session, "Defect rate per release")             # the KPI stays
    undo_last(session)
    assert objective_titled(session, "Ship releases that feel rock-solid").objective.status \
        == "active"
    assert [v.objective.priority for v in board_of(session).active] == [1, 2, 3, 4]


def test_undo_goes_back_step_by_step_and_is_itself_an_event(session):
    session.run(EventKind.DECISION, actions.record, "decision", "Keep the freeze", "Sam", None,
                None, today())
    session.run(EventKind.ACTION, actions.record, "action", "Ship the fix", "Priya", None, None,
                today())
    assert undo_last(session).summary == "action: Ship the fix (Priya)"
    assert undo_last(session).summary == "decision: Keep the freeze (Sam)"
    with pytest.raises(CadenceError, match="nothing left to undo"):
        undo_last(session)
    kinds = [e.kind for e in session.store.events()[-4:]]
    assert kinds == ["decision", "action", "undo", "undo"]
    assert [a.text for a in board_of(session).actions if a.meeting == session.meeting] == []


def test_undo_only_reverts_this_meetings_changes(session, demo_db):
    session.run(EventKind.DECISION, actions.record, "decision", "Mine", "Noor", None, None,
                today())
    with pytest.raises(CadenceError, match="nothing left to undo"):
        undo_last(meeting_on(demo_db))
    with pytest.raises(CadenceError, match="only changes made in a meeting"):
        undo_last(session_on(demo_db))


def test_undo_refuses_when_the_change_was_changed_again_elsewhere(session, demo_db):
    action = session.run(EventKind.ACTION, actions.record, "action", "Ship the fix", "Priya",
                         None, None, today())
    with Store(demo_db).transaction("elsewhere") as tx:        # another process closes it
        tx.put("actions", action.key, {**tx.get("actions", action.key), "status": "done"})
    with pytest.raises(CadenceError, match="changed again since"):
        undo_last(session)
    assert board_of(session).by_id[action.id].status == "done"


def test_carried_over_action_gets_a_verdict_kept_on_the_meeting(session):
    carried = next(a for a in board_of(session).actions
                   if a.status == "open" and a.meeting != session.meeting)
    review(session, carried.id, "done")
    assert board_of(session).by_id[carried.id].status == "done"
    assert board_of(session).by_id[session.meeting].verdicts == {carried.id: "done"}
    undo_last(session)
    assert board_of(session).by_id[carried.id].status == "open"
    assert board_of(session).by_id[session.meeting].verdicts == {}
    review(session, carried.id, "open")                          # "still open" is on record
    assert board_of(session).by_id[session.meeting].verdicts == {carried.id: "open"}


def test_create_objective_is_ranked_last_and_undoable(session):
    cart = kpi_named(session, "Cart abandonment")
    created = session.run(
        EventKind.OBJECTIVE_CREATE, okrs.create, "Fix checkout", "Priya", "2026-Q4",
        [dict(title="Cart abandonment", start=26.0, target=20.0, unit="%", kpi=cart.kpi.id)],
        (cart.kpi.id,), today=TODAY)
    view = board_of(session).by_id[created.id]
    assert view.objective.priority == 5 and view.krs[0].current == 26.0
    undo_last(session)
    assert created.id not in board_of(session).by_id


def test_undo_reverts_field_by_field_so_later_bookkeeping_survives(session):
    carried = next(a for a in board_of(session).actions
                   if a.status == "open" and a.meeting != session.meeting)
    review(session, carried.id, "dropped")
    update_meeting(session, attendees=("Noor", "Dana", "Sam"))
    undo_last(session)
    meeting = board_of(session).by_id[session.meeting]
    assert meeting.verdicts == {} and meeting.attendees == ("Noor", "Dana", "Sam")


def test_a_check_in_first_thing_also_belongs_to_the_planned_meeting(demo_db):
    session = session_on(demo_db)
    session.plan()
    kr = next(k for v in board_of(session).active for k in v.krs if k.kr.kpi is None)
    checkin = session.run(EventKind.CHECKIN, okrs.check_in, kr.kr.id, kr.current + 1,
                          "on_track", "", today())
    assert checkin.meeting == session.meeting is not None


# --- names people type ----------------------------------------------------------------------

KPI_FIELDS = dict(owner="Ann", unit="%", direction="lower", target=2.0, threshold=3.0,
                  cadence="weekly")


@pytest.mark.parametrize("look_alike", ["cart  ABANDONMENT", "Cart aband\u200bonment",
                                        "Ｃａｒｔ abandonment", "Cart\u00a0abandonment "])
def test_a_kpi_may_not_take_a_look_alike_of_another_kpis_name(session, look_alike):
    before = session.store.path.read_bytes()
    with pytest.raises(CadenceError, match="name: .* reads the same as KPI 'Cart abandonment'"):
        session.run(EventKind.KPI_CREATE, kpis.add, name=look_alike, **KPI_FIELDS)
    churn = kpi_named(session, "Customer churn").kpi
    with pytest.raises(CadenceError, match="reads the same as KPI 'Cart abandonment'"):
        session.run(EventKind.KPI_UPDATE, kpis.update, churn.id, name=look_alike)
    assert session.store.path.read_bytes() == before


def test_a_kpi_may_respell_its_own_name(session):
    cart = kpi_named(session, "Cart abandonment").kpi
    respelled = session.run(EventKind.KPI_UPDATE, kpis.update, cart.id, name="Cart Abandonment")
    assert respelled.name == "Cart Abandonment"
    with pytest.raises(CadenceError, match="'customer churn' is taken by another KPI"):
        session.run(EventKind.KPI_CREATE, kpis.add, name="customer churn", **KPI_FIELDS)


@pytest.mark.parametrize("change", [
    lambda s: s.run(EventKind.KPI_CREATE, kpis.add, name="Churn\x1b[31m", **KPI_FIELDS),
    lambda s: s.run(EventKind.KPI_CREATE, kpis.add, name="Churn",
                    **{**KPI_FIELDS, "owner": "Ann\u202e"}),
    lambda s: s.run(EventKind.KPI_UPDATE, kpis.update, "k1", area="Fin\x85"),
    lambda s: s.run(EventKind.DECISION, actions.record, "decision", "Ship it",
                    "Sam\x1b]52;c;x\x07", None, None, today()),
    lambda s: s.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Grow\u2067", "Noor", "2026-Q4",
                    [dict(title="KR", start=0.0, target=1.0)], today=TODAY),
    lambda s: s.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Grow", "Noor", "2026-Q4",
                    [dict(title="K\rR", start=0.0, target=1.0)], today=TODAY),
    lambda s: update_meeting(s, attendees=("Noor", "Da\x00na")),
], ids=["kpi name", "kpi owner", "kpi area", "action owner", "objective title", "kr title",
        "attendee"])
def test_a_name_holding_a_control_character_is_refused(session, change):
    before = session.store.path.read_bytes()
    with pytest.raises(CadenceError, match="holds the control character U\\+[0-9A-F]{4}"):
        change(session)
    assert session.store.path.read_bytes() == before


def test_a_hostile_name_is_found_by_the_text_the_screen_shows(hostile_db):
    """A store edited by hand may hold control characters in a name, which the screen shows
    made visible (core/display.line); a decision's About typed or prefilled as shown finds it."""
    from core import display
    from tests.helpers import load
    board = load(hostile_db)
    for health in board.kpis:
        assert board.find_link(display.line(health.kpi.name)) == health.kpi.id
        assert board.find_link(health.kpi.name) == health.kpi.id
