"""Live preview of one territory's portrait: ``portraits preview ID``.

One job: serve the HTML portrait of one territory on 127.0.0.1 and rebuild it whenever one of
its inputs changes, so that a statistician editing the template sees the result in the browser.

- Watching: ``watchfiles`` (inotify, no polling) on the template, on the package (code, the
  indicator catalogue, the phrasing rules and thresholds, the render filter and templates) and
  on ``data/processed/``. Each watcher debounces a burst of events into one batch; editor
  temporary files and the package files that cannot change a portrait are ignored.
- Rebuilding: one ``WarmKernel`` kept for the whole session. A template edit reuses it (reset
  between runs, as the batch build does); a change in the package or the data restarts it, so
  the new kernel imports the new code and reads the new tables. An edit that changes no code
  (Markdown without inline expressions, ``#|`` options, the front matter) reuses the outputs of
  the last run and only renders. Only HTML is rendered (builtin engine); no PDF.
- Serving: the standard library's ``ThreadingHTTPServer``. ``/`` is the current page with a
  small script that listens to ``/events`` (server-sent events) and reloads the page on a
  ``reload`` event. ``/status`` says which version is served and where the time went.
- Errors (bad YAML, no parameters cell, an exception in a cell, a render failure) are shown as
  a page that keeps the reload script, with the ``.qmd`` line when it can be found: fixing the
  file brings the portrait back, and the server keeps running.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import os
import queue
import re
import shutil
import signal
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import nbformat
import watchfiles

from portraits.build.batch import _NOT_PORTRAIT_DIRS as NOT_PORTRAIT_DIRS, _NOT_PORTRAIT_INPUTS as NOT_PORTRAIT_INPUTS
from portraits.core import config

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
EXECUTE_TIMEOUT = 120.0  # seconds allowed for one run of the template
# Package files that cannot change a portrait: the batch build's list (which has this module).
# what the build does not count as a portrait's input (declared there, once)
_IGNORED_PACKAGE_FILES = set(NOT_PORTRAIT_INPUTS)
_IGNORED_PACKAGE_DIRS = set(NOT_PORTRAIT_DIRS)

# Injected before </body>: reload when the server has a newer page than this one (`since` is the
# version of this page, so a change made while the page was loading is not missed), and a badge
# shown while a rebuild runs.
RELOAD_SCRIPT = """<div id="portraits-preview-status" role="status" aria-live="polite" hidden
  style="position:fixed;top:.5rem;right:.5rem;z-index:1000;padding:.3rem .7rem;border-radius:.3rem;
  background:#1a1a1a;color:#fff;font:600 14px/1.4 system-ui,sans-serif;opacity:.85">Rebuilding…</div>
<script id="portraits-preview">
(function () {
  var source = new EventSource("/events?since=%d");
  var badge = document.getElementById("portraits-preview-status");
  source.addEventListener("building", function (e) { badge.hidden = e.data !== "1"; });
  source.addEventListener("reload", function () { source.close(); window.location.reload(); });
})();
</script>
"""

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FENCE = re.compile(r"^\s*`{3,}\s*\{python[ ,}]", re.I)
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


# ----------------------------------------------------------------------------------------------
# What the watchers report

class _Filter(watchfiles.DefaultFilter):
    """watchfiles' default filter (VCS and cache dirs, *.pyc, vim/emacs/JetBrains temporaries)
    plus hidden files (our atomic writes are ``.NAME.XXXX.tmp``), ``*.tmp`` and vim's ``4913``;
    and, relative to ``root``, the given files and the files under the given directory names."""

    def __init__(self, root: Path | None = None, ignored_files: set[str] = frozenset(),
                 ignored_dirs: set[str] = frozenset()) -> None:
        super().__init__(ignore_entity_patterns=(*self.ignore_entity_patterns, r"^\.", r"\.tmp$", r"^4913$"))
        self._root = root
        self._ignored_files = set(ignored_files)
        self._ignored_dirs = set(ignored_dirs)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if self._root is not None:
            try:
                rel = Path(path).relative_to(self._root)
            except ValueError:
                rel = None
            if rel is not None and (str(rel) in self._ignored_files or self._ignored_dirs & set(rel.parts[:-1])):
                return False
        return super().__call__(change, path)


class _FileFilter(_Filter):
    """Only one file of a directory (the template): editors that save by writing a new file
    and renaming it over the old one are seen too, which a watch on the file itself would not."""

    def __init__(self, target: Path) -> None:
        super().__init__()
        self._target = target.name

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return Path(path).name == self._target and super().__call__(change, path)


@dataclasses.dataclass
class _Watch:
    kind: str                   # "template" (kernel reused) or "code" / "data" (kernel restarted)
    paths: list[Path]
    recursive: bool
    filter: Callable[[watchfiles.Change, str], bool]


# ----------------------------------------------------------------------------------------------
# Errors as pages, with the .qmd line

@dataclasses.dataclass
class PreviewError:
    kind: str                           # "template", "cell", "render", "internal"
    message: str
    qmd_line: int | None = None          # 1-based line in the template
    cell_index: int | None = None        # index in the executed notebook
    source: str = ""                     # the failing cell's source
    details: str = ""                    # traceback

    def summary(self) -> str:
        where = f"line {self.qmd_line}: " if self.qmd_line else ""
        cell = f"cell {self.cell_index}: " if self.cell_index is not None else ""
        return f"{self.kind} error: {where}{cell}{self.message}"


def _yaml_mark_line(exc: BaseException) -> int | None:
    """0-based line of a YAML error, from the exception chained to qmd's TemplateError: where the
    faulty construct starts ("while parsing a flow sequence started here") when YAML says so,
    else where the parser stopped."""
    cause = exc.__cause__ or exc.__context__
    mark = getattr(cause, "context_mark", None) or getattr(cause, "problem_mark", None)
    return None if mark is None else int(mark.line)


def line_in_message(message: str, name: str) -> int | None:
    """``NAME:LINE`` in an error message: how the inline expressions' errors (``portraits.text.inline``,
    at read time and at run time) name their template line."""
    m = re.search(rf"(?:^|[\s/'\"(]){re.escape(name)}:(\d+)\b", message)
    return int(m.group(1)) if m else None


def template_error_line(text: str, exc: BaseException, name: str = "") -> int | None:
    """The template line (1-based) that a ``qmd.TemplateError`` is about, when it can be found:
    the line the message names, the front matter's YAML, a cell's ``#|`` options, an unclosed
    front matter."""
    from portraits.execution.qmd import TemplateError, cell_options

    message = str(exc)
    lines = text.splitlines()
    if name and (line := line_in_message(message, name)):
        return line
    if "front matter opened" in message:
        return 1
    if "front matter" in message:
        mark = _yaml_mark_line(exc)
        return None if mark is None else mark + 2  # the YAML starts on line 2
    if "cell options" in message:
        for fence in (i for i, line in enumerate(lines) if _CELL_FENCE.match(line)):
            options = []
            for line in lines[fence + 1:]:
                if not line.lstrip().startswith("#|"):
                    break
                options.append(line)
            try:
                cell_options("\n".join(options))
            except TemplateError as cell_exc:
                mark = _yaml_mark_line(cell_exc)
                return fence + 2 + (mark or 0)
    return None


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int, nbformat.NotebookNode, dict] | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, cell, output
    return None


def cell_error(text: str, executed: nbformat.NotebookNode,
               fallback: Any = None, name: str = "") -> PreviewError:
    """The first failing cell of an executed notebook, located in the template text: the line
    its error names (an inline expression), else the failing line of the cell, else its fence."""
    found = _failing_cell(executed)
    if found is None:  # papermill saw an error the outputs do not show: use what it said
        return PreviewError("cell", f"{getattr(fallback, 'ename', 'Error')}: {getattr(fallback, 'evalue', '')}",
                            cell_index=getattr(fallback, "cell_index", None),
                            source=getattr(fallback, "source", ""))
    index, cell, output = found
    tb = _ANSI.sub("", "\n".join(output.get("traceback") or []))
    error = PreviewError("cell", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}",
                         cell_index=index, source=cell.source, details=tb)
    if name and (line := line_in_message(error.message, name)):
        error.qmd_line = line
        return error
    if "injected-parameters" in (cell.metadata.get("tags") or []):
        return error
    fence = (cell.metadata.get("portraits") or {}).get("line")  # recorded by qmd.read_qmd
    if fence is None:
        return error
    error.qmd_line = fence
    m = _CELL_LINE.search(tb)
    source_lines = cell.source.splitlines()
    if m and 1 <= int(m.group(1)) <= len(source_lines):
        wanted = source_lines[int(m.group(1)) - 1].strip()
        lines = text.splitlines()
        for i in range(fence, min(len(lines), fence + len(source_lines) + 20)):
            if lines[i].strip() == wanted:
                error.qmd_line = i + 1
                break
    return error


_PAGE_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; color: #a40000; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: .75rem; overflow-x: auto; font-size: .85rem; }
.excerpt .hit { background: #ffe3e3; display: inline-block; width: 100%; }
.where { font-weight: 600; }
"""


def _excerpt(text: str, line: int, around: int = 4) -> str:
    lines = text.splitlines()
    start, end = max(1, line - around), min(len(lines), line + around)
    rows = []
    for n in range(start, end + 1):
        row = html.escape(f"{n:>5} | {lines[n - 1]}")
        rows.append(f'<span class="hit">{row}</span>' if n == line else row)
    return "\n".join(rows)


def error_page(error: PreviewError, *, template: Path, territory: str, text: str = "") -> str:
    """A page for the browser: escaped text, where it happened, the reload script added later."""
    parts = [f"<h1>The portrait of {html.escape(territory)} could not be built</h1>",
             f"<p class=\"kind\">{html.escape(error.kind.capitalize())} error in "
             f"<code>{html.escape(str(template))}</code></p>"]
    if error.qmd_line:
        parts.append(f'<p class="where">{html.escape(template.name)}, line {error.qmd_line}'
                     + (f" (cell {error.cell_index} of the executed notebook)" if error.cell_index is not None else "")
                     + "</p>")
    elif error.cell_index is not None:
        parts.append(f'<p class="where">cell {error.cell_index} of the executed notebook</p>')
    parts.append(f'<pre class="message">{html.escape(error.message)}</pre>')
    if error.qmd_line and text:
        parts.append(f'<pre class="excerpt">{_excerpt(text, error.qmd_line)}</pre>')
    elif error.source:
        parts.append(f'<pre class="source">{html.escape(error.source)}</pre>')
    if error.details:
        parts.append(f'<details open><summary>Traceback</summary><pre class="traceback">'
                     f"{html.escape(error.details)}</pre></details>")
    parts.append("<p>Fix the file and save it: this page reloads by itself.</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Error: {html.escape(territory)}</title><style>{_PAGE_STYLE}</style></head>\n"
            f"<body><main id=\"preview-error\">\n{''.join(parts)}\n</main></body></html>\n")


def _waiting_page(territory: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Building {html.escape(territory)}…</title><style>{_PAGE_STYLE}</style></head>\n"
            f"<body><main><p>Building the portrait of {html.escape(territory)}…</p></main></body></html>\n")


def inject_reload(page: str, generation: int) -> bytes:
    script = RELOAD_SCRIPT % generation
    at = page.rfind("</body>")
    page = page[:at] + script + page[at:] if at >= 0 else page + script
    return page.encode("utf-8")


# ----------------------------------------------------------------------------------------------
# Reusing the last outputs when no code changed

def executed_code(source: str) -> str:
    """A code cell's source without its leading ``#|`` option lines: comments to Python, so they
    cannot change what the cell computes (captions, alt text, echo, output... are applied by the
    renderer, from the new template)."""
    lines = source.splitlines()
    n = 0
    while n < len(lines) and lines[n].lstrip().startswith("#|"):
        n += 1
    return "\n".join(lines[n:])


def code_key(nb: nbformat.NotebookNode) -> Any:
    """What execution depends on in a template: the code of its code cells, their metadata (the
    parameters tag) and the kernel. Markdown, cell options and the front matter only matter to
    the render."""
    cells = [(executed_code(c.source), json.dumps(c.metadata, sort_keys=True))
             for c in nb.cells if c.cell_type == "code"]
    return json.dumps([cells, nb.metadata.get("kernelspec")], sort_keys=True)


def reuse_outputs(previous: nbformat.NotebookNode, template: nbformat.NotebookNode, parameters: dict[str, Any], *,
                  input_path: str | None = None) -> nbformat.NotebookNode | None:
    """The notebook ``template`` would give, its code cells' outputs taken from ``previous`` (an
    executed notebook of a template with the same code cells); None if the cells do not match."""
    from portraits.execution.execute import prepare_notebook

    nb = prepare_notebook(template, parameters, input_path=input_path)
    old = [c for c in previous.cells if c.cell_type == "code"]
    new = [c for c in nb.cells if c.cell_type == "code"]
    if len(old) != len(new) or any(executed_code(o.source) != executed_code(n.source) for o, n in zip(old, new)):
        return None
    for o, n in zip(old, new):
        n.outputs = copy.deepcopy(o.outputs)
        n.execution_count = o.execution_count
        n.metadata.papermill = copy.deepcopy(o.metadata.get("papermill", {}))
    nb.metadata = copy.deepcopy(previous.metadata)
    return nb


# ----------------------------------------------------------------------------------------------
# The server

@dataclasses.dataclass
class Version:
    """What the server serves now."""

    generation: int
    page: bytes
    ok: bool
    error: str | None = None
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    changes: list[str] = dataclasses.field(default_factory=list)
    published: float = 0.0     # time.time() when it was published


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
        self.timeout = timeout
        self.package_dir = Path(package_dir or config.PACKAGE_DIR).resolve()
        self.processed_dir = Path(processed_dir or config.processed_dir()).resolve()
        self.log = log or (lambda msg: None)
        self._cond = threading.Condition()
        self._version = Version(0, inject_reload(_waiting_page(territory), 0), ok=False, error="building")
        self._stop = threading.Event()
        self._changes: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="portraits-preview-"))
        self.kernel_pid: int | None = None
        self.listeners = 0  # open /events streams (pages that will reload)
        self.building = False  # a rebuild is running (pages show a badge)
        self._restart_pending = True  # a new kernel is due: none yet, or the package or data changed
        # When no code changed (an edit of Markdown text, of cells' #| options or of the front
        # matter) and the kernel, hence package and data, is the same, the outputs of the last run
        # are reused: running the same code on the same data gives the same outputs (the build
        # checks that warm and cold runs are identical).
        self.reuse_outputs = reuse
        self._last: tuple[Any, nbformat.NotebookNode] | None = None
        self._closed = False

    # -- state ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

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
        for watch in self._watches():
            self._spawn(f"preview-watch-{watch.kind}", self._watch_loop, watch)
        self._spawn("preview-build", self._build_loop)
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

    # -- watching ------------------------------------------------------------------------------
    def _watches(self) -> list[_Watch]:
        watches = [_Watch("template", [self.template.parent], False, _FileFilter(self.template))]
        watches.append(_Watch("code", [self.package_dir], True,
                              _Filter(self.package_dir, _IGNORED_PACKAGE_FILES, _IGNORED_PACKAGE_DIRS)))
        if self.processed_dir.is_dir():
            watches.append(_Watch("data", [self.processed_dir], True, _Filter()))
        return watches

    def _watch_loop(self, watch: _Watch) -> None:
        try:
            for changes in watchfiles.watch(*watch.paths, watch_filter=watch.filter, recursive=watch.recursive,
                                            stop_event=self._stop, debounce=1600, step=50,
                                            rust_timeout=500, raise_interrupt=False):
                self._changes.put((watch.kind, sorted(path for _, path in changes)))
        except Exception as exc:  # a watcher that dies must not go unnoticed
            self.log(f"preview: watching {', '.join(map(str, watch.paths))} stopped: {exc}")

    def _next_batch(self) -> tuple[set[str], list[str]] | None:
        """Everything the watchers reported so far (at least one batch), or None when stopping."""
        while not self._stop.is_set():
            try:
                kind, paths = self._changes.get(timeout=0.2)
            except queue.Empty:
                continue
            kinds, changed = {kind}, list(paths)
            while True:  # one rebuild for what piled up during the last one
                try:
                    kind, paths = self._changes.get_nowait()
                except queue.Empty:
                    return kinds, changed
                kinds.add(kind)
                changed += paths
        return None

    # -- building ------------------------------------------------------------------------------
    def _build_loop(self) -> None:
        from portraits.execution.execute import WarmKernel

        kernel = WarmKernel(cwd=self.template.parent)
        try:
            self._safe_rebuild(kernel, [])
            while True:
                batch = self._next_batch()
                if batch is None:
                    return
                kinds, changed = batch
                self.log(f"preview: changed: {', '.join(_short(p) for p in changed[:5])}"
                         + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))
                if kinds & {"code", "data"}:
                    self._restart_pending = True
                self._safe_rebuild(kernel, changed)
        finally:
            kernel.shutdown()
            self.kernel_pid = None

    def _safe_rebuild(self, kernel, changes: list[str]) -> None:
        """Rebuild; a bug of ours becomes an error page (and a new kernel next time), not the end
        of the preview. Then reset the kernel while the user reads: the next run starts at once."""
        self._set_building(True)
        try:
            self._rebuild(kernel, changes=changes)
        except Exception as exc:
            self._restart_pending = True
            self._fail(PreviewError("internal", f"{type(exc).__name__}: {exc}", details=traceback.format_exc()),
                       "", {}, changes, time.monotonic())
            return
        finally:
            self._set_building(False)
        if kernel.notebooks_run and not self._restart_pending and self._changes.empty() and not self._stop.is_set():
            try:
                kernel.reset()
                kernel.notebooks_run = 0  # WarmKernel.execute resets only a kernel that has run a notebook
            except Exception:  # no answer: execute() will restart it
                pass

    def _rebuild(self, kernel, *, changes: list[str]) -> Version | None:
        if self._stop.is_set():
            return None
        started = time.monotonic()
        timings: dict[str, float] = {}
        text = ""
        try:
            text = self.template.read_text(encoding="utf-8-sig")
            nb_template = self._read_template()
        except Exception as exc:  # qmd.TemplateError, nbformat's errors, a file being replaced
            error = PreviewError("template", str(exc), qmd_line=template_error_line(text, exc, self.template.name))
            return self._fail(error, text, timings, changes, started)
        if self._restart_pending:
            t0 = time.monotonic()
            from portraits.data import store

            store.clear_cache()  # the page title is read in this process
            try:
                kernel.restart()
            except Exception as exc:  # KernelStartError: shown, retried at the next change
                return self._fail(PreviewError("internal", f"the kernel did not start: {exc}"), text, timings,
                                  changes, started)
            self.kernel_pid = kernel.pid
            self._restart_pending = False
            self._last = None
            timings["kernel_start"] = time.monotonic() - t0
        t0 = time.monotonic()
        key = code_key(nb_template)
        executed = None
        if self.reuse_outputs and self._last is not None and self._last[0] == key:
            executed = reuse_outputs(self._last[1], nb_template, {"territory": self.territory},
                                     input_path=str(self.template))
            timings["reuse"] = time.monotonic() - t0
        if executed is None:
            self._last = None
            # No second try after a dead kernel: it may be the preview being stopped.
            result = kernel.execute(nb_template, {"territory": self.territory}, timeout=self.timeout,
                                    input_path=str(self.template), retry_dead_kernel=False)
            self.kernel_pid = kernel.pid
            timings["execute"] = time.monotonic() - t0
            if self._stop.is_set():
                return None
            if result.error is not None:
                return self._fail(cell_error(text, result.nb, result.error, self.template.name),
                                  text, timings, changes, started)
            executed = result.nb
            self._last = (key, executed)
        t0 = time.monotonic()
        try:
            page = self._render(executed)
        except Exception as exc:  # RenderError: pandoc's message
            return self._fail(PreviewError("render", f"{type(exc).__name__}: {exc}"), text, timings, changes, started)
        timings["render"] = time.monotonic() - t0
        timings["total"] = time.monotonic() - started
        version = self._publish(page, True, None, timings, changes)
        self.log(f"preview: version {version.generation} served in {timings['total']:.2f} s ("
                 + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items() if k != "total") + ")")
        return version

    def _fail(self, error: PreviewError, text: str, timings: dict[str, float], changes: list[str],
              started: float) -> Version:
        timings["total"] = time.monotonic() - started
        page = error_page(error, template=self.template, territory=self.territory, text=text)
        version = self._publish(page, False, error.summary(), timings, changes)
        self.log(f"preview: version {version.generation}: {error.summary()}")
        return version

    def _read_template(self) -> nbformat.NotebookNode:
        from portraits.execution import qmd

        if self.template.suffix == ".qmd":
            nb = qmd.read_qmd(self.template)
        else:
            nb = nbformat.read(self.template, as_version=4)
        qmd.check_template(nb, {"territory": self.territory}, name=self.template.name)
        return nb

    def _render(self, nb: nbformat.NotebookNode) -> str:
        from portraits import render
        from portraits.build.batch import render_context

        ipynb = self._tmp / f"{self.territory}.ipynb"
        out = self._tmp / f"{self.territory}.html"
        with ipynb.open("w", encoding="utf-8") as fh:
            nbformat.write(nb, fh)
        render.render(ipynb, html=out, engine="builtin", context=render_context(self.territory))
        return out.read_text(encoding="utf-8")


def _short(path: str) -> str:
    try:
        return str(Path(path).relative_to(config.PROJECT_DIR))
    except ValueError:
        return path


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
    from portraits.build.batch import BuildUsageError, resolve_ids

    tid = resolve_ids([territory], False)[0]
    preview = Preview(tid, template, port=port, log=lambda msg: print(msg, flush=True))
    if not preview.template.is_file():
        raise BuildUsageError(f"template not found: {preview.template}")
    try:
        url = preview.start()
    except OSError as exc:
        preview.close()
        raise BuildUsageError(f"cannot serve on {HOST}:{port}: {exc.strerror or exc} "
                              "(choose another port with --port N; 0 picks a free one)") from exc
    print(f"preview of {tid} ({_short(str(preview.template))}): {url}  (Ctrl-C to stop)", flush=True)
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
