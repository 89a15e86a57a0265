"""People (core/people.py, core/commands/people.py): the roster, what each owns, the to-do
completion rate at its boundaries, and a merge of two names that rewrites every reference in
one undoable change."""

from datetime import date, timedelta

import pytest

from core import people
from core.commands import actions, issues, kpis, okrs, people as merging
from core.errors import CadenceError
from core.events import EventKind
from core.model import Action, Meeting
from tests.helpers import TODAY, board_of, load, meeting_on, review, undo_last

DAY = date(2026, 11, 20)


def action(ident="a1", kind="action", due=DAY, status="open", done_on=None):
    return Action(id=ident, kind=kind, text="t", owner="Ann", meeting=None, created=DAY,
                  due=due, status=status, done_on=done_on)


# --- the to-do completion rate -----------------------------------------------------------------

@pytest.mark.parametrize("found, due, on_time", [
    (action(status="done", done_on=DAY), 1, 1),                        # on its due day: counts
    (action(status="done", done_on=DAY + timedelta(days=1)), 1, 0),    # a day late: does not
    (action(status="done", done_on=DAY - timedelta(days=3)), 1, 1),    # early
    (action(status="open"), 1, 0),                                      # due, not done
    (action(due=None, status="done", done_on=DAY), 0, 0),              # no due day: left out
    (action(status="dropped"), 0, 0),                                   # dropped: left out
    (action(kind="decision", status="done", done_on=DAY), 0, 0),       # decisions are taken
    (action(kind="intervention", status="done", done_on=DAY), 1, 1),
    (action(due=DAY + timedelta(days=1)), 0, 0),                        # not due yet
    (action(status="done", done_on=None), 1, 0),                        # done, day unknown
])
def test_the_completion_rate_at_its_boundaries(found, due, on_time):
    done = {found.id: found.done_on} if found.done_on else {}
    assert people.completion([found], DAY, done) == people.Completion(due, on_time)


def test_a_meeting_counts_what_fell_due_since_the_meeting_before():
    before, on_day = action("a1", due=DAY - timedelta(days=7)), action("a2", due=DAY)
    rate = people.completion([before, on_day], DAY, {}, after=DAY - timedelta(days=7))
    assert rate == people.Completion(1, 0) and rate.phrase() == "0 of 1 done on time (0%)"
    assert people.Completion(0, 0).rate is None and \
        people.Completion(0, 0).phrase() == "nothing due yet"


def test_the_day_an_action_was_done_is_its_verdicts_meeting_day(demo_db):
    session = meeting_on(demo_db, facilitator="Noor Haddad")
    lena = next(a for a in board_of(session).actions if a.text.startswith("Draft a staffing"))
    done = review(session, lena.id, "done")
    assert done.done_on == TODAY                      # due two days ago: late
    board = board_of(session)
    assert people.done_days(board)[lena.id] == TODAY
    assert not people.on_time(done, TODAY)
    undo_last(session)
    assert board_of(session).get(lena.id, Action).done_on is None


def test_an_action_done_before_cadence_kept_the_day_is_dated_by_its_verdict_or_event(demo_db):
    board = load(demo_db)
    undated = [a.evolve(done_on=None) for a in board.actions]
    meeting = board.meetings[0].evolve(verdicts={undated[3].id: "done"})
    found = board.__class__(board.today, board.kpis, board.objectives, tuple(undated),
                            (meeting,), board.issues)
    from core.store import Store
    days = people.done_days(found, Store(demo_db))
    assert days[undated[3].id] == meeting.day             # its verdict's meeting
    assert undated[4].id in days                           # the event that wrote it done
    assert undated[4].id not in people.done_days(found)    # only with the store's events


def test_the_demo_roster_says_what_each_person_owns_and_their_follow_through(demo_db):
    board = load(demo_db)
    roster = {p.name: p for p in people.roster(board)}
    assert "Lena Fischer" in roster and "Noor Haddad" in roster
    lena, marco = roster["Lena Fischer"], roster["Marco Rossi"]
    # Lena: her rota done a week late, her staffing plan still open two days past due.
    assert lena.follow_through == people.Completion(2, 0)
    assert marco.follow_through == people.Completion(2, 2)
    assert [a.text for a in lena.open_actions] == \
        ["Draft a staffing plan for a second support shift"]
    assert [i.title for i in lena.issues] == ["Weekend tickets wait until Monday"]
    assert [h.kpi.owner for h in lena.kpis] == ["Lena Fischer"] * len(lena.kpis)
    owned = roster[board.active[0].objective.owner]
    assert board.active[0].krs[0] in owned.key_results
    assert people.find(board, "  lena   FISCHER") == "Lena Fischer"
    assert people.find(board, "Nobody") is None


# --- merging two names ---------------------------------------------------------------------------

def references(board, name):
    """Every place a name is kept, counted."""
    count = sum(h.kpi.owner == name for h in board.kpis)
    count += sum(v.objective.owner == name for v in board.objectives)
    count += sum(a.owner == name for a in board.actions)
    count += sum(i.raised_by == name for i in board.issues)
    for m in board.meetings:
        count += m.attendees.count(name) + (m.facilitator == name) + (name in m.ratings)
    return count


def test_a_merge_rewrites_every_reference_in_one_change_and_undoes(demo_db):
    session = meeting_on(demo_db, attendees=("Lena", "Noor Haddad", "Lena Fischer"),
                         facilitator="lena")
    session.run(EventKind.ACTION, actions.record, "action", "Call the agency", "LENA", None,
                None, TODAY)
    session.run(EventKind.ISSUE_RAISE, issues.raise_issue, "Rota gaps", "Lena", None, TODAY)
    session.run(EventKind.MEETING_UPDATE, lambda tx: merging_rating(tx))
    first = board_of(session)
    session.run(EventKind.KPI_UPDATE, kpis.update, first.kpis[0].kpi.id, owner="Lena")
    session.run(EventKind.OBJECTIVE_UPDATE, okrs.update, first.objectives[-1].objective.id,
                owner="lena")
    before = board_of(session)
    assert references(before, "Lena Fischer") > 0
    changed = session.run(EventKind.PEOPLE_MERGE, merging.merge, " lena ", "Lena Fischer")
    after = board_of(session)
    assert changed == 5         # a KPI, an objective, an action, an issue, a meeting
    for name in ("Lena", "LENA", "lena"):
        assert references(after, name) == 0
    mine = after.get(session.meeting, Meeting)
    assert mine.attendees == ("Lena Fischer", "Noor Haddad") and \
        mine.facilitator == "Lena Fischer" and mine.ratings == {"Lena Fischer": 7}
    assert after.people.count("Lena Fischer") == 1 and "Lena" not in after.people
    events = session.store.events()
    assert events[-1].kind == EventKind.PEOPLE_MERGE     # one event for every rewrite
    undo_last(session)
    undone = board_of(session)
    for name in ("Lena", "LENA", "lena", "Lena Fischer"):
        assert references(undone, name) == references(before, name)
    assert undone.get(session.meeting, Meeting) == before.get(session.meeting, Meeting)


def merging_rating(tx):
    from core.commands import meetings
    return meetings.update(tx, tx.meeting, ratings={"Lena": 7})


def test_a_merge_refuses_nobody_the_same_name_and_a_control_character(demo_db):
    session = meeting_on(demo_db)
    before = demo_db.read_bytes()
    for source, into, message in (("Nobody Here", "Lena Fischer", "nobody named"),
                                  ("lena fischer", "Lena  Fischer", "one name already"),
                                  ("Lena Fischer", "", "into: must not be empty"),
                                  ("Lena Fischer", "Le\u202ena", "control character")):
        with pytest.raises(CadenceError, match=message):
            session.run(EventKind.PEOPLE_MERGE, merging.merge, source, into)
    assert demo_db.read_bytes() == before
