"""The PDFs of a build compiled by one process for all its workers.

Typst keeps its caches for the life of a process that compiled (about 135 MB after some fifteen
portraits, measured), and typst-py cannot drop them: each build worker carried its own. The
build starts this service before it forks its workers (``portraits.build.pool``); a worker then
sends each compile here, and compiles itself when the service cannot be reached. Outside a
build (tests, preview, ``render``), ``compile_pdf`` compiles in the calling process.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from multiprocessing.connection import Client, Listener
from pathlib import Path

import typst

ADDRESS_ENV = "PORTRAITS_TYPST_SERVICE"  # the service's socket, for the processes forked after it
REPLY_TIMEOUT = 300.0  # seconds: a compile takes about 0.1 s


class TypstFailed(Exception):
    """Typst refused the document: its diagnostics."""


@functools.lru_cache(maxsize=4)
def _fonts(font_dir: str) -> typst.Fonts:
    # loaded once per process: a list of font paths is read again by every compile (about 0.015 s
    # of a portrait's 0.1 s); the PDF is the same
    return typst.Fonts(include_system_fonts=False, font_paths=[font_dir])


def _compile_here(typ: str, root: str, font_dir: str, timestamp: int) -> bytes:
    try:
        return typst.compile(typ, root=root, font_paths=_fonts(font_dir), ignore_system_fonts=True, timestamp=timestamp)
    except Exception as exc:  # typst raises a plain RuntimeError carrying the diagnostics
        raise TypstFailed(str(exc)) from exc


_local = threading.local()  # a worker's connection to the service (its render thread's)


def compile_pdf(typ: Path, root: Path, font_dir: Path, timestamp: int) -> bytes:
    """The PDF of ``typ``: by the service when this process was started with one, else here."""
    args = (str(typ), str(root), str(font_dir), int(timestamp))
    address = os.environ.get(ADDRESS_ENV)
    if address and Path(address).exists():
        reply = _ask(address, args)
        if reply is not None:
            status, payload = reply
            if status == "error":
                raise TypstFailed(payload)
            return payload
    return _compile_here(*args)


def _ask(address: str, args: tuple) -> tuple[str, object] | None:
    """The service's reply, or None when it cannot be reached (compiled here then)."""
    for _ in range(2):  # a connection the service closed: one new one
        if getattr(_local, "address", None) != address:  # first call, or another service
            _local.address, _local.conn = address, None
        try:
            if _local.conn is None:
                _local.conn = Client(address, family="AF_UNIX")
            _local.conn.send(args)
            if not _local.conn.poll(REPLY_TIMEOUT):
                raise TimeoutError("no reply from the Typst service")
            return _local.conn.recv()
        except (OSError, EOFError, TimeoutError):
            _local.conn = None
    return None


class Service:
    """The compiling process and its socket; ``stop`` ends both."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="portraits-typst-")
        self.address = os.path.join(self._dir, "socket")
        # spawn, not fork: Typst's thread pool does not survive a fork, and this process may
        # have compiled already
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        self._process = ctx.Process(target=_serve, args=(self.address, ready), name="portraits-typst", daemon=True)
        self._process.start()
        if not ready.wait(60):
            self.stop()
            raise RuntimeError("the Typst service did not start")

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)
        try:
            os.unlink(self.address)
            os.rmdir(self._dir)
        except OSError:
            pass


def start() -> Service | None:
    """Start the service and point the processes forked from now on at it (None if it cannot
    start: each worker then compiles its own PDFs, as before)."""
    try:
        service = Service()
    except Exception:  # noqa: BLE001 - the service only saves memory
        return None
    os.environ[ADDRESS_ENV] = service.address
    return service


def stop(service: Service | None) -> None:
    os.environ.pop(ADDRESS_ENV, None)
    if service is not None:
        service.stop()


def _serve(address: str, ready) -> None:
    """The service's process: one thread per worker connection, one compile at a time."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle (it stops us)
    listener = Listener(address, family="AF_UNIX")
    lock = threading.Lock()
    ready.set()
    parent = os.getppid()

    def orphaned() -> None:  # the build was killed without stopping us: do not linger
        while os.getppid() == parent:
            time.sleep(2)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()

    def handle(conn) -> None:
        with conn:
            while True:
                try:
                    args = conn.recv()
                except (EOFError, OSError):
                    return
                with lock:
                    try:
                        reply = ("ok", _compile_here(*args))
                    except TypstFailed as exc:
                        reply = ("error", str(exc))
                    except Exception as exc:  # noqa: BLE001 - the worker reports it as a render failure
                        reply = ("error", f"{type(exc).__name__}: {exc}")
                try:
                    conn.send(reply)
                except (OSError, EOFError):  # the worker is gone (killed, timed out): nothing to say
                    return

    while True:
        conn = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()
