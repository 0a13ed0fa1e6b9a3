"""Live preview of one territory's portrait: ``portraits preview ID``.

One job: serve the HTML portrait of one territory on 127.0.0.1 and rebuild it whenever one of
its inputs changes, so that a statistician editing the template sees the result in the browser.
This module runs the command and serves; the rest of the preview is in:

- ``preview_watch``: what is watched (``watchfiles``: the template, the package, ``data/processed/``)
  and which files are ignored (editor temporaries, package files that cannot change a portrait);
- ``preview_runner``: the rebuilds on one warm kernel (restarted when the package or the data
  change; the last outputs reused when no code changed); only HTML, builtin engine;
- ``preview_errors`` and ``preview_pages``: a build error located in the ``.qmd``, and the pages
  (error, waiting) and reload script served;

Serving: the standard library's ``ThreadingHTTPServer``. ``/`` is the current page with a small
script that listens to ``/events`` (server-sent events) and reloads the page on a ``reload``
event. ``/status`` says which version is served and where the time went. Errors (bad YAML, no
parameters cell, an exception in a cell, a render failure) are shown as a page that keeps the
reload script, with the ``.qmd`` line when it can be found: fixing the file brings the portrait
back, and the server keeps running.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from portraits.core import config
from portraits.build.plan import resolve_ids
from portraits.build.results import BuildUsageError
from portraits.preview.pages import Version, inject_reload, waiting_page
from portraits.preview.runner import Runner
from portraits.preview.watch import short_path, watch_loop, watches

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
EXECUTE_TIMEOUT = 120.0  # seconds allowed for one run of the template


class Preview:
    """The preview of one territory: watchers, one warm kernel, an HTTP server on 127.0.0.1.

    ``start()`` binds the port and starts the threads (the first build runs in the background);
    ``close()`` stops everything and shuts the kernel down; the module's ``run()`` (the command)
    does both around a wait for Ctrl-C. ``package_dir`` and ``processed_dir`` are parameters so
    tests can watch other dirs; ``reuse=False`` re-executes on every change."""

    def __init__(self, territory: str, template: Path | None = None, *, host: str = HOST,
                 port: int = DEFAULT_PORT, timeout: float = EXECUTE_TIMEOUT,
                 package_dir: Path | None = None, processed_dir: Path | None = None,
                 reuse: bool = True, log: Callable[[str], None] | None = None) -> None:
        self.territory = territory
        self.template = Path(template or config.template_path()).resolve()
        self.host, self.port = host, port
        self.package_dir = Path(package_dir or config.PACKAGE_DIR).resolve()
        self.processed_dir = Path(processed_dir or config.processed_dir()).resolve()
        self.log = log or (lambda msg: None)
        self._cond = threading.Condition()
        self._version = Version(0, inject_reload(waiting_page(territory), 0), ok=False, error="building")
        self._stop = threading.Event()
        self._changes: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="portraits-preview-"))
        self.listeners = 0  # open /events streams (pages that will reload)
        self.building = False  # a rebuild is running (pages show a badge)
        self._runner = Runner(territory, self.template, timeout=timeout, reuse=reuse, workdir=self._tmp,
                              changes=self._changes, stop=self._stop, publish=self._publish,
                              set_building=self._set_building, log=self.log)
        self._closed = False

    # -- state ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def kernel_pid(self) -> int | None:
        """The kernel's process while the build thread has one."""
        return self._runner.kernel_pid

    @property
    def version(self) -> Version:
        with self._cond:
            return self._version

    def wait_for(self, generation: int, timeout: float) -> Version | None:
        """The served version once it is at least ``generation``, else None after ``timeout``."""
        with self._cond:
            if self._cond.wait_for(lambda: self._version.generation >= generation or self._stop.is_set(), timeout):
                return self._version if self._version.generation >= generation else None
        return None

    def _set_building(self, value: bool) -> None:
        with self._cond:
            self.building = value
            self._cond.notify_all()

    def _publish(self, page: str, ok: bool, error: str | None, timings: dict[str, float],
                 changes: list[str]) -> Version:
        with self._cond:
            gen = self._version.generation + 1
            self._version = Version(gen, inject_reload(page, gen), ok, error, timings, changes, time.time())
            self.building = False  # so a page loaded now does not show the badge
            self._cond.notify_all()
            return self._version

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> str:
        if not self.template.is_file():
            raise FileNotFoundError(f"template not found: {self.template}")
        self._server = _Server((self.host, self.port), _Handler)
        self._server.preview = self
        self.port = self._server.server_address[1]
        self._spawn("preview-http", self._server.serve_forever)
        for watch in watches(self.template, self.package_dir, self.processed_dir):
            self._spawn(f"preview-watch-{watch.kind}", watch_loop, watch, self._changes, self._stop, self.log)
        self._spawn("preview-build", self._runner.loop)
        return self.url

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def close(self, timeout: float = 10.0, grace: float = 2.0) -> None:
        """Stop watching and serving, shut the kernel down (the build thread owns it)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        with self._cond:
            self._cond.notify_all()  # wakes the event streams
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            if thread.name != "preview-build":
                thread.join(timeout)
                continue
            # The build thread owns the kernel and shuts it down when it ends. A run in progress
            # is interrupted (KeyboardInterrupt in the cell); a cell that ignores that, killed.
            for sig, wait in ((None, grace), (signal.SIGINT, timeout / 2), (signal.SIGKILL, timeout)):
                if sig is not None and self.kernel_pid:
                    _kill(self.kernel_pid, sig)
                thread.join(wait)
                if not thread.is_alive():
                    break
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> "Preview":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()



def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _kill(pid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True      # open event streams do not keep the process alive
    allow_reuse_address = True
    preview: Preview


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "portraits-preview"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # one line per request would drown the rebuild messages

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        preview = self.server.preview
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html", f"/{preview.territory}.html"):
            self._send(200, "text/html; charset=utf-8", preview.version.page)
        elif url.path == "/events":
            self._events(preview, parse_qs(url.query))
        elif url.path == "/status":
            v = preview.version
            body = {"territory": preview.territory, "template": str(preview.template),
                    "generation": v.generation, "ok": v.ok, "error": v.error, "timings": v.timings,
                    "changes": v.changes, "published": v.published, "kernel_pid": preview.kernel_pid,
                    "listeners": preview.listeners, "building": preview.building}
            self._send(200, "application/json", json.dumps(body).encode())
        elif url.path == "/favicon.ico":
            self._send(204, "image/x-icon", b"")
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found (the preview serves one page: /)\n")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self, preview: Preview, query: dict[str, list[str]]) -> None:
        """Server-sent events: ``reload`` (data: the new version) whenever a version newer than
        ``since`` is served, ``building`` (data: 1 or 0) when a rebuild starts or ends; a comment
        every 15 s keeps the connection open."""
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with preview._cond:
            preview.listeners += 1
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            shown = False  # the building state this page was told
            while not preview._stop.is_set():
                with preview._cond:
                    preview._cond.wait_for(lambda: preview._version.generation > since or preview.building != shown
                                           or preview._stop.is_set(), 15)
                    gen, building = preview._version.generation, preview.building
                if preview._stop.is_set():
                    break
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
        finally:
            with preview._cond:
                preview.listeners -= 1
        self.close_connection = True


def run(territory: str, *, port: int = DEFAULT_PORT, template: Path | None = None) -> int:
    """``portraits preview``: resolve the territory, serve, print the URL, wait for Ctrl-C."""
    tid = resolve_ids([territory], False)[0]
    preview = Preview(tid, template, port=port, log=lambda msg: print(msg, flush=True))
    try:
        url = preview.start()
    except FileNotFoundError as exc:  # the template
        preview.close()
        raise BuildUsageError(str(exc)) from exc
    except OSError as exc:
        preview.close()
        raise BuildUsageError(f"cannot serve on {HOST}:{port}: {exc.strerror or exc} "
                              "(choose another port with --port N; 0 picks a free one)") from exc
    print(f"preview of {tid} ({short_path(str(preview.template))}): {url}  (Ctrl-C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill`, a service manager: the same clean stop
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("preview: stopping", flush=True)
    finally:
        # A second Ctrl-C must not leave a kernel behind.
        previous = [signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)]
        try:
            preview.close()
        finally:
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGTERM, previous[1])
    return 0
