"""The stage registry: the one place a stage's id, title, order and default timebox live."""

import msgspec
import pytest

from core import minutes, stages
from core.errors import CadenceError
from core.meeting import MeetingClock
from core.model import DEFAULT_STAGES, Meeting, Stage, planned_stages
from core.store import Store
from tests.helpers import end_meeting, meeting_on

# The contract's agenda (contract.md: keys 1..5), with the product's timeboxes.
WEEKLY = [("health", "KPI health", 10), ("flagged", "Flagged", 15),
          ("okrs", "OKR check-ins", 20), ("decisions", "Decisions", 10),
          ("wrapup", "Wrap-up", 5)]


def test_the_weekly_agenda_is_the_registrys_first_five_in_order():
    assert [(t.id, t.title, t.timebox_min) for t in stages.REGISTRY[:5]] == WEEKLY
    assert tuple(i for i, _, _ in WEEKLY) == stages.WEEKLY


def test_a_new_meeting_carries_the_agendas_stages_with_their_ids():
    assert planned_stages(stages.WEEKLY) == DEFAULT_STAGES
    assert [(s.id, s.name, s.timebox_min, s.spent_s) for s in DEFAULT_STAGES] == \
        [(i, title, box, 0.0) for i, title, box in WEEKLY]
    assert planned_stages(("okrs", "wrapup")) == (Stage("OKR check-ins", 20, id="okrs"),
                                                 Stage("Wrap-up", 5, id="wrapup"))


def test_an_agenda_naming_no_stage_of_the_registry_is_refused():
    with pytest.raises(CadenceError, match="agenda: no stage 'retro' \\(stages: health, "):
        planned_stages(("health", "retro"))


def test_a_stage_is_known_by_its_id_or_else_by_its_title():
    assert Stage("Renamed", 10, id="flagged").kind == stages.find("flagged")
    assert Stage("Flagged", 15).kind == stages.find("flagged")           # an older store
    assert Stage("flagged", 15).kind is None                             # titles are exact
    assert Stage("Retro", 5).kind is None and Stage("Retro", 5).name == "Retro"
    assert Stage("Retro", 5, id="retro").kind is None                    # an id we do not know


def test_a_meeting_stored_before_stages_had_ids_reads_them_by_title(db):
    """A meeting document of an older store: stages without ids, one renamed by hand."""
    doc = {"title": "Old review", "day": "2026-11-16", "started_at": "2026-11-16T09:00:00+00:00",
           "stages": [{"name": "KPI health", "timebox_min": 10, "spent_s": 600.0},
                      {"name": "Our own stage", "timebox_min": 7}]}
    meeting = Meeting.from_doc(1, doc)
    assert [s.kind and s.kind.id for s in meeting.stages] == ["health", None]
    assert [s.id for s in meeting.stages] == ["", ""]                     # read as stored


def test_the_clock_keeps_each_stages_id_through_switch_skip_and_time():
    now = [0.0]
    clock = MeetingClock(now=lambda: now[0])
    now[0] = 90.0
    clock.skip(2)
    clock.switch(2)                           # back to a skipped stage un-skips it
    now[0] = 150.0
    assert [s.id for s in clock.snapshot()] == list(stages.WEEKLY)
    assert clock.snapshot()[0].spent_s == 90.0 and clock.snapshot()[2].spent_s == 60.0


def test_a_new_meetings_stages_are_stored_with_ids_and_the_minutes_keep_their_shape(demo_db):
    session = meeting_on(demo_db)
    end_meeting(session, stages=DEFAULT_STAGES)
    stored = msgspec.json.decode(demo_db.read_bytes())["meetings"][session.meeting[1:]]
    assert [s["id"] for s in stored["stages"]] == list(stages.WEEKLY)
    shown = minutes.build(Store(demo_db), session.meeting)["stages"]
    assert [set(s) for s in shown] == [{"name", "timebox_min", "spent_min", "skipped",
                                        "state"}] * 5                   # contract: no id here
