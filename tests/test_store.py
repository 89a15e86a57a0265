import json
import os
import stat

import orjson
import pytest

from core import schema
from core.errors import StoreError
from core.store import Store


def add_kpi(store: Store, name: str = "Uptime") -> int:
    with store.transaction("test", f"added {name}") as tx:
        return tx.insert("kpis", {"name": name})


def test_a_new_store_is_private_versioned_and_diffable(db):
    store = Store(db)
    assert not db.exists()                       # reading creates nothing
    add_kpi(store)
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    text = db.read_text()
    assert text.endswith("}\n") and text.startswith('{\n  "_meta": {')
    data = json.loads(text)
    assert data["_meta"]["1"]["schema_version"] == schema.CURRENT
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_an_existing_files_mode_is_kept(db):
    add_kpi(Store(db))
    os.chmod(db, 0o644)
    add_kpi(Store(db), "CSAT")
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o644


def test_every_change_appends_an_event_with_before_and_after(db):
    store = Store(db)
    key = add_kpi(store)
    with store.transaction("rename", "renamed") as tx:
        tx.put("kpis", key, {"name": "API uptime"})
    first, second = store.events()
    assert (first.kind, first.changes[0].before, first.changes[0].after) == \
        ("test", None, {"name": "Uptime"})
    assert second.changes[0].before == {"name": "Uptime"}
    assert second.changes[0].after == {"name": "API uptime"}
    assert second.at.endswith("+00:00")


def test_a_transaction_without_changes_writes_nothing(db):
    store = Store(db)
    add_kpi(store)
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
    add_kpi(store)
    before = db.read_bytes()
    with pytest.raises(RuntimeError), store.transaction("half") as tx:
        tx.insert("kpis", {"name": "CSAT"})
        raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert [d["name"] for d in store.docs("kpis").values()] == ["Uptime"]


def test_ids_are_never_reused(db):
    store = Store(db)
    key = add_kpi(store)
    with store.transaction("remove") as tx:
        tx.put("kpis", key, None)
    assert add_kpi(store, "CSAT") == key + 1


def test_another_processs_write_is_seen_before_writing(db):
    mine, theirs = Store(db), Store(db)
    add_kpi(mine, "Uptime")
    add_kpi(theirs, "CSAT")              # theirs re-reads the file inside its transaction
    add_kpi(mine, "Churn")
    names = sorted(d["name"] for d in Store(db).docs("kpis").values())
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
    add_kpi(store)
    assert Store(db).docs("kpis")[1] == {"name": "Uptime"}


def test_migration_v0_plain_tinydb_document(db):
    """A store from before schema versions (a bare TinyDB file) is upgraded in memory on open
    and on disk with the next write; its documents are kept."""
    db.write_bytes(orjson.dumps({"kpis": {"4": {"name": "Uptime"}}}))
    store = Store(db)
    assert store.meta()["schema_version"] == 1
    assert orjson.loads(db.read_bytes()) == {"kpis": {"4": {"name": "Uptime"}}}   # untouched
    assert add_kpi(store, "CSAT") == 5
    data = orjson.loads(db.read_bytes())
    assert data["_meta"]["1"]["schema_version"] == 1
    assert data["kpis"]["4"] == {"name": "Uptime"}


def test_every_migration_step_is_registered():
    assert sorted(schema.MIGRATIONS) == list(range(schema.CURRENT))
