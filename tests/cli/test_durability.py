"""Durability across processes: SIGKILL mid-write, and many writers at once."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from core.store import Store
from tests.helpers import cadence_command, run_cli

WRITER = textwrap.dedent("""
    import sys
    from core.store import Store
    store = Store(sys.argv[1])
    i = 0
    while True:
        with store.transaction("bulk") as tx:
            for _ in range(200):
                tx.insert("measurements", {"kpi": "k1", "i": i, "pad": "x" * 200})
                i += 1
        print(i, flush=True)
""")


def test_sigkill_in_the_middle_of_writes_leaves_a_loadable_store(db):
    for attempt in range(5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)],
                                stdout=subprocess.PIPE, text=True)
        committed = int(proc.stdout.readline())          # at least one write has landed
        time.sleep(0.05 * (attempt + 1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = Store(db)                                 # raises if the file were broken
        rows = store.docs("measurements")
        assert len(rows) >= committed and len(rows) % 200 == 0   # whole transactions only


def test_ten_processes_importing_at_once_lose_no_row(db, tmp_path):
    run_cli("import", "kpis", str(_kpi_file(tmp_path)), db=db)
    files = []
    for n in range(10):
        path = tmp_path / f"m{n}.csv"
        rows = [f"Metric {n},2026-{month:02d}-15,{n * 100 + month}" for month in range(1, 11)]
        path.write_text("kpi,date,value\n" + "\n".join(rows) + "\n")
        files.append(path)
    procs = [subprocess.Popen(_cli("import", "measurements", str(f), db=db),
                              env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for f in files]
    results = [p.wait(timeout=120) for p in procs]
    assert results == [0] * 10, [p.stderr.read() for p in procs]
    values = sorted(v for doc in Store(db).docs("series").values() for v in doc.values())
    assert values == sorted(float(n * 100 + m) for n in range(10) for m in range(1, 11))


def _kpi_file(tmp_path):
    path = tmp_path / "kpis.csv"
    rows = [f"Metric {n},Ann,,higher,10,5,monthly" for n in range(10)]
    path.write_text("name,owner,unit,direction,target,threshold,cadence\n" + "\n".join(rows))
    return path


def _cli(*args, db):
    return cadence_command() + ["--db", str(db), *args]


def _env():
    return {**os.environ, "CADENCE_TODAY": "2026-11-22"}


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from core.lock import Lock
    Lock(Path(sys.argv[1] + ".lock"), 5).acquire()
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def _hold_lock(db, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_writer_waits_for_the_lock_and_gives_up_with_a_clear_message(db, tmp_path):
    run_cli("import", "kpis", str(_kpi_file(tmp_path)), db=db)
    before = db.read_bytes()
    holder = _hold_lock(db, 30)
    try:
        busy = run_cli("import", "kpis", str(_kpi_file(tmp_path)), db=db,
                       env={"CADENCE_LOCK_TIMEOUT": "0.3"})
    finally:
        holder.kill()
        holder.wait()
    assert busy.returncode == 1
    assert busy.stderr.strip().endswith("still busy after 0.3 s (another Cadence is writing)")
    assert db.read_bytes() == before


def test_a_writer_goes_on_when_the_holder_is_done_or_killed(db, tmp_path):
    holder = _hold_lock(db, 0.5)                 # lets go by itself
    assert run_cli("import", "kpis", str(_kpi_file(tmp_path)), db=db).returncode == 0
    assert holder.wait(timeout=10) == 0
    killed = _hold_lock(db, 60)
    killed.send_signal(signal.SIGKILL)           # the kernel drops a dead holder's lock
    killed.wait()
    assert run_cli("import", "kpis", str(_kpi_file(tmp_path)), db=db).returncode == 0
    assert len(Store(db).docs("kpis")) == 10
