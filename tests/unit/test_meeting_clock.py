import pytest

from core.inputs import parse_due, parse_number
from core.errors import ValidationError
from core.meeting import MeetingClock, clock_text, timebox_state
from tests.helpers import TODAY


class FakeTime:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_time_is_booked_to_the_current_stage_and_pausing_stops_both_clocks():
    now = FakeTime()
    clock = MeetingClock(now=now)
    now.t += 90
    clock.switch(1)
    now.t += 30
    assert clock.toggle_pause() is True
    now.t += 600                                 # paused: nothing counts
    clock.toggle_pause()
    now.t += 10
    assert clock.stage_s(0) == 90 and clock.stage_s(1) == 40
    assert clock.meeting_s() == 130


def test_timebox_state_turns_amber_when_over_and_red_when_half_over():
    assert timebox_state(600, 10) == "ok"
    assert timebox_state(601, 10) == "amber"
    assert timebox_state(900, 10) == "amber"
    assert timebox_state(901, 10) == "red"


def test_a_skipped_stage_is_unskipped_when_visited():
    clock = MeetingClock(now=FakeTime())
    clock.skip(2)
    assert clock.snapshot()[2].skipped
    clock.switch(2)
    assert not clock.snapshot()[2].skipped


def test_clock_text():
    assert clock_text(75) == "01:15" and clock_text(3725) == "1:02:05"


@pytest.mark.parametrize("text, expected", [
    ("", None), ("2026-12-01", "2026-12-01"), ("+3d", "2026-11-25"), ("+2w", "2026-12-06"),
    ("fri", "2026-11-27"), ("Friday", "2026-11-27"), ("sun", "2026-11-22"),
    ("mon", "2026-11-23"), ("tomorrow", "2026-11-23"), ("today", "2026-11-22")])
def test_due_dates_as_people_type_them(text, expected):
    found = parse_due(text, TODAY)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize("text", ["next week", "fr", "+3x", "2026-13-01", "+d"])
def test_bad_due_dates_name_the_field(text):
    with pytest.raises(ValidationError) as err:
        parse_due(text, TODAY)
    assert err.value.field == "due"


@pytest.mark.parametrize("text, expected", [
    ("26", 26.0), (" 26.5 ", 26.5), ("1,250,000", 1250000.0), ("-3", -3.0), ("1e3", 1000.0)])
def test_numbers_as_people_type_them(text, expected):
    assert parse_number(text, "value") == expected


@pytest.mark.parametrize("text, message", [
    ("", "must not be empty"), ("abc", "is not a number"), ("inf", "not a finite number"),
    ("1,2.3,4", "is not a number"), ("26,5", "is not a number")])
def test_bad_numbers_name_the_field(text, message):
    with pytest.raises(ValidationError, match=message) as err:
        parse_number(text, "value")
    assert err.value.field == "value"


def test_a_resumed_clock_goes_on_from_the_published_state():
    from core.model import Stage
    now = FakeTime()
    stages = (Stage("KPI health", 10, 300), Stage("Flagged", 15, 60))
    clock = MeetingClock.resume(stages, current=1, paused=False, meeting_s=360, age_s=2, now=now)
    assert clock.stage_s(1) == 62 and clock.meeting_s() == 362
    now.t += 10
    assert clock.stage_s(1) == 72 and clock.stage_s(0) == 300
    paused = MeetingClock.resume(stages, current=1, paused=True, meeting_s=360, age_s=2, now=now)
    now.t += 10
    assert paused.stage_s(1) == 60 and paused.meeting_s() == 360
