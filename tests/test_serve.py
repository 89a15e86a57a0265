"""`cadence serve`: the follower view over HTTP, on loopback, stopping cleanly."""

import os
import signal
import socket
import subprocess
import time
import urllib.request

from tests.conftest import cadence_command, run_cli


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


def test_serving_beyond_loopback_warns(db):
    """192.0.2.1 is a documentation address this machine does not have: the warning comes
    first, then a one-line error, and nothing listens anywhere."""
    run_cli("demo", "--no-open", db=db)
    result = run_cli("serve", "--host", "192.0.2.1", "--port", str(free_port()), db=db)
    assert "there is no login" in result.stderr
    assert result.returncode == 1 and "cannot listen on 192.0.2.1" in result.stderr
    assert "Traceback" not in result.stderr
