"""The room's web server: Starlette on uvicorn, on 127.0.0.1 only, on a thread of its own.

Safe by default:
- bound to 127.0.0.1; every path starts with a random token (compared in constant time), any
  other path is 404, and the Host header must name this server (no DNS rebinding);
- the WebSocket also checks Origin (another site's page cannot open it);
- frames are bounded (audio 64 KiB, messages 6 MiB, uvicorn's own limit too);
- a strict Content-Security-Policy: only this server's own scripts, nothing from a CDN;
- session files are served by plain name only, from inside the session folder.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import re
import secrets
import socket
import threading
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from interviewer.errors import InterviewerError, RoomError
from interviewer.room.hub import Hub

STATIC = Path(__file__).resolve().parent / "static"
MAX_MESSAGE = 6 * 1024 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
SESSION_FILES = {".html", ".svg", ".md", ".json", ".wav"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def build_app(
    hub: Hub, token: str, port: int, session_dir: Callable[[], Path | None], static: Path = STATIC
) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, PlainTextResponse, Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles
    from starlette.websockets import WebSocket, WebSocketDisconnect

    from interviewer.session import inside

    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    origins = {f"http://{h}" for h in hosts}

    async def index(request: Any) -> Response:
        return FileResponse(static / "index.html", headers=HEADERS)

    async def line(request: Any) -> Response:
        try:
            data = hub.lines[int(request.path_params["n"])]
        except (KeyError, ValueError):
            return PlainTextResponse("not found", 404, headers=HEADERS)
        return Response(data, media_type="audio/wav", headers=HEADERS)

    async def session_file(request: Any) -> Response:
        folder = session_dir()
        name = request.path_params["name"]
        if folder is None or Path(name).suffix not in SESSION_FILES:
            return PlainTextResponse("not found", 404, headers=HEADERS)
        try:
            path = inside(folder, name)
        except InterviewerError:
            return PlainTextResponse("not found", 404, headers=HEADERS)
        if not path.is_file():
            return PlainTextResponse("not found", 404, headers=HEADERS)
        if path.suffix == ".html":  # the report: its own inline script, allowed by its hash
            page = path.read_bytes()
            return Response(page, media_type="text/html", headers=report_headers(page))
        return FileResponse(path, headers=HEADERS)

    async def ws(socket: WebSocket) -> None:
        if socket.headers.get("origin") not in origins:
            await socket.close(code=4403)
            return
        await socket.accept()
        await hub.attach(socket)
        try:
            while True:
                message = await socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    hub.audio(message["bytes"])
                    continue
                text = message.get("text") or ""
                if len(text) > MAX_MESSAGE:
                    continue
                try:
                    data = json.loads(text)
                except ValueError:
                    continue
                if isinstance(data, dict):
                    await hub.message(data, socket)
        except WebSocketDisconnect:
            pass
        finally:
            hub.detach(socket)

    inner = Starlette(
        routes=[
            Route("/", index),
            Route("/lines/{n}.wav", line),
            Route("/session/{name}", session_file),
            WebSocketRoute("/ws", ws),
            Mount("/static", StaticFiles(directory=static), name="static"),
        ]
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        hub.start(asyncio.get_running_loop())
        sender = asyncio.get_running_loop().create_task(hub.deliver())
        yield
        sender.cancel()

    outer = Starlette(routes=[Mount(f"/{token}", app=inner)], lifespan=lifespan)

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The token, the Host, and the security headers on everything."""
        if scope["type"] in ("http", "websocket"):
            first = scope["path"].split("/")[1] if scope["path"].count("/") >= 2 else ""
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if not secrets.compare_digest(first, token) or host not in hosts:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 4404})
                    return
                refused: Response = PlainTextResponse("not found", 404, headers=HEADERS)
                await refused(scope, receive, send)
                return
            if scope["type"] == "http" and not scope["path"].startswith(f"/{token}/"):
                response = Response(status_code=307, headers={"location": f"/{token}/"})
                await response(scope, receive, send)
                return

            async def with_headers(message: MutableMapping[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    names = {k.lower() for k, _ in message.get("headers", [])}
                    extra = [
                        (k.encode(), v.encode())
                        for k, v in HEADERS.items()
                        if k.encode() not in names
                    ]
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
                await send(message)

            await outer(scope, receive, with_headers)
            return
        await outer(scope, receive, send)

    return guarded


_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def report_headers(page: bytes) -> dict[str, str]:
    """The report is one self-contained page with its script inline (it works from a file
    too): only that script, by its hash, may run, not any other inline script."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(page)
    )
    csp = CSP.replace("script-src 'self'", f"script-src 'self' {hashes}")
    # Its audio is embedded as data: URLs when small enough (report/html.py).
    csp = csp.replace("media-src 'self' blob:", "media-src 'self' data: blob:")
    return {**HEADERS, "content-security-policy": csp}


class RoomServer:
    """uvicorn serving the room on a daemon thread; `url` once started."""

    def __init__(
        self,
        hub: Hub,
        session_dir: Callable[[], Path | None],
        port: int = 0,
        static: Path = STATIC,
    ):
        if not (static / "index.html").is_file():
            raise RoomError(
                f"the room's page is missing ({static / 'index.html'}): rebuild it with "
                "`cd room-ui && npm ci && node build.mjs`, or reinstall interviewer"
            )
        self.hub = hub
        self.token = secrets.token_urlsafe(24)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/{self.token}/"
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._app = build_app(hub, self.token, self.port, session_dir, static)

    def start(self) -> None:
        import uvicorn

        with socket.socket() as probe:  # a clear error before uvicorn logs its own
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError as exc:
                raise RoomError(
                    f"port {self.port} on 127.0.0.1 is not free ({exc.strerror}); "
                    "pick another with --port, or leave it out for a free one"
                ) from None
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            ws_max_size=MAX_MESSAGE,
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="room-server")
        self._thread.start()
        while not self._server.started:  # bound and serving, or failed
            if not self._thread.is_alive():
                raise RoomError(f"the room's server could not start on port {self.port}")
            self._thread.join(0.02)

    def stop(self) -> None:
        self.hub.closed.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            with contextlib.suppress(Exception):
                self._thread.join(5)
