from datetime import date

import pytest

from core.errors import ValidationError
from core.model import Action, Event, Change, Meeting, Stage, make_id, split_id
from tests.helpers import kpi


def test_kpi_threshold_on_the_wrong_side_names_kpi_and_field():
    with pytest.raises(ValidationError) as err:
        kpi(direction="lower", target=20, threshold=15)
    assert str(err.value) == ("KPI 'Cart abandonment': threshold: 15 must be >= target 20 "
                              "when lower is better")
    with pytest.raises(ValidationError) as err:
        kpi(direction="higher", target=3, threshold=3.5)
    assert err.value.field == "threshold" and "higher is better" in str(err.value)


@pytest.mark.parametrize("field, value", [
    ("direction", "up"), ("cadence", "hourly"), ("name", "  "), ("target", float("nan")),
    ("sustain", 0), ("sustain", True), ("baseline", float("inf"))])
def test_kpi_fields_are_validated(field, value):
    with pytest.raises(ValidationError) as err:
        kpi(**{field: value})
    assert err.value.field == field


def test_values_are_immutable_and_round_trip_through_documents():
    original = Meeting(id="m3", title="Operating review", day=date(2026, 11, 22),
                       started_at="2026-11-22T09:00:00+00:00", attendees=("Ann", "Bo"),
                       stages=(Stage("KPI health", 10, 61.5),), ratings={"Ann": 8})
    doc = original.to_doc()
    assert "id" not in doc and doc["day"] == "2026-11-22" and doc["attendees"] == ["Ann", "Bo"]
    assert Meeting.from_doc(3, doc) == original
    with pytest.raises(AttributeError):
        original.title = "x"


def test_event_changes_round_trip():
    event = Event(id="e1", at="t", kind="checkin", summary="s",
                  changes=(Change("kpis", 1, None, {"name": "x"}),))
    assert Event.from_doc(1, event.to_doc()) == event


def test_action_needs_text_and_owner_and_known_kind():
    common = dict(id="a1", meeting="m1", created=date(2026, 11, 22))
    with pytest.raises(ValidationError) as err:
        Action(kind="action", text="Fix checkout", owner=" ", **common)
    assert err.value.field == "owner"
    with pytest.raises(ValidationError):
        Action(kind="memo", text="x", owner="y", **common)


def test_meeting_ratings_are_one_to_ten():
    with pytest.raises(ValidationError) as err:
        Meeting(id="m1", title="t", day=date(2026, 1, 1), started_at="t", ratings={"Ann": 11})
    assert err.value.field == "rating"


def test_ids_carry_their_table():
    assert make_id("key_results", 12) == "kr12"
    assert split_id("kr12") == ("key_results", 12)
    assert split_id("K3") == ("kpis", 3)
    assert split_id("Cart abandonment") is None
    assert split_id("k") is None
