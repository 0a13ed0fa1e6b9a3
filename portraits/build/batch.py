"""Batch build: execute and render many territories, fast, incrementally, without losing work.

``run_build`` is the sequence; each step is a module of this subpackage:

- ``plan``: check the request, resolve the ids, hash every input of each territory
  (``fingerprint``: template, package code, the territory's data, engine and options) and
  compare with the manifest; only stale territories are built. All before any kernel starts.
- ``pool`` (parent) and ``worker`` (each worker process, one warm Jupyter kernel, pipelined
  with a render thread): execute, write the notebook (even when it failed), the data files,
  the renders and the review page.
- ``manifest``: after each territory the parent records it in ``output/.build/manifest.json``,
  atomically, so a build killed at any moment resumes with only what is missing. The lock
  (``output/.build/lock``) keeps two builds from interleaving on one output dir.
- The caller's steps after the pool (the site's catalogue: the build does not know the site),
  then the build report (``report``, ``changes``: ``output/build-report.json/.html``).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from filelock import FileLock

from portraits.build import build_report, plan, pool, portrait_inputs, text_changes, worker
from portraits.build.manifest import acquire_lock, clean_leftovers, load_manifest, now, relative, save_manifest
from portraits.build.results import BuildResult, BuildUsageError, DEFAULT_TIMEOUT, Failure, print_summary
from portraits.core import config

# A step after the pool, e.g. the catalogue: called with the output dir and the result so far.
Step = Callable[[Path, BuildResult], None]


def run_build(ids: list[str] | None = None, all_territories: bool = False,
              formats: list[str] | None = None, engine: str = "auto", force: bool = False,
              jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT, template: Path | None = None,
              output_dir: Path | None = None, *, progress: bool | None = None,
              lock_timeout: float | None = None, steps: Mapping[str, Step] | None = None) -> BuildResult:
    """Build the given territories (or all), only those whose inputs changed unless ``force``.

    ``steps`` run after the territories, still under the build's lock and before the report,
    in order; one that raises is reported as a failure named after it (exit status 1).
    Raises BuildUsageError for bad input, before any kernel starts. Failures of single
    territories do not raise: they are in ``result.failed`` (and ``result.ok`` is False)."""
    wall0 = time.monotonic()
    formats, output_dir = plan.check_options(formats, jobs, timeout, output_dir)
    template = Path(template or config.template_path()).resolve()
    tids = plan.resolve_ids(ids or [], all_territories)
    if not tids:
        raise BuildUsageError("no territory to build")
    nb_template = plan.load_template(template, {"territory": tids[0]})
    engine_name = plan.choose_engine(engine) if formats else "none"
    job = worker.Job(nb_template, template, output_dir, formats, engine_name, timeout, memo_refresh=force)
    show = sys.stderr.isatty() if progress is None else progress

    lock = acquire_lock(output_dir, lock_timeout)
    try:
        result = _build(job, tids, force, jobs, lock, show, steps or {}, wall0)
    finally:
        lock.release()
    result.ok = not result.failed
    print_summary(result, output_dir)
    return result


def _build(job: worker.Job, tids: list[str], force: bool, jobs: int | None, lock: FileLock,
           show: bool, steps: Mapping[str, Step], wall0: float) -> BuildResult:
    """Plan, pool, manifest, steps and report, under the lock."""
    output_dir = job.output_dir
    clean_leftovers(output_dir)
    manifest = load_manifest(output_dir)
    previous_build = manifest.get("last_build", {})
    digests = portrait_inputs.file_digests()  # the package as this build runs it
    the_plan = plan.make_plan(manifest, tids, job.template_path, job.engine, job.formats, output_dir, force,
                              digests)
    todo = [tid for tid in tids if the_plan[tid]["reasons"]]
    text_only = frozenset(tid for tid in todo if the_plan[tid]["reasons"] == ["template"])
    job = dataclasses.replace(job, text_only=text_only, kernel_on_demand=bool(todo) and text_only >= set(todo))
    result = BuildResult(ok=True, skipped=[tid for tid in tids if not the_plan[tid]["reasons"]])

    outcomes = pool.run_pool(job, todo, jobs, lock, show,
                             lambda res: _record(res, the_plan, manifest, output_dir, result, digests))

    manifest["last_build"] = {"finished": now(), "built": len(result.built),
                              "failed": len(result.failed), "skipped": len(result.skipped)}
    save_manifest(output_dir, manifest)
    for name, step in steps.items():
        try:
            step(output_dir, result)
        except Exception as exc:  # a step failure: reported, exit status 1, portraits kept
            result.failed.append(Failure(name, name, type(exc).__name__, str(exc)))
    result.wall_s = time.monotonic() - wall0
    result.report = build_report.write_report(
        output_dir, tids=tids, plan=the_plan, manifest=manifest, outcomes=outcomes, result=result,
        previous_build=previous_build, context={"template": str(job.template_path), "engine": job.engine,
                                                "formats": job.formats, "jobs": pool.n_workers(jobs, len(todo))})
    return result


def _record(res: dict[str, Any], the_plan: dict[str, dict[str, Any]], manifest: dict[str, Any],
            output_dir: Path, result: BuildResult, digests: dict[str, str]) -> None:
    """Parent side, after each territory: extract diff, manifest entry (saved atomically)."""
    tid = res["territory"]
    previous = manifest["territories"].get(tid, {})
    entry = {"inputs": dict(the_plan[tid]["inputs"]), "status": res["status"], "finished": now(),
             "durations": res["durations"], "reasons": the_plan[tid]["reasons"],
             "outputs": [relative(p, output_dir) for p in res["outputs"]],
             "kernel_restarted": res.get("kernel_restarted", False), "error": res.get("error")}
    if res["status"] == "ok":
        # Once ok, the previous good outputs are kept as the reference for "what changed".
        # The diff goes to the report (via the outcome), not the manifest: the manifest is
        # rewritten after every territory and must stay small.
        res["changes"], entry["warnings"] = build_report.save_extract(output_dir, tid, res["extract"])
        res["extract"] = None
        if res.get("text") is not None:
            text = text_changes.save_blocks(output_dir, tid, res.pop("text"))
            res["changes"]["text"] = text
            res["changes"]["n_changes"] = res["changes"].get("n_changes", 0) + text["n"]
        entry["changed_inputs"] = [k for k, v in the_plan[tid]["inputs"].items()
                                   if previous.get("inputs", {}).get(k) not in (None, v)]
        result.built.append(tid)
    else:
        result.failed.append(Failure(**res["error"]))
    if res.get("text_only"):  # made of the same files as last time (its code did not run)
        entry["package_files"] = previous.get("package_files")
        entry["text_only"] = True
        entry["rendered_blocks"] = bool(res.get("rendered_blocks"))  # portraits.render.incremental
        entry["review_by_cells"] = bool(res.get("review_by_cells"))  # portraits.render.review_blocks
    else:
        _record_files(manifest, entry, res.get("package_files"), digests)
    manifest["territories"][tid] = entry
    save_manifest(output_dir, manifest)


def _record_files(manifest: dict[str, Any], entry: dict[str, Any], kernel_files: list[str] | None,
                  digests: dict[str, str]) -> None:
    """The package files the portrait was made of (``portrait_inputs.portrait_files``), each
    list once in the manifest, and its package input hashed over them."""
    if not kernel_files:  # failed before its kernel could say: stale next time anyway
        return
    files = portrait_inputs.portrait_files(kernel_files)
    lists = manifest.setdefault("package_files", {})
    entry["package_files"] = portrait_inputs.files_id(files)
    lists[entry["package_files"]] = files
    entry["inputs"]["package"] = portrait_inputs.package_hash(files=files, digests=digests)
    used = {e.get("package_files") for e in manifest["territories"].values()} | {entry["package_files"]}
    for key in set(lists) - used:
        del lists[key]
