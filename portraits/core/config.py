"""Where things live. Every path can be overridden by the environment, so tests and CI
can point the suite elsewhere; the raw-data mirror has no default on purpose."""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # portraits/, not portraits/core/
PROJECT_DIR = Path(os.environ.get("PORTRAITS_PROJECT_DIR", PACKAGE_DIR.parent)).resolve()

MIRROR_ENV = "PORTRAITS_DATA_MIRROR"
# Quarto's own source files (quarto-cli), which the conformance tests run; no default either.
QUARTO_SOURCE_ENV = "PORTRAITS_QUARTO_SOURCE"


def data_dir() -> Path:
    return Path(os.environ.get("PORTRAITS_DATA_DIR", PROJECT_DIR / "data")).resolve()


def sources_path() -> Path:
    return data_dir() / "sources.toml"


def raw_dir() -> Path:
    return data_dir() / "raw"


def processed_dir() -> Path:
    return Path(os.environ.get("PORTRAITS_PROCESSED_DIR", data_dir() / "processed")).resolve()


def output_dir() -> Path:
    return Path(os.environ.get("PORTRAITS_OUTPUT_DIR", PROJECT_DIR / "output")).resolve()


PHRASING_PATH = PACKAGE_DIR / "text" / "phrasing.toml"


@functools.cache
def phrasing_rules() -> dict:
    """portraits/text/phrasing.toml: the commentary's thresholds and words, the indicators' nouns, the
    benchmark levels' words (read once per process by levels and commentary)."""
    return tomllib.loads(PHRASING_PATH.read_text(encoding="utf-8"))


def template_path() -> Path:
    return PROJECT_DIR / "portrait_template.qmd"


def mirror_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """The mirror given on the command line, else by PORTRAITS_DATA_MIRROR, else None."""
    value = explicit or os.environ.get(MIRROR_ENV)
    return Path(value).resolve() if value else None


def quarto_source_dir() -> Path | None:
    """Quarto's source tree given by PORTRAITS_QUARTO_SOURCE (its `src/` inside), else None."""
    value = os.environ.get(QUARTO_SOURCE_ENV)
    return Path(value).resolve() if value else None


def not_a_directory(path: Path) -> Path | None:
    """The first of ``path`` and its parents that exists but is not a directory (so ``path``
    cannot be used as an output directory), or None."""
    for p in (path, *path.parents):
        if p.exists():
            return None if p.is_dir() else p
    return None
