"""Each figure: Cadence's time for a job, and a floor — the least that job could cost on this
machine — measured in the same run on the same data."""

import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson

from benchmarks import floor_app
from benchmarks.terminal import SCREEN, Pty
from core import board, clock, minutes, presence
from core.commands import actions
from core.events import EventKind
from core.minutes_md import render
from core.model import Action, Meeting
from core.read_model import ReadModel
from core.session import Session
from core.storage import atomic_write
from core.store import Store

KEY_P50_GOAL, KEY_P95_GOAL = 1.5, 3
BARE_APP = ("from textual.app import App\nfrom textual.widgets import Label\n"
            "class Bare(App):\n    def compose(self):\n        yield Label('bare app ready')\n"
            "Bare().run()\n")


@dataclass
class Result:
    figure: str
    size: str
    value: float
    unit: str
    floor: float | None
    goal: str
    met: bool

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None


def clocked(job) -> float:
    """One run of `job`, in seconds."""
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def timed(job, repeat: int) -> float:
    """The median of `repeat` runs, in seconds."""
    return statistics.median(clocked(job) for _ in range(repeat))


def alternated(job, floor, repeat: int) -> tuple[float, float]:
    """The medians of `repeat` runs of a job and of its floor, taken in turn so that both see
    the machine in the same mood (a shared 2-core VM drifts, and fsync times with it)."""
    values, floors = zip(*((clocked(job), clocked(floor)) for _ in range(repeat)))
    return statistics.median(values), statistics.median(floors)


def env(today: date) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    return {**clean, "CADENCE_TODAY": today.isoformat()}


def app_command(store: Path) -> list[str]:
    return [sys.executable, "-m", "tui", "--db", str(store)]


def launch(store: Path, today: date, size: str, repeat: int, goal: float) -> list[Result]:
    """Launch to first screen, keys to next frame and peak memory, in a real pseudo-terminal."""
    return [first_screen(store, today, size, repeat, goal), *keys(store, today, size, repeat)]


def first_screen(store: Path, today: date, size: str, repeat: int, goal: float) -> Result:
    """From the spawn to the first screen, against a bare Textual app's, alternated."""
    def once(command, marker) -> float:
        presence.sidecar(store).unlink(missing_ok=True)
        term = Pty(command, env(today))
        try:
            return term.wait_for(marker)
        finally:
            term.close()
    bare, app = ([sys.executable, "-c", BARE_APP], b"bare app ready"), \
        (app_command(store), b"KPI health")
    once(*bare), once(*app)   # the first runs after a build warm the caches
    floors, values = zip(*((once(*bare), once(*app)) for _ in range(repeat)))
    floor, value = statistics.median(floors), statistics.median(values)
    return Result("launch to first screen", size, value * 1000, "ms", floor * 1000,
                  f"<= {goal}x", value <= goal * floor)


def keys(store: Path, today: date, size: str, repeat: int) -> list[Result]:
    """Stage switches, then cursor moves, in one running app, each against its floor app
    showing as many rows as the app's table has on screen (rows past the screen cost a
    switch or a move nothing, in the app or in a DataTable); then the app's peak memory."""
    presence.sidecar(store).unlink(missing_ok=True)
    term = Pty(app_command(store), env(today))
    results = []
    try:
        term.wait_for(b"KPI health")
        rows = min(len(board.load(Store(store), today).kpis), SCREEN[1])
        for name, kind, pair in (("stage switch", "switch", [b"2", b"1"]),
                                 ("cursor", "cursor", [b"j", b"k"])):
            results += key_to_frame(f"key to frame: {name}", size, term,
                                    start_floor(kind, rows, today), pair * (repeat * 2))
        rss = term.peak_rss_mb()
    finally:
        term.close()
    memory_goal = {"S": 250, "M": 250, "L": 600}[size]
    return [*results, Result("peak memory of the app", size, rss, "MB", None,
                             f"<= {memory_goal} MB", rss <= memory_goal)]


def start_floor(kind: str, rows: int, today: date) -> Pty:
    """A floor of the key figures (benchmarks/floor_app.py) showing `rows` rows, on screen."""
    term = Pty([sys.executable, floor_app.__file__, kind, str(rows)], env(today))
    try:
        term.wait_for(floor_app.MARKER)
    except BaseException:
        term.close()
        raise
    return term


def key_to_frame(figure: str, size: str, app: Pty, floor: Pty,
                 keys: list[bytes]) -> list[Result]:
    """Each key to the app and then to its floor, in turn (the VM drifts), and the p50 and
    p95 of both; the floor is closed after."""
    try:
        values, floors = zip(*((app.key_to_frame(k) * 1000, floor.key_to_frame(k) * 1000)
                               for k in keys))
    finally:
        floor.close()
    results = []
    for name, measure, goal in (("p50", statistics.median, KEY_P50_GOAL),
                                ("p95", lambda samples: quantile(samples, 0.95), KEY_P95_GOAL)):
        value, floor_ = measure(values), measure(floors)
        results.append(Result(f"{figure} {name}", size, value, "ms", floor_, f"<= {goal}x",
                              value <= goal * floor_))
    return results


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def durable_action(store_path: Path, size: str, repeat: int) -> Result:
    """A decision recorded, against writing the store as it then is; three times `repeat`
    runs, as each is a few milliseconds of mostly fsync, the noisiest thing a VM does."""
    session, _ = start_meeting(Store(store_path))
    value, floor = alternated(
        lambda: session.run(EventKind.DECISION, actions.record, "decision", "Benchmark", "Noor",
                            None, None, clock.today()),
        lambda: atomic_write(store_path.with_suffix(".floor"),
                             orjson.dumps(session.store.storage.read())), 3 * repeat)
    return Result("meeting action made durable", size, value * 1000, "ms", floor * 1000,
                  "<= 1.5x", value <= 1.5 * floor)


def start_meeting(store: Store) -> tuple[Session, Meeting]:
    """A meeting as the app starts one (core/session.py): planned, then written."""
    session = Session(ReadModel(store))
    session.plan()
    started = session.start_planned()
    assert started is not None              # just planned
    return session, started


def open_store(store_path: Path, size: str, repeat: int) -> Result:
    """Read, parse, check the shape, migrate, and index every table's documents by id."""
    def open_and_index() -> None:
        store = Store(store_path)
        for table in store.storage.read():
            store.docs(table)
    value, floor = alternated(open_and_index, lambda: orjson.loads(store_path.read_bytes()),
                              repeat)
    return Result("opening the store (read + index)", size, value * 1000, "ms", floor * 1000,
                  "<= 2x", value <= 2 * floor)


def open_rollup(store_path: Path, size: str, teams: int, today: date, repeat: int) -> Result:
    """A roll-up of `teams` team stores, each a copy of the store of this size in a folder of
    its own: its file read, every team store opened and its board made (health, flags, OKRs),
    and one board over them all — what `status --rollup` and the app's first frame need.
    Against orjson reading and parsing the same files in one process."""
    import shutil

    from core import rollup
    folder = store_path.parent / f"rollup-{size}"
    files = []
    for n in range(teams):
        (folder / f"team{n}").mkdir(parents=True, exist_ok=True)
        files.append(folder / f"team{n}" / "cadence.json")
        shutil.copyfile(store_path, files[-1])
    path = folder / "rollup.toml"
    path.write_text('title = "Benchmark"\n' + "".join(
        f'[[team]]\nname = "team{n}"\nstore = "team{n}/cadence.json"\n' for n in range(teams)))

    def floor() -> None:
        for file in files:
            orjson.loads(file.read_bytes())
    value, floor_value = alternated(lambda: rollup.Review(path).board(today), floor, repeat)
    return Result(f"opening a roll-up of {teams} stores (read + boards)", size, value * 1000,
                  "ms", floor_value * 1000, "<= 2x", value <= 2 * floor_value)


def read_model(store_path: Path, size: str, today: date, repeat: int) -> Result:
    """Every KPI's health, every objective's score, every action: what the screens and
    `status` show, from an open store. No goal of its own; it is inside launch and status."""
    store = Store(store_path)
    value = timed(lambda: board.load(store, today), repeat)
    return Result("read model (health, OKRs, actions)", size, value * 1000, "ms", None, "—",
                  True)


def status_json(store_path: Path, size: str, today: date, repeat: int) -> Result:
    """The command against Python loading the file with orjson, alternated (the VM drifts).
    The goal is 2x: most of the floor is the interpreter starting, which the command pays
    too, and a cache kept across processes would meet a tighter goal by skipping the work."""
    def run(command) -> None:
        subprocess.run(command, env=env(today), check=True, stdout=subprocess.DEVNULL)
    status = [sys.executable, "-m", "tui", "--db", str(store_path), "status", "--format", "json"]
    bare = [sys.executable, "-c",
            f"import orjson, sys; orjson.loads(open({str(store_path)!r}, 'rb').read())"]
    value, floor = alternated(lambda: run(status), lambda: run(bare), repeat)
    return Result("cadence status --format json", size, value * 1000, "ms", floor * 1000,
                  "<= 2x", value <= 2 * floor)


def import_rows(store_path: Path, size: str, today: date, rows: int, repeat: int) -> Result:
    """Import `rows` measurement rows (daily KPIs, so every row is a new period) into a copy
    of the store, `repeat` times; the floor parses the same file and writes the store that
    the import wrote, alternated with it."""
    from core.imports import import_kpis, import_measurements
    base = store_path.with_name(f"import-{size}.base.json")
    shutil.copy(store_path, base)
    per_kpi = 1000
    count = max(1, rows // per_kpi)
    kpis = base.with_suffix(".kpis.csv")
    kpis.write_text("name,owner,unit,direction,target,threshold,cadence\n" + "".join(
        f"Daily {k},Ann,%,higher,90,80,daily\n" for k in range(count)))
    import_kpis(Store(base), kpis)
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["kpi", "date", "value"])
    start = date.fromordinal(today.toordinal() - per_kpi)
    for k in range(count):
        for d in range(per_kpi):
            writer.writerow([f"Daily {k}", date.fromordinal(start.toordinal() + d), 50 + d % 7])
    file = base.with_suffix(".csv")
    file.write_text(lines.getvalue())
    work = store_path.with_name(f"import-{size}.json")

    def cadence() -> float:
        shutil.copy(base, work)
        started = time.perf_counter()
        import_measurements(Store(work), file, today)
        return time.perf_counter() - started

    def floor() -> float:
        data = orjson.loads(work.read_bytes())
        started = time.perf_counter()
        list(csv.reader(file.open()))
        atomic_write(work.with_suffix(".floor"), orjson.dumps(data))
        return time.perf_counter() - started

    values, floors = zip(*((cadence(), floor()) for _ in range(repeat)))
    value, floor_ = statistics.median(values), statistics.median(floors)
    return Result(f"import of {count * per_kpi // 1000}k measurement rows", size, value * 1000,
                  "ms", floor_ * 1000, "<= 2x", value <= 2 * floor_)


def formulas(size: str, day: date, repeat: int, count: int = 500, weeks: int = 156) -> Result:
    """`count` formula KPIs over `weeks` weekly periods, as `cadence pull` computes them: over
    100 typed KPIs, one formula in five over another formula (chains of up to five), and one
    input in ten missing a week, so reasons are made too. Parsing is timed as well (its cache
    emptied before each run): a pull parses each formula once."""
    from core.formula import _parse, evaluate_all
    first = date.fromordinal(day.toordinal() - 7 * weeks)
    first = date.fromordinal(first.toordinal() - first.weekday())
    periods = [date.fromordinal(first.toordinal() + 7 * w).isoformat() for w in range(weeks)]
    series = {f"Typed {k}": {p: 1.0 + (k * 7 + w) % 97 for w, p in enumerate(periods)
                             if (k % 10 or w % 13)} for k in range(100)}
    texts = {}
    for f in range(count):
        a, b = f % 100, (f * 37 + 11) % 100
        texts[f"Formula {f}"] = (f"[Formula {f - 100}] * 2 + [Typed {a}]" if f >= 100 and f % 5 == 0
                                 else f"([Typed {a}] - [Typed {b}]) / [Typed {b}] * 100")

    def job() -> None:
        _parse.cache_clear()
        evaluate_all(texts, series)
    value = timed(job, repeat)
    return Result(f"{count} formula KPIs over {weeks} periods", size, value * 1000, "ms", None,
                  "< 200 ms", value < 0.2)


def minutes_of_a_big_meeting(store_path: Path, size: str, actions: int = 200) -> Result:
    store = Store(store_path)
    _, meeting = start_meeting(store)
    with store.transaction("benchmark") as tx:
        for a in range(actions):
            tx.insert("actions", Action(id="", kind="action", text=f"Follow-up {a}",
                                        owner="Noor", meeting=meeting.id,
                                        created=meeting.day).to_doc())
    started = time.perf_counter()
    render(minutes.build(store, meeting.id))
    value = time.perf_counter() - started
    return Result(f"minutes of a {actions}-action meeting", size, value * 1000, "ms", None,
                  "< 500 ms", value < 0.5)


def pull_from_warehouse(folder: Path, today: date, weeks: int, repeat: int,
                        kpis: int = 500) -> Result:
    """`cadence pull` (the installed command) of `kpis` SQL-sourced weekly KPIs from a SQLite
    warehouse of daily sales, `weeks` weeks of them, into a fresh copy of the store each time
    (every value new); the floor runs the same queries bare with sqlite3 in one process."""
    import sqlite3

    from core.imports import import_kpis
    warehouse = folder / "pull-warehouse.sqlite"
    first = date.fromordinal(today.toordinal() - 7 * weeks)
    with sqlite3.connect(warehouse) as db:
        db.execute("CREATE TABLE sales (kpi INTEGER, day TEXT, amount REAL)")
        db.executemany("INSERT INTO sales VALUES (?, ?, ?)", (
            (k, date.fromordinal(first.toordinal() + d).isoformat(), 100 + (k + d) % 13)
            for k in range(kpis) for d in range(7 * weeks)))
        db.execute("CREATE INDEX sales_by_kpi ON sales (kpi, day)")
    db.close()
    query = ("SELECT date(day, 'weekday 0', '-6 days') AS week, SUM(amount) FROM sales "
             "WHERE kpi = {k} GROUP BY week")
    connections = folder / "pull-connections.toml"
    connections.write_text(f'[bench]\nurl = "sqlite:///{warehouse}"\n')
    connections.chmod(0o600)
    base = folder / "pull.base.json"
    sheet = folder / "pull-kpis.csv"
    sheet.write_text("name,owner,unit,direction,target,threshold,cadence,source,connection,"
                     "query\n" + "".join(f'Sales {k},Ann,,higher,90,80,weekly,sql,bench,'
                                         f'"{query.format(k=k)}"\n' for k in range(kpis)))
    import_kpis(Store(base), sheet)
    work = folder / "pull.json"
    command = [*app_command(work), "pull"]
    environ = {**env(today), "CADENCE_CONNECTIONS": str(connections)}

    def cadence() -> None:
        shutil.copy(base, work)             # every value new: the pull writes them all
        done = subprocess.run(command, env=environ, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def floor() -> None:
        with sqlite3.connect(warehouse) as db:
            for k in range(kpis):
                db.execute(query.format(k=k)).fetchall()
        db.close()

    value, floor_ = alternated(cadence, floor, repeat)
    return Result(f"pull of {kpis} SQL KPIs x {weeks} weeks", "—", value * 1000, "ms",
                  floor_ * 1000, "<= 2x", value <= 2 * floor_)
