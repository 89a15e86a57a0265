"""Agenda templates (core/agendas.py): the built-ins, a team's own saved in the store and
validated, a meeting planned from one and its minutes naming it."""

import msgspec
import pytest

from core import agendas, minutes, stages
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.minutes_md import render
from core.model import Agenda, AgendaStage
from core.store import Store
from tests.helpers import MINUTES_SCHEMA, end_meeting, session_on


def save(db, name: str, ids, boxes=None) -> Agenda:
    with Store(db).transaction(EventKind.AGENDA_SAVE) as tx:
        return agendas.add(tx, name, ids, boxes)


def test_the_weekly_is_the_contracts_five_stages_exactly():
    weekly = agendas.weekly()
    assert weekly.stages == (("health", 10), ("flagged", 15), ("okrs", 20), ("decisions", 10),
                             ("wrapup", 5))
    assert [(s.id, s.name) for s in weekly.planned()] == [
        ("health", "KPI health"), ("flagged", "Flagged"), ("okrs", "OKR check-ins"),
        ("decisions", "Decisions"), ("wrapup", "Wrap-up")]
    assert tuple(i for i, _ in weekly.stages) == stages.WEEKLY


def test_the_monthly_adds_a_deep_dive_and_the_quarterly_turns_the_cycle():
    by_name = {t.name: [i for i, _ in t.stages] for t in agendas.BUILTIN}
    assert by_name["monthly"] == ["health", "flagged", "okrs", "deepdive", "decisions", "wrapup"]
    assert by_name["quarterly"] == ["health", "scoring", "close", "drafting", "decisions",
                                    "wrapup"]
    assert [t.builtin for t in agendas.BUILTIN] == [True] * 3


def test_a_teams_agenda_is_saved_with_its_order_and_timeboxes(db):
    saved = save(db, " Leadership sync ", ["okrs", "health", "decisions"], {"okrs": 30})
    assert saved.name == "Leadership sync"
    assert saved.stages == (AgendaStage("okrs", 30), AgendaStage("health", 10),
                            AgendaStage("decisions", 10))
    store = Store(db)
    assert [t.name for t in agendas.every(store)] == ["weekly", "monthly", "quarterly",
                                                      "Leadership sync"]
    found = agendas.find(store, "leadership  SYNC")                  # as people read it
    assert [(s.id, s.name, s.timebox_min) for s in found.planned()] == [
        ("okrs", "OKR check-ins", 30), ("health", "KPI health", 10),
        ("decisions", "Decisions", 10)]
    assert store.events()[-1].summary == "agenda 'Leadership sync' saved"


@pytest.mark.parametrize(("name", "ids", "boxes", "error"), [
    ("x", ["health", "retro"], {}, "agenda 'x': stages: no stage 'retro' (stages: health, "),
    ("x", [], {}, "agenda 'x': stages: names no stage"),
    ("x", ["okrs", "okrs"], {}, "agenda 'x': stages: 'okrs' is named twice"),
    ("x", ["okrs"], {"okrs": 0}, "timebox: okrs=0 is not a whole number of minutes from 1 "
                                 "to 240"),
    ("x", ["okrs"], {"okrs": 241}, "okrs=241 is not a whole number"),
    ("x", ["okrs"], {"health": 5}, "timebox: 'health' is not one of its stages (okrs)"),
    ("x", [t.id for t in stages.REGISTRY] + ["okrs"], {},
     "stages: 10 stages; an agenda has at most 9"),
    ("", ["okrs"], {}, "agenda: name: must not be empty"),
    ("Weekly", ["okrs"], {}, "name: 'Weekly' is a built-in agenda (weekly)"),
    ("a\x1b[31m", ["okrs"], {}, "name: holds the control character U+001B"),
    ("n" * 61, ["okrs"], {}, "name: is 61 characters; at most 60"),
])
def test_a_bad_agenda_is_refused_in_one_line_and_nothing_is_written(db, name, ids, boxes,
                                                                    error):
    Store(db)
    with pytest.raises(CadenceError) as caught:
        save(db, name, ids, boxes)
    assert error in str(caught.value) and "\n" not in str(caught.value)
    assert not db.exists() or Store(db).records(Agenda) == []


def test_a_duplicate_name_is_refused_as_people_read_it(db):
    save(db, "Board prep", ["health"])
    with pytest.raises(ValidationError, match="'board  PREP' is already an agenda "
                                              "\\(Board prep\\)"):
        save(db, "board  PREP", ["okrs"])


@pytest.mark.parametrize(("given", "error"), [
    (["okrs=30", "health=5"], None),
    (["okrs"], "'okrs' is not STAGE=MINUTES"),
    (["=30"], "'=30' is not STAGE=MINUTES"),
    (["okrs=half"], "okrs='half' is not a whole number"),
    (["okrs=1.5"], "okrs='1.5' is not a whole number"),
    (["okrs=-3"], "okrs='-3' is not a whole number"),
    (["okrs=²"], "okrs='²' is not a whole number"),
    (["okrs=99999999999999999999"], "is not a whole number"),
])
def test_timeboxes_are_whole_minutes_from_1_to_240(given, error):
    if error is None:
        assert agendas.parse_timeboxes(given) == {"okrs": 30, "health": 5}
    else:
        with pytest.raises(ValidationError, match=error.replace("(", "\\(")):
            agendas.parse_timeboxes(given)


def test_stages_are_read_from_a_comma_list():
    assert agendas.parse_stages(" health, okrs ,,decisions ") == ["health", "okrs",
                                                                  "decisions"]


def test_an_unknown_agenda_names_every_one(db):
    save(db, "Board prep", ["health"])
    with pytest.raises(CadenceError, match="^--agenda: no agenda named 'retro' \\(agendas: "
                                           "weekly, monthly, quarterly, Board prep\\)$"):
        agendas.find(Store(db), "retro")


def test_a_team_agenda_is_removed_but_a_builtin_stays(db):
    save(db, "Board prep", ["health"])
    with Store(db).transaction(EventKind.AGENDA_REMOVE) as tx:
        agendas.remove(tx, "board prep")
    assert agendas.team(Store(db)) == []
    with pytest.raises(CadenceError, match="a built-in agenda cannot be removed"), \
            Store(db).transaction(EventKind.AGENDA_REMOVE) as tx:
        agendas.remove(tx, "monthly")


def test_a_hand_edited_agenda_document_is_a_malformed_store(db):
    save(db, "Board prep", ["health"])
    data = msgspec.json.decode(db.read_bytes())
    data["agendas"]["1"]["stages"][0]["timebox_min"] = 999
    db.write_bytes(msgspec.json.encode(data))
    with pytest.raises(CadenceError, match="agendas document 1 is malformed"):
        Store(db).check()


def test_a_meeting_records_its_agenda_and_the_minutes_name_it(demo_db):
    session = session_on(demo_db)
    session.plan(agenda=agendas.find(Store(demo_db), "monthly"))
    started = session.start_planned()
    assert started.agenda == "monthly" and started.title == "Monthly strategy review 2026-11-22"
    assert [s.id for s in started.stages] == ["health", "flagged", "okrs", "deepdive",
                                             "decisions", "wrapup"]
    end_meeting(session)
    found = minutes.build(Store(demo_db), session.meeting)
    assert (found["meeting"]["agenda"], found["meeting"]["agenda_title"]) == \
        ("monthly", "monthly (Monthly strategy review)")
    import jsonschema
    jsonschema.validate(found, MINUTES_SCHEMA)
    assert "- **Agenda:** monthly (Monthly strategy review)\n" in render(found)
    assert len(found["stages"]) == 6


def test_a_meeting_stored_before_agendas_was_the_weekly_review(demo_db):
    found = minutes.build(Store(demo_db), "m1")      # the demo's past meeting: no agenda field
    assert found["meeting"]["agenda"] == "weekly"
    data = msgspec.json.decode(demo_db.read_bytes())
    assert "agenda" not in data["meetings"]["1"] or data["meetings"]["1"]["agenda"] == "weekly"


def test_a_team_agendas_name_in_the_minutes_is_data(demo_db):
    """Markdown escapes it (no table cell broken, no emphasis, no tag); HTML too."""
    from core import minutes_html
    save(demo_db, "Board | *prep* <b>", ["health", "wrapup"])
    session = session_on(demo_db)
    session.plan(agenda=agendas.find(Store(demo_db), "board | *prep* <b>"))
    session.start_planned()
    end_meeting(session)
    found = minutes.build(Store(demo_db), session.meeting)
    assert "- **Agenda:** Board | \\*prep* \\<b>\n" in render(found)     # | is text here
    page = minutes_html.render(found, minutes_html.pictures(Store(demo_db), found))
    assert "<th>Agenda</th><td>Board | *prep* &lt;b&gt;</td>" in page
