import json
import os
import stat
from datetime import date

import orjson
import pytest

from core import board, schema
from core.errors import StoreError
from core.store import Store
from tests.helpers import add_note


def test_a_new_store_is_private_versioned_and_diffable(db):
    store = Store(db)
    assert not db.exists()                       # reading creates nothing
    add_note(store)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    text = db.read_text()
    assert text.endswith("}\n") and text.startswith('{\n  "_meta": {')
    data = json.loads(text)
    assert data["_meta"]["1"]["schema_version"] == schema.CURRENT
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    for n in range(2, 12):
        add_note(store, f"KPI {n}")
    ids = list(json.loads(db.read_text())["notes"])
    assert ids == [str(n) for n in range(1, 12)]           # in id order, 10 after 9


def test_an_existing_files_mode_is_kept(db):
    add_note(Store(db))
    os.chmod(db, 0o644)
    add_note(Store(db), "CSAT")
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o644


def test_every_change_appends_an_event_with_before_and_after(db):
    store = Store(db)
    key = add_note(store)
    with store.transaction("rename", "renamed") as tx:
        tx.put("notes", key, {"name": "API uptime"})
    first, second = store.events()
    assert (first.kind, first.changes[0].before, first.changes[0].after) == \
        ("test", None, {"name": "Uptime"})
    assert second.changes[0].before == {"name": "Uptime"}
    assert second.changes[0].after == {"name": "API uptime"}
    assert second.at.endswith("+00:00")


def test_a_transaction_without_changes_writes_nothing(db):
    store = Store(db)
    add_note(store)
    before = db.stat().st_mtime_ns
    with store.transaction("noop"):
        pass
    assert db.stat().st_mtime_ns == before and len(store.events()) == 1


def test_many_changes_are_one_read_and_one_write(db):
    store = Store(db)
    with store.transaction("bulk") as tx:
        for i in range(50):
            tx.insert("measurements", {"i": i})
    assert (store.storage.disk_reads, store.storage.disk_writes) == (1, 1)
    assert len(store.docs("measurements")) == 50


def test_a_failed_transaction_writes_nothing_and_forgets_its_changes(db):
    store = Store(db)
    add_note(store)
    before = db.read_bytes()
    with pytest.raises(RuntimeError), store.transaction("half") as tx:
        tx.insert("notes", {"name": "CSAT"})
        raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert [d["name"] for d in store.docs("notes").values()] == ["Uptime"]


def test_ids_are_never_reused(db):
    store = Store(db)
    key = add_note(store)
    with store.transaction("remove") as tx:
        tx.put("notes", key, None)
    assert add_note(store, "CSAT") == key + 1


def test_another_processs_write_is_seen_before_writing(db):
    mine, theirs = Store(db), Store(db)
    add_note(mine, "Uptime")
    add_note(theirs, "CSAT")              # theirs re-reads the file inside its transaction
    add_note(mine, "Churn")
    names = sorted(d["name"] for d in Store(db).docs("notes").values())
    assert names == ["CSAT", "Churn", "Uptime"]


@pytest.mark.parametrize("content, problem", [
    (b"{\"kpis\": {", "not valid JSON"),
    (b"[1, 2]", "not a Cadence store"),
    (b"{\"kpis\": [1]}", "not a TinyDB table"),
    (b"{\"kpis\": {\"one\": {}}}", "not a TinyDB table"),
    (b"{\"_meta\": {\"1\": {\"schema_version\": 99}}}", "newer Cadence"),
    (b"{\"_meta\": {\"1\": {\"schema_version\": \"x\"}}}", "schema_version"),
    (b"\xff\xfe garbage", "not valid JSON"),
])
def test_an_unreadable_store_is_refused_naming_the_file(db, content, problem):
    db.write_bytes(content)
    with pytest.raises(StoreError) as err:
        Store(db)
    assert str(db) in str(err.value) and problem in str(err.value)
    assert "\n" not in str(err.value)
    assert db.read_bytes() == content


def test_an_empty_file_is_an_empty_store(db):
    db.write_bytes(b"")
    store = Store(db)
    assert store.is_empty()
    add_note(store)
    assert Store(db).docs("notes")[1] == {"name": "Uptime"}


def test_migration_v0_plain_tinydb_document(db):
    """A store from before schema versions (a bare TinyDB file) is upgraded in memory on open
    and on disk with the next write; its documents are kept."""
    db.write_bytes(orjson.dumps({"notes": {"4": {"name": "Uptime"}}}))
    store = Store(db)
    assert store.meta()["schema_version"] == schema.CURRENT
    assert orjson.loads(db.read_bytes()) == {"notes": {"4": {"name": "Uptime"}}}   # untouched
    assert add_note(store, "CSAT") == 5
    data = orjson.loads(db.read_bytes())
    assert data["_meta"]["1"]["schema_version"] == schema.CURRENT
    assert data["notes"]["4"] == {"name": "Uptime"}


V1_STORE = {
    "_meta": {"1": {"schema_version": 1, "next_ids": {"kpis": 3, "measurements": 4},
                    "demo": False}},
    "kpis": {"2": {"name": "Uptime", "owner": "Ann", "unit": "%", "direction": "higher",
                   "target": 99.9, "threshold": 99.5, "cadence": "weekly"}},
    "measurements": {
        "3": {"kpi": "k2", "period": "2026-11-16", "value": 99.7, "note": "outage",
              "meeting": "m1"},
        "1": {"kpi": "k2", "period": "2026-11-02", "value": 99.95, "note": "",
              "meeting": None},
        "2": {"kpi": "k2", "period": "2026-11-09", "value": 99.92}},
    "events": {"1": {"at": "2026-11-16T09:00:00+00:00", "kind": "measurement",
                     "summary": "Uptime: 99.7", "meeting": "m1", "changes": [
                         {"table": "measurements", "key": 3, "before": None,
                          "after": {"kpi": "k2", "period": "2026-11-16", "value": 99.7}}]}},
}


def test_migration_v1_one_series_document_per_kpi(db):
    """Schema 2 keeps a KPI's values in one document; a v1 store is read as such and written
    as such with the next change, its old events kept as history."""
    raw = orjson.dumps(V1_STORE)
    db.write_bytes(raw)
    store = Store(db)
    found = board.load(store, date(2026, 11, 22)).find_kpi("Uptime")
    assert found.series.values() == [99.95, 99.92, 99.7]
    assert found.series.newest.note == "outage" and found.series.newest.meeting == "m1"
    assert db.read_bytes() == raw                                   # reading changes nothing
    add_note(store, "CSAT")
    data = orjson.loads(db.read_bytes())
    assert "measurements" not in data and "measurements" not in data["_meta"]["1"]["next_ids"]
    assert data["series"] == {"2": {"2026-11-02": 99.95, "2026-11-09": 99.92, "2026-11-16": {
        "value": 99.7, "note": "outage", "meeting": "m1"}}}
    assert data["events"]["1"] == V1_STORE["events"]["1"]


def test_a_v1_store_that_cannot_be_upgraded_is_left_alone(db):
    broken = {**V1_STORE, "measurements": {"1": {"kpi": "Uptime", "period": "2026-11-02",
                                                 "value": 1.0}}}
    raw = orjson.dumps(broken)
    db.write_bytes(raw)
    with pytest.raises(StoreError, match="cannot be upgraded from schema 1.*left as it is"):
        Store(db)
    assert db.read_bytes() == raw


def test_a_malformed_series_names_the_file_table_and_key(db):
    data = {**V1_STORE, "_meta": {"1": {"schema_version": 2, "next_ids": {}}},
            "series": {"2": {"2026-11-02": "ninety-nine"}}}
    del data["measurements"]
    db.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError, match=r"cadence\.json: series document 2 is malformed"):
        board.load(Store(db), date(2026, 11, 22))


@pytest.mark.parametrize("key", ["2026-11-2", "2026-11-020", "2026-1-102", "2026-11-0-",
                                 "2026/11/02", "２０２６-11-02", "2026-13-02", "week 45", ""])
def test_a_series_key_that_is_no_period_names_the_key(db, key):
    data = {**V1_STORE, "_meta": {"1": {"schema_version": 2, "next_ids": {}}},
            "series": {"2": {"2026-10-26": 1.0, key: 2.0, "2026-11-09": 3.0}}}
    del data["measurements"]
    db.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError, match=r"series document 2 is malformed \(ValueError: .*"):
        board.load(Store(db), date(2026, 11, 22))


@pytest.mark.parametrize("key", ["2026-02-30", "2026-11-31", "2026-00-05", "2025-02-29"])
def test_a_series_key_that_is_no_calendar_day_is_refused_wherever_it_sits(db, key):
    data = {**V1_STORE, "_meta": {"1": {"schema_version": 2, "next_ids": {}}},
            "series": {"2": {"2020-01-06": 1.0, key: 2.0, "2026-11-09": 3.0}}}
    del data["measurements"]
    db.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError, match=rf"series document 2 is malformed \(ValueError: "
                                         rf"'{key}' is not a day of the calendar\)"):
        board.load(Store(db), date(2026, 11, 22))


@pytest.mark.parametrize("field, value, expected", [
    ("owner", 5, r"Expected `str`, got `int` - at `\$.owner`"),
    ("target", "ninety", r"Expected `float`, got `str` - at `\$.target`"),
    ("north_star", "yes", r"Expected `bool`, got `str` - at `\$.north_star`")])
def test_a_kpi_field_of_the_wrong_type_names_the_document_and_field(db, field, value, expected):
    data = {**V1_STORE, "_meta": {"1": {"schema_version": 2, "next_ids": {}}}, "series": {}}
    data["kpis"] = {"2": {**V1_STORE["kpis"]["2"], field: value}}
    del data["measurements"]
    db.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError, match=r"cadence\.json: kpis document 2 is malformed "
                                         rf"\(ValidationError: {expected}\)"):
        board.load(Store(db), date(2026, 11, 22))


def test_every_migration_step_is_registered():
    assert sorted(schema.MIGRATIONS) == list(range(schema.CURRENT))
