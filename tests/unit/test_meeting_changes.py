from datetime import date

import pytest

from core import demo
from core.errors import CadenceError
from core.service import Service
from core.store import Store
from tests.helpers import TODAY


@pytest.fixture
def service(db, monkeypatch):
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    store = Store(db)
    demo.write(store, TODAY)
    svc = Service(store)
    svc.start_meeting(attendees=("Noor", "Dana"), facilitator="Noor")
    return svc


def kpi_named(svc, name):
    return next(h for h in svc.board().kpis if h.kpi.name == name)


def objective_titled(svc, title):
    return next(v for v in svc.board().objectives if v.objective.title == title)


def test_a_meeting_starts_and_ends_with_a_record(service):
    meeting = service.board().by_id[service.meeting]
    assert meeting.title == "Operating review 2026-11-22" and meeting.attendees == ("Noor", "Dana")
    ended = service.end_meeting(ratings={"Noor": 8, "Dana": 7})
    assert ended.ended_at and ended.ratings == {"Noor": 8, "Dana": 7}


def test_recording_an_intervention_links_it_to_meeting_and_kpi(service):
    cart = kpi_named(service, "Cart abandonment")
    action = service.record_action("intervention", "Roll back the checkout change", "Priya",
                                   date(2026, 11, 29), cart.kpi.id)
    newest = service.board().actions[0]
    assert newest == action and newest.meeting == service.meeting and newest.link == cart.kpi.id
    with pytest.raises(CadenceError, match="link: no KPI, objective or key result"):
        service.record_action("action", "x", "y", link="k999")


def test_measurement_replaces_the_period_and_undo_restores_it(service):
    cart = kpi_named(service, "Cart abandonment")
    service.record_measurement(cart.kpi.id, "2026-11-12", 19.0)
    assert kpi_named(service, "Cart abandonment").latest == 19.0
    assert "breach" not in kpi_named(service, "Cart abandonment").flag_names
    service.undo()
    assert kpi_named(service, "Cart abandonment").latest == 26.0


def test_a_future_period_is_refused(service):
    with pytest.raises(CadenceError, match="has not started yet"):
        service.record_measurement(kpi_named(service, "Uptime").kpi.id, "2026-11-30", 99.9)


def test_check_in_moves_the_key_result_and_undo_moves_it_back(service):
    view = objective_titled(service, "Make support feel effortless")
    fcr = view.krs[2]
    checkin = service.check_in(fcr.kr.id, 80.0, "on_track", "new macros")
    assert (checkin.previous, checkin.value, checkin.meeting) == (77.0, 80.0, service.meeting)
    after = service.board().by_id[fcr.kr.id]
    assert after.current == 80.0 and after.history[-1] == 80.0 and after.progress == 0.5
    service.undo()
    assert service.board().by_id[fcr.kr.id].current == 77.0


def test_check_in_of_a_kpi_linked_key_result_takes_the_kpi_value(service):
    csat = objective_titled(service, "Make support feel effortless").krs[0]
    checkin = service.check_in(csat.kr.id, None, "off_track")
    assert checkin.value == csat.current
    assert service.board().by_id[csat.kr.id].kr.confidence == "off_track"
    with pytest.raises(CadenceError, match="takes its value from its KPI"):
        service.check_in(csat.kr.id, 90.0, "on_track")


def test_reprioritise_swaps_neighbours_and_undo_restores_the_order(service):
    titles = lambda: [v.objective.title for v in service.board().active]  # noqa: E731
    first = titles()
    third = objective_titled(service, first[2]).objective.id
    service.move_objective(third, up=True)
    assert titles() == [first[0], first[2], first[1], first[3]]
    assert [v.objective.priority for v in service.board().active] == [1, 2, 3, 4]
    with pytest.raises(CadenceError, match="already the top priority"):
        service.move_objective(objective_titled(service, first[0]).objective.id, up=True)
    service.undo()
    assert titles() == first


def test_retire_keeps_the_final_score_and_renumbers(service):
    view = objective_titled(service, "Ship releases that feel rock-solid")
    retired = service.retire_objective(view.objective.id, "Good enough for now")
    assert retired.final_score == pytest.approx(view.score)
    assert retired.retired_on == TODAY and retired.closing_note == "Good enough for now"
    assert [v.objective.priority for v in service.board().active] == [1, 2, 3]
    assert kpi_named(service, "Defect rate per release")             # the KPI stays
    service.undo()
    assert objective_titled(service, "Ship releases that feel rock-solid").objective.status \
        == "active"
    assert [v.objective.priority for v in service.board().active] == [1, 2, 3, 4]


def test_undo_goes_back_step_by_step_and_is_itself_an_event(service):
    service.record_action("decision", "Keep the freeze", "Sam")
    service.record_action("action", "Ship the fix", "Priya")
    assert service.undo().summary == "action: Ship the fix (Priya)"
    assert service.undo().summary == "decision: Keep the freeze (Sam)"
    with pytest.raises(CadenceError, match="nothing left to undo"):
        service.undo()
    kinds = [e.kind for e in service.store.events()[-4:]]
    assert kinds == ["decision", "action", "undo", "undo"]
    assert [a.text for a in service.board().actions if a.meeting == service.meeting] == []


def test_undo_only_reverts_this_meetings_changes(service, db):
    service.record_action("decision", "Mine", "Noor")
    other = Service(Store(db))
    other.start_meeting()
    with pytest.raises(CadenceError, match="nothing left to undo"):
        other.undo()
    with pytest.raises(CadenceError, match="only changes made in a meeting"):
        Service(Store(db)).undo()


def test_undo_refuses_when_the_change_was_changed_again_elsewhere(service, db):
    action = service.record_action("action", "Ship the fix", "Priya")
    with Store(db).transaction("elsewhere") as tx:             # another process closes it
        tx.put("actions", action.key, {**tx.get("actions", action.key), "status": "done"})
    with pytest.raises(CadenceError, match="changed again since"):
        service.undo()
    assert service.board().by_id[action.id].status == "done"


def test_carried_over_action_gets_a_verdict_kept_on_the_meeting(service):
    carried = next(a for a in service.board().actions
                   if a.status == "open" and a.meeting != service.meeting)
    service.review_action(carried.id, "done")
    assert service.board().by_id[carried.id].status == "done"
    assert service.board().by_id[service.meeting].verdicts == {carried.id: "done"}
    service.undo()
    assert service.board().by_id[carried.id].status == "open"
    assert service.board().by_id[service.meeting].verdicts == {}
    service.review_action(carried.id, "open")                   # "still open" is on record
    assert service.board().by_id[service.meeting].verdicts == {carried.id: "open"}


def test_create_objective_is_ranked_last_and_undoable(service):
    cart = kpi_named(service, "Cart abandonment")
    created = service.create_objective(
        "Fix checkout", "Priya", "2026-Q4",
        [dict(title="Cart abandonment", start=26.0, target=20.0, unit="%", kpi=cart.kpi.id)],
        (cart.kpi.id,))
    view = service.board().by_id[created.id]
    assert view.objective.priority == 5 and view.krs[0].current == 26.0
    service.undo()
    assert created.id not in service.board().by_id


def test_undo_reverts_field_by_field_so_later_bookkeeping_survives(service):
    carried = next(a for a in service.board().actions
                   if a.status == "open" and a.meeting != service.meeting)
    service.review_action(carried.id, "dropped")
    service.update_meeting(attendees=("Noor", "Dana", "Sam"))
    service.undo()
    meeting = service.board().by_id[service.meeting]
    assert meeting.verdicts == {} and meeting.attendees == ("Noor", "Dana", "Sam")


def test_a_planned_meeting_is_written_before_its_first_change(db, monkeypatch):
    """The app shows its first screen before writing the meeting's start; whatever is done
    first still belongs to the meeting, which is written just before it."""
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    demo.write(Store(db), TODAY)
    svc = Service(Store(db))
    meetings = len(Store(db).docs("meetings"))
    planned = svc.plan_meeting("Weekly review", ("Ann",), "Noor")
    assert svc.meeting is None and svc.current_meeting() == planned
    assert len(Store(db).docs("meetings")) == meetings             # nothing written yet
    action = svc.record_action("decision", "Ship it", "Ann")
    assert svc.meeting is not None and action.meeting == svc.meeting
    assert svc.current_meeting().title == "Weekly review"
    assert len(Store(db).docs("meetings")) == meetings + 1
    svc.start_planned()                                            # no second meeting
    assert len(Store(db).docs("meetings")) == meetings + 1


def test_a_check_in_first_thing_also_belongs_to_the_planned_meeting(service):
    service.meeting = None
    service.plan_meeting()
    kr = next(k for v in service.board().active for k in v.krs if k.kr.kpi is None)
    checkin = service.check_in(kr.kr.id, kr.current + 1, "on_track")
    assert checkin.meeting == service.meeting is not None


# --- names people type ----------------------------------------------------------------------

KPI_FIELDS = dict(owner="Ann", unit="%", direction="lower", target=2.0, threshold=3.0,
                  cadence="weekly")


@pytest.mark.parametrize("look_alike", ["cart  ABANDONMENT", "Cart aband\u200bonment",
                                        "Ｃａｒｔ abandonment", "Cart\u00a0abandonment "])
def test_a_kpi_may_not_take_a_look_alike_of_another_kpis_name(service, look_alike):
    before = service.store.path.read_bytes()
    with pytest.raises(CadenceError, match="name: .* reads the same as KPI 'Cart abandonment'"):
        service.add_kpi(name=look_alike, **KPI_FIELDS)
    churn = kpi_named(service, "Customer churn").kpi
    with pytest.raises(CadenceError, match="reads the same as KPI 'Cart abandonment'"):
        service.update_kpi(churn.id, name=look_alike)
    assert service.store.path.read_bytes() == before


def test_a_kpi_may_respell_its_own_name(service):
    cart = kpi_named(service, "Cart abandonment").kpi
    assert service.update_kpi(cart.id, name="Cart Abandonment").name == "Cart Abandonment"
    with pytest.raises(CadenceError, match="'customer churn' is taken by another KPI"):
        service.add_kpi(name="customer churn", **KPI_FIELDS)


@pytest.mark.parametrize("change", [
    lambda s: s.add_kpi(name="Churn\x1b[31m", **KPI_FIELDS),
    lambda s: s.add_kpi(name="Churn", **{**KPI_FIELDS, "owner": "Ann\u202e"}),
    lambda s: s.update_kpi("k1", area="Fin\x85"),
    lambda s: s.record_action("decision", "Ship it", "Sam\x1b]52;c;x\x07"),
    lambda s: s.create_objective("Grow\u2067", "Noor", "2026-Q4",
                                 [dict(title="KR", start=0.0, target=1.0)]),
    lambda s: s.create_objective("Grow", "Noor", "2026-Q4",
                                 [dict(title="K\rR", start=0.0, target=1.0)]),
    lambda s: s.update_meeting(attendees=("Noor", "Da\x00na")),
], ids=["kpi name", "kpi owner", "kpi area", "action owner", "objective title", "kr title",
        "attendee"])
def test_a_name_holding_a_control_character_is_refused(service, change):
    before = service.store.path.read_bytes()
    with pytest.raises(CadenceError, match="holds the control character U\\+[0-9A-F]{4}"):
        change(service)
    assert service.store.path.read_bytes() == before
