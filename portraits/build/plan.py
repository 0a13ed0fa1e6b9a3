"""What a build will do, decided in the parent before any kernel starts: the request checked
(formats, jobs, timeout, output dir, territories, template, engine), then each territory's
inputs hashed and compared with the manifest; only stale territories go to the pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import nbformat

from portraits.build import portrait_inputs
from portraits.build.results import BuildUsageError
from portraits.core import config, outputs
from portraits.data import store


def check_options(formats: list[str] | None, jobs: int | None, timeout: float,
                  output_dir: Path | None) -> tuple[list[str], Path]:
    """The formats (default ones if None) and the resolved output dir; BuildUsageError if bad."""
    formats = list(outputs.DEFAULT_FORMATS) if formats is None else list(formats)
    if unknown := outputs.unknown_formats(formats):
        raise BuildUsageError(f"unknown format(s): {', '.join(unknown)} (choose among {', '.join(outputs.FORMATS)})")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise BuildUsageError(f"jobs must be a whole number of worker processes, 1 or more (got {jobs!r})")
    if not timeout > 0:
        raise BuildUsageError(f"timeout must be a number of seconds above 0 (got {timeout!r})")
    output_dir = Path(output_dir or config.output_dir()).resolve()
    if refusal := output_dir_refusal(output_dir):
        raise BuildUsageError(refusal)
    return formats, output_dir


def output_dir_refusal(output_dir: Path, shown_as: str | None = None) -> str | None:
    """Why ``output_dir`` cannot be the output directory (None if it can): a file is in the way."""
    blocker = config.not_a_directory(output_dir)
    if blocker is None:
        return None
    return (f"{shown_as or output_dir} cannot be the output directory: {blocker} is a file; "
            "give a directory (it is created if missing)")


def resolve_ids(ids: Iterable[str], all_territories: bool) -> list[str]:
    """Canonical ids, in order, without duplicates. Unknown ids raise before any kernel starts."""
    try:
        if all_territories:
            return [str(t) for t in store.list_territories()["territory_id"]]
        resolved = [store.resolve_territory(tid) for tid in ids]
    # store.UnknownTerritory (its message names the closest ids), store.ProcessedDataMissing
    except (ValueError, FileNotFoundError) as exc:
        raise BuildUsageError(str(exc)) from exc
    return list(dict.fromkeys(resolved))


def load_template(path: Path, sample_params: dict[str, Any]) -> nbformat.NotebookNode:
    """The template as a notebook; refuses one papermill would run with its defaults."""
    if not path.exists():
        raise BuildUsageError(f"template not found: {path}")
    from portraits.template import reader

    try:
        return reader.load_template(path, sample_params)
    except ValueError as exc:  # reader.TemplateError (its message starts with file:line), nbformat validation
        message = str(exc)
        raise BuildUsageError(message if message.startswith(path.name) else f"{path.name}: {message}") from exc


def choose_engine(engine: str) -> str:
    from portraits import render

    try:
        return render.choose_engine(engine)
    except (ValueError, render.RenderError) as exc:
        raise BuildUsageError(str(exc)) from exc


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


def make_plan(manifest: dict[str, Any], tids: list[str], template: Path, engine: str,
              formats: list[str], output_dir: Path, force: bool,
              digests: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each territory's inputs and why it is stale ([] if up to date). Records the data's
    fingerprints in ``manifest`` (reused while the processed data is unchanged). ``digests``:
    the package files' (``portrait_inputs.file_digests``), read now if not given."""
    digests = portrait_inputs.file_digests() if digests is None else digests
    common = {"template": portrait_inputs.sha256_bytes(template.read_bytes()),
              "engine": portrait_inputs.sha256_json(portrait_inputs.engine_fingerprint(engine, formats))}
    state = portrait_inputs.data_state()
    known = manifest.get("data_fingerprints", {}) if manifest.get("data_state") == state else {}
    if not known:  # the data changed since the last build: tables this process read are stale
        store.clear_cache()
    fingerprints = {tid: known.get(tid) or store.fingerprint(tid) for tid in tids}
    manifest["data_state"] = state
    manifest["data_fingerprints"] = {**known, **fingerprints}
    plan: dict[str, dict[str, Any]] = {}
    for tid in tids:
        entry = manifest["territories"].get(tid)
        # the files it was made of last time (none recorded: all of them; it is stale anyway)
        files = manifest.get("package_files", {}).get((entry or {}).get("package_files"))
        package = portrait_inputs.package_hash(files=files, digests=digests)
        inputs = {"template": common["template"], "package": package, "engine": common["engine"],
                  "data": fingerprints[tid]}
        plan[tid] = {"inputs": inputs, "reasons": stale_reasons(entry, inputs, output_dir, force)}
    return plan
