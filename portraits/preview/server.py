"""Live preview of territories' portraits: ``portraits preview ID…``.

One job: serve the HTML portraits of one or more territories on 127.0.0.1 and rebuild them
whenever one of their inputs changes, so that a statistician editing the template sees the
result in the browser, for several territories side by side. This module runs the command; the
rest of the preview is in:

- ``watch``: what is watched (``watchfiles``: the template, the package, ``data/processed/``) and
  which files are ignored (editor temporaries, package files that cannot change a portrait);
- ``runner``: each territory's rebuilds on its own warm kernel (restarted when the package or
  the data change; the last outputs reused when no code changed; only the edited text
  re-evaluated when only text changed); only HTML, builtin engine;
- ``handler``: the HTTP side. ``/`` is the portrait (one territory) or the territories side by
  side, one frame each on ``/t/ID/``; each page has a small script that listens to ``/events``
  (server-sent events) and reloads it on a ``reload`` event; ``/status`` says which version is
  served and where the time went;
- ``failures`` and ``pages``: a build error located in the ``.qmd``, and the pages (error,
  waiting, side by side) and reload script served;
- ``cover``: ``--cover``, the fewest territories whose portraits take every branch of the
  template, from the evidence of the last build.

Errors (bad YAML, no parameters cell, an exception in a cell, a render failure) are shown as a
page that keeps the reload script, with the ``.qmd`` line when it can be found, in the pane of
the territory that failed: fixing the file brings the portrait back, and the server keeps
running.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from portraits.core import config
from portraits.build.plan import resolve_ids
from portraits.build.results import BuildUsageError
from portraits.preview import handler
from portraits.preview.pages import Version, inject_reload, panes_page, waiting_page
from portraits.preview.runner import Runner
from portraits.preview.watch import short_path, watch_loop, watches

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
EXECUTE_TIMEOUT = 120.0  # seconds allowed for one run of the template


class _Pane:
    """One territory of the preview: its runner (own warm kernel), the version served, whether a
    rebuild runs, and how many pages listen to it."""

    def __init__(self, territory: str, waiting: bytes) -> None:
        self.territory = territory
        self.version = Version(0, waiting, ok=False, error="building")
        self.building = False
        self.listeners = 0
        self.runner: Runner | None = None


class _Fanout:
    """What the watchers see goes to every pane's queue (each pane rebuilds on its own)."""

    def __init__(self, queues: list[queue.Queue]) -> None:
        self.queues = queues

    def put(self, item) -> None:
        for q in self.queues:
            q.put(item)


class Preview:
    """The preview of one or several territories: watchers, one warm kernel per territory (each
    keeps its territory's run, so a sentence edit re-evaluates only that text), at most ``jobs``
    rebuilds at a time, an HTTP server on 127.0.0.1.

    ``start()`` binds the port and starts the threads (the first builds run in the background);
    ``close()`` stops everything and shuts the kernels down; the module's ``run()`` (the command)
    does both around a wait for Ctrl-C. ``package_dir`` and ``processed_dir`` are parameters so
    tests can watch other dirs; ``reuse=False`` re-executes on every change.

    What the HTTP handler reads is public: ``territories``, ``page``, ``status``, ``listening``
    and ``wait_event``."""

    def __init__(self, territories: str | Sequence[str], template: Path | None = None, *, host: str = HOST,
                 port: int = DEFAULT_PORT, timeout: float = EXECUTE_TIMEOUT,
                 package_dir: Path | None = None, processed_dir: Path | None = None,
                 reuse: bool = True, jobs: int | None = None, log: Callable[[str], None] | None = None) -> None:
        self.territories = [territories] if isinstance(territories, str) else list(dict.fromkeys(territories))
        if not self.territories:
            raise ValueError("a preview needs at least one territory")
        self.template = Path(template or config.template_path()).resolve()
        self.host, self.port = host, port
        self.package_dir = Path(package_dir or config.PACKAGE_DIR).resolve()
        self.processed_dir = Path(processed_dir or config.processed_dir()).resolve()
        self.log = log or (lambda msg: None)
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="portraits-preview-"))
        multi = len(self.territories) > 1
        # 2 cores: more rebuilds at once than cores only makes each page later (measured in
        # benchmarks/bench_preview.py, preview_multi_first_page_s)
        gate = threading.Semaphore(jobs or min(len(self.territories), os.cpu_count() or 1))
        self._panes: dict[str, _Pane] = {}
        for tid in self.territories:
            pane = self._panes[tid] = _Pane(tid, inject_reload(waiting_page(tid), 0, tid if multi else None))
            workdir = self._tmp / tid
            workdir.mkdir()
            pane.runner = Runner(tid, self.template, timeout=timeout, reuse=reuse, workdir=workdir,
                                 changes=queue.Queue(), stop=self._stop, gate=gate,
                                 publish=functools.partial(self._publish, tid),
                                 set_building=functools.partial(self._set_building, tid), log=self.log)
        self._changes = _Fanout([pane.runner.changes for pane in self._panes.values()])
        self._closed = False

    # -- state ---------------------------------------------------------------------------------
    @property
    def territory(self) -> str:
        """The first territory (the only one, for ``portraits preview ID``)."""
        return self.territories[0]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def _pane(self, territory: str | None) -> _Pane:
        return self._panes[territory or self.territory]

    @property
    def kernel_pid(self) -> int | None:
        """The first territory's kernel while its build thread has one."""
        return self._pane(None).runner.kernel_pid

    @property
    def kernel_pids(self) -> list[int]:
        return [pid for pane in self._panes.values() if (pid := pane.runner.kernel_pid)]

    @property
    def version(self) -> Version:
        return self.version_of(None)

    def version_of(self, territory: str | None) -> Version:
        with self._cond:
            return self._pane(territory).version

    @property
    def building(self) -> bool:
        return any(pane.building for pane in self._panes.values())

    @property
    def listeners(self) -> int:
        """Open /events streams (pages that will reload), all panes."""
        return sum(pane.listeners for pane in self._panes.values())

    def wait_for(self, generation: int, timeout: float, territory: str | None = None) -> Version | None:
        """The served version of ``territory`` (default: the first) once it is at least
        ``generation``, else None after ``timeout``."""
        pane = self._pane(territory)
        with self._cond:
            if self._cond.wait_for(lambda: pane.version.generation >= generation or self._stop.is_set(), timeout):
                return pane.version if pane.version.generation >= generation else None
        return None

    # -- what the HTTP handler reads -----------------------------------------------------------
    def page(self, territory: str | None = None) -> bytes:
        """A territory's page (reload script included); without one, ``/``: the only portrait,
        or the territories side by side."""
        if territory is None and len(self.territories) > 1:
            return panes_page([(tid, _name(tid)) for tid in self.territories]).encode("utf-8")
        return self.version_of(territory).page

    def status(self, territory: str | None = None) -> dict[str, Any]:
        """What a territory's pane serves and where the time went (``/status``)."""
        pane = self._pane(territory)
        with self._cond:
            v = pane.version
            return {"territory": pane.territory, "territories": self.territories, "template": str(self.template),
                    "generation": v.generation, "ok": v.ok, "error": v.error, "timings": v.timings,
                    "changes": v.changes, "published": v.published, "kernel_pid": pane.runner.kernel_pid,
                    "listeners": pane.listeners, "building": pane.building}

    @contextlib.contextmanager
    def listening(self, territory: str | None = None) -> Iterator[None]:
        """Counts a page listening to ``territory``'s versions for as long as the block runs."""
        pane = self._pane(territory)
        with self._cond:
            pane.listeners += 1
        try:
            yield
        finally:
            with self._cond:
                pane.listeners -= 1

    def wait_event(self, territory: str | None, since: int, building: bool,
                   timeout: float) -> tuple[int, bool] | None:
        """After at most ``timeout`` s, or as soon as a version newer than ``since`` is served or
        the building state differs from ``building``: (generation, building) of the pane; None
        once the preview stops."""
        pane = self._pane(territory)
        with self._cond:
            self._cond.wait_for(lambda: pane.version.generation > since or pane.building != building
                                or self._stop.is_set(), timeout)
            return None if self._stop.is_set() else (pane.version.generation, pane.building)

    def _set_building(self, territory: str, value: bool) -> None:
        with self._cond:
            self._panes[territory].building = value
            self._cond.notify_all()

    def _publish(self, territory: str, page: str, ok: bool, error: str | None, timings: dict[str, float],
                 changes: list[str]) -> Version:
        pane = self._panes[territory]
        with self._cond:
            gen = pane.version.generation + 1
            script_for = territory if len(self.territories) > 1 else None
            pane.version = Version(gen, inject_reload(page, gen, script_for), ok, error, timings, changes, time.time())
            pane.building = False  # so a page loaded now does not show the badge
            self._cond.notify_all()
            return pane.version

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> str:
        if not self.template.is_file():
            raise FileNotFoundError(f"template not found: {self.template}")
        self._server = handler.Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._spawn("preview-http", self._server.serve_forever)
        for watch in watches(self.template, self.package_dir, self.processed_dir):
            self._spawn(f"preview-watch-{watch.kind}", watch_loop, watch, self._changes, self._stop, self.log)
        for pane in self._panes.values():
            self._spawn(f"preview-build-{pane.territory}", pane.runner.loop)
        return self.url

    def _spawn(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def close(self, timeout: float = 10.0, grace: float = 2.0) -> None:
        """Stop watching and serving, shut the kernels down (each build thread owns its own)."""
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
            if not thread.name.startswith("preview-build-"):
                thread.join(timeout)
                continue
            runner = self._panes[thread.name.removeprefix("preview-build-")].runner
            # The build thread owns the kernel and shuts it down when it ends. A run in progress
            # is interrupted (KeyboardInterrupt in the cell); a cell that ignores that, killed.
            for sig, wait in ((None, grace), (signal.SIGINT, timeout / 2), (signal.SIGKILL, timeout)):
                if sig is not None and runner.kernel_pid:
                    _kill(runner.kernel_pid, sig)
                thread.join(wait)
                if not thread.is_alive():
                    break
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> "Preview":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _name(territory: str) -> str:
    """The territory's name for its pane's heading ('' when the tables cannot say)."""
    from portraits.data import store

    try:
        return store.territory(territory).name
    except Exception:  # a test's stub id, tables being rewritten: the id alone says which
        return ""


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _kill(pid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run(territories: Sequence[str], *, port: int = DEFAULT_PORT, template: Path | None = None,
        jobs: int | None = None) -> int:
    """``portraits preview ID…``: resolve the territories, serve, print the URL, wait for Ctrl-C."""
    ids = resolve_ids(list(territories), False)
    preview = Preview(ids, template, port=port, jobs=jobs, log=lambda msg: print(msg, flush=True))
    try:
        url = preview.start()
    except FileNotFoundError as exc:  # the template
        preview.close()
        raise BuildUsageError(str(exc)) from exc
    except OSError as exc:
        preview.close()
        raise BuildUsageError(f"cannot serve on {HOST}:{port}: {exc.strerror or exc} "
                              "(choose another port with --port N; 0 picks a free one)") from exc
    print(f"preview of {', '.join(ids)} ({short_path(str(preview.template))}): {url}  (Ctrl-C to stop)", flush=True)
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
