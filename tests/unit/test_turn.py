"""The quarter's turn (core/turn.py, core/commands/okrs.py `turn`): closing a cycle retires
its objectives with their scores and carries the unfinished ones forward into the next cycle
with their remaining key results, each starting from today's value; one undoable event."""

from datetime import date

import pytest

from core import board, minutes, okr, status, turn
from core.commands import kpis, okrs
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.model import Event, KeyResult, Objective
from core.periods import next_cycle
from core.store import Store
from tests.helpers import MINUTES_SCHEMA, TODAY, board_of, end_meeting, meeting_on, undo_last

TURN_DAY = date(2026, 10, 2)                # Q3 has ended: its objectives are due to close


@pytest.mark.parametrize(("cycle", "after"), [
    ("2026-Q1", "2026-Q2"), ("2026-Q4", "2027-Q1"), ("2026-q2", "2026-Q3"),
    ("2026-H1", "2026-H2"), ("2026-H2", "2027-H1"), ("2026", "2027"),
    ("2026-01-15..2026-03-14", "2026-03-15..2026-05-12"),     # as many days again (59)
    ("2026-02-01..2026-02-28", "2026-03-01..2026-03-28"),
    ("2026-12-31..2026-12-31", "2027-01-01..2027-01-01"),
])
def test_the_next_cycle_is_the_next_of_its_kind(cycle, after):
    assert next_cycle(cycle) == after


def test_no_next_cycle_past_the_supported_days():
    with pytest.raises(ValidationError, match="3000-Q1' is outside the days"):
        next_cycle("2999-Q4")


def store_with_cycle(db) -> tuple[Store, dict[str, Objective], str]:
    """Q3 with three objectives: one finished (every key result at target), one partly done
    (a key result at target, one half way, one on a KPI), one not started; the KPI's latest
    value is 2.6 (from 3.0 towards 2.0)."""
    store = Store(db)
    with store.transaction("test") as tx:
        churn = kpis.add(tx, name="Churn", owner="Ann", unit="%", direction="lower", target=2.0,
                         threshold=3.0, cadence="weekly")
        kpis.record_values(tx, churn, {"2026-09-14": 2.8, "2026-09-21": 2.6}, TURN_DAY)
        done = okrs.create(tx, "Ship v2", "Ann", "2026-Q3",
                           [dict(title="Beta users", start=0, target=100, current=120),
                            dict(title="Crash rate", start=5, target=1, current=1)],
                           today=date(2026, 7, 1))
        partly = okrs.create(tx, "Keep customers", "Ben", "2026-Q3",
                             [dict(title="NPS", start=20, target=40, current=40),
                              dict(title="Calls", unit="calls", start=10, target=30,
                                   current=20, confidence="at_risk"),
                              dict(title="Churn down", unit="%", start=3.0, target=2.0,
                                   kpi=churn.id)],
                             (churn.id,), today=date(2026, 7, 1))
        idle = okrs.create(tx, "Enter Spain", "Cy", "2026-Q3",
                           [dict(title="Stores", start=0, target=3)], today=date(2026, 7, 1))
        later = okrs.create(tx, "Hire", "Dee", "2026-Q4",
                            [dict(title="Hires", start=0, target=4)], today=date(2026, 7, 1))
    return store, {"done": done, "partly": partly, "idle": idle, "later": later}, churn.id


def views(store: Store, day: date = TURN_DAY) -> list[okr.ObjectiveView]:
    return board.load(store, day).objectives


def test_the_plan_carries_the_unfinished_and_retires_the_finished(db):
    store, o, _ = store_with_cycle(db)
    found = turn.plan(views(store), "2026-q3")
    assert (found.cycle, found.next) == ("2026-Q3", "2026-Q4")
    assert [(i.view.objective.title, i.carry) for i in found.items] == [
        ("Ship v2", False), ("Keep customers", True), ("Enter Spain", True)]   # not Q4's
    partly = found.items[1]
    assert [k.kr.title for k in partly.remaining] == ["Calls", "Churn down"]
    assert [k.kr.title for k in partly.dropped] == ["NPS"]


def test_the_facilitators_choice_wins_but_nothing_left_is_never_carried(db):
    store, o, _ = store_with_cycle(db)
    found = turn.plan(views(store), "2026-Q3", {o["partly"].id: False, o["done"].id: True})
    assert [i.carry for i in found.items] == [False, False, True]


def test_the_closing_cycle_is_the_earliest_ended_else_the_first_to_end(db):
    store, _, _ = store_with_cycle(db)
    assert turn.closing_cycle(views(store), ["2026-Q3"]) == "2026-Q3"
    assert turn.closing_cycle(views(store), []) == "2026-Q3"
    assert turn.closing_cycle([], []) is None


def make_turn(store: Store, o: dict[str, Objective], carry=None, notes=None):
    with store.transaction(EventKind.CYCLE_TURN) as tx:
        return okrs.turn(tx, "2026-Q3", carry if carry is not None else
                         [o["partly"].id, o["idle"].id], notes or {}, TURN_DAY)


def test_the_turn_retires_all_with_scores_and_carries_the_remaining_from_today(db):
    store, o, churn = store_with_cycle(db)
    done = make_turn(store, o, notes={o["done"].id: "shipped"})
    retired = {x.title: x for x in done.retired}
    assert {t: (x.status, x.final_score, x.closing_note) for t, x in retired.items()} == {
        "Ship v2": ("retired", 1.0, "shipped"),
        "Keep customers": ("retired", pytest.approx((1 + 0.5 + 0.4) / 3),
                           "carried forward to 2026-Q4"),
        "Enter Spain": ("retired", 0.0, "carried forward to 2026-Q4")}
    new = {x.title: x for x in done.carried}
    assert sorted(new) == ["Enter Spain", "Keep customers"]
    keep = store.records(Objective)[-2]
    assert keep == new["Keep customers"]
    assert (keep.cycle, keep.status, keep.owner, keep.kpis, keep.carried_from, keep.created) == \
        ("2026-Q4", "active", "Ben", (churn,), o["partly"].id, TURN_DAY)
    krs = [k for k in store.records(KeyResult) if k.objective == keep.id]
    # NPS was at target: dropped. Calls from today's 20; Churn down from the KPI's 2.6.
    assert [(k.title, k.start, k.target, k.current, k.kpi, k.confidence, k.unit, k.position)
            for k in krs] == [("Calls", 20, 30, None, None, "at_risk", "calls", 0),
                              ("Churn down", 2.6, 2.0, None, churn, "on_track", "%", 1)]
    # Ranked after the active ones left (Q4's Hire), in their old order.
    ranking = [x.title for x in okr.ranked(store.records(Objective)) if x.status == "active"]
    assert ranking == ["Hire", "Keep customers", "Enter Spain"]
    assert [e.summary for e in store.records(Event)][-1] == \
        "closed 2026-Q3: retired 3, carried 2 forward to 2026-Q4"


def test_a_carried_objective_starts_at_zero_progress(db):
    store, o, _ = store_with_cycle(db)
    make_turn(store, o)
    carried = next(v for v in views(store) if v.objective.carried_from == o["partly"].id)
    assert carried.score == 0.0 and [k.progress for k in carried.krs] == [0.0, 0.0]


def test_a_finished_objective_cannot_be_carried_and_nothing_is_written(db):
    store, o, _ = store_with_cycle(db)
    before = db.read_bytes()
    with pytest.raises(CadenceError, match="'Ship v2': every key result is at target"):
        make_turn(store, o, carry=[o["done"].id])
    with pytest.raises(CadenceError, match="is no active objective of 2026-Q3"):
        make_turn(store, o, carry=[o["later"].id])
    assert db.read_bytes() == before


def test_a_cycle_without_active_objectives_has_nothing_to_close(db):
    store, o, _ = store_with_cycle(db)
    make_turn(store, o, carry=[])
    with pytest.raises(CadenceError, match="2026-Q3 has no active objective to close"):
        make_turn(store, o, carry=[])


def test_one_undo_restores_everything(demo_db):
    store, o, _ = store_with_cycle(demo_db)
    session = meeting_on(store)
    before = {t: store.docs(t) for t in ("objectives", "key_results")}
    before = {t: dict(d) for t, d in before.items()}
    session.run(EventKind.CYCLE_TURN, okrs.turn, "2026-Q3", [o["partly"].id], {}, TURN_DAY)
    assert len(store.docs("objectives")) == len(before["objectives"]) + 1
    undo_last(session)
    assert {t: dict(store.docs(t)) for t in before} == before


def test_the_kpi_of_a_carried_objective_is_watched_from_the_turn(db):
    """The retired Q3 objective holds Churn to its level at the turn (2.6); the carried Q4
    one on the same KPI does not suspend the watch."""
    store, o, churn = store_with_cycle(db)
    make_turn(store, o)
    with store.transaction("test") as tx:
        kpis.record_values(tx, kpis_of(store, churn), {"2026-10-05": 2.7}, date(2026, 10, 12))
    found = next(k for k in status.as_json(board.load(store, date(2026, 10, 12)))["kpis"]
                 if k["id"] == churn)
    assert "relapse" in found["flags"]
    assert "'Keep customers' retired at 2.6% on 2026-10-02" in found["reasons"]["relapse"]


def kpis_of(store: Store, ident: str):
    from core import queries
    return queries.kpi(store, ident)


def test_the_minutes_list_the_turn(demo_db):
    store, o, _ = store_with_cycle(demo_db)
    session = meeting_on(store)
    session.run(EventKind.CYCLE_TURN, okrs.turn, "2026-Q3", [o["partly"].id], {}, TURN_DAY)
    end_meeting(session)
    found = minutes.build(store, session.meeting)
    assert [r["title"] for r in found["retired"]] == ["Ship v2", "Keep customers",
                                                      "Enter Spain"]
    started = found["objectives_started"]
    assert [(s["title"], s["carried_from"], s["carried_from_cycle"], s["cycle"])
            for s in started] == [("Keep customers", o["partly"].id, "2026-Q3", "2026-Q4")]
    import jsonschema
    jsonschema.validate(found, MINUTES_SCHEMA)
    from core.minutes_md import render
    assert "- Keep customers (carried forward from 2026-Q3 to 2026-Q4)" in render(found)
    assert board_of(session).today == TODAY


def test_a_title_an_older_store_holds_with_a_control_character_is_carried_as_it_is(db):
    """Copied, not typed: the turn is not blocked; a typed one is still refused."""
    store, o, _ = store_with_cycle(db)
    with store.transaction("test") as tx:          # as a store from before the rule has it
        doc = dict(tx.get("objectives", o["idle"].key))
        tx.put("objectives", o["idle"].key, {**doc, "title": "Enter\x1b[2J Spain"})
    make_turn(store, o, carry=[o["idle"].id])
    assert [x.title for x in store.records(Objective) if x.status == "active"][-1] == \
        "Enter\x1b[2J Spain"
    with pytest.raises(ValidationError, match="holds the control character U\\+001B"), \
            store.transaction("test") as tx:
        okrs.create(tx, "Typed\x1b[2J", "Ann", "2026-Q4",
                    [dict(title="x", start=0, target=1)], today=TURN_DAY)
