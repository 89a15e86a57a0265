"""An owner's explanation of a flagged KPI (core/explanations.py, core/commands/explanations.py):
how long each kind stands, at its boundaries — a new value for the same period, a newer period,
a flag it never saw, the next meeting, the flags gone, a later explanation, undo — what is
refused, and what status and the minutes say of it (an ended meeting's minutes unchanged)."""

from datetime import date, timedelta

import jsonschema
import pytest

from core import demo, minutes, status
from core.board import load
from core.clock import today
from core.commands import explanations, kpis
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.minutes_md import render
from core.model import Explanation
from core.session import Session
from core.store import Store
from tests.helpers import (MINUTES_SCHEMA, TODAY, board_of, end_meeting, meeting_on, undo_last)
from tests.hostile import HOSTILE, raw_controls

# TODAY is the Sunday of 2026-W47: W46 (from 2026-11-09) is the newest finished week, and the
# demo's Cart abandonment ends there at 26% (breach, sustained, signal).
NEWEST, RUNNING = "2026-11-09", "2026-11-16"


@pytest.fixture
def store(db, monkeypatch) -> Store:
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    found = Store(db)
    demo.write(found, TODAY)
    return found


@pytest.fixture
def session(store) -> Session:
    return meeting_on(store, facilitator="Noor")


def kpi_id(session: Session, name: str) -> str:
    return next(h.kpi.id for h in board_of(session).kpis if h.kpi.name == name)


def explain(session: Session, name: str, kind: str = "explained", text: str = "holiday effect",
            owner: str = "Priya") -> Explanation:
    return session.run(EventKind.EXPLANATION, explanations.explain, kpi_id(session, name), kind,
                       text, owner, today())


def measure(session: Session, name: str, period: str, value: float) -> None:
    session.run(EventKind.MEASUREMENT, kpis.measure, kpi_id(session, name), period, value, "",
                today())


def mine(session: Session) -> list[Explanation]:
    """The explanations of this meeting (the demo's past meeting has two of its own)."""
    return [e for e in board_of(session).explanations if e.meeting == session.meeting]


def standing(session: Session, name: str):
    return board_of(session).explanation(kpi_id(session, name))


def test_an_explanation_keeps_the_flags_and_the_value_it_saw(session):
    found = explain(session, "Cart abandonment", text="  holiday effect  ")
    assert (found.kind, found.text, found.owner, found.meeting) == (
        "explained", "holiday effect", "Priya", session.meeting)
    assert found.flags == ("breach", "sustained", "signal")
    assert (found.period, found.value) == (date.fromisoformat(NEWEST), 26.0)
    shown = standing(session, "Cart abandonment")
    assert shown.dims and shown.line == "explained: holiday effect"
    # The flags stay in the data: only how they are shown changes.
    health = board_of(session).find_kpi("Cart abandonment")
    assert health.flag_names == ["breach", "sustained", "signal"]


def test_explained_ends_when_the_same_periods_value_is_replaced(session):
    explain(session, "Cart abandonment")
    measure(session, "Cart abandonment", NEWEST, 26.0)       # the same number typed again
    assert standing(session, "Cart abandonment") is not None
    measure(session, "Cart abandonment", NEWEST, 25.9)
    flags = board_of(session).find_kpi("Cart abandonment").flag_names
    assert flags == ["breach", "sustained", "signal"]        # the flags it explained, still
    assert standing(session, "Cart abandonment") is None


def test_explained_ends_when_a_newer_period_arrives(session):
    explain(session, "Cart abandonment")
    measure(session, "Cart abandonment", RUNNING, 26.0)      # even at the same value
    assert board_of(session).find_kpi("Cart abandonment").flag_names == [
        "breach", "sustained", "signal"]
    assert standing(session, "Cart abandonment") is None


def test_explained_ends_when_a_flag_it_never_saw_appears(store, session):
    explain(session, "Customer churn", owner="Ana")          # monthly: 2026-10 is its newest
    board = board_of(session)
    assert board.explanation(kpi_id(session, "Customer churn")).explanation.flags == (
        "sustained", "relapse")                               # relapse too, as the board has it
    assert board.explanation(kpi_id(session, "Customer churn")) is not None
    later = load(store, date(2026, 12, 5))                   # 2026-11 has ended without a value
    churn = later.find_kpi("Customer churn")
    assert "stale" in churn.flag_names
    assert later.explanation(churn.kpi.id) is None


def test_investigating_survives_new_values_and_the_next_meeting(store, session):
    explain(session, "Cart abandonment", kind="investigating", text="", owner="Lena")
    measure(session, "Cart abandonment", NEWEST, 27.0)
    measure(session, "Cart abandonment", RUNNING, 28.0)
    end_meeting(session)
    following = meeting_on(store)
    shown = standing(following, "Cart abandonment")
    assert shown is not None and not shown.dims
    assert shown.line == f"investigating since {TODAY} (Lena)"


def test_investigating_ends_when_the_flags_go(session):
    explain(session, "Cart abandonment", kind="investigating", text="checkout bug")
    # Two green values inside its limits: one alone would leave 3 of the latest 4 beyond the
    # half-way line (signal's third rule), and the flags would stand.
    measure(session, "Cart abandonment", NEWEST, 18.0)
    measure(session, "Cart abandonment", RUNNING, 18.0)
    assert board_of(session).find_kpi("Cart abandonment").flags == ()
    assert standing(session, "Cart abandonment") is None


def test_a_later_explanation_replaces_the_earlier_even_once_it_lapses(session):
    explain(session, "Cart abandonment", kind="investigating", text="checkout bug")
    explain(session, "Cart abandonment", text="found it: a holiday")
    assert standing(session, "Cart abandonment").line == "explained: found it: a holiday"
    measure(session, "Cart abandonment", RUNNING, 27.0)
    assert standing(session, "Cart abandonment") is None     # the investigation is not back


def test_undo_takes_the_explanation_back(session):
    explain(session, "Cart abandonment")
    event = undo_last(session)
    assert event.kind == EventKind.EXPLANATION
    assert mine(session) == []
    assert standing(session, "Cart abandonment") is None


def test_an_unflagged_kpi_has_nothing_to_explain(session):
    with pytest.raises(CadenceError, match="Uptime has no flag: nothing to explain"):
        explain(session, "Uptime")
    assert mine(session) == []


@pytest.mark.parametrize("kind, text, owner, field", [
    ("explained", "  ", "Priya", "text"),              # explained: say what explains it
    ("explained", "x", " ", "owner"),
    ("explained", "x", "Pri\x1bya", "owner"),          # a name is plain text
    ("excused", "x", "Priya", "kind"),
])
def test_what_is_refused_names_its_field(session, kind, text, owner, field):
    with pytest.raises(ValidationError) as refused:
        explain(session, "Cart abandonment", kind, text, owner)
    assert refused.value.field == field
    assert mine(session) == []


def test_investigating_may_say_no_more_than_that(session):
    assert explain(session, "Cart abandonment", "investigating", "").text == ""


def test_hostile_text_is_kept_as_data_and_shown_inert(store, session):
    explain(session, "Cart abandonment", text=HOSTILE)
    board = board_of(session)
    shown = board.explanation(kpi_id(session, "Cart abandonment"))
    assert shown.explanation.text == HOSTILE
    found = status.as_json(board)
    kpi = next(k for k in found["kpis"] if k["name"] == "Cart abandonment")
    assert kpi["explanation"]["text"] == HOSTILE                 # JSON escapes it on output
    for shown in (status.as_text(board), render(minutes.build(store))):
        assert not raw_controls(shown)
        assert not [line for line in shown.splitlines() if line.startswith("FORGED")]
        assert "explained" in shown


def test_status_json_adds_the_explanation_and_keeps_the_flags(session):
    explain(session, "Cart abandonment")
    explain(session, "Defect rate per release", "investigating", "migration", "Sam")
    found = {k["name"]: k for k in status.as_json(board_of(session))["kpis"]}
    cart = found["Cart abandonment"]
    assert cart["flags"] == ["breach", "sustained", "signal"]
    assert cart["explanation"] == {
        "id": cart["explanation"]["id"], "kind": "explained", "text": "holiday effect",
        "owner": "Priya", "since": TODAY.isoformat(), "meeting": session.meeting,
        "flags": ["breach", "sustained", "signal"], "period": NEWEST, "value": 26.0,
        "dimmed": True, "line": "explained: holiday effect"}
    assert found["Defect rate per release"]["explanation"]["dimmed"] is False
    assert found["Uptime"]["explanation"] is None


def test_the_minutes_carry_it_in_the_flagged_kpis_entry(store, session):
    explain(session, "Cart abandonment")
    explain(session, "First response time", "investigating", "", "Lena")
    built = minutes.build(store, session.meeting)
    jsonschema.validate(built, MINUTES_SCHEMA)
    flagged = {k["name"]: k for k in built["flagged"]}
    assert flagged["Cart abandonment"]["explanation"]["line"] == "explained: holiday effect"
    assert flagged["CSAT"]["explanation"] is None
    text = render(built)
    assert f"- **explained** by Priya on {TODAY}: holiday effect" in text
    assert f"- **investigating** since {TODAY} (Lena)\n" in text


def test_an_ended_meetings_minutes_keep_the_explanation_it_saw(store, session, monkeypatch):
    explain(session, "Cart abandonment")
    end_meeting(session)
    before = render(minutes.build(store, session.meeting))
    # A week on, a new value ends the explanation; the meeting's record stays as it was.
    monkeypatch.setenv("CADENCE_TODAY", (TODAY + timedelta(days=7)).isoformat())
    with store.transaction(EventKind.IMPORT, "later") as tx:
        kpis.measure(tx, kpi_id(session, "Cart abandonment"), RUNNING, 19.0, "", today())
    assert load(store, today()).explanation(kpi_id(session, "Cart abandonment")) is None
    after = render(minutes.build(Store(store.path), session.meeting))
    assert after == before
    assert "- **explained** by Priya" in after
