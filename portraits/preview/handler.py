"""The preview's HTTP side (the standard library's ``ThreadingHTTPServer``): ``/`` (the portrait,
or the territories side by side), ``/t/ID/`` (one territory's page), ``/events`` (server-sent
events: reload, building), ``/status`` (JSON). It reads the preview through its public methods
only (``territories``, ``page``, ``status``, ``listening``, ``wait_event``)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from contextlib import AbstractContextManager
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

class Served(Protocol):
    """What the handler asks of the preview (``server.Preview``): its public side only. A
    protocol rather than an import, since the server module imports this one."""
    territories: Any

    def page(self, territory: str | None = None) -> bytes: ...
    def status(self, territory: str | None = None) -> dict[str, Any]: ...
    def listening(self, territory: str | None = None) -> AbstractContextManager[None]: ...
    def wait_event(self, territory: str | None, since: int, building: bool,
                   timeout: float) -> tuple[int, bool] | None: ...


class Server(ThreadingHTTPServer):
    daemon_threads = True      # open event streams do not keep the process alive
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], preview: Served) -> None:
        super().__init__(address, Handler)
        self.preview = preview


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "portraits-preview"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # one line per request would drown the rebuild messages

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        preview = self.server.preview
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        territory = query.get("territory", [None])[0]
        if territory is not None and territory not in preview.territories:
            self._send(404, "text/plain; charset=utf-8", f"not previewed: {territory}\n".encode())
            return
        pane = _pane_path(url.path, preview.territories)
        if url.path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", preview.page())
        elif pane:
            self._send(200, "text/html; charset=utf-8", preview.page(pane))
        elif url.path == "/events":
            self._events(preview, territory, query)
        elif url.path == "/status":
            self._send(200, "application/json", json.dumps(preview.status(territory)).encode())
        elif url.path == "/favicon.ico":
            self._send(204, "image/x-icon", b"")
        else:
            self._send(404, "text/plain; charset=utf-8",
                       b"not found (the preview serves /, /t/ID/ for each territory, /events, /status)\n")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self, preview: Served, territory: str | None, query: dict[str, list[str]]) -> None:
        """Server-sent events of one pane: ``reload`` (data: the new version) whenever a version
        newer than ``since`` is served, ``building`` (data: 1 or 0) when a rebuild starts or ends;
        a comment every 15 s keeps the connection open."""
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with preview.listening(territory):
            try:
                self.wfile.write(b"retry: 1000\n\n")
                self.wfile.flush()
                shown = False  # the building state this page was told
                while (event := preview.wait_event(territory, since, shown, 15)) is not None:
                    gen, building = event
                    if gen > since:
                        self.wfile.write(f"event: reload\ndata: {gen}\n\n".encode())
                        since = gen
                    elif building != shown:
                        self.wfile.write(f"event: building\ndata: {int(building)}\n\n".encode())
                        shown = building
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page went away
        self.close_connection = True


def _pane_path(path: str, territories: list[str]) -> str | None:
    """The territory of a pane's page: ``/t/ID/`` (the side-by-side page's frames) or ``/ID.html``."""
    for tid in territories:
        if path in (f"/t/{tid}/", f"/t/{tid}", f"/{tid}.html"):
            return tid
    return None
