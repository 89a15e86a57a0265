"""`cadence serve`: the follower view over HTTP, on loopback, stopping cleanly; only its own
page may watch, viewers are bounded, each is one process."""

import asyncio
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import aiohttp
import pytest

from tests.helpers import cadence_command, run_cli, running, write_demo
from tests.hostile import make_hostile


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_loopback_and_stops_cleanly(db):
    run_cli("demo", "--no-open", db=db)
    port = free_port()
    env = {**os.environ, "CADENCE_TODAY": "2026-11-22"}
    server = subprocess.Popen([*cadence_command(), "--db", str(db), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    assert page.status == 200
                    assert "Cadence" in page.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=15) == 0
    assert "warning" not in server.stderr.read()


def test_a_bad_port_is_a_one_line_error(db):
    result = run_cli("serve", "--port", "70000", db=db)
    assert result.returncode == 1 and "'70000' is not a port" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_viewer_count_is_a_one_line_error(db):
    for bad in ("0", "-3", "many"):
        result = run_cli("serve", "--max-viewers", bad, db=db)
        assert result.returncode == 1 and "is not a number of viewers" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_serving_beyond_loopback_warns(db):
    """192.0.2.1 is a documentation address this machine does not have: the warning comes
    first, then a one-line error, and nothing listens anywhere."""
    run_cli("demo", "--no-open", db=db)
    result = run_cli("serve", "--host", "192.0.2.1", "--port", str(free_port()), db=db)
    assert "there is no login" in result.stderr
    assert result.returncode == 1 and "cannot listen on 192.0.2.1" in result.stderr
    assert "Traceback" not in result.stderr


@contextmanager
def serving(db, *args: str):
    """`cadence serve` on a free loopback port, answering; stopped with ctrl+c afterwards.
    Yields the server process and its port."""
    port = free_port()
    env = {**os.environ, "CADENCE_TODAY": "2026-11-22"}
    server = subprocess.Popen([*cadence_command(), "--db", str(db), "serve", "--port",
                               str(port), *args],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
        yield server, port
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, read from /proc (children of children too)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rpartition(")")[2].split()[1])
            except OSError:
                continue                                # ended meanwhile
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        todo += children
    return found


def wait_for_processes(pid: int, count: int, timeout: float = 15) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(found := descendants(pid)) != count:
        assert time.monotonic() < deadline, f"{len(found)} processes, not {count}"
        time.sleep(0.1)
    return found


async def watch(port: int, origin: str | None, host: str = "127.0.0.1",
                seconds: float = 3) -> bytes:
    """What a browser's websocket receives in `seconds` (the terminal stream, as bytes)."""
    headers = {"Host": f"{host}:{port}"}
    if origin is not None:
        headers["Origin"] = origin
    url = f"http://127.0.0.1:{port}/ws?width=120&height=36"
    async with aiohttp.ClientSession() as session, \
            session.ws_connect(url, headers=headers) as ws:
        return await receive(ws, seconds)


async def receive(ws, seconds: float) -> bytes:
    stream, end = b"", time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            break
        if message.type == aiohttp.WSMsgType.BINARY:
            stream += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            break
    return stream


async def test_only_the_served_page_may_open_a_websocket(db):
    """A page of another site open in the same browser (its Origin), a client that sends no
    Origin, the page loaded under another name, a rebound DNS name: all refused with 403,
    before any follower starts. The page's own origin receives the meeting."""
    run_cli("demo", "--no-open", db=db)
    with serving(db) as (server, port):
        refused = [("http://evil.example", "127.0.0.1"), (None, "127.0.0.1"),
                   (f"http://localhost:{port}", "127.0.0.1"),    # another origin than its own
                   (f"http://evil.example:{port}", "evil.example"),         # DNS rebinding
                   (f"https://127.0.0.1:{port}", "127.0.0.1"),
                   ("null", "127.0.0.1")]
        for origin, host in refused:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refusal:
                await watch(port, origin, host)
            assert refusal.value.status == 403, (origin, host)
        assert descendants(server.pid) == []                  # no follower was started
        seen = await watch(port, f"http://127.0.0.1:{port}")
        assert b"KPI health" in seen and b"read-only" in seen
        seen = await watch(port, f"http://localhost:{port}", host="localhost", seconds=1)
        assert b"KPI health" in seen                  # opened as localhost: fine too
        page = urllib.request.Request(f"http://127.0.0.1:{port}/",
                                      headers={"Host": f"evil.example:{port}"})
        with pytest.raises(urllib.error.HTTPError) as refusal:
            urllib.request.urlopen(page, timeout=5)
        assert refusal.value.code == 403


async def test_the_page_points_its_websocket_at_the_address_it_was_loaded_from(db):
    run_cli("demo", "--no-open", db=db)
    with serving(db) as (_, port), \
            urllib.request.urlopen(f"http://localhost:{port}/", timeout=5) as page:
        html = page.read().decode()
    assert f'data-session-websocket-url="ws://localhost:{port}/ws"' in html
    assert f"http://127.0.0.1:{port}" not in html


async def test_viewers_are_bounded_and_each_is_one_process(db):
    """Three viewers at most: three followers, one process each (no shell between), and the
    fourth is told why it is refused. A viewer who leaves frees a place."""
    run_cli("demo", "--no-open", db=db)
    with serving(db, "--max-viewers", "3") as (server, port):
        origin = {"Origin": f"http://127.0.0.1:{port}"}
        url = f"http://127.0.0.1:{port}/ws?width=100&height=30"
        async with aiohttp.ClientSession() as session:
            viewers = [await session.ws_connect(url, headers=origin) for _ in range(3)]
            for ws in viewers:
                assert b"KPI health" in await receive(ws, 2)
            followers = wait_for_processes(server.pid, 3)
            for pid in followers:
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    assert cmdline.read().split(b"\0")[-2] == b"follow"   # not a shell
            extra = await session.ws_connect(url, headers=origin)
            closed = await extra.receive()
            assert closed.type == aiohttp.WSMsgType.CLOSE
            assert closed.data == aiohttp.WSCloseCode.TRY_AGAIN_LATER
            assert "3 viewers already" in closed.extra
            assert len(descendants(server.pid)) == 3
            await viewers.pop().close()
            wait_for_processes(server.pid, 2)
            again = await session.ws_connect(url, headers=origin)
            assert b"KPI health" in await receive(again, 2)
            for ws in (*viewers, again):
                await ws.close()
        wait_for_processes(server.pid, 0)


async def test_store_text_reaches_the_browser_neutralised(db):
    """Every text field of the store holding an OSC title change, an OSC 52 clipboard write,
    a C1 CSI and a bidi override (tests/hostile.py; imports refuse such names, a hand edit
    or a database does not): the browser's terminal receives none of them raw."""
    make_hostile(write_demo(db))
    with serving(db) as (_, port):
        stream = (await watch(port, f"http://127.0.0.1:{port}", seconds=4)).decode()
    assert "K1 name" in stream
    for raw in ("\x1b]0;PWNED", "\x1b]52;", "\x9b31m", "\u202e"):
        assert raw not in stream, repr(raw)


async def test_viewers_end_with_a_server_killed_without_a_word(db):
    """SIGKILL: the server cannot tell its followers to quit. Their standard input (the pipe
    from the server) closes, and that ends them rather than leave them running for good."""
    run_cli("demo", "--no-open", db=db)
    with serving(db) as (server, port):
        url = f"http://127.0.0.1:{port}/ws?width=100&height=30"
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(url, headers={"Origin": f"http://127.0.0.1:{port}"})
            assert b"KPI health" in await receive(ws, 2)
            followers = wait_for_processes(server.pid, 1)
            server.kill()
            server.wait(timeout=5)
            deadline = time.monotonic() + 5
            while any(running(pid) for pid in followers):
                if time.monotonic() > deadline:
                    for pid in followers:
                        os.kill(pid, signal.SIGKILL)
                    raise AssertionError("a follower outlived its server")
                time.sleep(0.05)
            await ws.close()



async def test_a_public_url_is_where_the_page_points_and_whose_origin_may_watch(db):
    """Behind a reverse proxy with TLS: the page's script, CSS and websocket are at
    --public-url, and a websocket from that origin (through the proxy) is the page's own."""
    run_cli("demo", "--no-open", db=db)
    public = "https://review.example.com/cadence"
    with serving(db, "--public-url", public + "/") as (_, port):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            html = page.read().decode()
        seen = await watch(port, "https://review.example.com", host="review.example.com")
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await watch(port, "https://evil.example", host="review.example.com")
    assert 'data-session-websocket-url="wss://review.example.com/cadence/ws"' in html
    assert f"{public}/static/js/textual.js" in html and "127.0.0.1" not in html
    assert b"KPI health" in seen


def test_a_bad_public_url_is_a_one_line_error(db):
    for bad in ("review.example.com", "ftp://x.example", "https://", "https://x.example/?a=1"):
        result = run_cli("serve", "--public-url", bad, db=db)
        assert result.returncode == 1 and "is not an http or https URL" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
