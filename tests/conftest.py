"""The fixtures every folder's tests share, each defined once: a store file in a temp folder
(empty, the demo, the demo with hostile text, the demo with a meeting still open), CSV files,
and a disk that fills up or turns read-only. Plain helpers are in tests/helpers.py."""

import os
from pathlib import Path

import pytest

from tests.browser import browser, page  # noqa: F401  (fixtures: headless Chromium)
from tests.disk import Disk
from tests.helpers import TODAY, open_meeting, write_demo
from tests.hostile import make_hostile


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
    monkeypatch.setenv("CADENCE_TODAY", TODAY.isoformat())
    return write_demo(db)


@pytest.fixture
def meeting_db(demo_db: Path) -> Path:
    """The demo and a second meeting, m2, started by Noor and still open (m1 has ended)."""
    open_meeting(demo_db)
    return demo_db


@pytest.fixture
def hostile_db(db: Path) -> Path:
    """The demo with every text field holding every attack (tests/hostile.py)."""
    return make_hostile(write_demo(db))


@pytest.fixture(params=["tmpfs", "injected"])
def disk(tmp_path: Path, request):
    """A disk of the test's own, both ways where both work (tests/disk.py)."""
    found = Disk(tmp_path, real=request.param == "tmpfs")
    if request.param == "tmpfs" and not found.mounted:
        pytest.skip("no tmpfs can be mounted here: the injected faults stand in")
    yield found
    found.close()


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (tests/databases.py); its password is read
    from the environment as a connection's ${NAME} would be. Its folder is directly in the
    temp folder: pytest's own is its user's alone, and the server may run as another."""
    import shutil
    import tempfile

    from tests.databases import PASSWORD, Server, postgres_bin
    if postgres_bin() is None:
        pytest.skip("the postgres binaries (initdb, pg_ctl) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="cadence-pg-"))
    server = Server(folder)
    os.environ["CADENCE_TEST_PG_PASSWORD"] = PASSWORD
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def pytest_terminal_summary(terminalreporter) -> None:
    """Where the files kept for a person to look at went (screenshots: tests/browser.py)."""
    from tests.browser import KEPT
    for path in dict.fromkeys(KEPT):
        terminalreporter.write_line(f"test artifact: {path}")
