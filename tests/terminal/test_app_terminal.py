"""The installed `cadence`, in a real terminal (tmux): a meeting run key by key, fast typing
that arrives in one burst (as over SSH), and followers in step with the facilitator."""

import time
from contextlib import contextmanager

from core.model import CheckIn
from core.store import Store
from tests.helpers import load, write_demo
from tests.terminal.tmux import Terminal


@contextmanager
def demo_meeting(db):
    """The demo's meeting in a real terminal, on its first stage; closed afterwards."""
    write_demo(db)
    term = Terminal.cadence(db)
    try:
        term.wait_for("1/5 KPI health")
        yield term
    finally:
        term.close()


def test_record_an_intervention_in_a_real_terminal(db):
    with demo_meeting(db) as term:
        term.keys("2")
        term.wait_for("2/5 Flagged")
        term.keys("i")
        term.wait_for("Record an intervention")
        term.type("Pair on the checkout fix")
        term.keys("Tab")
        term.type("Priya Nair")
        term.keys("Enter")
        term.wait_for("▸ Pair on the checkout fix")
        term.quit()
    action = load(db).actions[0]
    assert (action.kind, action.text, action.owner) == ("intervention", "Pair on the checkout fix",
                                                         "Priya Nair")
    meeting = max(load(db).meetings, key=lambda m: m.key)
    assert action.meeting == meeting.id and meeting.ended_at is not None
    assert Store(db).events()[-1].kind == "meeting.update"


def test_a_form_takes_text_tab_and_enter_arriving_in_one_burst(db):
    """Over SSH, fast typing can arrive as one read: the tab must still move to the next field,
    and a key typed after enter must reach the meeting, not the field saved."""
    with demo_meeting(db) as term:
        before = len(load(db).actions)
        term.keys("d")
        term.wait_for("Record a decision or action")
        term.burst("Keep the freeze", "Tab", "Sam", "Enter", "2")
        term.wait_for("2/5 Flagged")
    decision = load(db).actions[0]
    assert (decision.text, decision.owner) == ("Keep the freeze", "Sam")
    assert len(load(db).actions) == before + 1


def test_a_kpi_linked_check_in_opens_on_its_note_and_keeps_what_was_typed(db):
    """A key result linked to a KPI has no value field: its check-in opens on the note, and
    `c` with the note and enter in one burst saves the note, leaving the confidence as it
    was (typed into the choice, the words used to change the confidence and save no note)."""
    with demo_meeting(db) as term:
        term.keys("3")
        term.wait_for("3/5 OKR check-ins")
        term.burst("c", "Beta shipped", "Enter")
        term.wait_for("Checked in CSAT.")
    checkin = Store(db).records(CheckIn)[-1]
    assert (checkin.kr, checkin.note, checkin.confidence) == ("kr1", "Beta shipped", "at_risk")


def test_keys_a_choice_does_not_take_go_nowhere(db):
    """Tab to the confidence, `right`, then digits by habit and enter, in one burst: the
    choice moved by the arrow only, the digits reached neither the note nor the meeting."""
    with demo_meeting(db) as term:
        term.keys("3")
        term.wait_for("3/5 OKR check-ins")
        term.keys("c")
        term.wait_for("Its value comes from its KPI.")
        term.burst("Beta shipped", "Tab", "Right", "42", "Enter")
        term.wait_for("Checked in CSAT.")
        time.sleep(0.5)                       # time for a stray key to do harm
        assert "3/5 OKR check-ins" in term.screen()
    checkin = Store(db).records(CheckIn)[-1]
    assert (checkin.note, checkin.confidence) == ("Beta shipped", "off_track")


def test_keys_typed_while_a_form_opens_land_in_it_in_order(db):
    """`E`, five tabs, ctrl+u, a number and enter in one burst: the KPI form opens on its
    name, the tabs reach its threshold, ctrl+u clears it before the number is typed."""
    with demo_meeting(db) as term:
        term.burst("E", *["Tab"] * 5, "C-u", "400000", "Enter")
        term.wait_for("Monthly recurring revenue saved.")
    mrr = load(db).find_kpi("Monthly recurring revenue").kpi
    assert (mrr.threshold, mrr.owner, mrr.target) == (400000, "Dana Okafor", 500000)


def test_keys_typed_after_enter_go_to_the_next_form(db):
    """The scorecard opens the next KPI's form as enter saves one: `M` and
    "95<enter>80<enter>" in one burst record both values, each in its own KPI."""
    with demo_meeting(db) as term:
        term.burst("M", "95", "Enter", "80", "Enter")
        term.wait_for("Scorecard: 2 values recorded, 0 still missing.")
        time.sleep(0.5)                       # time for a stray key to do harm
        assert "1/5 KPI health" in term.screen()
    assert load(db).find_kpi("Net revenue retention").latest == 95
    assert load(db).find_kpi("CSAT").latest == 80


def test_one_facilitator_and_two_followers_stay_in_step(db):
    write_demo(db)
    lead = Terminal.cadence(db, "--facilitator", "Noor")
    terms = [lead]
    try:
        lead.wait_for("1/5 KPI health")
        followers = [Terminal.cadence(db, "follow", size=(80, 24)),
                     Terminal.cadence(db)]                       # a second `cadence`
        terms += followers
        for term in followers:
            term.wait_for("following Noor")
        for stage, name in ((2, "2/5 Flagged"), (3, "3/5 OKR check-ins"), (5, "5/5 Wrap-up")):
            lead.keys(str(stage))
            for term in followers:
                term.wait_for(name, timeout=10)
        before = db.read_bytes()
        for term in followers:
            term.keys("d", "u", "e")
        lead.wait_for("5/5 Wrap-up")
        assert db.read_bytes() == before
        lead.keys("q")
        lead.wait_for("End the meeting and quit?")
        lead.keys("y")
        for term in followers:
            term.wait_for("waiting for a facilitator", timeout=40)
    finally:
        for term in terms:
            term.close()
