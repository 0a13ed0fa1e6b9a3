"""A build, then the site: ``output/index.html`` brought up to date with the portraits.

The build does not know the site (it comes first in the layers): ``build_site`` hands
``update_catalogue`` to ``run_build`` as a step after the portraits, so the catalogue is
written under the build's lock and a failure shows in the build report and the exit status
as before."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from portraits.build import batch
from portraits.build.manifest import load_manifest
from portraits.build.results import BuildResult
from portraits.core import atomic

SITE_DIR = Path(__file__).resolve().parent


def catalogue_key_path(output_dir: Path) -> Path:
    return output_dir / ".build" / "catalogue.key"


def catalogue_key(output_dir: Path) -> str:
    """Hash of what the catalogue shows: the data's state and each portrait's outputs (from the
    build's manifest), and the site's code and catalogue templates."""
    manifest = load_manifest(output_dir)
    # The whole site package rather than catalogue.py alone: the catalogue may be split into
    # several modules; an edit of the preview only costs one rewrite (about 2 s).
    code = sorted(SITE_DIR.glob("*.py")) + sorted((SITE_DIR / "templates" / "catalogue").glob("*"))
    state = {"data": manifest.get("data_state"),
             "code": [hashlib.sha256(p.read_bytes()).hexdigest() for p in code if p.is_file()],
             "portraits": {t: e.get("outputs") for t, e in manifest["territories"].items()}}
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def update_catalogue(output_dir: Path, result: BuildResult) -> None:
    """Rewrite output/index.html unless nothing it shows can have changed (keeps no-op builds fast)."""
    key = catalogue_key(output_dir)
    key_path = catalogue_key_path(output_dir)
    try:
        unchanged = key_path.read_text(encoding="utf-8") == key
    except OSError:
        unchanged = False
    if unchanged and not result.built and (output_dir / "index.html").exists():
        return
    # imported here, after the pool: the forked workers need none of it
    from portraits.site import catalogue

    catalogue.write_catalogue(output_dir)
    atomic.write_text(key_path, key)


def build_site(ids: list[str] | None = None, all_territories: bool = False, **options: Any) -> BuildResult:
    """``portraits build``: the portraits (``run_build``, same arguments), then the catalogue."""
    return batch.run_build(ids, all_territories, steps={"catalogue": update_catalogue}, **options)
