"""`cadence serve --host 0.0.0.0` seen in a real browser (headless Chromium) that opens it by
a non-loopback address: the page loads past its splash (its CSS, script and websocket point
at the address the browser used, not at 0.0.0.0), the follower view draws, a facilitator's
stage change in another process (the app in tmux) reaches it, and `q` asks before ending.

The address is 198.51.100.7 (TEST-NET-2, for documentation), given to the loopback device of
a network namespace the test makes (unshare): server and browser run in it, so nothing leaves
the machine and the test needs no particular interface on the host. Skipped, saying why,
where no namespace can be made or no Chromium is installed."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import artifact, chromium_path
from tests.helpers import TODAY, cadence_command, write_demo
from tests.terminal.tmux import Terminal

ADDRESS = "198.51.100.7"
PORT = 8000                   # the namespace's own: nothing else listens there


@pytest.fixture
def namespace() -> Iterator[list[str]]:
    """A network namespace whose loopback device also holds ADDRESS; yields the command
    prefix that runs a program in it."""
    if not all(shutil.which(tool) for tool in ("unshare", "nsenter", "ip")):
        pytest.skip("unshare, nsenter or ip is missing: no network namespace for the test")
    holder = subprocess.Popen(
        ["unshare", "--net", "sh", "-c", f"ip link set lo up && ip addr add {ADDRESS}/32 "
         "dev lo && echo ready && exec sleep 600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if holder.stdout.readline().strip() != "ready":
        holder.wait(timeout=5)
        pytest.skip(f"no network namespace can be made here: {holder.stderr.read().strip()}")
    try:
        yield ["nsenter", f"--net=/proc/{holder.pid}/ns/net"]
    finally:
        holder.kill()
        holder.wait(timeout=5)


def browser_in(namespace: list[str], folder: Path) -> Path:
    """Chromium, started in the namespace (Playwright talks to it over pipes, which nsenter
    keeps)."""
    chromium = chromium_path()
    if chromium is None:
        pytest.skip("no Chromium installed (apt-get install chromium; .ci/run does)")
    wrapper = folder / "chromium-in-namespace"
    wrapper.write_text(f'#!/bin/sh\nexec {" ".join(namespace)} {chromium} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def load(page, url: str, deadline: float) -> None:
    """The page, once the server answers."""
    while True:
        try:
            if page.goto(url).ok:
                return
        except Exception:               # not listening yet: Playwright's own error
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def test_the_follower_view_in_chromium_from_a_non_loopback_address(db, tmp_path, namespace):
    write_demo(db)
    executable = browser_in(namespace, tmp_path)
    env = {**os.environ, "CADENCE_TODAY": TODAY.isoformat()}
    server = subprocess.Popen([*namespace, *cadence_command(), "--db", str(db), "serve",
                               "--host", "0.0.0.0", "--port", str(PORT)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    facilitator = None
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(executable))
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            stream = bytearray()
            page.on("websocket", lambda ws: ws.on(
                "framereceived", lambda frame: stream.extend(
                    frame if isinstance(frame, bytes) else frame.encode())))
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            load(page, f"http://{ADDRESS}:{PORT}/", time.monotonic() + 30)
            page.wait_for_function("document.body.classList.contains('-first-byte')",
                                   timeout=30_000)                   # past the splash
            until(page, lambda: b"1/5 KPI health" in stream and b"read-only" in stream)
            served = [url for url in requests if "/static/" in url or "/ws" in url]
            assert served and all(url.startswith((f"http://{ADDRESS}:{PORT}/",
                                                  f"ws://{ADDRESS}:{PORT}/")) for url in served)
            assert not any("0.0.0.0" in url for url in requests)

            facilitator = Terminal.cadence(db, "--facilitator", "Noor")
            facilitator.wait_for("1/5 KPI health")
            until(page, lambda: b"following Noor" in stream)
            facilitator.keys("3")
            facilitator.wait_for("3/5 OKR check-ins")
            until(page, lambda: b"3/5 OKR check-ins" in stream)           # the facilitator's move
            shot = artifact("serve-follower.png")
            page.screenshot(path=str(shot))

            page.click("#terminal")                                  # keys go to the view
            page.keyboard.press("q")                                 # asks first
            until(page, lambda: b"Stop watching the meeting?" in stream)
            page.keyboard.press("n")
            page.wait_for_timeout(500)
            assert not page.evaluate("document.body.classList.contains('-closed')")
            page.keyboard.press("q")
            until(page, lambda: stream.count(b"Stop watching the meeting?") >= 2)
            page.keyboard.press("y")
            page.wait_for_function("document.body.classList.contains('-closed')",
                                   timeout=15_000)                   # "Session ended."
            browser.close()
    finally:
        if facilitator is not None:
            facilitator.close()
        server.terminate()
        server.wait(timeout=15)


def until(page, condition, timeout: float = 20) -> None:
    """Wait for `condition`, letting Playwright deliver the page's events meanwhile (its sync
    API delivers them only inside its own calls)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the browser never showed it"
        page.wait_for_timeout(100)
