"""Real servers on loopback for the delivery tests: an SMTP server (aiosmtpd) that keeps what
it receives, optionally asking a login and STARTTLS with a certificate made for the test, and
an HTTP server (the standard library's, in a thread) that keeps each POST and answers with
the status the test sets. Both listen on 127.0.0.1 only and stop with the test."""

import json
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

USER, PASSWORD = "cadence", "s3cret;pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Received:
    """What the SMTP server was given: envelope recipients and the parsed message."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        mail = message_from_bytes(envelope.original_content or envelope.content,
                                  policy=policy.default)
        self.mails.append((list(envelope.rcpt_tos), mail))
        return "250 OK"


def _login(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=good, handled=False)


def certificate(folder: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (openssl), or None without openssl."""
    if shutil.which("openssl") is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@contextmanager
def smtp_server(login: bool = False, tls: tuple[Path, Path] | None = None,
                ) -> Iterator[tuple[int, Received]]:
    """An SMTP server on 127.0.0.1: with `login`, AUTH is required (the test's user and
    password); with `tls` (certificate, key), STARTTLS is required before anything."""
    import ssl

    from aiosmtpd.controller import Controller
    received = Received()
    context = None
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, tls))
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=tls is not None, auth_required=login,
                            auth_require_tls=tls is not None, authenticator=_login)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


class Hook:
    """The HTTP server's record: each POST's path, headers and JSON body."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict, object]] = []
        self.status = 200


@contextmanager
def http_server() -> Iterator[tuple[int, Hook]]:
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hook.posts.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(hook.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            """Quiet: the test reads the record."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hook
    finally:
        server.shutdown()
        server.server_close()
