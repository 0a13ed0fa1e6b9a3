"""The inputs of a portrait, hashed: package code, engine and options, and the data's state.

A territory is rebuilt when one of these (or the template, or its own data fingerprint,
``portraits.data.store.fingerprint``) differs from what the manifest recorded."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from portraits.core import config

# Package code that cannot change a portrait: the command line, and the build, preview and site
# subpackages. Editing them must not make 183 portraits stale (the preview ignores them too).
NOT_PORTRAIT_INPUTS = {"cli.py", "__main__.py"}
NOT_PORTRAIT_DIRS = {"__pycache__", "build", "preview", "site"}
# Libraries whose version can change what a notebook or a render contains (the font too: the
# charts measure their labels with it, Typst and the HTML page embed it).
ENGINE_PACKAGES = ("papermill", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib", "seaborn",
                   "babel", "pypandoc-binary", "typst", "jinja2", "nbconvert", "font-source-sans-pro")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(obj: Any) -> str:
    return sha256_bytes(json.dumps(obj, sort_keys=True, default=str).encode())


def is_portrait_input(rel: Path) -> bool:
    """Whether a package file (path relative to the package) can change a portrait."""
    return not (set(rel.parts[:-1]) & NOT_PORTRAIT_DIRS or str(rel) in NOT_PORTRAIT_INPUTS)


def package_hash(package_dir: Path = config.PACKAGE_DIR) -> str:
    """Content hash of the package code and resources that a portrait depends on."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir)
        if (not path.is_file() or path.suffix in {".pyc", ".tmp"} or rel.name.startswith(".")
                or not is_portrait_input(rel)):
            continue
        digest.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


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
