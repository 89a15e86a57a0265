"""Every malformed document against every command: a demo store broken by hand in one place,
then each command run as a person runs it (the installed `cadence`; the app, `follow` and
`--take-over` in a pseudo-terminal). Each must exit 1 with one line on stderr naming the file
(and what is wrong), print no traceback, and leave the file byte for byte as it was. (A document
broken under a running meeting: tests/app/test_malformed.py.)"""

import json
import os
import pty
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import TODAY, cadence_command, run_cli, write_demo


def rekey(table: str, old: str, new: str):
    def mutate(data: dict) -> None:
        data[table] = {(new if k == old else k): v for k, v in data[table].items()}
    return mutate


def setting(path: str, value):
    """Set (or with DELETE, remove) the field at `table.key.field[.index.field]`."""
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return mutate


def first_series_key(data: dict, new_key: str) -> None:
    values = data["series"]["1"]
    first = next(iter(values))
    data["series"]["1"] = {(new_key if k == first else k): v for k, v in values.items()}


DELETE = object()

# (what is broken, how, what the one line must say besides the file)
MUTATIONS = [
    ("key ² (a digit to isdigit, not to int)", rekey("kpis", "1", "²"), "key '²'"),
    ("key ٣ (an Arabic-Indic digit)", rekey("kpis", "1", "٣"), "key '٣'"),
    ("key of 5,000 digits", rekey("kpis", "1", "9" * 5000), "is not a document number"),
    ("empty key", rekey("actions", "1", ""), "key ''"),
    ("a table that is a list", setting("kpis", []), "table 'kpis'"),
    ("a document that is a number", setting("kpis.1", 5), "document 1 is not an object"),
    ("next_ids not an object", setting("_meta.1.next_ids", []), "next_ids"),
    ("next_ids holding text", setting("_meta.1.next_ids.kpis", "11"), "next_ids"),
    ("demo mark not true or false", setting("_meta.1.demo", "yes"), "_meta demo"),
    ("schema_version as text", setting("_meta.1.schema_version", "2"), "schema_version"),
    ("KPI without a name", setting("kpis.1.name", DELETE), "kpis document 1"),
    ("KPI without a target", setting("kpis.1.target", DELETE), "kpis document 1"),
    ("KPI target as text", setting("kpis.1.target", "500000"), "kpis document 1"),
    ("KPI name a number", setting("kpis.1.name", 5), "kpis document 1"),
    ("KPI threshold above its target", setting("kpis.1.threshold", 900000), "kpis document 1"),
    ("KPI sustain 10**23", setting("kpis.1.sustain", 10**23), "kpis document 1"),
    ("KPI sustain past the most", setting("kpis.1.sustain", 53), "sustain"),
    ("KPI target past any float", setting("kpis.1.target", 10**400), "not valid JSON"),
    ("series period not a date", lambda d: first_series_key(d, "2026-13-01"), "series document 1"),
    ("series period before 1900", lambda d: first_series_key(d, "1899-12-01"), "outside the days"),
    ("series value as text", setting("series.2.2026-10-26", "12"), "series document 2"),
    ("series value true", setting("series.2.2026-10-26", True), "series document 2"),
    ("series value an object without a number", setting("series.2.2026-10-26", {"note": "x"}),
     "series document 2"),
    ("series note a number", setting("series.2.2026-10-26", {"value": 1, "note": 5}),
     "series document 2"),
    ("series not an object of periods", setting("series.2", {"x": [1]}), "series document 2"),
    ("objective cycle 9999-Q4", setting("objectives.1.cycle", "9999-Q4"), "objectives document 1"),
    ("objective cycle not a cycle", setting("objectives.1.cycle", "soon"), "objectives document 1"),
    ("objective without a title", setting("objectives.1.title", DELETE), "objectives document 1"),
    ("objective final score as text", setting("objectives.1.final_score", "x"),
     "objectives document 1"),
    ("key result start as text", setting("key_results.1.start", "85"), "key_results document 1"),
    ("key result start equal to target", setting("key_results.1.start", 95),
     "key_results document 1"),
    ("key result without its objective", setting("key_results.1.objective", DELETE),
     "key_results document 1"),
    ("check-in day not a date", setting("checkins.1.day", "yesterday"), "checkins document 1"),
    ("check-in day 0001-01-01", setting("checkins.1.day", "0001-01-01"), "checkins document 1"),
    ("meeting start not a timestamp", setting("meetings.1.started_at", "9 o'clock"),
     "meetings document 1"),
    ("meeting start without a UTC offset", setting("meetings.1.started_at", "2026-11-15T09:00:00"),
     "meetings document 1"),
    ("meeting stages not a list", setting("meetings.1.stages", {"a": 1}), "meetings document 1"),
    ("meeting stage time below 0", setting("meetings.1.stages.0.spent_s", -5),
     "meetings document 1"),
    ("action due 2026-02-30", setting("actions.1.due", "2026-02-30"), "actions document 1"),
    ("action due 9999-12-31", setting("actions.1.due", "9999-12-31"), "actions document 1"),
    ("action of no kind", setting("actions.1.kind", "memo"), "actions document 1"),
    ("event without its time", setting("events.1.at", DELETE), "events document 1"),
    ("event changes not a list", setting("events.1.changes", "all"), "events document 1"),
]


def commands(folder: Path) -> dict[str, list[str]]:
    """Every command that reads or writes the store, with inputs that are fine in themselves
    (test_the_commands_succeed_on_the_store_unbroken checks they are)."""
    kpis = folder / "kpis.csv"
    kpis.write_text("name,owner,unit,direction,target,threshold,cadence\n"
                    "Trial conversion,Ann,%,higher,20,15,weekly\n")
    values = folder / "values.csv"
    values.write_text("kpi,date,value\nCSAT,2026-11-16,91\n")
    okrs = folder / "okrs.csv"
    okrs.write_text("objective,key_result,start,target\nShip faster,Lead time,10,5\n")
    return {"status": ["status"], "status json": ["status", "--format", "json"],
            "meetings": ["meetings"], "meetings json": ["meetings", "--format", "json"],
            "minutes": ["minutes"], "minutes json": ["minutes", "--format", "json"],
            "import kpis": ["import", "kpis", str(kpis)],
            "import measurements": ["import", "measurements", str(values)],
            "import okrs": ["import", "okrs", str(okrs)],
            "demo": ["demo", "--no-open"]}


APP_MODES = {"app": [], "follow": ["follow"], "take over": ["--take-over"]}


def in_terminal(db: Path, args: list[str], timeout: float = 10) -> tuple[int, str]:
    """`cadence ARGS` with a pseudo-terminal for stdin and stdout (as in a person's terminal,
    so the app would open), stderr apart. The exit status and stderr."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    env.update(CADENCE_TODAY=TODAY.isoformat(), TERM="xterm-256color")
    try:
        proc = subprocess.Popen([*cadence_command(), "--db", str(db), *args], stdin=follower,
                                stdout=follower, stderr=subprocess.PIPE, env=env,
                                text=True, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:       # the app opened: the store was not refused
            proc.kill()
            _, stderr = proc.communicate()
            return -1, stderr
        return proc.returncode, stderr
    finally:
        os.close(leader)
        os.close(follower)


def refused_in_one_line(code: int, stderr: str, db: Path, expected: str, what: str) -> None:
    lines = stderr.strip().splitlines()
    assert code == 1, f"{what}: exit {code}, stderr: {stderr[-800:]}"
    assert "Traceback" not in stderr, f"{what}: {stderr[-800:]}"
    assert len(lines) == 1, f"{what}: {stderr[-800:]}"
    assert lines[0].startswith("cadence: error: ") and str(db) in lines[0], f"{what}: {lines}"
    assert expected in lines[0], f"{what}: {lines[0][:300]}"


def broken_demo(db: Path, mutate) -> bytes:
    write_demo(db)
    data = json.loads(db.read_text())
    mutate(data)
    raw = json.dumps(data, indent=2).encode()
    db.write_bytes(raw)
    return raw


@pytest.mark.parametrize("what, mutate, expected", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_a_malformed_document_is_one_line_from_every_command(db, tmp_path, what, mutate,
                                                            expected):
    raw = broken_demo(db, mutate)
    runs = {**{name: (lambda a=args: _cli(db, a)) for name, args in commands(tmp_path).items()},
            **{name: (lambda a=args: in_terminal(db, a)) for name, args in APP_MODES.items()}}
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = {name: pool.submit(run) for name, run in runs.items()}
        for name, result in results.items():
            code, stderr = result.result()
            refused_in_one_line(code, stderr, db, expected, f"{what} / {name}")
    assert db.read_bytes() == raw
    assert not (db.parent / "minutes").exists() and not (db.parent / f"{db.name}.live").exists()


def _cli(db: Path, args: list[str]) -> tuple[int, str]:
    result = run_cli(*args, db=db, today=TODAY.isoformat())
    return result.returncode, result.stderr


def test_the_commands_succeed_on_the_store_unbroken(db, tmp_path):
    """The same inputs on the demo as written: each command works, so each refusal above is
    the broken document's doing."""
    for name, args in commands(tmp_path).items():
        db.unlink(missing_ok=True)
        write_demo(db)
        result = run_cli(*args, db=db, today=TODAY.isoformat())
        assert result.returncode == 0, (name, result.stderr)
    db.unlink()
    write_demo(db)
    code, stderr = in_terminal(db, ["--take-over"])
    assert code == 1 and "no meeting to take over" in stderr
    code, _ = in_terminal(db, [], timeout=3)
    assert code == -1                                  # the app opened (and was closed)


@pytest.mark.parametrize("args", [["--title", "Review\x1b[2J"], ["--attendee", "Ann\u202e"],
                                  ["--facilitator", "Noor\x07"]])
def test_a_meeting_name_with_a_control_character_is_one_line_before_the_app(db, args):
    write_demo(db)
    before = db.read_bytes()
    code, stderr = in_terminal(db, args)
    assert code == 1 and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert "holds the control character" in stderr and db.read_bytes() == before
