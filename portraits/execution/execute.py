"""Execute a parameterised notebook in a warm Jupyter kernel, the way papermill does.

One job: run the template for one territory and hand back the executed notebook, even when
a cell fails. The notebook is prepared with papermill's own functions (``parameterize_notebook``:
the ``injected-parameters`` cell; ``prepare_notebook_metadata``; the error cells of
``raise_for_execution_errors``) and executed by papermill's nbclient wrapper, so it looks like
``papermill`` CLI output. What papermill does not do is reuse a kernel: ``WarmKernel`` starts one
kernel and one client, and resets the kernel between notebooks (measured: 0.1 s instead of
about 2.5 s for a fresh kernel plus re-importing pandas and seaborn; docs in
/work/shared/design/pipeline.md).
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NotebookExecutionManager
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from portraits.core.errors import KernelStartError
from portraits.execution import kernel_imports, narrative
from portraits.template import names, reader

log = logging.getLogger(__name__)

# Run between two notebooks. Order matters: matplotlib first (the names are gone after reset).
# rcdefaults() keeps the backend, so the inline backend (figures in outputs) stays on.
_RESET_CODE = """\
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
    _sys.modules["matplotlib"].rcdefaults()
get_ipython().reset(new_session=True, aggressive=False)
# reset() ends with a full gc.collect(); freezing what the first notebook left (modules, caches)
# keeps later collections to the last notebook's objects (measured: reset 0.17 s -> 0.06 s).
import gc as _gc
if not _gc.get_freeze_count():
    _gc.freeze()
"""


@dataclasses.dataclass
class CellError:
    """Where and why a notebook failed (what papermill's PapermillExecutionError carries), and
    where that is in the template: its file, line and `#| label`."""

    cell_index: int          # index in the executed notebook, papermill's error cells excluded
    execution_count: int | None
    ename: str
    evalue: str
    source: str = ""
    template: str | None = None        # the template's file name
    template_line: int | None = None   # the failing line, else the cell's first line
    label: str | None = None           # the cell's `#| label`; "Markdown" for a text cell

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def where(self) -> str:
        return names.cell_location(self.template, self.template_line, self.label, self.cell_index,
                                   self.execution_count)

    def summary(self) -> str:
        return f"{self.where()}: {self.ename}: {self.evalue}"


@dataclasses.dataclass
class ExecutionResult:
    nb: nbformat.NotebookNode
    error: CellError | None
    duration: float
    kernel_restarted: bool = False   # the kernel died or timed out and was replaced
    imported: list[str] = dataclasses.field(default_factory=list)  # files of its portraits modules

    @property
    def ok(self) -> bool:
        return self.error is None


class _VenvKernelSpecs(KernelSpecManager):
    """The ``python3`` kernel is always this interpreter (the venv's), whatever kernelspecs a user
    has installed elsewhere (~/.local/share/jupyter would otherwise win)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == NATIVE_KERNEL_NAME:
            from ipykernel.kernelspec import get_kernel_dict

            return KernelSpec(resource_dir="", **get_kernel_dict())
        return super().get_kernel_spec(kernel_name)


class _WarmClient(PapermillNotebookClient):
    """papermill's client, run against an existing kernel client, with a deadline for the
    whole notebook instead of a per-cell timeout."""

    deadline: float | None = None
    current_index: int = 0

    async def _async_handle_timeout(self, timeout: int, cell=None):
        # Interrupt, then give up on this notebook: the kernel is replaced afterwards, so a
        # cell stuck in C code (which ignores SIGINT) cannot hang the worker.
        await self.km.interrupt_kernel()
        raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell)

    def papermill_execute_cells(self) -> None:
        for index, cell in enumerate(self.nb.cells):
            if self.deadline is not None:
                self.timeout = max(1, int(self.deadline - time.monotonic()) + 1)
            self.current_index = index
            try:
                self.nb_man.cell_start(cell, index)
                self.execute_cell(cell, index)
            except CellExecutionError as ex:
                self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=ex)
                break
            finally:
                self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)


def _mark_failed_cell(nb: nbformat.NotebookNode, index: int, ename: str, evalue: str) -> None:
    """Record an error that the kernel could not report (timeout, dead kernel) in the cell itself,
    so the saved notebook shows it where papermill would show a traceback."""
    cell = nb.cells[index]
    cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
    cell.metadata.setdefault("papermill", {})
    cell.metadata.papermill["exception"] = True
    cell.metadata.papermill["status"] = NotebookExecutionManager.FAILED
    nb.metadata.papermill["exception"] = True


def prepare_notebook(template: nbformat.NotebookNode, parameters: dict[str, Any], *,
                     input_path: str | None = None, output_path: str | None = None,
                     kernel_name: str = NATIVE_KERNEL_NAME) -> nbformat.NotebookNode:
    """The notebook papermill would execute: parameters injected after the ``parameters`` cell."""
    # papermill reads a NotebookNode by writing it out and parsing it again: the template is
    # copied, never changed
    nb = load_notebook_node(template)
    nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name, language="python")
    nb = prepare_notebook_metadata(nb, input_path, output_path)
    return remove_error_markers(nb)


class WarmKernel:
    """One kernel and one client kept alive across notebooks.

    ``execute`` resets the kernel before each notebook (namespace, figures, matplotlib
    settings, working directory). Module-level state (imported modules, pandas options,
    random state) survives: templates must not rely on it."""

    def __init__(self, cwd: str | os.PathLike | None = None, kernel_name: str = NATIVE_KERNEL_NAME,
                 startup_timeout: float = 60.0, memo_dir: str | os.PathLike | None = None,
                 memo_refresh: bool = False):
        self.cwd = str(Path(cwd or os.getcwd()).resolve())
        # the charts' cache (portraits.blocks.memo): the project output's unless told
        self.memo = (Path(memo_dir) if memo_dir else None, memo_refresh)
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km: AsyncKernelManager | None = None
        self.kc = None
        self.language_info: dict[str, Any] = {}
        self.notebooks_run = 0

    # -- life cycle -------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The kernel's process id (the build kills it if its worker must be killed)."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(proc, "pid", None)

    def start(self) -> "WarmKernel":
        run_sync(self._astart)()
        return self

    async def _astart(self) -> None:
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # a forced Agg backend leaves notebooks without figures
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        from portraits.blocks import memo

        env.update(memo.kernel_env(self.memo[0] or memo.default_dir(), self.memo[1]))
        # IPC sockets: local, cheaper than TCP, and no "unencrypted TCP" warning on every start.
        self._sockdir = tempfile.mkdtemp(prefix="portraits-kernel-")
        self.km = AsyncKernelManager(kernel_name=self.kernel_name, kernel_spec_manager=_VenvKernelSpecs(),
                                     transport="ipc", ip=os.path.join(self._sockdir, "k"))
        try:
            # History in memory: no sqlite file shared (and locked) by parallel kernels.
            await self.km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                       cwd=self.cwd, env=env)
            self.kc = self.km.client()
            self.kc.start_channels()
            await self.kc.wait_for_ready(timeout=self.startup_timeout)
            reply = await self._arequest(self.kc.kernel_info(), self.startup_timeout)
        except Exception as exc:
            await self._ashutdown()
            raise KernelStartError(f"kernel {self.kernel_name!r} did not start: {exc}") from exc
        self.language_info = reply["content"].get("language_info", {})
        self.notebooks_run = 0

    async def _arequest(self, msg_id: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply from the kernel within {timeout:.0f} s")
            msg = await self.kc.get_shell_msg(timeout=remaining)
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def reset(self, timeout: float = 30.0) -> None:
        """Back to a fresh namespace; raises if the kernel does not answer."""
        code = _RESET_CODE.format(cwd=self.cwd)
        reply = run_sync(self._arequest)(
            self.kc.execute(code, silent=True, store_history=False, allow_stdin=False), timeout)
        if reply["content"]["status"] != "ok":
            raise KernelStartError(f"kernel reset failed: {reply['content'].get('evalue')}")

    def imported_files(self, timeout: float = 30.0) -> list[str]:
        """The files of the ``portraits`` modules imported in the kernel ([] if it cannot say)."""
        msg_id = self.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"files": kernel_imports.EXPRESSION})
        return kernel_imports.files(run_sync(self._arequest)(msg_id, timeout))

    def is_alive(self) -> bool:
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        run_sync(self._ashutdown)()

    async def _ashutdown(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            try:
                if await self.km.is_alive():
                    await self.km.shutdown_kernel(now=True)
            except Exception:  # already gone: nothing to stop
                pass
            finally:
                await self.km.cleanup_resources()
                self.km = None
        if getattr(self, "_sockdir", None):
            shutil.rmtree(self._sockdir, ignore_errors=True)
            self._sockdir = None

    def __enter__(self) -> "WarmKernel":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.shutdown()

    # -- execution --------------------------------------------------------------------------
    def execute(self, template: nbformat.NotebookNode, parameters: dict[str, Any], *,
                timeout: float | None = None, input_path: str | None = None,
                output_path: str | None = None, retry_dead_kernel: bool = True) -> ExecutionResult:
        """Execute ``template`` with ``parameters``; never raises for errors inside the notebook.

        The returned notebook carries papermill's metadata and, on failure, papermill's error
        cells. A kernel that dies is restarted and the notebook run once more (if
        ``retry_dead_kernel``); a timeout interrupts the notebook and replaces the kernel."""
        started = time.monotonic()
        restarted = False
        attempts = 2 if retry_dead_kernel else 1
        for attempt in range(attempts):
            nb = prepare_notebook(template, parameters, input_path=input_path,
                                  output_path=output_path, kernel_name=self.kernel_name)
            if self.km is None and not self.notebooks_run:
                self.start()  # on demand: a build whose territories may need no kernel
            elif self.km is None or not self.is_alive():
                self.restart()
                restarted = True
            elif self.notebooks_run:
                try:
                    self.reset()
                except Exception:
                    self.restart()
                    restarted = True
            dead = self._run(nb, timeout)
            self.notebooks_run += 1
            if dead == "timeout":
                self.restart()
                restarted = True
                break
            if dead == "dead":
                self.restart()
                restarted = True
                if attempt + 1 < attempts:
                    log.warning("kernel died on %s, restarted; retrying once", parameters)
                    continue
            break
        error = _first_error(nb, input_path)
        imported = self._imported() if dead is None else []
        return ExecutionResult(nb=nb, error=error, duration=time.monotonic() - started,
                               kernel_restarted=restarted, imported=imported)

    def _imported(self) -> list[str]:
        try:
            return kernel_imports.note(self.imported_files())
        except Exception:  # noqa: BLE001 - not known: the caller counts every file as an input
            return []

    def _run(self, nb: nbformat.NotebookNode, timeout: float | None) -> str | None:
        """Run the cells; returns 'timeout' or 'dead' when the kernel has to be replaced."""
        nb_man = NotebookExecutionManager(nb, output_path=None, progress_bar=False, autosave_cell_every=0)
        nb_man.notebook_start()
        client = _WarmClient(nb_man, km=self.km, kernel_name=self.kernel_name, log=log,
                             timeout=int(timeout) + 1 if timeout else None,
                             interrupt_on_timeout=False)
        client.deadline = time.monotonic() + timeout if timeout else None
        client.kc = self.kc
        client.reset_execution_trackers()
        outcome = None
        current = lambda: client.current_index  # noqa: E731
        try:
            client.papermill_execute_cells()
        except CellTimeoutError:
            _mark_failed_cell(nb, current(), "TimeoutError",
                              f"the notebook exceeded its time limit of {timeout:g} s")
            outcome = "timeout"
        except DeadKernelError:
            _mark_failed_cell(nb, current(), "DeadKernelError", "the kernel died while running this cell")
            outcome = "dead"
        finally:
            if self.language_info:
                nb.metadata["language_info"] = copy.deepcopy(self.language_info)
            nb_man.notebook_complete()
        return outcome


def _first_error(nb: nbformat.NotebookNode, template_path: str | None = None) -> CellError | None:
    """papermill's own check: adds its error cells to ``nb`` and says which cell failed, located
    in the template when the notebook comes from one (``template_path``)."""
    cells = list(nb.cells)  # before papermill inserts its error cells
    try:
        raise_for_execution_errors(nb, None)  # output path None: papermill writes nothing
    except PapermillExecutionError as exc:
        error = CellError(cell_index=exc.cell_index, execution_count=exc.exec_count,
                          ename=exc.ename, evalue=exc.evalue, source=exc.source)
        _locate(error, cells[exc.cell_index], exc.traceback, template_path)
        return error
    return None


_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")  # IPython's traceback frame of the cell itself
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _locate(error: CellError, cell: nbformat.NotebookNode, traceback: list[str] | None,
            template_path: str | None) -> None:
    """The template line and label of the failing cell: its first line (recorded by the reader in
    the cell's metadata), or the line that failed when IPython's traceback names it; a text cell's
    own message names the line of its expression."""
    first = (cell.metadata.get("portraits") or {}).get("line")
    if first is None or not template_path:
        return
    error.template = Path(template_path).name
    error.template_line = first
    if narrative.is_narrative(cell):
        error.label = "Markdown"
        return
    try:
        error.label = reader.cell_options(cell.source).get("label")
    except reader.TemplateError:  # the reader refused bad options already
        pass
    m = _CELL_LINE.search(_ANSI.sub("", "\n".join(traceback or [])))
    if m:
        try:
            lines = Path(template_path).read_text(encoding="utf-8-sig").splitlines()
        except OSError:  # the template went away: its cell's first line still says where
            return
        error.template_line = names.file_line(cell, int(m.group(1)), lines) or first


if sys.platform == "win32":  # pragma: no cover - the project runs on Linux; keep papermill's fix
    asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())
