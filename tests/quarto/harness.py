"""Quarto's own code, run on a .qmd the way `quarto render FILE -P territory:ID --to html` runs it.

Quarto cannot be installed here; its source files can ($PORTRAITS_QUARTO_SOURCE, see
docs/RENDERING.md, "Conformance with Quarto"). Four steps, each Quarto's own file:

1. .qmd → notebook: `quartoMdToJupyter` (src/core/jupyter/jupyter.ts), bundled with esbuild
   (js/bundle.mjs, js/entry.ts) and run with node;
2. the kernel side: `notebook_execute` of src/resources/jupyter/notebook.py, imported from the
   source tree and called with the options dict Quarto sends it (parameters included);
3. notebook → Markdown: `jupyterToMarkdown` (jupyter.ts, with jupyter-inline.ts,
   execute-inline.ts and display-data.ts for the inline expressions), same bundle;
4. Markdown → HTML: our pandoc with Quarto's data dir (src/resources/pandoc/datadir) and Quarto's
   filter chain (src/resources/filters/main.lua), given the filter parameters Quarto's render
   command would compute (filter_params below: that command is not in the source tree).

Nothing of Quarto's is copied into the project: the bundle is built in a temporary directory.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc
import pytest
import yaml

from portraits.core import config

HERE = Path(__file__).resolve().parent
JS = HERE / "js"
NODE_MODULES = HERE / "node_modules"
IN_CI = os.environ.get("CI", "").lower() == "true"


class QuartoRunError(AssertionError):
    """One of Quarto's steps failed on the document (the message is Quarto's)."""


def quarto_source() -> Path:
    """The Quarto source tree, or a skip (variable unset, local run) / failure (CI, or set but
    wrong): the conformance suite never passes silently without Quarto's files."""
    root = config.quarto_source_dir()
    if root is None:
        message = (f"{config.QUARTO_SOURCE_ENV} is not set: Quarto's source files (quarto-cli 1.11.0) are "
                   f"needed to run Quarto's own code (make test sets it to ../shared/quarto-cli)")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    wanted = ("src/resources/jupyter/notebook.py", "src/core/jupyter/jupyter.ts",
              "src/resources/filters/main.lua", "version.txt")
    missing = [w for w in wanted if not (root / w).is_file()]
    if missing:
        pytest.fail(f"{config.QUARTO_SOURCE_ENV}={root} is not Quarto's source tree: missing {', '.join(missing)}")
    return root


def quarto_version(root: Path) -> str:
    return (root / "version.txt").read_text(encoding="utf-8").strip()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH: the conformance suite runs Quarto's TypeScript with node "
                    f"(apt-get install -y nodejs npm; make system-deps)")
    return path


def ensure_node_modules() -> None:
    """esbuild and the npm packages Quarto's TypeScript imports, from the lock file."""
    if (NODE_MODULES / "esbuild" / "package.json").is_file() and (NODE_MODULES / "js-yaml").is_dir():
        return
    subprocess.run([_tool("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True,
                   timeout=300)


def build_bundle(root: Path, out_dir: Path) -> Path:
    """Quarto's TypeScript bundled by js/bundle.mjs into out_dir (never into the project)."""
    ensure_node_modules()
    out = out_dir / "quarto-jupyter.mjs"
    proc = subprocess.run([_tool("node"), str(JS / "bundle.mjs"), str(root), str(out)], capture_output=True,
                          text=True, timeout=300, cwd=HERE)
    if proc.returncode != 0:
        pytest.fail(f"esbuild could not bundle Quarto's TypeScript:\n{proc.stderr[-4000:]}")
    return out


def bundle_manifest(bundle: Path) -> dict:
    """{bundled: Quarto's files in the bundle, shimmed: files/imports replaced by js/shims,
    stubs: imports left out (any use throws, naming itself)}."""
    return json.loads(Path(f"{bundle}.json").read_text(encoding="utf-8"))


def kernelspecs() -> dict:
    """What `jupyter kernelspec list --json` gives Quarto (src/core/jupyter/kernels.ts)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return {name: {"name": name, "language": s["spec"]["language"], "display_name": s["spec"]["display_name"],
                   "path": s["resource_dir"]}
            for name, s in KernelSpecManager().get_all_specs().items()}


@dataclass
class QuartoTS:
    """Quarto's TypeScript (the bundle), one node process per request."""

    root: Path
    bundle: Path

    def call(self, op: str, **request) -> object:
        env = {**os.environ, "QUARTO_SHARE_PATH": str(self.root / "src" / "resources"),
               "QUARTO_FORCE_VERSION": quarto_version(self.root)}
        proc = subprocess.run([_tool("node"), str(self.bundle)], input=json.dumps({"op": op, **request}),
                              capture_output=True, text=True, timeout=120, env=env)
        if proc.returncode != 0:
            raise QuartoRunError(f"Quarto's TypeScript ({op}) failed:\n{proc.stderr[-4000:]}")
        return json.loads(proc.stdout)

    def md_to_notebook(self, markdown: str) -> dict:
        return self.call("md-to-notebook", markdown=markdown, kernelspecs=kernelspecs())

    def html_format(self, *execute_layers: dict) -> dict:
        return self.call("html-format", execute=list(execute_layers))

    def notebook_to_markdown(self, notebook: dict, input_path: Path, fmt: dict) -> str:
        result = self.call("notebook-to-markdown", notebook=notebook, input=str(input_path), format=fmt)
        return result["markdown"]

    def language(self, metadata: dict) -> dict:
        return self.call("language", metadata=metadata)


class QuartoKernel:
    """src/resources/jupyter/notebook.py, imported from the source tree, kernel kept warm between
    documents (notebook_init keeps its client, as Quarto's daemon does)."""

    def __init__(self, root: Path):
        self.root = root
        self.resources = root / "src" / "resources"
        self.module = self._import()

    def _import(self):
        jupyter_dir = self.resources / "jupyter"
        sys.path.insert(0, str(jupyter_dir))
        try:
            spec = importlib.util.spec_from_file_location("quarto_notebook", jupyter_dir / "notebook.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(jupyter_dir))
            for name in ("log", "jupyter_core_utils_vendor"):  # its helpers, imported by plain name
                sys.modules.pop(name, None)
        return module

    def execute(self, ipynb: Path, fmt: dict, params: dict | None) -> list[str]:
        """notebook_execute(options, status) on ``ipynb`` (rewritten in place, as Quarto does);
        returns the status lines. Raises QuartoRunError with Quarto's message on failure."""
        options = {
            "target": {"input": str(ipynb)},
            "format": fmt,
            "resourceDir": str(self.resources),
            "params": params,
            "cwd": str(ipynb.parent),
            "quiet": False,
        }
        status: list[str] = []
        with _preserved_process_state():
            for attempt in (1, 2):
                try:
                    self.module.notebook_execute(options, status.append)
                    break
                except self.module.RestartKernel:
                    # Quarto's daemon restarts the kernel and runs again (src/resources/jupyter/jupyter.py)
                    self._drop_client()
                    if attempt == 2:
                        raise
                except Exception as exc:  # Quarto reports any failure as the render's error
                    raise QuartoRunError(f"Quarto's notebook.py failed on {ipynb.name}: {exc}\n"
                                         + "".join(status)[-2000:]) from exc
        return status

    def _drop_client(self) -> None:
        client = getattr(self.module.notebook_init, "client", None)
        if client is not None:
            atexit.unregister(client._cleanup_kernel)  # registered by notebook_init
            client._cleanup_kernel()
            del self.module.notebook_init.client

    def close(self) -> None:
        self._drop_client()


@contextlib.contextmanager
def _preserved_process_state():
    """notebook.py changes the working directory and sets QUARTO_FIG_* variables."""
    cwd, env = os.getcwd(), dict(os.environ)
    try:
        yield
    finally:
        os.chdir(cwd)
        for key in set(os.environ) - set(env):
            del os.environ[key]
        os.environ.update(env)


def front_matter(markdown: str) -> dict:
    if not markdown.startswith("---"):
        return {}
    end = markdown.find("\n---", 3)
    return yaml.safe_load(markdown[3:end]) or {}


def cli_params(*assignments: str) -> dict:
    """`quarto render -P key:value`: the value is read as YAML (ti-8413 stays a string)."""
    params = {}
    for assignment in assignments:
        key, _, value = assignment.partition(":")
        params[key] = yaml.safe_load(value)
    return params


@dataclass
class QuartoDocument:
    """What each of Quarto's steps made of one document."""

    notebook: dict = field(repr=False)
    executed: bool
    status: list[str] = field(default_factory=list, repr=False)
    markdown: str = field(default="", repr=False)
    html: str = field(default="", repr=False)


@dataclass
class QuartoRender:
    """`quarto render QMD --to html [-P ...]` as far as Quarto's own files run (see the module doc)."""

    ts: QuartoTS
    kernel: QuartoKernel
    filters: "QuartoFilters"
    workdir: Path

    def render(self, qmd: Path, params: dict | None = None, project_yaml: Path | None = None) -> QuartoDocument:
        return self.render_text(qmd.read_text(encoding="utf-8"), params, project_yaml)

    def render_text(self, markdown: str, params: dict | None = None,
                    project_yaml: Path | None = None) -> QuartoDocument:
        workdir = self.workdir
        project = yaml.safe_load(project_yaml.read_text(encoding="utf-8")) if project_yaml else {}
        meta = front_matter(markdown)
        fmt = self.ts.html_format(project.get("execute") or {}, meta.get("execute") or {})
        workdir.mkdir(parents=True, exist_ok=True)
        ipynb = workdir / "document.ipynb"  # beside the input, as Quarto writes it
        notebook = self.ts.md_to_notebook(markdown)
        ipynb.write_text(json.dumps(notebook, indent=2), encoding="utf-8")
        doc = QuartoDocument(notebook=notebook, executed=fmt["execute"].get("enabled") is not False)
        if doc.executed:  # `execute: enabled: false` (src/execute/jupyter/jupyter.ts): no kernel at all
            doc.status = self.kernel.execute(ipynb, fmt, params or None)
            doc.notebook = json.loads(ipynb.read_text(encoding="utf-8"))
        doc.markdown = self.ts.notebook_to_markdown(doc.notebook, ipynb, fmt)
        settings = ProjectSettings.read(project_yaml)
        doc.html = self.filters.to_html(doc.markdown, {**settings.metadata, **meta}, workdir, settings=settings)
        return doc


# _quarto.yml keys that are Quarto's settings rather than document metadata
NOT_METADATA = ("project", "format", "execute", "filters", "jupyter", "engine", "profile")


@dataclass
class ProjectSettings:
    """What a project's _quarto.yml gives the pandoc step: metadata (merged under the document's
    front matter, as Quarto merges project and document) and user filters. Quarto's render
    command (not in the source tree) puts a user filter at the `pre-quarto` entry point unless it
    names one (`{path: ..., at: ...}`, https://quarto.org/docs/extensions/filters.html)."""

    metadata: dict = field(default_factory=dict)
    entry_points: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, project_yaml: Path | None) -> "ProjectSettings":
        if project_yaml is None:
            return cls()
        project = yaml.safe_load(project_yaml.read_text(encoding="utf-8")) or {}
        entries = []
        for entry in project.get("filters") or []:
            path, at = (entry, "pre-quarto") if isinstance(entry, str) else (entry["path"], entry.get("at", "pre-quarto"))
            entries.append({"at": at, "path": str((project_yaml.parent / path).resolve()), "type": "lua"})
        return cls({k: v for k, v in project.items() if k not in NOT_METADATA}, entries)


@dataclass
class QuartoFilters:
    """Quarto's Lua filter chain (main.lua) under our pandoc, with Quarto's pandoc data dir."""

    root: Path
    ts: QuartoTS

    @property
    def resources(self) -> Path:
        return self.root / "src" / "resources"

    def filter_params(self, metadata: dict, workdir: Path, settings: ProjectSettings | None = None) -> dict:
        """The parameters Quarto's render command (src/command/render/filters.ts, not in the source
        tree) hands its filters through QUARTO_FILTER_PARAMS: only those the HTML path reads."""
        return {
            "quarto-version": quarto_version(self.root),
            "format-identifier": {"base-format": "html", "target-format": "html", "display-name": "HTML"},
            "language": self.ts.language(metadata),
            "quarto-filters": {"beforeQuartoFilters": [], "afterQuartoFilters": [],
                               "entryPoints": settings.entry_points if settings else []},
            "results-file": str(workdir / "filter-results.json"),
            "output-divs": True,
            "enable-crossref": True,
            "crossref-index-file": str(workdir / "crossref-index.json"),
            "crossref-input-type": "qmd",
            "execution-engine": "jupyter",
            "has-bootstrap": False,
            "quarto_profile": [],
            "active-filters": {"normalization": True, "crossref": True, "layout": True, "qmd-reader": False},
        }

    def run(self, markdown: str, metadata: dict, workdir: Path, to: str = "html",
            extra_args: tuple[str, ...] = (), trace: Path | None = None,
            settings: ProjectSettings | None = None) -> str:
        """pandoc --from qmd-reader.lua --lua-filter main.lua; ``trace``: where Quarto's own tracing
        (QUARTO_TRACE_FILTERS, ast/traceexecution.lua) writes the stages of the chain that ran."""
        params = self.filter_params(metadata, workdir, settings)
        workdir.mkdir(parents=True, exist_ok=True)
        if settings and settings.metadata:
            project_meta = workdir / "project-metadata.yml"
            project_meta.write_text(yaml.safe_dump(settings.metadata, allow_unicode=True), encoding="utf-8")
            extra_args = (*extra_args, "--metadata-file", str(project_meta))
        (workdir / "filter-dependencies.json").write_text("", encoding="utf-8")  # Quarto's temp file
        env = {**os.environ, "QUARTO_SHARE_PATH": str(self.resources),
               "QUARTO_FILTER_PARAMS": base64.b64encode(json.dumps(params).encode()).decode(),
               "QUARTO_FILTER_DEPENDENCY_FILE": str(workdir / "filter-dependencies.json"),
               **({"QUARTO_TRACE_FILTERS": str(trace)} if trace else {})}
        proc = subprocess.run(
            [pypandoc.get_pandoc_path(), "--from", str(self.resources / "filters" / "qmd-reader.lua"), "--to", to,
             "--data-dir", str(self.resources / "pandoc" / "datadir"),
             "--lua-filter", str(self.resources / "filters" / "main.lua"), *extra_args],
            input=markdown, capture_output=True, text=True, timeout=300, env=env, cwd=workdir)
        if proc.returncode != 0:
            raise QuartoRunError(f"pandoc with Quarto's filters failed:\n{proc.stderr[-1500:]}")
        return proc.stdout

    def to_html(self, markdown: str, metadata: dict, workdir: Path, trace: Path | None = None,
                settings: ProjectSettings | None = None) -> str:
        return self.run(markdown, metadata, workdir, "html", ("--standalone",), trace, settings)

    def stages_run(self, markdown: str, metadata: dict, workdir: Path,
                   settings: ProjectSettings | None = None) -> list[str]:
        """The names of main.lua's filter stages that ran on ``markdown`` (those a document's
        flags let Quarto skip are not listed)."""
        trace = workdir / "filter-trace.json"
        self.to_html(markdown, metadata, workdir, trace, settings)
        return [entry["state"] for entry in json.loads(trace.read_text(encoding="utf-8"))["data"]][1:]
