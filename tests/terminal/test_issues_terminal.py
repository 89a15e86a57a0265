"""The issues list in a real terminal (tmux), the installed `cadence` driven key by key: issues
raised on two stages (a flagged KPI, an objective) flow to Decisions and one is solved into a
decision there; quit; the next meeting opens with the unsolved ones still listed."""


from core.model import Action, Issue
from tests.helpers import load, write_demo
from tests.terminal.tmux import Terminal




def raise_here(term: Terminal, by: str) -> None:
    term.keys("I")
    term.wait_for("Raise an issue")
    term.keys("Tab")
    term.type(by)
    term.keys("Enter")
    term.wait_for("Issue raised")


def test_issues_flow_from_two_stages_to_a_decision_and_carry_to_the_next_meeting(db):
    write_demo(db)
    term = Terminal.cadence(db, size=(80, 24))
    try:
        term.wait_for("1/5 KPI health")
        term.keys("2")
        term.wait_for("2/5 Flagged")
        raise_here(term, "Sam Chen")                     # on the first flagged KPI
        term.keys("3")
        term.wait_for("3/5 OKR check-ins")
        raise_here(term, "Noor Haddad")                  # on the first key result's objective
        term.keys("4")
        shown = term.wait_for("4 open, top first")
        assert "issue #3" in shown and "issue #4" in shown
        term.keys("j", "j")                              # from #1 to #3: raised on Flagged
        term.keys("S")
        term.wait_for("Solve an issue")
        term.type("Stop and fix it")
        term.keys("Tab")
        term.type("Sam Chen")
        term.keys("Enter")
        term.wait_for("3 open, top first")
        term.quit()
    finally:
        term.close()
    board = load(db)
    solved = next(i for i in board.issues if i.status == "solved" and i.meeting != "m1")
    decision = board.get(solved.actions[0], Action)
    assert decision.text == "Stop and fix it" and decision.issue == solved.id
    assert solved.link == board.flagged[0].kpi.id
    still = [i.title for i in board.open_issues]
    assert len(still) == 3 and still[-1].startswith(board.active[0].objective.title)
    # The next meeting: the unsolved ones are still there, at their ranks.
    term = Terminal.cadence(db, size=(80, 24))
    try:
        term.wait_for("1/5 KPI health")
        term.keys("4")
        shown = term.wait_for("3 open, top first")
        assert "Weekend tickets wait" in shown and "issue #3" in shown
        assert "Stop and fix it" not in shown            # decided in the meeting before
    finally:
        term.close()
    assert load(db).get(solved.id, Issue).status == "solved"
