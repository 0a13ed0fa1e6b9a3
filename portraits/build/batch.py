"""Batch build: execute and render many territories, fast, incrementally, without losing work.

- Plan (parent process, before any kernel starts): resolve the ids, hash every input of each
  territory (template, package code, the territory's data, engine and options) and compare
  with ``output/.build/manifest.json``; only stale territories are built.
- Pool: explicit worker processes (forked, so start-up is cheap), each with one warm Jupyter
  kernel reset between territories (``portraits.execution.execute.WarmKernel``). Explicit workers
  rather than ``ProcessPoolExecutor``: a hung or killed worker must be replaced on its own
  without breaking the pool, and its kernel killed with it.
- A worker executes, writes the notebook (even when it failed), the data files and the
  renders; the parent updates the manifest after each territory, atomically, so a build
  killed at any moment resumes with only what is missing.
- ``output/.build/lock`` (filelock) keeps two builds from interleaving on one output dir.
- The build report (``output/build-report.json/.html``) says what changed since last time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any, Iterable

import nbformat
from filelock import FileLock, Timeout

from portraits.core import atomic, config, outputs
from portraits.text import describe
from portraits.data import store
from portraits.core.errors import UsageError

MANIFEST_VERSION = 1
# Package files that cannot change a portrait: editing them must not make 183 portraits stale.
# Package code that cannot change a portrait: the command line, and the build and site subpackages.
_NOT_PORTRAIT_INPUTS = {"cli.py", "__main__.py"}
_NOT_PORTRAIT_DIRS = {"__pycache__", "build", "site"}
# Libraries whose version can change what a notebook or a render contains.
_ENGINE_PACKAGES = ("papermill", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib", "seaborn",
                    "babel", "pypandoc-binary", "typst", "jinja2", "nbconvert")
_KILL_GRACE = 60.0  # seconds a worker may run past the territory timeout before it is killed


class BuildUsageError(UsageError, ValueError):
    """Bad input for a build (unknown territory, bad template, output dir busy): exit status 2."""


@dataclasses.dataclass
class Failure:
    territory: str
    stage: str                       # execute, data, render, worker
    ename: str
    message: str
    cell_index: int | None = None
    execution_count: int | None = None
    notebook: str | None = None

    def describe(self) -> str:
        where = (f"cell {self.cell_index} (In [{self.execution_count}])" if self.cell_index is not None
                 else self.stage)
        return f"{self.territory}: {where}: {self.ename}: {self.message}"


@dataclasses.dataclass
class BuildResult:
    ok: bool
    built: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    failed: list[Failure] = dataclasses.field(default_factory=list)
    durations: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    wall_s: float = 0.0
    report: Path | None = None


# ----------------------------------------------------------------------------------------------
# Inputs and the manifest

def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_json(obj: Any) -> str:
    return _sha256_bytes(json.dumps(obj, sort_keys=True, default=str).encode())


def package_hash(package_dir: Path = config.PACKAGE_DIR) -> str:
    """Content hash of the package code and resources that a portrait depends on."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir)
        if (not path.is_file() or path.suffix in {".pyc", ".tmp"} or rel.name.startswith(".")
                or set(rel.parts[:-1]) & _NOT_PORTRAIT_DIRS or str(rel) in _NOT_PORTRAIT_INPUTS):
            continue
        digest.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def engine_fingerprint(engine: str, formats: list[str]) -> dict[str, Any]:
    versions = {}
    for name in _ENGINE_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    options = {"engine": engine, "formats": sorted(formats), "python": sys.version.split()[0],
               "versions": versions}
    quarto_yml = config.PROJECT_DIR / "_quarto.yml"
    if engine == "quarto" and quarto_yml.exists():
        options["_quarto.yml"] = _sha256_bytes(quarto_yml.read_bytes())
    return options


def data_state() -> str:
    """Hash of everything ``store.fingerprint`` reads: while it is unchanged, the per-territory
    fingerprints of the last build are reused (computing them reads every processed table:
    measured 1.2 s, then 0.08 s for all 183, the digests that several portraits share being
    computed once)."""
    digest = hashlib.sha256()
    files = [p for p in sorted(config.processed_dir().glob("*")) if p.is_file() and p.name[0] not in "_."]
    files += [config.manifest_path()] + [config.PACKAGE_DIR / n for n in ("data/store.py", "data/indicators.py",
                                                                          "data/indicators.toml", "core/config.py")]
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def manifest_path(output_dir: Path) -> Path:
    return output_dir / ".build" / "manifest.json"


def load_manifest(output_dir: Path) -> dict[str, Any]:
    path = manifest_path(output_dir)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("version") == MANIFEST_VERSION:
            return manifest
    except (FileNotFoundError, ValueError):
        pass
    return {"version": MANIFEST_VERSION, "territories": {}}


def save_manifest(output_dir: Path, manifest: dict[str, Any]) -> None:
    atomic.write_text(manifest_path(output_dir), json.dumps(manifest, sort_keys=True, default=str))


def stale_reasons(entry: dict[str, Any] | None, inputs: dict[str, str], output_dir: Path,
                  force: bool = False) -> list[str]:
    """Why a territory must be rebuilt; [] when it is up to date."""
    if force:
        return ["forced"]
    if not entry:
        return ["new"]
    reasons = [name for name, value in inputs.items() if entry.get("inputs", {}).get(name) != value]
    if entry.get("status") != "ok":
        reasons.append("failed last time")
    if any(not (output_dir / rel).exists() for rel in entry.get("outputs", [])):
        reasons.append("outputs missing")
    return reasons


# ----------------------------------------------------------------------------------------------
# Territories and the template

def _territory_ids(listing: Any) -> list[str]:
    """``store.list_territories()`` may give a DataFrame, ids or records."""
    if hasattr(listing, "columns"):
        return [str(t) for t in listing["territory_id"]]
    return [str(t if isinstance(t, str) else t["territory_id"]) for t in listing]


def resolve_ids(ids: Iterable[str], all_territories: bool) -> list[str]:
    """Canonical ids, in order, without duplicates. Unknown ids raise before any kernel starts."""
    try:
        if all_territories:
            return _territory_ids(store.list_territories())
        resolved = []
        for tid in ids:
            found = store.resolve_territory(tid)
            canonical = found if isinstance(found, str) else (
                found["territory_id"] if "territory_id" in found else tid)
            resolved.append(str(canonical))
    except ValueError as exc:  # store.UnknownTerritory: its message names the closest ids
        raise BuildUsageError(str(exc)) from exc
    except FileNotFoundError as exc:  # store.ProcessedDataMissing
        raise BuildUsageError(str(exc)) from exc
    return list(dict.fromkeys(resolved))


def load_template(path: Path, sample_params: dict[str, Any]) -> nbformat.NotebookNode:
    """The template as a notebook; refuses one papermill would run with its defaults."""
    if not path.exists():
        raise BuildUsageError(f"template not found: {path}")
    from portraits.execution import qmd

    try:
        if path.suffix == ".qmd":
            nb = qmd.read_qmd(path)
        else:
            nb = nbformat.read(path, as_version=4)
        qmd.check_template(nb, sample_params, name=path.name)
    except ValueError as exc:  # qmd.TemplateError, nbformat validation
        raise BuildUsageError(f"{path.name}: {exc}") from exc
    return nb


# ----------------------------------------------------------------------------------------------
# What a worker does for one territory

@dataclasses.dataclass
class _Job:
    template: nbformat.NotebookNode
    template_path: Path
    output_dir: Path
    formats: list[str]
    engine: str
    timeout: float


def output_paths(output_dir: Path, tid: str) -> dict[str, Path]:
    return outputs.paths(output_dir, tid)


def _write_data_files(tid: str, paths: dict[str, Path]):
    table = store.comparison_table(tid)
    with atomic.atomic_path(paths["csv"]) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    with atomic.atomic_path(paths["xlsx"]) as tmp:
        table.to_excel(tmp, index=False, engine="openpyxl", sheet_name=tid[:31])
    return table


def _render(job: _Job, tid: str, paths: dict[str, Path]) -> dict[str, Path]:
    from portraits import render

    return render.render(paths["notebook"], engine=job.engine, context=render_context(tid),
                         **{fmt: paths[fmt] for fmt in job.formats})


def _write_review(job: _Job, tid: str, nb: nbformat.NotebookNode) -> Path:
    """output/review/ID.html: the executed notebook with its code, for reviewers (nbconvert)."""
    from portraits.render import review

    return review.write_review(job.output_dir, tid, nb, name=render_context(tid).get("name", ""))


def _warm_review() -> None:
    try:
        from portraits.render import review

        review.warm_up()
    except Exception:  # noqa: BLE001 - the first real page reports any problem
        pass


def render_context(tid: str) -> dict[str, Any]:
    """Page metadata only the build knows (the template's front matter is the same for all)."""
    try:
        terr = store.territory(tid)
    except Exception:  # a fixture or partial data set: the template's own title stays
        return {}
    regions = ", ".join(terr.region_names or [terr.region_name])
    # design/portrait.md: the document title is "Territoire d'industrie — <name>"; the templates
    # show `name` large under a kicker and use `title` for <title> and the PDF metadata.
    title = f"Territoire d'industrie — {terr.name}"
    return {"title": title, "name": terr.name,
            "subtitle": " · ".join(x for x in (regions, str(describe.composition(terr))) if x),
            "pagetitle": title,
            "description": f"Portrait socio-économique du Territoire d'industrie {terr.name} ({tid})"}


def execute_one(kernel, job: _Job, tid: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """First half, in the kernel: execute, save the notebook, write the data files.

    Returns the territory's outcome so far and what ``finish_one`` needs, or None when the
    territory already failed (the outcome then says why): a failing notebook or data file
    does not raise."""
    paths = output_paths(job.output_dir, tid)
    out: dict[str, Any] = {"territory": tid, "status": "ok", "durations": {}, "outputs": [],
                           "error": None, "extract": None, "kernel_restarted": False}
    started = time.monotonic()
    result = kernel.execute(job.template, {"territory": tid}, timeout=job.timeout,
                            input_path=str(job.template_path), output_path=str(paths["notebook"]))
    out["durations"]["execute"] = result.duration
    out["kernel_restarted"] = result.kernel_restarted
    with atomic.atomic_open(paths["notebook"]) as fh:
        nbformat.write(result.nb, fh)
    out["outputs"].append(paths["notebook"])
    if result.error is not None:
        err = result.error
        try:  # the review page shows the failing cell with its traceback
            out["outputs"].append(_write_review(job, tid, result.nb))
        except Exception:  # noqa: BLE001 - the execution error is what the report must say
            pass
        return _failed(out, Failure(tid, "execute", err.ename, err.evalue, err.cell_index,
                                    err.execution_count, str(paths["notebook"])), started), None
    try:
        t0 = time.monotonic()
        table = _write_data_files(tid, paths)
        out["outputs"] += [paths["csv"], paths["xlsx"]]
        out["durations"]["data"] = time.monotonic() - t0
    except Exception as exc:  # one territory's broken data must not stop the others
        return _failed(out, _stage_failure(tid, "data", exc, paths), started), None
    return out, {"nb": result.nb, "table": table, "paths": paths, "started": started}


def finish_one(job: _Job, out: dict[str, Any], pending: dict[str, Any]) -> dict[str, Any]:
    """Second half, outside the kernel: render, then extract what the build report compares."""
    from portraits.build import report as report_build, changes as report_text

    tid, paths = out["territory"], pending["paths"]
    stage = "render"
    try:
        t0 = time.monotonic()
        rendered = _render(job, tid, paths) if job.formats else {}
        out["outputs"] += list(rendered.values())
        out["durations"]["render"] = time.monotonic() - t0
        stage = "review"
        t0, cpu0 = time.monotonic(), time.thread_time()
        out["outputs"].append(_write_review(job, tid, pending["nb"]))
        out["durations"]["review"] = time.monotonic() - t0
        out["durations"]["review_cpu"] = time.thread_time() - cpu0  # this thread's CPU only
        stage = "extract"
        out["extract"] = report_build.extract(pending["nb"], pending["table"], store.indicators(tid))
        # the rendered text, which the next build's report compares ("what changed")
        out["text"] = report_text.extract_file(rendered["html"]) if "html" in rendered else None
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


def _crash_report(tid: str, exc: BaseException) -> dict[str, Any]:
    """A bug of ours, reported as this territory's failure."""
    return {"territory": tid, "status": "failed", "durations": {}, "outputs": [],
            "extract": None, "kernel_restarted": False,
            "error": dataclasses.asdict(Failure(tid, "worker", type(exc).__name__,
                                                f"{exc}\n{traceback.format_exc(limit=3)}"))}


def _worker_main(conn, job: _Job, parent_pid: int, lock_fd: int | None) -> None:
    """Worker process: one warm kernel, territories received one at a time on ``conn``.

    Pipelined: once a territory is executed, its rendering (pandoc, Typst: other processes
    or native code) runs in a thread while the kernel executes the next one, so the cores
    are not idle while one waits for the other. Messages to the parent: ("ready"), then per
    territory ("free") when the kernel can take the next one and ("done", outcome)."""
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
        kernel = WarmKernel(cwd=job.template_path.parent).start()
    except Exception as exc:
        renderer.shutdown(wait=False, cancel_futures=True)
        conn.send(("fatal", f"{type(exc).__name__}: {exc}", None))
        return
    conn.send(("ready", None, kernel.pid))
    rendering = None  # the render in flight (at most one)
    send_lock = threading.Lock()  # the render thread reports on the same connection

    def send_done(res: dict[str, Any]) -> None:
        res["outputs"] = [str(p) for p in res["outputs"]]
        with send_lock:
            conn.send(("done", res, kernel.pid))

    def render_and_report(out: dict[str, Any], pending: dict[str, Any]) -> None:
        try:
            res = finish_one(job, out, pending)
        except Exception as exc:
            res = _crash_report(out["territory"], exc)
        send_done(res)

    try:
        while True:
            if not conn.poll(1.0):
                if os.getppid() != parent_pid:  # the build was killed: do not linger
                    return
                continue
            tid = conn.recv()
            if tid is None:
                if rendering:
                    rendering.result()
                return
            try:
                out, pending = execute_one(kernel, job, tid)
            except Exception as exc:
                out, pending = _crash_report(tid, exc), None
            if rendering:
                rendering.result()
            if pending is None:
                send_done(out)
            else:
                rendering = renderer.submit(render_and_report, out, pending)
            with send_lock:
                conn.send(("free", None, kernel.pid))
    except (EOFError, BrokenPipeError):
        return
    finally:
        renderer.shutdown(wait=False, cancel_futures=True)
        kernel.shutdown()


class _Worker:
    def __init__(self, ctx, job: _Job, lock_fd: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, job, os.getpid(), lock_fd), daemon=True)
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


# ----------------------------------------------------------------------------------------------
# The build

def _clean_leftovers(output_dir: Path) -> int:
    """Temporary files of a killed build (portraits.core.atomic names them .NAME.XXXX.tmp)."""
    count = 0
    for sub in (*outputs.directories(), ".build", ".build/extracts", ".build/text", "."):
        folder = output_dir / sub
        if folder.is_dir():
            for path in folder.glob(".*.tmp"):
                path.unlink(missing_ok=True)
                count += 1
    return count


def _acquire_lock(output_dir: Path, lock_timeout: float | None) -> FileLock:
    build_dir = output_dir / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(build_dir / "lock")
    info_path = build_dir / "lock-owner.json"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        try:
            owner = json.loads(info_path.read_text())
            who = f"pid {owner['pid']}, started {owner['started']}"
        except (OSError, ValueError, KeyError):
            who = "another process"
        if lock_timeout == 0:
            raise BuildUsageError(f"another build is running on {output_dir} ({who}); "
                                  "try again when it has finished") from None
        print(f"portraits: another build is running on {output_dir} ({who}); waiting for it to finish...",
              file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=-1 if lock_timeout is None else lock_timeout)
        except Timeout:
            raise BuildUsageError(f"another build is still running on {output_dir} ({who}) after "
                                  f"{lock_timeout:g} s; gave up") from None
    atomic.write_text(info_path, json.dumps({"pid": os.getpid(), "started": _now()}))
    return lock


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _rel(path: str | Path, output_dir: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(output_dir))
    except ValueError:
        return str(path)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: workers may be forked after the bar starts
    return tqdm(total=total, unit="territory", desc="portraits", disable=not enabled or total == 0,
                dynamic_ncols=True, smoothing=0.1)


def run_build(ids: list[str] | None = None, all_territories: bool = False,
              formats: list[str] | None = None, engine: str = "auto", force: bool = False,
              jobs: int | None = None, timeout: float = 300.0, template: Path | None = None,
              output_dir: Path | None = None, *, progress: bool | None = None,
              lock_timeout: float | None = None) -> BuildResult:
    """Build the given territories (or all), only those whose inputs changed unless ``force``.

    Raises BuildUsageError for bad input, before any kernel starts. Failures of single
    territories do not raise: they are in ``result.failed`` (and ``result.ok`` is False)."""
    from portraits.build import report as report_build

    wall0 = time.monotonic()
    formats = list(outputs.DEFAULT_FORMATS) if formats is None else list(formats)
    if unknown := outputs.unknown_formats(formats):
        raise BuildUsageError(f"unknown format(s): {', '.join(unknown)} (choose among {', '.join(outputs.FORMATS)})")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise BuildUsageError(f"jobs must be a whole number of worker processes, 1 or more (got {jobs!r})")
    if not timeout > 0:
        raise BuildUsageError(f"timeout must be a number of seconds above 0 (got {timeout!r})")
    output_dir = Path(output_dir or config.output_dir()).resolve()
    blocker = config.not_a_directory(output_dir)
    if blocker is not None:
        raise BuildUsageError(f"{output_dir} cannot be the output directory: {blocker} is a file; "
                              "give a directory (it is created if missing)")
    template = Path(template or config.template_path()).resolve()
    tids = resolve_ids(ids or [], all_territories)
    if not tids:
        raise BuildUsageError("no territory to build")
    nb_template = load_template(template, {"territory": tids[0]})
    engine_name = _choose_engine(engine) if formats else "none"

    lock = _acquire_lock(output_dir, lock_timeout)
    try:
        _clean_leftovers(output_dir)
        manifest = load_manifest(output_dir)
        previous_build = manifest.get("last_build", {})
        common = {"template": _sha256_bytes(template.read_bytes()), "package": package_hash(),
                  "engine": _sha256_json(engine_fingerprint(engine_name, formats))}
        state = data_state()
        known = manifest.get("data_fingerprints", {}) if manifest.get("data_state") == state else {}
        if not known:  # the data changed since the last build: tables this process read are stale
            store.clear_cache()
        fingerprints = {tid: known.get(tid) or store.fingerprint(tid) for tid in tids}
        manifest["data_state"] = state
        manifest["data_fingerprints"] = {**known, **fingerprints}
        plan: dict[str, dict[str, Any]] = {}
        for tid in tids:
            inputs = {**common, "data": fingerprints[tid]}
            entry = manifest["territories"].get(tid)
            plan[tid] = {"inputs": inputs, "reasons": stale_reasons(entry, inputs, output_dir, force)}
        todo = [tid for tid in tids if plan[tid]["reasons"]]
        result = BuildResult(ok=True, skipped=[tid for tid in tids if not plan[tid]["reasons"]])

        job = _Job(nb_template, template, output_dir, formats, engine_name, timeout)
        show = sys.stderr.isatty() if progress is None else progress
        outcomes = _run_pool(job, todo, jobs, lock, show,
                             lambda res: _record(res, plan, manifest, output_dir, result))

        manifest["last_build"] = {"finished": _now(), "built": len(result.built),
                                  "failed": len(result.failed), "skipped": len(result.skipped)}
        save_manifest(output_dir, manifest)
        _write_catalogue(output_dir, result, manifest)
        result.wall_s = time.monotonic() - wall0
        result.report = report_build.write_report(
            output_dir, tids=tids, plan=plan, manifest=manifest, outcomes=outcomes, result=result,
            previous_build=previous_build, context={"template": str(template), "engine": engine_name,
                                                    "formats": formats, "jobs": _jobs(jobs, len(todo))})
    finally:
        lock.release()
    result.ok = not result.failed
    _print_summary(result, output_dir)
    return result


def _choose_engine(engine: str) -> str:
    from portraits import render

    try:
        return render.choose_engine(engine)
    except (ValueError, render.RenderError) as exc:
        raise BuildUsageError(str(exc)) from exc


def _write_catalogue(output_dir: Path, result: BuildResult, manifest: dict[str, Any]) -> None:
    """Rewrite output/index.html unless nothing it shows can have changed (keeps no-op builds fast)."""
    from portraits.site import catalogue

    code = [Path(catalogue.__file__)] + sorted((Path(catalogue.__file__).parent / "templates" / "catalogue").glob("*"))
    key = _sha256_json({"data": manifest.get("data_state"),
                        "code": [_sha256_bytes(p.read_bytes()) for p in code if p.is_file()],
                        "portraits": {t: e.get("outputs") for t, e in manifest["territories"].items()}})
    if not result.built and manifest.get("catalogue_key") == key and (output_dir / "index.html").exists():
        return
    try:
        catalogue.write_catalogue(output_dir)
    except Exception as exc:  # a step failure: reported, exit status 1, portraits kept
        result.failed.append(Failure("catalogue", "catalogue", type(exc).__name__, str(exc)))
        return
    manifest["catalogue_key"] = key
    save_manifest(output_dir, manifest)


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _jobs(jobs: int | None, n_todo: int) -> int:
    return max(1, min(jobs or default_jobs(), n_todo)) if n_todo else 0


def _record(res: dict[str, Any], plan, manifest, output_dir: Path, result: BuildResult) -> None:
    """Parent side, after each territory: extract diff, manifest entry (saved atomically)."""
    from portraits.build import report as report_build, changes as report_text

    tid = res["territory"]
    previous = manifest["territories"].get(tid, {})
    entry = {"inputs": plan[tid]["inputs"], "status": res["status"], "finished": _now(),
             "durations": res["durations"], "reasons": plan[tid]["reasons"],
             "outputs": [_rel(p, output_dir) for p in res["outputs"]],
             "kernel_restarted": res.get("kernel_restarted", False), "error": res.get("error")}
    if res["status"] == "ok":
        # Once ok, the previous good outputs are kept as the reference for "what changed".
        # The diff goes to the report (via the outcome), not the manifest: the manifest is
        # rewritten after every territory and must stay small.
        res["changes"], entry["warnings"] = report_build.save_extract(output_dir, tid, res["extract"])
        res["extract"] = None
        if res.get("text") is not None:
            text = report_text.save_blocks(output_dir, tid, res.pop("text"))
            res["changes"]["text"] = text
            res["changes"]["n_changes"] = res["changes"].get("n_changes", 0) + text["n"]
        entry["changed_inputs"] = [k for k, v in plan[tid]["inputs"].items()
                                   if previous.get("inputs", {}).get(k) not in (None, v)]
        result.built.append(tid)
    else:
        # Keep what the last good build recorded, so the next successful one is diffed against it.
        entry["outputs"] = [_rel(p, output_dir) for p in res["outputs"]]
        result.failed.append(Failure(**res["error"]))
    result.durations[tid] = res["durations"]
    manifest["territories"][tid] = entry
    save_manifest(output_dir, manifest)


def _run_pool(job: _Job, todo: list[str], jobs: int | None, lock: FileLock, show: bool,
              on_result) -> dict[str, dict[str, Any]]:
    """Dispatch ``todo`` to warm workers; returns each territory's outcome."""
    outcomes: dict[str, dict[str, Any]] = {}
    if not todo:
        return outcomes
    ctx = multiprocessing.get_context("fork")  # cheap start: the parent already imported everything
    import openpyxl  # noqa: F401  imported once here, shared by the forked workers
    from portraits.execution import execute  # noqa: F401
    from portraits.build import report as report_build  # noqa: F401
    if job.formats and job.engine == "builtin":
        from portraits.render import builtin  # noqa: F401
    lock_fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
    n_workers = _jobs(jobs, len(todo))
    pending = deque(todo)
    attempts: dict[str, int] = {}
    workers = [_Worker(ctx, job, lock_fd) for _ in range(n_workers)]
    bar = _progress(len(todo), show)
    fatal: str | None = None
    respawns = 0

    def finish(res: dict[str, Any]) -> None:
        outcomes[res["territory"]] = res
        on_result(res)
        bar.update(1)
        if res["status"] != "ok":
            bar.write(f"failed: {Failure(**res['error']).describe()}")

    def lost(worker: _Worker, why: str) -> None:
        """The worker died or hung: kill it (and its kernel), retry its territories once
        (all of them if it died; if it hung, those not over their time limit)."""
        nonlocal respawns, fatal
        limit = job.timeout + _KILL_GRACE
        overdue = {tid for tid, since in worker.tasks.items() if time.monotonic() - since > limit}
        tasks = list(worker.tasks)
        worker.kill()
        respawns += 1
        if respawns > 2 * len(todo) + n_workers:  # workers die on start: stop trying
            fatal = fatal or "worker processes keep dying"
            workers.remove(worker)
        else:
            workers[workers.index(worker)] = _Worker(ctx, job, lock_fd)
        for tid in reversed(tasks):
            attempts[tid] = attempts.get(tid, 0) + 1
            timed_out = why == "timeout" and tid in overdue
            if attempts[tid] < 2 and not timed_out:
                pending.appendleft(tid)
                continue
            paths = output_paths(job.output_dir, tid)
            message = (f"no result after {limit:g} s: worker and kernel killed" if timed_out
                       else "the worker process died twice (out of memory? crash?)")
            finish({"territory": tid, "status": "failed", "durations": {}, "outputs": [], "extract": None,
                    "error": dataclasses.asdict(Failure(tid, "worker", "timeout" if timed_out else why, message,
                                                        notebook=str(paths["notebook"])))})

    try:
        while pending or any(w.tasks for w in workers):
            if fatal and not any(w.tasks for w in workers):
                break
            for w in workers:
                if w.ready and w.free and pending and not fatal:
                    w.assign(pending.popleft())
            by_conn = {w.conn: w for w in workers}
            by_sentinel = {w.proc.sentinel: w for w in workers}
            for ready in multiprocessing.connection.wait(list(by_conn) + list(by_sentinel), timeout=1.0):
                if ready in by_conn:
                    w = by_conn[ready]
                    try:
                        kind, payload, kernel_pid = w.conn.recv()
                    except (EOFError, OSError):
                        continue  # its sentinel reports the death
                    w.kernel_pid = kernel_pid
                    if kind == "ready":
                        w.ready = w.free = True
                    elif kind == "fatal":
                        fatal = payload
                        w.ready = False
                    elif kind == "free":
                        w.free = True
                    elif kind == "done":
                        w.tasks.pop(payload["territory"], None)
                        finish(payload)
                elif ready in by_sentinel:
                    w = by_sentinel[ready]
                    if w in workers and not w.proc.is_alive() and (w.tasks or not fatal):
                        lost(w, "died")
            for w in list(workers):
                if w.overdue(job.timeout + _KILL_GRACE):
                    lost(w, "timeout")
        if fatal:
            for tid in list(pending):
                finish({"territory": tid, "status": "failed", "durations": {}, "outputs": [], "extract": None,
                        "error": dataclasses.asdict(Failure(tid, "worker", "KernelStartError", fatal))})
            pending.clear()
    except BaseException:  # Ctrl-C or a bug here: do not wait for territories in progress
        for w in workers:
            w.kill()
        raise
    finally:
        bar.close()
        for w in workers:
            w.stop()
        deadline = time.monotonic() + 10
        for w in workers:
            w.proc.join(max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.kill()
    return outcomes


def _print_summary(result: BuildResult, output_dir: Path) -> None:
    n_built, n_failed = len(result.built), len([f for f in result.failed if f.stage != "catalogue"])
    print(f"portraits: {n_built} built, {len(result.skipped)} up to date, {n_failed} failed "
          f"in {result.wall_s:.1f} s -> {output_dir}")
    for failure in result.failed:
        print(f"  FAILED {failure.describe()}")
        if failure.notebook:
            print(f"         executed notebook: {failure.notebook}")
    if result.report:
        print(f"build report: {result.report}")

