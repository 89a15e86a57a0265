"""KPI sources and `pull` on real databases and programs: a SQLite file, a PostgreSQL server
the session starts, DuckDB over CSV and Parquet files, CSV files, a Python script as a
command, and formulas — each fault a source can bring (text, NaN, a future date, too many
rows, a slow query, a failing source beside a good one) reported for its KPI alone."""

import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest

from core import series
from core.commands import kpis
from core.errors import CadenceError, ValidationError
from core.events import EventKind
from core.model import Kpi
from core.sources import connections, pull
from core.store import Store
from tests.helpers import TODAY

WEEK = "2026-11-09"         # TODAY's latest finished week (TODAY is in the week of 11-16)
WEEK_BEFORE = "2026-11-02"


@pytest.fixture
def wh(tmp_path: Path, monkeypatch) -> Path:
    """A SQLite warehouse with daily orders for three weeks and the running week, and a
    connections file naming it `wh`."""
    path = tmp_path / "wh.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE orders (day TEXT, amount REAL, note TEXT)")
        db.executemany("INSERT INTO orders VALUES (?, ?, ?)", [
            ("2026-10-27", 10, "ok"), ("2026-11-03", 5, "ok"), ("2026-11-10", 20, "ok"),
            ("2026-11-12", 11, "\x1b]52;c;cHduZWQ=\x07"), ("2026-11-17", 30, "running"),
            ("2026-11-22", 7, "running")])
    db.close()
    monkeypatch.setenv("WH_FILE", str(path))
    write_connections(tmp_path, monkeypatch, '[wh]\nurl = "sqlite:///${WH_FILE}"\n')
    return path


def write_connections(tmp_path: Path, monkeypatch, text: str) -> Path:
    path = tmp_path / "connections.toml"
    path.write_text(text)
    path.chmod(0o600)
    monkeypatch.setenv(connections.ENVIRONMENT, str(path))
    return path


WEEKLY = ("SELECT date(day, 'weekday 0', '-6 days') AS week, SUM(amount) FROM orders "
          "GROUP BY week")


def add(store: Store, name: str, **fields) -> Kpi:
    base = dict(name=name, owner="Priya", unit="", direction="higher", target=100.0,
                threshold=50.0, cadence="weekly")
    with store.transaction(EventKind.KPI_CREATE) as tx:
        return kpis.add(tx, **{**base, **fields})


def sql(store: Store, name: str, query: str, connection: str = "wh") -> Kpi:
    return add(store, name, source="sql", connection=connection, query=query)


def values(store: Store, kpi: Kpi) -> dict[str, float]:
    store.refresh()
    return {p: series.value_of(e) for p, e in store.docs(series.TABLE).get(kpi.key, {}).items()}


def source_of(store: Store, kpi, period: str) -> dict:
    """The pull run a stored value names (its source, kept once per pull of the KPI)."""
    entry = store.docs(series.TABLE)[kpi.key][period]
    found = series.run_of(entry, store.docs(series.PULLS).get(kpi.key))
    assert found is not None, entry
    return found


def outcome(report: pull.PullReport, name: str) -> pull.Outcome:
    return next(r for r in report.results if r.kpi == name)


# --- SQLite --------------------------------------------------------------------------------

def test_sqlite_rows_become_weekly_values_with_their_provenance(db, wh):
    store = Store(db)
    orders = sql(store, "Orders", WEEKLY)
    report = pull.run(store, [], TODAY)
    assert values(store, orders) == {"2026-10-26": 10.0, WEEK_BEFORE: 5.0, WEEK: 31.0}
    assert outcome(report, "Orders").running == 1       # the week of 2026-11-16 is not over
    source = source_of(store, orders, WEEK)
    assert source["kind"] == "sql" and source["connection"] == "wh"
    assert source["query_hash"] == pull.provenance(orders)["query_hash"]
    entry = store.docs(series.TABLE)[orders.key][WEEK]
    found = series.provenance(entry, store.docs(series.PULLS)[orders.key])
    assert found.is_pulled and found.kind == "sql" and found.pulled_at
    event = store.events()[-1]
    assert event.kind == EventKind.PULL and "Orders (3)" in event.summary
    changed = {c.table: c.after for c in event.changes}
    run = changed[series.TABLE][WEEK]["pull"]
    assert changed[series.PULLS]["runs"][str(run)]["connection"] == "wh"


def test_a_second_pull_with_nothing_new_writes_nothing(db, wh):
    store = Store(db)
    sql(store, "Orders", WEEKLY)
    pull.run(store, [], TODAY)
    before = db.read_bytes()
    report = pull.run(store, [], TODAY)
    assert db.read_bytes() == before
    assert not report.written and outcome(report, "Orders").unchanged == 3


def test_a_single_value_is_the_latest_finished_period(db, wh):
    store = Store(db)
    total = sql(store, "Total", "SELECT SUM(amount) FROM orders WHERE day < '2026-11-23'")
    pull.run(store, [], TODAY)
    assert values(store, total) == {WEEK: 83.0}


def test_dry_run_writes_nothing_and_says_what_would_change(db, wh):
    store = Store(db)
    sql(store, "Orders", WEEKLY)
    before = db.read_bytes()
    report = pull.run(store, [], TODAY, dry_run=True)
    assert db.read_bytes() == before
    assert outcome(report, "Orders").recorded[WEEK] == 31.0


def test_sqlite_runs_read_only(db, wh):
    store = Store(db)
    sql(store, "Sneaky", "INSERT INTO orders VALUES ('2026-11-16', 1, 'x') RETURNING day, amount")
    report = pull.run(store, [], TODAY)
    assert "the query may only read" in outcome(report, "Sneaky").error
    with sqlite3.connect(wh) as check:
        assert check.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 6


def test_faults_of_a_source_fail_that_kpi_alone(db, wh):
    """Text, a future date, too many rows, two rows of one week, a broken query and a slow
    one, each beside a good source, which is recorded all the same."""
    store = Store(db)
    good = sql(store, "Orders", WEEKLY)
    bad = {
        "Text": (f"SELECT '{WEEK}', 'lots'", "'lots' is not a number"),
        "Future": ("SELECT '2027-01-04', 5", "has not started yet"),
        "Huge": ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                 f"WHERE i < 20000) SELECT '{WEEK}', i FROM n", "more than 10,000 rows"),
        "Twice": ("SELECT day, amount FROM orders WHERE day BETWEEN '2026-11-10' AND "
                  "'2026-11-12'", "a second value for 2026-W46"),
        "Broken": ("SELECT day, amount FROM nowhere", "no such table: nowhere"),
        "Slow": ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                 f"SELECT '{WEEK}', MAX(i) FROM n", "stopped after 0.5 s"),
        "Null": (f"SELECT '{WEEK}', NULL", "is empty (NULL)"),
        "Wide": ("SELECT 1, 2, 3", "3 columns"),
    }
    for name, (query, _) in bad.items():
        sql(store, name, query)
    report = pull.run(store, [], TODAY, timeout=0.5)
    for name, (_, why) in bad.items():
        assert why in outcome(report, name).error, name
        assert outcome(report, name).recorded == {}
    assert values(store, good)[WEEK] == 31.0
    assert {r.kpi for r in report.failed} == set(bad)


def test_a_connection_missing_from_the_file_is_its_kpis_error(db, wh):
    store = Store(db)
    sql(store, "Orders", WEEKLY, connection="elsewhere")
    report = pull.run(store, [], TODAY)
    assert "no connection [elsewhere]" in outcome(report, "Orders").error


# --- connections ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, why", [
    (None, "no connections file"),
    ("[wh\nurl = 'x'", "not a readable TOML file"),
    ('[wh]\nurl = "sqlite:///${NOT_SET_ANYWHERE}"\n',
     "needs ${NOT_SET_ANYWHERE}, which is not set"),
    ('[wh]\nhost = "db"\n', "[wh] needs a url"),
    ('[wh]\nurl = "nonsense"\n', "not a SQLAlchemy URL"),
    ('[wh]\nurl = "nosuchdb://h/x"\n', "no driver for nosuchdb"),
])
def test_a_broken_connections_file_is_one_line_naming_it(db, tmp_path, monkeypatch, text, why):
    path = tmp_path / "connections.toml"
    monkeypatch.setenv(connections.ENVIRONMENT, str(path))
    if text is not None:
        path.write_text(text)
    store = Store(db)
    sql(store, "Orders", "SELECT 1")
    error = outcome(pull.run(store, [], TODAY), "Orders").error
    assert why in error and "\n" not in error
    if text is None or "TOML" in why:
        assert str(path) in error


def test_a_readable_connections_file_holding_a_password_is_warned_about(tmp_path, monkeypatch):
    path = write_connections(tmp_path, monkeypatch,
                             '[pg]\nurl = "postgresql://u:hunter2@h/db"\n'
                             '[safe]\nurl = "postgresql://u:${PW}@h/db"\n')
    assert connections.load().warnings == ()
    path.chmod(0o644)
    warnings = connections.load().warnings
    assert len(warnings) == 1 and "[pg]" in warnings[0] and "hunter2" not in warnings[0]


# --- the store never holds a password ----------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("connection", "postgresql://u:secret@h/db"),
    ("query", "SELECT * FROM dblink('postgresql://u:secret@h/db', 'x')"),
    ("description", "from mysql://root:secret@10.0.0.1/x"),
])
def test_a_kpi_holding_a_url_with_a_password_is_refused(db, field, value):
    store = Store(db)
    fields = {**dict(source="sql", connection="wh", query="SELECT 1"), field: value}
    with pytest.raises(ValidationError, match="holds a password"):
        add(store, "Leaky", **fields)
    assert b"secret" not in (db.read_bytes() if db.exists() else b"")


@pytest.mark.parametrize("fields, why", [
    (dict(source="sql", query="SELECT 1"), "needs a connection name"),
    (dict(source="sql", connection="wh"), "needs its query"),
    (dict(source="ftp", query="x"), "not one of sql, csv, command"),
    (dict(query="SELECT 1"), "needs a source"),
    (dict(source="csv", query="x.csv", connection="wh"), "only a sql source"),
    (dict(source="sql", connection="wh", query="SELECT 1", formula="A + B"), "not both"),
])
def test_a_source_must_be_whole(db, fields, why):
    with pytest.raises(ValidationError, match=why):
        add(Store(db), "Half", **fields)


def test_a_kpi_without_a_source_keeps_its_document_as_before(db):
    kpi = add(Store(db), "Typed")
    assert not set(kpi.to_doc()) & {"formula", "source", "connection", "query"}


# --- PostgreSQL ------------------------------------------------------------------------------

def test_postgresql_rows_read_only_and_cancelled_at_the_timeout(db, tmp_path, monkeypatch,
                                                               postgres):
    write_connections(tmp_path, monkeypatch, f'[pg]\nurl = "{postgres.url()}"\n')
    store = Store(db)
    weekly = sql(store, "Weekly", "SELECT d::date, v FROM (VALUES ('2026-11-02', 4.5), "
                 "('2026-11-09', 5.5)) AS t(d, v)", connection="pg")
    sql(store, "Writer", "CREATE TABLE t AS SELECT 1 AS x RETURNING x", connection="pg")
    sql(store, "Insert", "WITH w AS (INSERT INTO pg_temp.x VALUES (1) RETURNING 1) "
        "SELECT * FROM w", connection="pg")
    sql(store, "Sleepy", "SELECT now()::date, pg_sleep(30)", connection="pg")
    sql(store, "NotANumber", "SELECT DATE '2026-11-09', 'NaN'::float8", connection="pg")
    report = pull.run(store, [], TODAY, timeout=1)
    assert values(store, weekly) == {WEEK_BEFORE: 4.5, WEEK: 5.5}
    assert outcome(report, "Sleepy").error.startswith("stopped after 1 s")
    assert "not a finite number" in outcome(report, "NotANumber").error
    assert outcome(report, "Writer").error and outcome(report, "Insert").error


def test_postgresql_read_only_transaction_refuses_a_write(db, tmp_path, monkeypatch, postgres):
    write_connections(tmp_path, monkeypatch, f'[pg]\nurl = "{postgres.url()}"\n')
    store = Store(db)
    sql(store, "Writes", "SELECT '2026-11-09', nextval('cadence_seq')", connection="pg")
    from sqlalchemy import create_engine
    engine = create_engine(postgres.url(postgres_password()))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SEQUENCE IF NOT EXISTS cadence_seq")
    error = outcome(pull.run(store, [], TODAY), "Writes").error
    assert "read-only transaction" in error
    engine.dispose()


def postgres_password() -> str:
    from tests.databases import PASSWORD
    return PASSWORD


def test_a_wrong_postgresql_password_names_no_password(db, tmp_path, monkeypatch, postgres):
    write_connections(tmp_path, monkeypatch, f'[pg]\nurl = "{postgres.url("${PGPW}")}"\n')
    monkeypatch.setenv("PGPW", "wrong-one")
    store = Store(db)
    sql(store, "Weekly", "SELECT 1", connection="pg")
    error = outcome(pull.run(store, [], TODAY), "Weekly").error
    assert "password authentication failed" in error and "wrong-one" not in error


# --- DuckDB over CSV and Parquet files ---------------------------------------------------------

def test_duckdb_over_csv_and_parquet_files(db, tmp_path, monkeypatch):
    import duckdb
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "signups.csv").write_text("day,signups\n2026-11-03,3\n2026-11-05,4\n"
                                         "2026-11-10,9\n2026-11-17,1\n")
    duckdb.sql(f"COPY (SELECT DATE '2026-11-09' AS d, 2.5 AS v UNION ALL SELECT DATE "
               f"'2026-11-02', 1.5) TO '{exports / 'rates.parquet'}' (FORMAT parquet)")
    write_connections(tmp_path, monkeypatch, '[lake]\nurl = "duckdb:///:memory:"\n')
    store = Store(db)
    signups = sql(store, "Signups", f"SELECT date_trunc('week', day)::date, SUM(signups) "
                  f"FROM read_csv('{exports / 'signups.csv'}') GROUP BY 1", connection="lake")
    rates = sql(store, "Rates", f"SELECT d, v FROM '{exports / 'rates.parquet'}'",
                connection="lake")
    nan = sql(store, "Nan", "SELECT DATE '2026-11-09', 'nan'::DOUBLE", connection="lake")
    report = pull.run(store, [], TODAY)
    assert values(store, signups) == {WEEK_BEFORE: 7.0, WEEK: 9.0}
    assert values(store, rates) == {WEEK_BEFORE: 1.5, WEEK: 2.5}
    assert "not a finite number" in outcome(report, nan.name).error


# --- CSV files and commands ----------------------------------------------------------------

def test_a_csv_glob_beside_the_store(db, tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.csv").write_text("date,value\n2026-11-02,4\n")
    (tmp_path / "exports" / "b.csv").write_text("date,value,comment\n2026-11-09,5%,fine\n")
    store = Store(db)
    kpi = add(store, "Rate", unit="%", source="csv", query="exports/*.csv")
    missing = add(store, "Gone", source="csv", query="nowhere/*.csv")
    report = pull.run(store, [], TODAY)
    assert values(store, kpi) == {WEEK_BEFORE: 4.0, WEEK: 5.0}
    assert "no file matches" in outcome(report, missing.name).error


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(body)
    return f"{sys.executable} {path}"


def test_a_command_prints_csv_and_runs_without_a_shell(db, tmp_path):
    store = Store(db)
    good = add(store, "Api", source="command", query=script(
        tmp_path, "api.py", "print('date,value')\nprint('2026-11-09,12.5')\n") + " ; rm -rf x")
    fails = add(store, "Down", source="command",
                query=script(tmp_path, "down.py", "import sys\nsys.exit('503 from the API')"))
    slow = add(store, "Slow", source="command",
               query=script(tmp_path, "slow.py", "import time\ntime.sleep(30)"))
    loud = add(store, "Loud", source="command", query=script(
        tmp_path, "loud.py", "print('date,value')\nwhile True: print('2026-11-09,1')"))
    nan = add(store, "NanCmd", source="command", query=script(
        tmp_path, "nan.py", "print('date,value')\nprint('2026-11-09,nan')"))
    none = add(store, "Nothing", source="command", query="no-such-program-anywhere")
    report = pull.run(store, [], TODAY, timeout=1)
    assert values(store, good) == {WEEK: 12.5}      # `; rm -rf x` were two more arguments
    assert outcome(report, fails.name).error == f"{sys.executable}: exited with status 1: " \
        "503 from the API"
    assert "stopped after 1 s" in outcome(report, slow.name).error
    assert "more than 1,048,576 bytes" in outcome(report, loud.name).error
    assert outcome(report, nan.name).error
    assert "no such program" in outcome(report, none.name).error


# --- formulas ------------------------------------------------------------------------------

def test_formulas_computed_over_pulled_and_stored_values(db, wh):
    store = Store(db)
    orders = sql(store, "Orders", WEEKLY)
    visits = add(store, "Visits")
    with store.transaction(EventKind.MEASUREMENT) as tx:
        kpis.record_values(tx, visits, {WEEK_BEFORE: 0.0, WEEK: 62.0}, TODAY)
    rate = add(store, "Order rate", formula="Orders / Visits * 100")
    report = pull.run(store, [], TODAY)
    assert values(store, rate) == {WEEK: 50.0}
    missing = outcome(report, "Order rate").missing
    assert "2026-11-02" in missing and "Visits" in missing["2026-11-02"]      # no input
    assert "zero" in missing[WEEK_BEFORE]                                       # Visits 0
    assert source_of(store, rate, WEEK)["kind"] == "formula"
    assert values(store, orders)[WEEK] == 31.0


def test_a_formula_cycle_or_unknown_name_is_refused_when_saved(db):
    store = Store(db)
    add(store, "A")
    add(store, "B", formula="A * 2")
    with store.transaction(EventKind.KPI_UPDATE) as tx, \
            pytest.raises(ValidationError, match="cycle"):
        kpis.update(tx, "k1", formula="B + 1")
    with pytest.raises(ValidationError, match="no KPI is named"):
        add(store, "C", formula="Nowhere + 1")


def test_pulling_a_kpi_without_a_source_or_an_unknown_one_is_refused(db):
    store = Store(db)
    add(store, "Typed")
    with pytest.raises(CadenceError, match="no source or formula"):
        pull.run(store, ["Typed"], TODAY)
    with pytest.raises(CadenceError, match="no KPI named"):
        pull.run(store, ["Nope"], TODAY)


def test_a_store_file_holds_provenance_as_plain_json(db, wh):
    store = Store(db)
    sql(store, "Orders", WEEKLY)
    pull.run(store, [], TODAY)
    doc = orjson.loads(db.read_bytes())
    entry = doc["series"]["1"][WEEK]
    assert set(entry) == {"value", "pull"}
    run = doc["pulls"]["1"]["runs"][str(entry["pull"])]
    assert set(run) == set(series.SOURCE_KEYS) and date.fromisoformat(run["pulled_at"][:10])


def test_a_pull_keeps_its_source_once_not_beside_each_value(db, wh):
    """Every value of a pull names the pull's run; the run's source is written once (a
    store of 500 KPIs x 156 weeks was 42 MB with the source beside each value)."""
    store = Store(db)
    orders = sql(store, "Orders", WEEKLY)
    pull.run(store, [], TODAY)
    doc = orjson.loads(db.read_bytes())
    assert len(doc["pulls"]["1"]["runs"]) == 1
    assert {e["pull"] for e in doc["series"]["1"].values()} == {1}
    assert b"query_hash" not in orjson.dumps(doc["series"])
    assert values(store, orders)[WEEK] == 31.0


def test_provenance_of_typed_pulled_and_plain_entries():
    assert series.provenance(12.0) == series.Provenance("")
    typed = series.provenance(series.entry(12.0, "from the call", "m3"))
    assert typed.kind == "meeting" and typed.meeting == "m3" and not typed.is_pulled
    runs = {"runs": {"2": {"kind": "csv", "connection": "",
                           "pulled_at": "2026-11-23T07:00:00+00:00", "query_hash": "ab"}}}
    pulled = series.provenance(series.pulled(12.0, 2), runs)
    assert pulled.kind == "csv" and pulled.is_pulled
    # A hand-broken pulls document is only provenance lost, never a failure.
    for broken in (None, {"runs": 7}, {"runs": {"2": "x"}}, {"runs": {}}):
        assert not series.provenance(series.pulled(12.0, 2), broken).is_pulled


def test_a_hand_broken_source_in_a_series_is_named_on_open(db, wh):
    store = Store(db)
    sql(store, "Orders", WEEKLY)
    pull.run(store, [], TODAY)
    doc = orjson.loads(db.read_bytes())
    doc["series"]["1"][WEEK]["pull"] = "seven"
    db.write_bytes(orjson.dumps(doc))
    with pytest.raises(CadenceError, match="series document 1 is malformed .*pull of "
                       f"{WEEK}"):
        Store(db).check()


def test_a_failed_pull_is_kept_until_a_good_one_and_a_stale_kpi_names_it(db, wh):
    """The last error of a KPI's source is in the store (the pulls table): a stale KPI's
    reason names the source and that error; the same failure again writes nothing; the next
    good pull clears it."""
    from core import board
    store = Store(db)
    orders = sql(store, "Orders", WEEKLY)
    pull.run(store, [], TODAY)
    with store.transaction(EventKind.KPI_UPDATE) as tx:
        kpis.update(tx, orders.id, query="SELECT day, amount FROM nowhere")
    report = pull.run(store, [], TODAY + timedelta(days=14))
    assert outcome(report, "Orders").error
    error = store.docs(series.PULLS)[orders.key]["error"]
    assert "nowhere" in error
    before = db.read_bytes()
    pull.run(store, [], TODAY + timedelta(days=14))
    assert db.read_bytes() == before                         # the same failure: no change
    later = board.load(Store(db), TODAY + timedelta(days=14)).find_kpi("Orders")
    stale = next(f.reason for f in later.flags if f.name == "stale")
    assert "pulled from 'wh' (sql); its last pull failed:" in stale and "nowhere" in stale
    with store.transaction(EventKind.KPI_UPDATE) as tx:
        kpis.update(tx, orders.id, query=WEEKLY)
    pull.run(store, [], TODAY)
    assert "error" not in store.docs(series.PULLS)[orders.key]


def test_a_sqlite_file_is_read_without_sqlalchemy_and_never_created(db, wh, tmp_path):
    """A plain sqlite:/// url is read with sqlite3 alone (SQLAlchemy is not loaded: a pull of a
    local warehouse spent more loading it than querying); a missing file is an error naming
    it, and no empty database is left behind."""
    import subprocess
    from core.sources import sqlite_file
    missing = tmp_path / "gone.sqlite"
    assert sqlite_file.path_of(f"sqlite:///{missing}") == missing
    assert sqlite_file.path_of("sqlite:///:memory:") is None
    assert sqlite_file.path_of(f"sqlite:///{missing}?mode=ro") is None
    assert sqlite_file.path_of("postgresql://h/db") is None
    with pytest.raises(CadenceError, match="unable to open database file"):
        sqlite_file.fetch(missing, "SELECT 1", 5)
    assert not missing.exists()
    sql(Store(db), "Orders", WEEKLY)
    code = ("import sys, datetime; from core.sources import pull; from core.store import Store; "
            f"r = pull.run(Store({str(db)!r}), [], datetime.date.fromisoformat({str(TODAY)!r})); "
            "print(sum(len(o.recorded) for o in r.results), 'sqlalchemy' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout
    assert shown.split() == ["3", "False"]


def test_a_sqlite_file_replaced_between_pulls_is_read_anew(tmp_path):
    """Connections stay open between queries (a new one rereads the file), but a file
    replaced by a rename, as `cadence demo` writes its warehouse, is read from the new one."""
    from core.sources import sqlite_file
    path = tmp_path / "w.sqlite"
    for value in (1, 2):
        fresh = tmp_path / "fresh.sqlite"
        with sqlite3.connect(fresh) as conn:
            conn.execute(f"CREATE TABLE t AS SELECT {value} AS v")
        conn.close()
        fresh.replace(path)
        assert sqlite_file.fetch(path, "SELECT v FROM t", 5) == [(value,)]
