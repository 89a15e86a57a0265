"""`cadence serve`: the follower view in a browser, for attendees on a video call.

textual-serve's server, made fit to leave running on a shared host. A websocket is not bound
by the browser's same-origin policy: any page open in the same browser (another site's, an
ad's) could connect to ws://127.0.0.1:8000/ws and read the whole meeting. So:
- a websocket is accepted only from this server's own page: its Origin header must be the
  origin the page was loaded from (scheme://Host), and the Host must be a name this server
  answers to (an IP address, localhost, this machine's name, --host, and beyond loopback this
  machine's full name), so a rebound DNS name (evil.example resolving to 127.0.0.1) is not
  "its own page" either. Refused before any process starts;
- at most `max_viewers` at once: each viewer is a follower process;
- each viewer is one process, the follower itself (textual-serve runs its command through
  a shell, which stays as a second process per viewer).
"""

import asyncio
import ipaddress
import logging
import shlex
import socket
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from tui.cli import is_loopback

log = logging.getLogger("textual-serve")


class FollowerService(AppService):
    """textual-serve's app service, starting the follower without a shell."""

    def __init__(self, argv: list[str], **kwargs: Any):
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24):
        pipe = asyncio.subprocess.PIPE
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=pipe, stdout=pipe, stderr=pipe,
            env=self._build_environment(width=width, height=height))
        self._stdin = process.stdin
        return process


def host_name(host_header: str) -> str:
    """The name or address in a Host header, without its port or IPv6 brackets."""
    if host_header.startswith("["):
        return host_header[1:].partition("]")[0]
    return host_header.rpartition(":")[0] if host_header.count(":") == 1 else host_header


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class FollowerServer(Server):
    def __init__(self, argv: list[str], host: str, port: int, max_viewers: int,
                 public_url: str | None = None):
        """`public_url`: the address browsers use when it is not the one they reach this
        server by (a reverse proxy with TLS, `https://review.example.com/cadence`); without
        it, every URL of the page is the one the browser used (its Host header)."""
        super().__init__(shlex.join(argv), host=host, port=port, title="Cadence")
        self.argv = argv
        self.max_viewers = max_viewers
        self.viewers = 0
        self.public = public_url.rstrip("/") if public_url else None
        self.names = {"localhost", host.lower(), socket.gethostname().lower()}
        if not is_loopback(host):
            self.names.add(socket.getfqdn().lower())    # a LAN's browsers use the full name
        if self.public:
            self.names.add((urlsplit(self.public).hostname or "").lower())

    def initialize_logging(self) -> None:
        """Only warnings: textual-serve logs every connection at INFO, with a banner."""
        logging.basicConfig(level=logging.WARNING, format="cadence serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """No banner: cli.cmd_serve says where it serves."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.known_host)
        return app

    @web.middleware
    async def known_host(self, request: web.Request, handler):
        """Any request naming a host this server does not answer to is refused: the page of a
        rebound name would otherwise be this server's own page."""
        name = host_name(request.host).lower()
        if not (is_address(name) or name in self.names):
            raise web.HTTPForbidden(text=f"cadence serve does not answer to {name!r}\n")
        return await handler(request)

    def own_origins(self, request: web.Request) -> set[str]:
        """The origins of this server's page: the one it was loaded from, and --public-url's."""
        found = {f"{request.scheme}://{request.host}".lower()}
        if self.public:
            parts = urlsplit(self.public)
            found.add(f"{parts.scheme}://{parts.netloc}".lower())
        return found

    def base_url(self, request: web.Request) -> str:
        """Where the page's CSS, script and websocket are: --public-url, else the address the
        browser used (textual-serve points them at --host: with 0.0.0.0 a browser elsewhere
        never gets past the splash, and a page opened as localhost would connect as
        127.0.0.1, another origin, and be refused)."""
        return self.public or f"{request.scheme}://{request.host}"

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, every URL in it from `base_url`."""
        base = self.base_url(request)
        scheme, rest = base.split("://", 1)
        websocket = f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws"
        return {"font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": websocket,
                "config": {"static": {"url": f"{base}/static/"}},
                "application": {"name": self.title}}

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = request.headers.get("Origin")
        if origin is None or origin.lower() not in self.own_origins(request):
            log.warning("refused a websocket from %s (origin %s)", request.remote, origin)
            raise web.HTTPForbidden(text="only the page this server serves may connect\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.viewers >= self.max_viewers:
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER,
                                  message=f"{self.max_viewers} viewers already "
                                          "(cadence serve --max-viewers)".encode())
            return websocket
        self.viewers += 1
        try:
            await self.run_follower(request, websocket)
        finally:
            self.viewers -= 1
        return websocket

    async def run_follower(self, request: web.Request, websocket: web.WebSocketResponse) -> None:
        """textual-serve's handle_websocket after the upgrade, with FollowerService."""
        service = FollowerService(self.argv, write_bytes=websocket.send_bytes,
                                  write_str=websocket.send_str, close=websocket.close,
                                  download_manager=self.download_manager, debug=self.debug)
        try:
            await service.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            await service.stop()
