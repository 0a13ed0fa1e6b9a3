"""The parent's side of the pool: worker processes (``portraits.build.worker``) started, fed
one territory at a time, watched, and replaced.

Explicit workers rather than ``ProcessPoolExecutor``: a hung or killed worker must be replaced
on its own without breaking the pool, and its kernel killed with it. They are forked, so
start-up is cheap (the parent already imported everything). A worker whose territory is over
the time limit plus a grace period is killed; its territories are then retried once, except
the one over time, which fails. A worker that dies has all its territories retried once."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections import deque
from typing import Any, Callable

from filelock import FileLock

from portraits.build import worker
from portraits.build.results import Failure
from portraits.render import typst_service

_KILL_GRACE = 60.0  # seconds a worker may run past the territory timeout before it is killed


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def n_workers(jobs: int | None, n_todo: int) -> int:
    """Workers for ``n_todo`` territories: ``jobs`` (default: the cores), no more than needed."""
    return max(1, min(jobs or default_jobs(), n_todo)) if n_todo else 0


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: workers may be forked after the bar starts
    return tqdm(total=total, unit="territory", desc="portraits", disable=not enabled or total == 0,
                dynamic_ncols=True, smoothing=0.1)


class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, ctx, job: worker.Job, lock_fd: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker.worker_main, args=(child, job, os.getpid(), lock_fd), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False    # the kernel started
        self.free = False     # the kernel can take a territory (the previous one may be rendering)
        self.kernel_pid: int | None = None
        self.tasks: dict[str, float] = {}  # territory -> when it was sent

    def assign(self, tid: str) -> None:
        self.tasks[tid] = time.monotonic()
        self.free = False
        self.conn.send(tid)

    def overdue(self, limit: float) -> bool:
        now = time.monotonic()
        return any(now - since > limit for since in self.tasks.values())

    def kill(self) -> None:
        for pid in (self.kernel_pid, self.proc.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass


def run_pool(job: worker.Job, todo: list[str], jobs: int | None, lock: FileLock, show: bool,
             on_result: Callable[[dict[str, Any]], None]) -> dict[str, dict[str, Any]]:
    """Dispatch ``todo`` to warm workers, calling ``on_result`` with each territory's outcome
    as it arrives; returns the outcomes."""
    if not todo:
        return {}
    ctx = multiprocessing.get_context("fork")  # cheap start: the parent already imported everything
    import openpyxl  # noqa: F401  imported once here, shared by the forked workers
    from portraits.execution import execute  # noqa: F401
    from portraits.build import build_report  # noqa: F401
    if job.formats and job.engine == "builtin":
        from portraits.render import builtin  # noqa: F401
    _preload(todo[0])
    lock_fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
    n = n_workers(jobs, len(todo))
    # one Typst process for the workers' PDFs instead of Typst's caches in each of them
    service = typst_service.start() if n > 1 and "pdf" in job.formats and job.engine == "builtin" else None
    # what the workers inherit is out of their garbage collector's way: its full passes over
    # it cost them about 0.01 CPU-s a territory, and touching it unshares its pages
    gc.freeze()
    try:
        return _Pool(ctx, job, todo, n, lock_fd, show, on_result).run()
    finally:
        gc.unfreeze()
        typst_service.stop(service)


def _preload(tid: str) -> None:
    """What every worker reads, loaded before they are forked, so that they share it (copy on
    write) instead of each loading its own: the data tables of the data files and the build
    report (about 80 MB a worker), nbconvert's compiled templates (0.5 CPU-s a worker)."""
    try:
        from portraits.data import store
        from portraits.render import review

        store.indicators(tid)
        store.territory(tid)
        review.warm_up()
    except Exception:  # noqa: BLE001 - a worker meets the same problem and reports it
        pass


class _Pool:
    def __init__(self, ctx, job: worker.Job, todo: list[str], n: int, lock_fd: int | None, show: bool,
                 on_result: Callable[[dict[str, Any]], None]):
        self.ctx, self.job, self.lock_fd, self.on_result = ctx, job, lock_fd, on_result
        self.n_todo, self.n_workers = len(todo), n
        self.pending = deque(todo)
        self.attempts: dict[str, int] = {}
        self.outcomes: dict[str, dict[str, Any]] = {}
        self.workers = [_Worker(ctx, job, lock_fd) for _ in range(n)]
        self.bar = _progress(len(todo), show)
        self.fatal: str | None = None  # why no kernel can start: the remaining territories fail
        self.respawns = 0

    def run(self) -> dict[str, dict[str, Any]]:
        try:
            while self.pending or self._busy():
                if self.fatal and not self._busy():
                    break
                for w in self.workers:
                    if w.ready and w.free and self.pending and not self.fatal:
                        w.assign(self.pending.popleft())
                self._wait()
                for w in list(self.workers):
                    if w.overdue(self.job.timeout + _KILL_GRACE):
                        self._lost(w, "timeout")
            if self.fatal:
                for tid in list(self.pending):
                    self._finish(worker.failed_outcome(Failure(tid, "worker", "KernelStartError", self.fatal)))
                self.pending.clear()
        except BaseException:  # Ctrl-C or a bug here: do not wait for territories in progress
            for w in self.workers:
                w.kill()
            raise
        finally:
            self._shut_down()
        return self.outcomes

    def _busy(self) -> bool:
        return any(w.tasks for w in self.workers)

    def _wait(self) -> None:
        """Handle what the workers sent, and the deaths, of the next second."""
        by_conn = {w.conn: w for w in self.workers}
        by_sentinel = {w.proc.sentinel: w for w in self.workers}
        for ready in multiprocessing.connection.wait(list(by_conn) + list(by_sentinel), timeout=1.0):
            if ready in by_conn:
                self._receive(by_conn[ready])
            elif ready in by_sentinel:
                w = by_sentinel[ready]
                if w in self.workers and not w.proc.is_alive() and (w.tasks or not self.fatal):
                    self._lost(w, "died")

    def _receive(self, w: _Worker) -> None:
        try:
            kind, payload, kernel_pid = w.conn.recv()
        except (EOFError, OSError):
            return  # its sentinel reports the death
        w.kernel_pid = kernel_pid
        if kind == "ready":
            w.ready = w.free = True
        elif kind == "fatal":
            self.fatal = payload
            w.ready = False
        elif kind == "free":
            w.free = True
        elif kind == "done":
            w.tasks.pop(payload["territory"], None)
            self._finish(payload)

    def _finish(self, res: dict[str, Any]) -> None:
        self.outcomes[res["territory"]] = res
        self.on_result(res)
        self.bar.update(1)
        if res["status"] != "ok":
            self.bar.write(f"failed: {Failure(**res['error']).describe()}")

    def _lost(self, w: _Worker, why: str) -> None:
        """The worker died or hung: kill it (and its kernel), retry its territories once
        (all of them if it died; if it hung, those not over their time limit)."""
        limit = self.job.timeout + _KILL_GRACE
        overdue = {tid for tid, since in w.tasks.items() if time.monotonic() - since > limit}
        tasks = list(w.tasks)
        w.kill()
        self.respawns += 1
        if self.respawns > 2 * self.n_todo + self.n_workers:  # workers die on start: stop trying
            self.fatal = self.fatal or "worker processes keep dying"
            self.workers.remove(w)
        else:
            self.workers[self.workers.index(w)] = _Worker(self.ctx, self.job, self.lock_fd)
        for tid in reversed(tasks):
            self.attempts[tid] = self.attempts.get(tid, 0) + 1
            timed_out = why == "timeout" and tid in overdue
            if self.attempts[tid] < 2 and not timed_out:
                self.pending.appendleft(tid)
                continue
            message = (f"no result after {limit:g} s: worker and kernel killed" if timed_out
                       else "the worker process died twice (out of memory? crash?)")
            notebook = str(worker.output_paths(self.job.output_dir, tid)["notebook"])
            self._finish(worker.failed_outcome(Failure(tid, "worker", "timeout" if timed_out else why,
                                                       message, notebook=notebook)))

    def _shut_down(self) -> None:
        self.bar.close()
        for w in self.workers:
            w.stop()
        deadline = time.monotonic() + 10
        for w in self.workers:
            w.proc.join(max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.kill()
