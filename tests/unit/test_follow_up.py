"""Open actions from earlier meetings, as the meeting's first screen tells them: which are
still to settle, which are overdue (an open action or intervention past its due day)."""

from datetime import timedelta

import pytest

from core.board import FollowUp
from core.commands import actions, documents
from core.events import EventKind
from core.model import Action
from core.store import Store
from tests.helpers import TODAY, board_of, load, meeting_on, review


def record_elsewhere(db, kind: str, text: str, due_in_days: int | None,
                     status: str = "open") -> Action:
    """An action of no meeting of this test (an earlier one, or the CLI's)."""
    due = None if due_in_days is None else TODAY + timedelta(days=due_in_days)
    with Store(db).transaction(kind) as tx:
        found = actions.record(tx, kind, text, "Ann", due, None, TODAY - timedelta(days=9))
        if status != "open":
            found = documents.evolve(tx, Action, found.id, status=status)
    return found


@pytest.mark.parametrize("kind, due_in_days, status, overdue", [
    ("action", -1, "open", True),                 # due yesterday, still open
    ("intervention", -30, "open", True),
    ("action", 0, "open", False),                 # due today: not yet overdue
    ("action", 3, "open", False),
    ("action", None, "open", False),              # no due day: never overdue
    ("action", -1, "done", False),
    ("action", -1, "dropped", False),
    ("decision", -1, "open", False),              # a decision is taken, not done
])
def test_an_open_action_past_its_due_day_is_overdue(db, kind, due_in_days, status, overdue):
    found = record_elsewhere(db, kind, "Call the bank", due_in_days, status)
    assert load(db).is_overdue(found) is overdue


def test_the_follow_up_counts_what_is_left_to_settle_and_never_counts_twice(demo_db):
    """The demo: the staffing plan was due two days ago, the checkout test is due in a week."""
    session = meeting_on(demo_db)
    assert board_of(session).follow_up(session.meeting) == _follow_up(2, 1, 0)
    record_elsewhere(demo_db, "action", "Renew the lease", 0)
    record_elsewhere(demo_db, "decision", "Move offices", -5)      # decisions are not settled
    record_elsewhere(demo_db, "action", "Sign the lease", -5, "done")
    assert board_of(session).follow_up(session.meeting) == _follow_up(3, 1, 1)
    staffing = next(a for a in board_of(session).actions if a.text.startswith("Draft a staff"))
    review(session, staffing.id, "open")             # "still open" is settled in this meeting
    assert board_of(session).follow_up(session.meeting) == _follow_up(2, 0, 1)


def test_actions_of_this_meeting_are_not_followed_up_in_it(demo_db):
    session = meeting_on(demo_db)
    session.run(EventKind.DECISION, actions.record, "action", "Write the memo", "Ann",
                TODAY - timedelta(days=1), None, TODAY)
    board = board_of(session)
    mine = board.actions[0]
    assert board.is_overdue(mine)                    # overdue all the same, where it shows
    assert board.follow_up(session.meeting) == _follow_up(2, 1, 0)


def _follow_up(waiting: int, overdue: int, due_today: int) -> FollowUp:
    return FollowUp(open=waiting, overdue=overdue, due_today=due_today)
