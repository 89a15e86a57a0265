"""The owner's explanations and a meeting's facts as a user gets them from the installed
command: `cadence status` (text and JSON: the flags unchanged, an `explanation` beside them)
and `cadence minutes` (JSON and Markdown, the same numbers), on the demo, and as new values
arrive."""

import json

import jsonschema
import orjson

from tests.helpers import MINUTES_SCHEMA, run_cli


def kpis_of(db) -> dict[str, dict]:
    found = run_cli("status", "--format", "json", db=db)
    assert found.returncode == 0, found.stderr
    return {k["name"]: k for k in json.loads(found.stdout)["kpis"]}


def test_status_shows_the_demos_explanations_and_keeps_every_flag(db):
    run_cli("demo", "--no-open", db=db)
    kpis = kpis_of(db)
    pipeline, sprints = kpis["Qualified pipeline coverage"], kpis["On-time sprint delivery"]
    assert pipeline["flags"] == ["breach", "sustained", "signal"]
    explained = pipeline["explanation"]
    assert explained["kind"] == "explained" and explained["dimmed"]
    # Explained today, before this meeting, of the newest value (recorded after the past one).
    assert (explained["period"], explained["meeting"]) == ("2026-11-09", None)
    assert sprints["flags"] == ["breach", "sustained", "drift", "signal"]
    assert sprints["explanation"]["line"] == ("investigating since 2026-11-15 (Sam Chen): "
                                              "urgent customer asks added mid-sprint")
    assert kpis["Uptime"]["explanation"] is None
    text = run_cli("status", db=db).stdout
    assert "  Qualified pipeline coverage: explained: holiday effect" in text


def test_a_new_value_ends_explained_but_not_investigating(db, write_csv):
    run_cli("demo", "--no-open", db=db)
    csv = write_csv("new.csv", "kpi,date,value\nQualified pipeline coverage,2026-11-12,2.1\n"
                               "On-time sprint delivery,2026-11-16,74\n")
    assert run_cli("import", "measurements", str(csv), db=db).returncode == 0
    kpis = kpis_of(db)
    pipeline = kpis["Qualified pipeline coverage"]
    assert pipeline["flags"] == ["breach", "sustained", "signal"]
    assert pipeline["explanation"] is None                      # the same week, a new value
    assert kpis["On-time sprint delivery"]["explanation"]["kind"] == "investigating"


def test_the_minutes_carry_explanations_and_facts_alike_in_json_and_markdown(db):
    run_cli("demo", "--no-open", db=db)
    found = json.loads(run_cli("minutes", "--last", "--format", "json", db=db).stdout)
    jsonschema.validate(found, MINUTES_SCHEMA)
    facts = found["facts"]
    assert facts == {"stages": 5, "stages_over": 0, "flagged": 7, "discussed": 3, "left": 4,
                     "decisions": 1, "decisions_owned": 1, "actions": 3, "carried": 0,
                     "settled": 0}
    flagged = {k["name"]: k for k in found["flagged"]}
    # The past meeting saw the investigation it started; the explanation came after it.
    assert flagged["On-time sprint delivery"]["explanation"]["kind"] == "investigating"
    assert flagged["Qualified pipeline coverage"]["explanation"] is None
    text = run_cli("minutes", "--last", db=db).stdout
    assert ("- **What it did:** no stage over time; 3 of 7 flagged KPIs discussed, 4 left; the "
            "1 decision with an owner; 3 actions created; nothing carried over\n") in text
    assert "- **investigating** since 2026-11-15 (Sam Chen): urgent customer asks" in text


def test_a_malformed_explanation_is_named_and_the_store_left_as_it_is(db):
    run_cli("demo", "--no-open", db=db)
    data = orjson.loads(db.read_bytes())
    data["explanations"]["1"]["kind"] = "excused"
    db.write_bytes(orjson.dumps(data))
    before = db.read_bytes()
    for command in (("status",), ("minutes", "--last")):
        found = run_cli(*command, db=db)
        assert found.returncode == 1 and len(found.stderr.strip().splitlines()) == 1
        assert found.stderr.startswith("cadence: error: ")
        assert "explanations document 1 is malformed" in found.stderr and "kind" in found.stderr
    assert db.read_bytes() == before
