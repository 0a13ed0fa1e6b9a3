"""The build's own execution path with the kernel taken out: the floor of bench_build.py.

``InProcessShell`` has the interface of ``portraits.execution.execute.WarmKernel`` (``execute``
returns its ``ExecutionResult``) but runs the cells in an IPython shell inside this process: no
kernel process, no ZeroMQ messages, no nbclient. Everything else is the build's: the notebook
is the build's (``plan.load_template``, papermill's ``prepare_notebook``), the reset between
territories is the kernel's (``execute._RESET_CODE``), the failure check is papermill's
(``execute._first_error``), and ``run_territory`` calls the worker's own ``execute_one`` and
``finish_one`` (notebook, data files, renders, review page, extracts). IPython's shell gives the
template what the kernel gives it: ``get_ipython()`` and its namespace (where ``p.metadata()``
leaves the metadata the ``when-meta`` conditions read), magics, rich display, and
matplotlib's inline backend.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

from portraits.build import plan, worker
from portraits.execution import execute


class _Publisher(DisplayPublisher):
    """display(...) -> a display_data output of the running cell."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.cell_outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait=False):
        self.shell.cell_outputs.clear()


class _Hook(DisplayHook):
    """A cell's last expression -> its execute_result output (as ipykernel's displayhook)."""

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.cell_outputs.append(nbformat.v4.new_output(
            "execute_result", data=format_dict, metadata=md_dict or {},
            execution_count=self.shell.execution_count))

    def finish_displayhook(self):
        pass


class _Shell(InteractiveShell):
    displayhook_class = Type(_Hook)
    display_pub_class = Type(_Publisher)
    cell_outputs: list = []

    def enable_gui(self, gui=None):  # the inline backend needs no event loop (ipykernel's does the same)
        pass

    def _showtraceback(self, etype, evalue, stb):
        self.cell_outputs.append(nbformat.v4.new_output(
            "error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue), traceback=stb))


class InProcessShell:
    """``WarmKernel.execute`` without a kernel (one shell per process, the IPython singleton)."""

    def __init__(self, cwd: str | os.PathLike):
        self.cwd = str(Path(cwd).resolve())
        config = Config()
        config.HistoryManager.hist_file = ":memory:"  # as the build's kernels
        self.shell = _Shell.instance(config=config)
        self.shell.enable_matplotlib("inline")  # what ipykernel sets up: figures become outputs
        self.notebooks_run = 0
        self.pid = None

    def _run_cell(self, cell: nbformat.NotebookNode, count: int) -> bool:
        """Run one code cell into its outputs; False if it raised (papermill stops there)."""
        self.shell.cell_outputs = outputs = []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result = self.shell.run_cell(cell.source, store_history=True)
        for name, stream in (("stdout", out), ("stderr", err)):
            if stream.getvalue():
                outputs.insert(0, nbformat.v4.new_output("stream", name=name, text=stream.getvalue()))
        cell.outputs, cell.execution_count = outputs, count
        return result.success

    def execute(self, template: nbformat.NotebookNode, parameters: dict[str, Any], *,
                timeout: float | None = None, input_path: str | None = None,
                output_path: str | None = None, retry_dead_kernel: bool = True) -> execute.ExecutionResult:
        started = time.monotonic()
        nb = execute.prepare_notebook(template, parameters, input_path=input_path, output_path=output_path)
        if self.notebooks_run:
            self.shell.run_cell(execute._RESET_CODE.format(cwd=self.cwd), store_history=False, silent=True)
        else:
            os.chdir(self.cwd)
        count = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            count += 1
            if not self._run_cell(cell, count):
                break
        self.notebooks_run += 1
        from ipykernel.ipkernel import IPythonKernel  # the language_info a kernel reports

        nb.metadata["language_info"] = dict(IPythonKernel.language_info)
        return execute.ExecutionResult(nb=nb, error=execute._first_error(nb),
                                       duration=time.monotonic() - started)


def make_job(template_path: Path, output_dir: Path, tid: str, formats: list[str] | None = None,
             engine: str = "auto") -> worker.Job:
    """The Job a build of ``output_dir`` would hand its workers."""
    formats, output_dir = plan.check_options(formats, None, 600, output_dir)
    nb = plan.load_template(template_path, {"territory": tid})
    return worker.Job(nb, template_path, output_dir, formats, plan.choose_engine(engine), 600)


def run_territory(shell, job: worker.Job, tid: str) -> dict[str, Any]:
    """One territory as a build worker does it (``shell``: a WarmKernel or an InProcessShell);
    returns the worker's outcome."""
    out, pending = worker.execute_one(shell, job, tid)
    return out if pending is None else worker.finish_one(job, out, pending)


# A process pool of such shells (the floor). These live here, not in the script: IPython's shell
# replaces sys.modules["__main__"], where a spawned worker would look for the script's functions.
_POOL: dict = {}


def pool_init(template: str, out: str, tid: str) -> None:
    job = make_job(Path(template), Path(out), tid)
    _POOL.update(job=job, shell=InProcessShell(job.template_path.parent))


def pool_run(tid: str) -> dict[str, Any]:
    return run_territory(_POOL["shell"], _POOL["job"], tid)


def pool_warm_up(tid: str) -> dict[str, Any]:
    time.sleep(0.5)  # so that every process of the pool takes one warm-up territory
    return pool_run(tid)
