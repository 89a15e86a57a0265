"""Shared helpers: a real store file in a temp folder, KPI and series builders, the CLI."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.model import Kpi
from core.series import Measurement, Series
from core.periods import latest_finished, previous_period

TODAY = date(2026, 11, 22)  # a Sunday in ISO week 47


def kpi(**overrides) -> Kpi:
    fields = dict(id="k1", name="Cart abandonment", owner="Priya", unit="%", direction="lower",
                  target=20.0, threshold=25.0, cadence="weekly")
    return Kpi(**{**fields, **overrides})


def series(k: Kpi, values: list[float], today: date = TODAY, gap: int = 0) -> Series:
    """Values oldest first, the newest in the latest finished period (minus `gap` periods)."""
    period = latest_finished(today, k.cadence)
    for _ in range(gap):
        period = previous_period(period, k.cadence)
    found = []
    for value in reversed(values):
        found.append(Measurement(k.id, period, value))
        period = previous_period(period, k.cadence)
    return Series.of(k.id, found)


def cadence_command() -> list[str]:
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).with_name("cadence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def run_cli(*args: str, db: Path | None = None, today: str | None = "2026-11-22",
            env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    if today:
        environ["CADENCE_TODAY"] = today
    environ.update(env or {})
    command = cadence_command() + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(command, capture_output=True, text=True, env=environ, cwd=cwd,
                          timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cadence.json"


@pytest.fixture
def write_csv(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.fixture
def demo_db(db: Path, monkeypatch) -> Path:
    """A store holding the demo, today pinned to TODAY (the store the app tests open)."""
    from core import demo
    from core.store import Store
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    demo.write(Store(db), TODAY)
    return db
