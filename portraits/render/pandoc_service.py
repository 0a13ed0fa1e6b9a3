"""One `pandoc lua all_formats.lua --serve` process per process that renders, for small jobs.

A pandoc process costs about 0.035 CPU-s before and after its work (the binary's pages and its
heap mapped afresh, the Lua modules compiled): a third of the job that renders the changed
blocks of a wording edit (``portraits.render.incremental``), once per territory. This process
takes those jobs one after the other (all_formats.lua's ``--serve`` mode: one job file per
line, one reply line each) and ends with its input: with the process that started it, killed or
not. Whole pages keep their own pandoc process: a long-lived one saves about 0.05 CPU-s a
page there but holds about 50 MB more per worker, and the build's peak memory must not grow.

``run`` answers False when the service cannot take a job (it could not start, or died on
it): the caller then runs its own pandoc, which reproduces any failure with its message.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import threading
from pathlib import Path

from portraits.core.errors import RenderError
from portraits.render.shared import stderr_tail

REPLY = "\x1eportraits-job "  # all_formats.lua's reply prefix: a filter's print() is not a reply

_lock = threading.Lock()
_services: dict[tuple[str, ...], tuple[int, subprocess.Popen]] = {}  # command -> (pid that started it, process)


def _service(command: tuple[str, ...]) -> subprocess.Popen:
    pid, proc = _services.get(command, (None, None))
    if proc is None or pid != os.getpid() or proc.poll() is not None:
        # a process forked from ours does not share our pipes: it starts its own
        proc = subprocess.Popen([*command, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        _services[command] = (os.getpid(), proc)
    return proc


def _reply(proc: subprocess.Popen, job_path: Path) -> dict | None:
    try:
        proc.stdin.write(f"{job_path}\n")
        proc.stdin.flush()
        for line in proc.stdout:
            if line.startswith(REPLY):
                return json.loads(line[len(REPLY):])
    except (OSError, ValueError):
        pass
    return None


def run(command: list[str], job_path: Path) -> bool:
    """Run the job file ``job_path`` (absolute) by the service of ``command`` (pandoc, its
    options, ``lua``, all_formats.lua); False if the service could not."""
    with _lock:
        try:
            proc = _service(tuple(command))
        except OSError:
            return False
        reply = _reply(proc, job_path)
        if reply is None:  # it died (or said something else): the next job gets a new one
            stop(command)
            return False
    if "error" in reply:
        raise RenderError(f"pandoc failed (exit 1):\n{stderr_tail(reply['error'], 15)}")
    return True


def stop(command: list[str]) -> None:
    """End the service of ``command`` (its input closed), if this process started one."""
    pid, proc = _services.pop(tuple(command), (None, None))
    if proc is not None and pid == os.getpid():
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@atexit.register
def stop_all() -> None:
    """End every service this process started and wait for them (a process that ends with
    os._exit, as a build worker does, calls it itself: its CPU time then counts as its own)."""
    for command in list(_services):
        stop(list(command))
