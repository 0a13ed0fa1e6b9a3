"""The preview's builds of one territory: one ``WarmKernel`` kept for the whole session, a
rebuild for each batch of changes the watchers report.

A template edit reuses the kernel (reset before a full run, as the batch build does); a change in
the package or the data restarts it, so the new kernel imports the new code and reads the new
tables. An edit that changes no code (Markdown without inline expressions, ``#|`` options, the
front matter) reuses the outputs of the last run and only renders; an edit that only rewords
text with inline expressions re-evaluates that text in the kernel that ran the rest
(``narrative``). Only HTML is rendered (builtin engine); no PDF. A failure of any step is
published as an error page, and the loop goes on."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Optional

import nbformat

from portraits.template import reader
from portraits.render.context import render_context
from portraits.preview.failures import PreviewError, cell_error, template_error_line
from portraits.preview.pages import Version, error_page
from portraits.execution.narrative import carry_over, cell_metadata, executed_code, structure_key
from portraits.preview import narrative
from portraits.preview.watch import next_batch, short_path

# publish(page, ok, error, timings, changes) -> the version now served
Publish = Callable[[str, bool, Optional[str], dict, list], Version]


# ----------------------------------------------------------------------------------------------
# Reusing the last outputs when no code changed

def code_key(nb: nbformat.NotebookNode) -> Any:
    """What execution depends on in a template: the code of its code cells, their tags (the
    parameters tag) and the kernel. Markdown, cell options, template lines and the front matter
    only matter to the render."""
    cells = [(executed_code(c.source), cell_metadata(c)) for c in nb.cells if c.cell_type == "code"]
    return json.dumps([cells, nb.metadata.get("kernelspec")], sort_keys=True)


def reuse_outputs(previous: nbformat.NotebookNode, template: nbformat.NotebookNode, parameters: dict[str, Any], *,
                  input_path: str | None = None) -> nbformat.NotebookNode | None:
    """The notebook ``template`` would give, its code cells' outputs taken from ``previous`` (an
    executed notebook of a template with the same code cells); None if the cells do not match."""
    from portraits.execution.execute import prepare_notebook

    nb = prepare_notebook(template, parameters, input_path=input_path)
    return nb if carry_over(previous, nb) == [] else None


# ----------------------------------------------------------------------------------------------
# The build loop

class Runner:
    """Builds the page of ``territory`` from ``template`` in the build thread (``loop``), which
    owns the kernel: ``kernel_pid`` is its process while it runs (the preview kills it if a
    run ignores the interrupt when the preview closes). Each version goes to ``publish``."""

    def __init__(self, territory: str, template: Path, *, timeout: float, reuse: bool, workdir: Path,
                 changes: queue.Queue, stop: threading.Event, publish: Publish,
                 set_building: Callable[[bool], None], log: Callable[[str], None],
                 gate: Any = None) -> None:
        self.territory = territory
        self.template = template
        self.timeout = timeout
        self._workdir = workdir  # the notebook and page handed to the renderer
        self.changes = changes  # (kind, paths) batches from the watchers
        self._gate = gate or contextlib.nullcontext()  # rebuilds of all panes at a time, bounded
        self._stop = stop
        self._publish = publish
        self._set_building = set_building
        self.log = log
        self.kernel_pid: int | None = None
        self._restart_pending = True  # a new kernel is due: none yet, or the package or data changed
        # When no code changed (an edit of Markdown text, of cells' #| options or of the front
        # matter) and the kernel, hence package and data, is the same, the outputs of the last run
        # are reused: running the same code on the same data gives the same outputs (the build
        # checks that warm and cold runs are identical).
        self.reuse_outputs = reuse
        self._last: tuple[Any, nbformat.NotebookNode] | None = None
        # The last full run, once its text cells were checked in the final namespace (narrative);
        # a text-only edit then evaluates only the edited text in the kernel.
        self._checked: narrative.Checked | None = None
        self._fresh: tuple[Any, nbformat.NotebookNode] | None = None  # a full run not checked yet

    def loop(self) -> None:
        """Build once, then once per batch of changes, until the preview stops."""
        from portraits.execution.execute import WarmKernel

        kernel = WarmKernel(cwd=self.template.parent)
        try:
            self._safe_rebuild(kernel, [])
            while True:
                batch = next_batch(self.changes, self._stop)
                if batch is None:
                    return
                kinds, changed = batch
                self.log(f"preview: changed: {', '.join(short_path(p) for p in changed[:5])}"
                         + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))
                if kinds & {"code", "data"}:
                    self._restart_pending = True
                self._safe_rebuild(kernel, changed)
        finally:
            kernel.shutdown()
            self.kernel_pid = None

    def _safe_rebuild(self, kernel, changes: list[str]) -> None:
        """Rebuild; a bug of ours becomes an error page (and a new kernel next time), not the end
        of the preview. Then, while the user reads, check a full run's text for the next text
        edit, or reset the kernel so the next run starts at once."""
        with self._gate:
            self._set_building(True)
            self._fresh = None
            try:
                self._rebuild(kernel, changes=changes)
            except Exception as exc:
                self._restart_pending = True
                self._fail(PreviewError("internal", f"{type(exc).__name__}: {exc}", details=traceback.format_exc()),
                           "", {}, changes, time.monotonic())
                return
            finally:
                self._set_building(False)
            if not kernel.notebooks_run or self._restart_pending or self._stop.is_set():
                return
            fresh, self._fresh = self._fresh, None
            if fresh is not None and self.reuse_outputs and self._last is fresh:
                self._check(kernel, fresh[1])
            elif self._checked is None and self.changes.empty():
                try:
                    kernel.reset()
                    kernel.notebooks_run = 0  # WarmKernel.execute resets only a kernel that has run a notebook
                except Exception:  # no answer: execute() will restart it
                    pass

    def _check(self, kernel, executed: nbformat.NotebookNode) -> None:
        t0 = time.monotonic()
        try:
            found = narrative.check(kernel, executed, self.timeout)
        except Exception as exc:  # a kernel that does not answer: full runs only
            found = f"{type(exc).__name__}: {exc}"
        self._checked = found if isinstance(found, narrative.Checked) else None
        if self._checked is None:
            self.log(f"preview: {self.territory}: text edits run the whole template: {found}")
        else:
            self.log(f"preview: {self.territory}: text edits will re-evaluate the text only "
                     f"(checked in {time.monotonic() - t0:.2f} s)")

    def _rebuild(self, kernel, *, changes: list[str]) -> Version | None:
        if self._stop.is_set():
            return None
        started = time.monotonic()
        timings: dict[str, float] = {}
        text = ""
        try:
            text = self.template.read_text(encoding="utf-8-sig")
            nb_template = reader.load_template(self.template, {"territory": self.territory})
        except Exception as exc:  # reader.TemplateError, nbformat's errors, a file being replaced
            error = PreviewError("template", str(exc), qmd_line=template_error_line(text, exc, self.template.name))
            return self._fail(error, text, timings, changes, started)
        if self._restart_pending and (error := self._restart(kernel, timings)):
            return self._fail(error, text, timings, changes, started)
        executed = self._execute(kernel, nb_template, text, timings)
        if executed is None:  # stopped
            return None
        if isinstance(executed, PreviewError):
            return self._fail(executed, text, timings, changes, started)
        t0 = time.monotonic()
        try:
            page = self._render(executed)
        except Exception as exc:  # RenderError: pandoc's message
            return self._fail(PreviewError("render", f"{type(exc).__name__}: {exc}"), text, timings, changes, started)
        timings["render"] = time.monotonic() - t0
        timings["total"] = time.monotonic() - started
        version = self._publish(page, True, None, timings, changes)
        self.log(f"preview: {self.territory}: version {version.generation} served in {timings['total']:.2f} s ("
                 + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items() if k != "total") + ")")
        return version

    def _restart(self, kernel, timings: dict[str, float]) -> PreviewError | None:
        """A new kernel (the package or the data changed); an error if it did not start."""
        t0 = time.monotonic()
        from portraits.data import store

        store.clear_cache()  # the page title is read in this process
        try:
            kernel.restart()
        except Exception as exc:  # KernelStartError: shown, retried at the next change
            return PreviewError("internal", f"the kernel did not start: {exc}")
        self.kernel_pid = kernel.pid
        self._restart_pending = False
        self._last = self._checked = None
        timings["kernel_start"] = time.monotonic() - t0
        return None

    def _execute(self, kernel, nb_template: nbformat.NotebookNode, text: str,
                 timings: dict[str, float]) -> nbformat.NotebookNode | PreviewError | None:
        """The executed notebook (the last outputs when no code changed, only the edited text
        evaluated again when only text changed), the failing cell's error, or None when the
        preview stopped during the run."""
        t0 = time.monotonic()
        key = code_key(nb_template)
        if self.reuse_outputs and self._last is not None and self._last[0] == key:
            executed = reuse_outputs(self._last[1], nb_template, {"territory": self.territory},
                                     input_path=str(self.template))
            timings["reuse"] = time.monotonic() - t0
            if executed is not None:
                return executed
        if self.reuse_outputs and self._last is not None and self._checked is not None:
            found = self._reevaluate(kernel, nb_template, key, text, timings)
            if found is not None:
                return found
        self._last = self._checked = None
        # No second try after a dead kernel: it may be the preview being stopped.
        result = kernel.execute(nb_template, {"territory": self.territory}, timeout=self.timeout,
                                input_path=str(self.template), retry_dead_kernel=False)
        self.kernel_pid = kernel.pid
        timings["execute"] = time.monotonic() - t0
        if self._stop.is_set():
            return None
        if result.error is not None:
            return cell_error(text, result.nb, result.error, self.template.name)
        self._last = self._fresh = (key, result.nb)
        return result.nb

    def _reevaluate(self, kernel, nb_template: nbformat.NotebookNode, key: Any, text: str,
                    timings: dict[str, float]) -> nbformat.NotebookNode | PreviewError | None:
        """The notebook with only its edited text cells evaluated again in the kernel, which
        holds the last full run (``narrative``: when that gives what a full run would), the
        failing cell's error, or None when the edit needs a full run."""
        from portraits.execution.execute import prepare_notebook

        t0 = time.monotonic()
        nb = prepare_notebook(nb_template, {"territory": self.territory}, input_path=str(self.template))
        if structure_key(nb) != self._checked.structure:
            return None
        changed = carry_over(self._last[1], nb)
        if changed is None:
            return None
        narrative.evaluate(kernel, nb, changed, self.timeout)
        timings["narrative"] = time.monotonic() - t0
        if self._stop.is_set():
            return None
        if narrative.failed(nb, changed):
            return cell_error(text, nb, None, self.template.name)
        self._last = (key, nb)
        return nb

    def _fail(self, error: PreviewError, text: str, timings: dict[str, float], changes: list[str],
              started: float) -> Version:
        timings["total"] = time.monotonic() - started
        page = error_page(error, template=self.template, territory=self.territory, text=text)
        version = self._publish(page, False, error.summary(), timings, changes)
        self.log(f"preview: {self.territory}: version {version.generation}: {error.summary()}")
        return version

    def _render(self, nb: nbformat.NotebookNode) -> str:
        from portraits import render

        ipynb = self._workdir / f"{self.territory}.ipynb"
        out = self._workdir / f"{self.territory}.html"
        with ipynb.open("w", encoding="utf-8") as fh:
            nbformat.write(nb, fh)
        # no evidence links: the preview serves no review page
        context = {**render_context(self.territory), "review": None}
        render.render(ipynb, html=out, engine="builtin", context=context)
        return out.read_text(encoding="utf-8")
