"""What a meeting did, beside its rating (core/meeting_facts.py): each count at its boundaries
(none, all, a stage exactly at its timebox), what counts as discussing a flagged KPI (undone
changes do not), and the minutes saying the same numbers in JSON and Markdown, unchanged once
the meeting has ended."""

from datetime import date, timedelta

import pytest

from core import demo, minutes
from core.clock import today
from core.commands import actions, explanations, kpis, okrs, people
from core.events import EventKind
from core.meeting_facts import Facts, facts, kept_events, phrases, with_stages
from core.minutes_md import render
from core.model import Stage
from core.session import Session
from core.store import Store
from tests.helpers import (TODAY, board_of, end_meeting, meeting_on, review, undo_last)


@pytest.fixture
def store(db, monkeypatch) -> Store:
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    found = Store(db)
    demo.write(found, TODAY)
    return found


@pytest.fixture
def session(store) -> Session:
    return meeting_on(store, facilitator="Noor")


def now(session: Session, stages: tuple[Stage, ...] = ()) -> Facts:
    board = board_of(session)
    return facts(board, session.meeting, stages, kept_events(session.store, session.meeting))


def kpi_id(session: Session, name: str) -> str:
    return next(h.kpi.id for h in board_of(session).kpis if h.kpi.name == name)


def record(session: Session, kind: str, link: str | None, owner: str = "Dana") -> None:
    session.run(kind, actions.record, kind, f"a {kind}", owner, None, link, today())


def test_a_meeting_that_did_nothing(session):
    found = now(session, (Stage("KPI health", 10), Stage("Flagged", 15)))
    board = board_of(session)
    assert found == Facts(stages=2, stages_over=0, flagged=len(board.flagged), discussed=0,
                          decisions=0, decisions_owned=0, actions=0,
                          carried=len(board.carried_over(session.meeting)), settled=0)
    assert found.left == found.flagged == 8 and found.carried == 2
    assert phrases(found) == ["no stage over time", "0 of 8 flagged KPIs discussed, 8 left",
                              "no decision", "no action created",
                              "0 of 2 carried-over actions settled"]


def test_a_meeting_not_yet_written_has_no_events_of_its_own(store):
    assert kept_events(store, None) == []


def test_an_explanation_outside_any_meeting_is_no_meetings_discussion(store):
    """The demo's explained flag was given before this meeting, in none: a meeting not yet
    written (its id None) has discussed nothing, though None is that explanation's meeting."""
    board = board_of(meeting_on(store))
    assert None in {e.meeting for e in board.explanations}
    assert facts(board, None, (), []).discussed == 0


@pytest.mark.parametrize("spent, over", [(599.0, 0), (600.0, 0), (600.5, 1), (900.0, 1)])
def test_a_stage_exactly_at_its_timebox_is_not_over(session, spent, over):
    found = now(session, (Stage("KPI health", 10, spent), Stage("Flagged", 15, 0.0)))
    assert (found.stages, found.stages_over) == (2, over)


def test_every_stage_over_and_the_clock_moving_counts_again(session):
    found = now(session, (Stage("a", 1, 61), Stage("b", 0, 0), Stage("c", 2, 500)))
    assert found.stages_over == 2               # a stage with no timebox is never over
    moved = with_stages(found, (Stage("a", 1, 61), Stage("b", 0, 5), Stage("c", 2, 121)))
    assert (moved.stages, moved.stages_over) == (3, 2)
    assert with_stages(found, ()).stages == 0


def test_every_flagged_kpi_discussed_each_in_its_own_way(session):
    flagged = [h.kpi.id for h in board_of(session).flagged]
    ways = [
        lambda k: record(session, "intervention", k),
        lambda k: record(session, "decision", k),
        lambda k: record(session, "action", k),
        lambda k: session.run(EventKind.EXPLANATION, explanations.explain, k, "investigating",
                              "", "Lena", today()),
        lambda k: session.run(EventKind.MEASUREMENT, kpis.measure, k, "2026-11-09", 5.0, "",
                              today()),
        lambda k: session.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Lift it", "Noor",
                              "2026-Q4", [dict(title="It", start=1.0, target=2.0)],
                              (k,), today=today()),
        lambda k: session.run(EventKind.KPI_UPDATE, kpis.update, k, area="Watched"),
        lambda k: session.run(EventKind.OBJECTIVE_CREATE, okrs.create, "Move it", "Noor",
                              "2026-Q4", [dict(title="It", start=1.0, target=2.0, kpi=k)],
                              (), today=today()),
    ]
    touched = []
    for way, kpi in zip(ways, flagged):
        way(kpi)
        touched.append(kpi)
        assert now(session).discussed == len(set(touched) & {
            h.kpi.id for h in board_of(session).flagged}), way
    assert now(session).discussed == len(set(touched) & {
        h.kpi.id for h in board_of(session).flagged}) >= 7


def test_all_flagged_discussed(session):
    for h in board_of(session).flagged:
        record(session, "intervention", h.kpi.id)
    found = now(session)
    assert found.discussed == found.flagged == 8 and found.left == 0
    assert phrases(found)[1] == "all 8 flagged KPIs discussed"


def test_an_undone_change_and_one_about_nothing_flagged_discuss_nothing(session):
    record(session, "intervention", kpi_id(session, "Cart abandonment"))
    undo_last(session)
    record(session, "decision", kpi_id(session, "Uptime"))           # not flagged
    record(session, "decision", None)
    assert now(session).discussed == 0


def test_merging_a_name_discusses_none_of_that_persons_kpis(session):
    """A merge rewrites the owner of every KPI "Lena Fischer" owns (CSAT, First response
    time): the roster changed, the meeting said nothing about those KPIs."""
    session.run(EventKind.PEOPLE_MERGE, people.merge, "Lena Fischer", "Dana Okafor")
    assert {h.kpi.owner for h in board_of(session).kpis} >= {"Dana Okafor"}
    assert "Lena Fischer" not in {h.kpi.owner for h in board_of(session).kpis}
    assert now(session).discussed == 0


def test_a_verdict_on_an_intervention_discusses_its_kpi(session):
    board = board_of(session)
    carried = next(a for a in board.carried_over(session.meeting) if a.kind == "intervention")
    review(session, carried.id, "open")                  # "still open" is a verdict too
    found = now(session)
    assert found.settled == 1 and found.discussed == 1


def test_decisions_owned_and_actions_created(session):
    for kind in ("decision", "decision", "action", "intervention"):
        record(session, kind, kpi_id(session, "Cart abandonment"))
    record(session, "action", None)
    undo_last(session)
    found = now(session)
    assert (found.decisions, found.decisions_owned, found.actions) == (2, 2, 2)
    assert phrases(found)[2:4] == ["all 2 decisions with an owner", "2 actions created"]


def test_all_carried_over_settled(session):
    for a in board_of(session).carried_over(session.meeting):
        review(session, a.id, "done")
    found = now(session)
    assert found.settled == found.carried == 2
    assert phrases(found)[4] == "all 2 carried-over actions settled"


def test_nothing_carried_nothing_flagged(store, monkeypatch):
    """An empty store's meeting: every count zero, said as such."""
    empty = Store(store.path.with_name("empty.json"))
    session = meeting_on(empty)
    found = now(session, (Stage("a", 5),))
    assert found == Facts(1, 0, 0, 0, 0, 0, 0, 0, 0)
    assert phrases(found) == ["no stage over time", "nothing flagged", "no decision",
                              "no action created", "nothing carried over"]


def test_the_minutes_say_the_same_numbers_in_json_and_markdown(store, session):
    record(session, "intervention", kpi_id(session, "Cart abandonment"))
    record(session, "decision", kpi_id(session, "Cart abandonment"))
    carried = board_of(session).carried_over(session.meeting)[0]
    review(session, carried.id, "dropped")
    stages = (Stage("KPI health", 10, 700), Stage("Flagged", 15, 900))
    end_meeting(session, stages=stages)
    built = minutes.build(store, session.meeting)
    # Discussed: Cart abandonment, and the KPI of the action given its verdict.
    expected = Facts(stages=2, stages_over=1, flagged=8, discussed=2, decisions=1,
                     decisions_owned=1, actions=1, carried=2, settled=1)
    assert built["facts"] == {**{k: getattr(expected, k) for k in expected.__struct_fields__},
                              "left": 6}
    assert (f"- **What it did:** {'; '.join(phrases(expected))}\n"
            in render(built))
    text = render(built)
    assert text.index("**Attendees:**") < text.index("**What it did:**") < text.index("## KPI")


def test_an_ended_meetings_facts_do_not_change_with_later_data(store, session, monkeypatch):
    record(session, "intervention", kpi_id(session, "Cart abandonment"))
    end_meeting(session, stages=(Stage("KPI health", 10, 700),))
    before = minutes.build(store, session.meeting)["facts"]
    # A week on: the next meeting settles what this one carried, and new values clear flags.
    monkeypatch.setenv("CADENCE_TODAY", (TODAY + timedelta(days=7)).isoformat())
    following = meeting_on(store)
    for a in board_of(following).carried_over(following.meeting):
        review(following, a.id, "done")
    following.run(EventKind.MEASUREMENT, kpis.measure, kpi_id(following, "Cart abandonment"),
                  date(2026, 11, 16), 18.0, "", today())
    record(following, "decision", kpi_id(following, "Uptime"))
    assert minutes.build(Store(store.path), session.meeting)["facts"] == before
