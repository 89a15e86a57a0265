"""What an attack review of the sources found (issue 18), each a rule now: a source's file is
a small regular file; no password reaches the store from a source's words or a KPI's fields;
a command's timeout ends its children too; a SQLite query only reads (no ATTACH, no VACUUM
INTO); a KPI under a formula keeps its name and cadence; an archived input still computes."""

import os
import sys
import time
from pathlib import Path

import pytest

from core import credentials, series
from core.commands import kpis
from core.errors import ValidationError
from core.events import EventKind
from core.sources import pull
from core.store import Store
from tests.helpers import TODAY
from tests.unit.test_sources import WEEKLY, add, outcome, sql, values, wh, write_connections

__all__ = ["wh"]            # the fixture, used by name


# --- a csv source reads a small regular file -------------------------------------------------

@pytest.mark.parametrize("make", ["fifo", "device", "huge"])
def test_a_csv_source_is_a_small_regular_file(db, tmp_path, make):
    path = tmp_path / "export.csv"
    if make == "fifo":
        os.mkfifo(path)                          # reading it would wait for ever
    elif make == "device":
        path = Path("/dev/zero")                 # reading it would fill the memory
    else:
        with open(path, "wb") as handle:
            handle.truncate(64 * 1024 * 1024)
    store = Store(db)
    add(store, "Exports", source="csv", query=str(path))
    report = pull.run(store, [], TODAY)
    error = outcome(report, "Exports").error
    assert error and ("not a regular file" in error or "more than" in error), error


# --- no password reaches the store -----------------------------------------------------------

SECRET = "hunter2"


@pytest.mark.parametrize("text", [
    "postgresql://bob:hunter2@db.example/x",
    "postgresql://cadence@db.internal/analytics?password=hunter2",
    "SELECT 1 -- postgresql://cadence@db/a?password=hunter2",
    "curl //bob:hunter2@api.example/x",
    "curl 'https://api.example/x?password=hunter2'",
    "curl -u bob:hunter2 https://api.example/x",
    "curl https://api.example/x?token=hunter2",
])
def test_every_form_of_a_password_is_refused_in_a_kpi(db, text):
    store = Store(db)
    for field in ("description", "query"):
        extra = {"source": "command"} if field == "query" else {}
        with pytest.raises(ValidationError, match="holds a password"):
            add(store, "Leaky", **{field: text}, **extra)
    assert not db.exists() or SECRET not in db.read_text()


def test_an_environment_reference_is_not_a_password():
    assert not credentials.holds_one("postgresql://cadence@db/a?password=${WAREHOUSE_PW}")
    assert not credentials.holds_one("SELECT day, n FROM t WHERE note = 'a:b@c'")


def test_a_password_in_what_a_source_says_is_blanked_before_it_is_kept(db, tmp_path):
    script = tmp_path / "leak.py"
    script.write_text(f"import sys\nsys.exit('cannot reach postgresql://bob:{SECRET}@db/x')\n")
    store = Store(db)
    add(store, "Leak", source="command", query=f"{sys.executable} {script}")
    report = pull.run(store, [], TODAY)
    assert "postgresql://bob:***@db/x" in outcome(report, "Leak").error
    assert SECRET not in db.read_text()
    assert any("***" in (doc.get("error") or "") for doc in store.docs(series.PULLS).values())


# --- a command's timeout ends its children too ------------------------------------------------

def test_a_commands_timeout_ends_the_children_holding_its_output(db, tmp_path):
    script = tmp_path / "slow.sh"
    script.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\necho date,value\n")
    script.chmod(0o755)
    store = Store(db)
    add(store, "Slow", source="command", query=str(script))
    start = time.monotonic()
    report = pull.run(store, [], TODAY, timeout=1)
    assert "stopped after 1 s" in outcome(report, "Slow").error
    assert time.monotonic() - start < 15           # not the children's 30 s


# --- a SQLite query only reads -----------------------------------------------------------------

@pytest.mark.parametrize("url", ["sqlite:///${WH_FILE}", "sqlite:///${WH_FILE}?timeout=5"],
                         ids=["sqlite3", "sqlalchemy"])
@pytest.mark.parametrize("query", ["ATTACH DATABASE '{out}' AS e",
                                   "VACUUM INTO '{out}'"])
def test_a_sqlite_query_writes_no_file(db, wh, tmp_path, monkeypatch, url, query):
    write_connections(tmp_path, monkeypatch, f'[wh]\nurl = "{url}"\n')
    out = tmp_path / "copy.db"
    before = wh.read_bytes()
    store = Store(db)
    sql(store, "Sneaky", query.format(out=out))
    orders = sql(store, "Orders", WEEKLY)
    report = pull.run(store, [], TODAY)
    assert "the query may only read" in outcome(report, "Sneaky").error
    assert not out.exists() and wh.read_bytes() == before
    assert values(store, orders)                 # the next query on the connection still runs


# --- formulas keep their inputs -----------------------------------------------------------------

def test_an_input_of_a_formula_keeps_its_cadence_and_name(db):
    store = Store(db)
    orders = add(store, "Orders")
    add(store, "Doubled", formula="Orders * 2")
    for change in ({"cadence": "monthly"}, {"name": "Sales"}):
        with pytest.raises(ValidationError, match="the formula of 'Doubled' uses this KPI"), \
                store.transaction(EventKind.KPI_UPDATE) as tx:
            kpis.update(tx, orders.id, **change)
    with store.transaction(EventKind.KPI_UPDATE) as tx:
        kpis.update(tx, orders.id, owner="Ann")          # anything else: as before


def test_an_archived_input_still_computes(db):
    store = Store(db)
    orders = add(store, "Orders")
    with store.transaction(EventKind.MEASUREMENT) as tx:
        kpis.record_values(tx, orders, {"2026-11-09": 4.0}, TODAY)
    doubled = add(store, "Doubled", formula="Orders * 2")
    with store.transaction(EventKind.KPI_UPDATE) as tx:
        kpis.archive(tx, orders.id)
    pull.run(store, [], TODAY)
    assert values(store, doubled) == {"2026-11-09": 8.0}
    add(store, "Tripled", formula="Orders * 3")          # and a new formula may name it


def test_a_broken_table_of_the_connections_file_fails_only_its_kpis(db, wh, tmp_path,
                                                                    monkeypatch):
    write_connections(tmp_path, monkeypatch,
                      '[wh]\nurl = "sqlite:///${WH_FILE}"\n[num]\nurl = 5\n')
    store = Store(db)
    orders = sql(store, "Orders", WEEKLY)
    sql(store, "Numbers", "SELECT 1", connection="num")
    report = pull.run(store, [], TODAY)
    assert "[num] needs a url" in outcome(report, "Numbers").error
    assert outcome(report, "Orders").error is None and values(store, orders)
