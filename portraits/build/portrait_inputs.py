"""The inputs of a portrait, hashed: package code, engine and options, and the data's state.

A territory is rebuilt when one of these (or the template, or its own data fingerprint,
``portraits.data.store.fingerprint``) differs from what the manifest recorded. Its package code
is what it was made of last time (``portrait_files``: the modules its kernel imported, the
renderers' and their resources), not a list of directories: where a module lives does not
decide what is rebuilt."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable

import yaml

from portraits.core import config, imports

# What the worker runs outside the kernel to make a portrait's files (data files, renders,
# review page): with what these import and the files beside them (Lua filters, templates),
# they are the portrait's inputs besides the modules the kernel imported.
# What the executed notebook imports: the template's facade and the reader's narrative cells.
# Only until a kernel has said what it imported (tests/build/test_portrait_inputs.py checks
# that it says no more than these import).
KERNEL_ENTRIES = ("portraits.blocks.portrait", "portraits.template.inline")
RENDERERS = ("portraits.blocks.data_table", "portraits.render", "portraits.render.context",
             "portraits.render.review")
# Libraries whose version can change what a notebook or a render contains (the font too: the
# charts measure their labels with it, Typst and the HTML page embed it).
ENGINE_PACKAGES = ("papermill", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib", "seaborn",
                   "babel", "pypandoc-binary", "typst", "jinja2", "nbconvert", "font-source-sans-pro")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(obj: Any) -> str:
    return sha256_bytes(json.dumps(obj, sort_keys=True, default=str).encode())


def file_digests(package_dir: Path = config.PACKAGE_DIR) -> dict[str, str]:
    """Every file of the package (path relative to it -> content hash), read once per build so
    that a file edited while it runs counts as changed at the next one."""
    return {str(path.relative_to(package_dir)): sha256_bytes(path.read_bytes())
            for path in sorted(package_dir.rglob("*"))
            if path.is_file() and not _skipped(path.relative_to(package_dir))}


def _skipped(rel: Path) -> bool:
    return ("__pycache__" in rel.parts or rel.suffix in imports.SKIPPED_SUFFIXES
            or any(part.startswith(".") for part in rel.parts))


def portrait_files(kernel_files: Iterable[str], package_dir: Path = config.PACKAGE_DIR) -> list[str]:
    """What a portrait is made of, relative to the package: the modules its kernel imported
    (``kernel_files``, absolute or relative), the renderers' (``RENDERERS``) import closure, and
    the resource files beside all these (catalogues, phrasing, Lua filters, templates)."""
    files = {package_dir / f for f in kernel_files}  # an absolute path stays itself
    files |= imports.closure(RENDERERS, package_dir)
    out = []
    for path in imports.with_resources(files):
        try:
            rel = path.resolve().relative_to(package_dir.resolve())
        except ValueError:  # another copy of the package: not ours to hash
            continue
        if not _skipped(rel):
            out.append(str(rel))
    return sorted(set(out))


def is_portrait_input(rel: Path, kernel_files: Iterable[str] | None = None) -> bool:
    """Whether a package file (path relative to the package) can change a portrait: it is one
    of ``portrait_files`` of ``kernel_files`` (default: what this process's kernels imported,
    ``kernel_imports.imported_so_far``; before any kernel ran, every file is)."""
    if _skipped(Path(rel)):
        return False
    if kernel_files is None:
        from portraits.execution import kernel_imports

        kernel_files = kernel_imports.imported_so_far() or imports.closure(KERNEL_ENTRIES)
    return str(rel) in portrait_files(kernel_files)


def package_hash(package_dir: Path = config.PACKAGE_DIR, files: Iterable[str] | None = None,
                 digests: dict[str, str] | None = None) -> str:
    """Content hash of the package files ``files`` (default: all) that a portrait is made of
    (``portrait_files``); a file that no longer exists hashes as missing."""
    digests = file_digests(package_dir) if digests is None else digests
    digest = hashlib.sha256()
    for rel in sorted(digests if files is None else set(files)):
        digest.update(rel.encode() + b"\0" + digests.get(rel, "missing").encode() + b"\0")
    return digest.hexdigest()


def files_id(files: list[str]) -> str:
    """A short name of a list of files, for the manifest (which holds each list once)."""
    return sha256_json(sorted(files))[:16]


def engine_fingerprint(engine: str, formats: list[str]) -> dict[str, Any]:
    versions = {}
    for name in ENGINE_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    options = {"engine": engine, "formats": sorted(formats), "python": sys.version.split()[0],
               "versions": versions, "_quarto.yml": quarto_settings_hash()}
    if engine == "quarto":
        options["quarto"] = quarto_version()
    return options


def quarto_settings_hash() -> str | None:
    """The project's Quarto settings as both engines read them (parsed: editing a comment of
    `_quarto.yml` changes no portrait, editing a value changes them all)."""
    path = config.PROJECT_DIR / "_quarto.yml"
    if not path.exists():
        return None
    try:
        return sha256_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError:  # the render will say what is wrong; the bytes still identify it
        return sha256_bytes(path.read_bytes())


@functools.lru_cache(maxsize=2)
def quarto_version(quarto: str = "quarto") -> str | None:
    """`quarto --version`: its filters and templates render the portraits."""
    exe = shutil.which(quarto)
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None


def data_state() -> str:
    """Hash of everything ``store.fingerprint`` reads: while it is unchanged, the per-territory
    fingerprints of the last build are reused (computing them reads every processed table:
    measured 1.2 s, then 0.08 s for all 183, the digests that several portraits share being
    computed once)."""
    digest = hashlib.sha256()
    files = [p for p in sorted(config.processed_dir().glob("*")) if p.is_file() and p.name[0] not in "_."]
    # the whole data layer's code (store, tables, fingerprint, the catalogue…): listing only some
    # files would miss the next one that a fingerprint depends on
    data_code = sorted((config.PACKAGE_DIR / "data").glob("*.[pt]*"))
    files += [config.sources_path(), config.PACKAGE_DIR / "core" / "config.py", *data_code]
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
