"""The worker process: one warm Jupyter kernel, territories received one at a time from the
parent (``portraits.build.pool``), each executed, written and rendered.

Pipelined: once a territory is executed (notebook and data files written), its rendering
(pandoc, Typst: other processes or native code), review page and extracts run in a thread
while the kernel executes the next one, so the cores are not idle while one waits for the
other. At most one render is in flight. A failing territory does not raise: its outcome says
why, and the other territories go on."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import nbformat

from portraits.build.results import Failure
from portraits.blocks import data_table
from portraits.core import atomic, outputs
from portraits.data import store


@dataclasses.dataclass
class Job:
    """What every territory of a build shares."""
    template: nbformat.NotebookNode
    template_path: Path
    output_dir: Path
    formats: list[str]
    engine: str
    timeout: float
    memo_refresh: bool = False  # --force: charts recomputed too, their cache rewritten
    # territories whose only changed input is the template (the plan's): their last notebook
    # may give the new one without a kernel, when only words of text cells changed
    text_only: frozenset[str] = frozenset()
    kernel_on_demand: bool = False  # every territory is such: start a kernel only if one needs it


def output_paths(output_dir: Path, tid: str) -> dict[str, Path]:
    return outputs.paths(output_dir, tid)


def render_cache(output_dir: Path, tid: str) -> Path:
    """Where the built-in engine keeps what pandoc wrote for the territory's last render."""
    return Path(output_dir) / ".build" / "render" / tid


def _render(job: Job, tid: str, paths: dict[str, Path], previous: bytes | None = None) -> dict[str, Path]:
    from portraits import render
    from portraits.render import context

    return render.render(paths["notebook"], engine=job.engine, context=context.render_context(tid),
                         cache=render_cache(job.output_dir, tid), previous=previous,
                         **{fmt: paths[fmt] for fmt in job.formats})


def _write_review(job: Job, tid: str, nb: nbformat.NotebookNode,
                  previous: tuple[nbformat.NotebookNode, bytes] | None = None) -> tuple[Path, bool]:
    """output/review/ID.html: the executed notebook with its code, for reviewers (nbconvert);
    from the last page when ``previous`` (the last notebook and its bytes) allows it."""
    from portraits.render import review, review_blocks

    return review_blocks.write_review(job.output_dir, tid, nb, name=review.territory_name(tid),
                                      cache=render_cache(job.output_dir, tid), previous=previous)


def _warm_review() -> None:
    try:
        from portraits.render import review

        review.warm_up()
    except Exception:  # noqa: BLE001 - the first real page reports any problem
        pass


def _reworded(job: Job, tid: str, paths: dict[str, Path]) -> tuple[nbformat.NotebookNode, tuple] | None:
    """The new notebook from the last one (and the last one, parsed and as bytes, which the
    renderer and the review page may start from), when only words of text cells changed
    (``portraits.execution.narrative.replay``); None when the template must run."""
    from portraits.execution import narrative
    from portraits.execution.execute import prepare_notebook

    try:
        data = paths["notebook"].read_bytes()
        # our own last notebook: read as nbformat.reads does, without its schema validation
        previous = nbformat.reader.reads(data.decode("utf-8"))
    except (OSError, ValueError):  # gone or damaged: run the template
        return None
    if previous.get("nbformat") != 4:
        return None
    nb = prepare_notebook(job.template, {"territory": tid}, input_path=str(job.template_path),
                          output_path=str(paths["notebook"]))
    return (nb, (previous, data)) if narrative.replay(previous, nb) else None


def execute_one(kernel, job: Job, tid: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """First half, in the kernel: execute, save the notebook, write the data files.

    Returns the territory's outcome so far and what ``finish_one`` needs, or None when the
    territory already failed (the outcome then says why): a failing notebook or data file
    does not raise."""
    paths = output_paths(job.output_dir, tid)
    out: dict[str, Any] = {"territory": tid, "status": "ok", "durations": {}, "outputs": [],
                           "error": None, "extract": None, "kernel_restarted": False}
    started = time.monotonic()
    reworded = _reworded(job, tid, paths) if tid in job.text_only else None
    if reworded is not None:  # its code ran last time with the same inputs: the data files are the same
        nb, previous = reworded
        with atomic.atomic_open(paths["notebook"]) as fh:
            nbformat.write(nb, fh)
        out["durations"]["execute"] = time.monotonic() - started
        out["text_only"] = True
        out["outputs"] += [paths["notebook"], paths["csv"], paths["xlsx"]]
        table = data_table.comparison_frame(tid)
        return out, {"nb": nb, "table": table, "paths": paths, "started": started, "previous": previous}
    result = kernel.execute(job.template, {"territory": tid}, timeout=job.timeout,
                            input_path=str(job.template_path), output_path=str(paths["notebook"]))
    out["durations"]["execute"] = result.duration
    out["package_files"] = result.imported  # what the portrait is made of (portrait_inputs)
    out["kernel_restarted"] = result.kernel_restarted
    with atomic.atomic_open(paths["notebook"]) as fh:
        nbformat.write(result.nb, fh)
    out["outputs"].append(paths["notebook"])
    if result.error is not None:
        err = result.error
        try:  # the review page shows the failing cell with its traceback
            out["outputs"].append(_write_review(job, tid, result.nb)[0])
        except Exception:  # noqa: BLE001 - the execution error is what the report must say
            pass
        return _failed(out, Failure(tid, "execute", err.ename, err.evalue, err.cell_index,
                                    err.execution_count, str(paths["notebook"]), err.template,
                                    err.template_line, err.label), started), None
    try:
        t0 = time.monotonic()
        table = data_table.write_files(tid, paths["csv"], paths["xlsx"])
        out["outputs"] += [paths["csv"], paths["xlsx"]]
        out["durations"]["data"] = time.monotonic() - t0
    except Exception as exc:  # one territory's broken data must not stop the others
        return _failed(out, _stage_failure(tid, "data", exc, paths), started), None
    return out, {"nb": result.nb, "table": table, "paths": paths, "started": started}


def finish_one(job: Job, out: dict[str, Any], pending: dict[str, Any]) -> dict[str, Any]:
    """Second half, outside the kernel: render, then extract what the build report compares."""
    from portraits.build import build_report, text_changes

    tid, paths = out["territory"], pending["paths"]
    stage = "render"
    try:
        t0 = time.monotonic()
        previous = pending.get("previous")  # (notebook, bytes): a wording edit's
        rendered = _render(job, tid, paths, previous and previous[1]) if job.formats else {}
        out["outputs"] += list(rendered.values())
        out["rendered_blocks"] = bool(rendered) and rendered.by_blocks  # not the whole page
        out["durations"]["render"] = time.monotonic() - t0
        stage = "review"
        t0, cpu0 = time.monotonic(), time.thread_time()
        page, out["review_by_cells"] = _write_review(job, tid, pending["nb"], previous)
        out["outputs"].append(page)
        out["durations"]["review"] = time.monotonic() - t0
        out["durations"]["review_cpu"] = time.thread_time() - cpu0  # this thread's CPU only
        stage = "extract"
        # the rendered text, which the next build's report compares ("what changed"); the
        # notebook's Markdown sentences only stand in for it when no page is rendered
        out["text"] = text_changes.extract_file(rendered["html"]) if "html" in rendered else None
        out["extract"] = build_report.extract(pending["nb"], pending["table"], store.indicators(tid),
                                              sentences=out["text"] is None)
    except Exception as exc:  # one territory's broken render must not stop the others
        return _failed(out, _stage_failure(tid, stage, exc, paths), pending["started"])
    out["durations"]["total"] = time.monotonic() - pending["started"]
    return out


def _stage_failure(tid: str, stage: str, exc: Exception, paths: dict[str, Path]) -> Failure:
    return Failure(tid, stage, type(exc).__name__, str(exc) or traceback.format_exc(limit=2),
                   notebook=str(paths["notebook"]))


def _failed(out: dict[str, Any], failure: Failure, started: float) -> dict[str, Any]:
    out.update(status="failed", error=dataclasses.asdict(failure))
    out["durations"]["total"] = time.monotonic() - started
    return out


def failed_outcome(failure: Failure) -> dict[str, Any]:
    """The outcome of a territory that has no result of its own (crash, timeout, no kernel)."""
    return {"territory": failure.territory, "status": "failed", "durations": {}, "outputs": [],
            "extract": None, "kernel_restarted": False, "error": dataclasses.asdict(failure)}


def _crash_report(tid: str, exc: BaseException) -> dict[str, Any]:
    """A bug of ours, reported as this territory's failure."""
    return failed_outcome(Failure(tid, "worker", type(exc).__name__,
                                  f"{exc}\n{traceback.format_exc(limit=3)}"))


def worker_main(conn, job: Job, parent_pid: int, lock_fd: int | None) -> None:
    """The worker process. Messages to the parent, each with the kernel's pid: ("ready") once
    the kernel started, or ("fatal", why) if it cannot; then per territory ("free") when the
    kernel can take the next one and ("done", outcome)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if lock_fd is not None:  # forked copy of the build lock: only the parent holds it
        try:
            os.close(lock_fd)
        except OSError:
            pass
    from concurrent.futures import ThreadPoolExecutor

    from portraits.execution.execute import WarmKernel

    renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
    # nbconvert's import and template compilation (about 0.5 s) while the kernel starts
    renderer.submit(_warm_review)
    try:
        from portraits.blocks import memo

        kernel = WarmKernel(cwd=job.template_path.parent, memo_dir=memo.default_dir(job.output_dir),
                            memo_refresh=job.memo_refresh)
        if not job.kernel_on_demand:  # else its first execute starts it
            kernel.start()
    except Exception as exc:
        renderer.shutdown(wait=False, cancel_futures=True)
        conn.send(("fatal", f"{type(exc).__name__}: {exc}", None))
        return
    conn.send(("ready", None, kernel.pid))
    try:
        _Pipeline(conn, job, kernel, renderer).serve(parent_pid)
    except (EOFError, BrokenPipeError):
        return
    finally:
        renderer.shutdown(wait=False, cancel_futures=True)
        kernel.shutdown()
        from portraits.render import pandoc_service

        pandoc_service.stop_all()


class _Pipeline:
    """The worker's loop: the kernel executes a territory while the render thread finishes the
    previous one."""

    def __init__(self, conn, job: Job, kernel, renderer):
        self.conn, self.job, self.kernel, self.renderer = conn, job, kernel, renderer
        self.rendering = None  # the render in flight (at most one)
        self.send_lock = threading.Lock()  # the render thread reports on the same connection

    def serve(self, parent_pid: int) -> None:
        while True:
            if not self.conn.poll(1.0):
                if os.getppid() != parent_pid:  # the build was killed: do not linger
                    return
                continue
            tid = self.conn.recv()
            if tid is None:
                if self.rendering:
                    self.rendering.result()
                return
            self._take(tid)

    def _take(self, tid: str) -> None:
        try:
            out, pending = execute_one(self.kernel, self.job, tid)
        except Exception as exc:
            out, pending = _crash_report(tid, exc), None
        if self.rendering:
            self.rendering.result()
        if pending is None:
            self._send_done(out)
        else:
            self.rendering = self.renderer.submit(self._render_and_report, out, pending)
        self._send("free")

    def _render_and_report(self, out: dict[str, Any], pending: dict[str, Any]) -> None:
        try:
            res = finish_one(self.job, out, pending)
        except Exception as exc:
            res = _crash_report(out["territory"], exc)
        self._send_done(res)

    def _send_done(self, res: dict[str, Any]) -> None:
        res["outputs"] = [str(p) for p in res["outputs"]]
        self._send("done", res)

    def _send(self, kind: str, payload: Any = None) -> None:
        with self.send_lock:
            self.conn.send((kind, payload, self.kernel.pid))
