"""A real browser for the tests: Debian's headless Chromium (/usr/bin/chromium, which .ci/run
installs), driven by Playwright (a test extra; its own browser downloads are never used).
Tests that need it skip, saying why, only when no Chromium is installed.

Screenshots and other files a person may want to look at after a run go to the artifacts
folder (`CADENCE_TEST_ARTIFACTS`, else tests/artifacts/), which the run's summary names."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("CADENCE_TEST_ARTIFACTS")
                 or Path(__file__).parent / "artifacts")
KEPT: list[Path] = []        # what this run wrote there (tests/conftest.py lists them)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def artifact(name: str) -> Path:
    """A path in the artifacts folder, remembered so the run's summary lists it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    KEPT.append(path)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium, one per test module (~0.5 s to start)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=executable)
        yield found
        found.close()


@pytest.fixture
def page(browser):
    """A page 600 px wide, as a mail client's reading pane; closed after the test. Any
    dialog (alert, confirm) a script would open is recorded in `page.dialogs` and dismissed."""
    context = browser.new_context(viewport={"width": 600, "height": 900})
    found = context.new_page()
    found.dialogs = []
    found.on("dialog", lambda dialog: (found.dialogs.append(dialog.message), dialog.dismiss()))
    yield found
    context.close()
