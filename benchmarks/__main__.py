"""python -m benchmarks [--quick] [--json FILE]

Builds synthetic stores (S = the demo, M, L), measures every figure against its floor, and
prints a table (figure, value, floor, ratio, goal, met?) — also written as JSON with --json.
--quick runs S and M with fewer repetitions; no goal is asserted (CI machines are noisy)."""

import argparse
import compileall
import json
import platform
import tempfile
from dataclasses import asdict
from pathlib import Path

from benchmarks import figures, stores
from core.clock import today

LAUNCH_GOAL = {"S": 1.3, "M": 1.6, "L": 2.5}
# A roll-up (issue 22): fifty team stores of the demo's size, twenty of size M.
ROLLUP_TEAMS = {"S": 50, "M": 20}


def compile_sources() -> None:
    """Byte-compile Cadence as `pip install` does for a regular install: with
    PYTHONDONTWRITEBYTECODE set (as on our CI machines) an editable install would otherwise
    re-compile every module on every start, and the launch figures would time the compiler."""
    root = Path(__file__).resolve().parent.parent
    for package in ("core", "tui"):
        compileall.compile_dir(root / package, quiet=1)


def run(quick: bool) -> list[figures.Result]:
    compile_sources()
    day = today()
    sizes = ("S", "M") if quick else ("S", "M", "L")
    repeat = 3 if quick else 10
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            store = stores.build(size, Path(folder), day)
            results += figures.launch(store, day, size, repeat, LAUNCH_GOAL[size])
            results.append(figures.open_store(store, size, repeat))
            results.append(figures.read_model(store, size, day, repeat))
            if size in ROLLUP_TEAMS:
                results.append(figures.open_rollup(store, size, ROLLUP_TEAMS[size], day,
                                                   repeat))
            if size in ("S", "M"):
                results.append(figures.durable_action(store, size, repeat))
            if size == "M":
                results.append(figures.status_json(store, size, day, repeat))
                rows = 20_000 if quick else 100_000
                results.append(figures.import_rows(store, size, day, rows, repeat))
                results.append(figures.minutes_of_a_big_meeting(store, size))
                results.append(figures.formulas(size, day, repeat))
        results.append(figures.pull_from_warehouse(Path(folder), day, 52 if quick else 156,
                                                   repeat))
    return results


def table(results: list[figures.Result]) -> str:
    rows = [("figure", "size", "value", "floor", "ratio", "goal", "met?")]
    for r in results:
        rows.append((r.figure, r.size, f"{r.value:.1f} {r.unit}",
                     f"{r.floor:.1f} {r.unit}" if r.floor else "—",
                     f"{r.ratio:.2f}x" if r.ratio else "—", r.goal, "yes" if r.met else "NO"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="S and M, fewer repetitions")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    results = run(args.quick)
    print(f"Cadence benchmarks on {platform.node()} ({platform.machine()}, "
          f"Python {platform.python_version()})")
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{**asdict(r), "ratio": r.ratio} for r in results], indent=2) + "\n")


if __name__ == "__main__":
    main()
