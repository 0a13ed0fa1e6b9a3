"""After a wording edit, the built-in engine renders the changed blocks, not the whole page.

Each full render keeps in the territory's render cache what pandoc wrote (the HTML page before
its font subset, the Typst source and its images) and a stamp: the notebook it was rendered
from and the job's key (metadata, filters, templates, pandoc). When the next notebook differs
from that one only in text cells (Markdown cells, narrative cells), the old and new versions of
each such cell are rendered alone by all_formats.lua (`pairs`), each top-level block they differ
in is written on its own, and the new text takes the old one's place in the kept outputs. The
font subset and the PDF are then made as after a full render: the outputs are the same bytes
(tests/e2e/test_text_only.py compares them with a --force build).

Whatever it cannot vouch for falls back to the full render:
- another cell changed;
- a heading, figure, table, note or cross-reference changed (numbering, the table of contents);
- an old block is not found exactly once in the kept page, as when a pass grouped it with its
  neighbours in a way it cannot be alone.

pandoc has no incremental mode, hence this module.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from portraits.core import atomic
from portraits.core.outputs import NARRATIVE_TAG
from portraits.render import builtin
from portraits.render.builtin import HERE, TEMPLATES
from portraits.render.shared import drop_hidden_outputs

STAMP = "render.json"
# what is kept of each format: the file all_formats.lua writes, and its pandoc writer
KEPT = {"html": ("portrait.html", "html5"), "pdf": ("portrait.typ", "typst")}
NOT_KEPT = ("job.json", "metadata.json")


@dataclasses.dataclass(frozen=True)
class Change:
    """The notebook last rendered into the cache (its bytes), the new one (its bytes) and the
    new one as the renderers see it (without the reviewers' outputs)."""
    previous: bytes
    current: bytes
    shown: dict


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=256)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return sha(Path(path).read_bytes())


def _digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(str(path), stat.st_mtime_ns, stat.st_size)


def job_key(job: dict) -> str:
    """What a kept render depends on besides the notebook: the job without its paths, every
    filter, module and template file of the engine, the project's filters, pandoc itself."""
    parts = {"from": job["from"], "shared": job["shared"],
             "outputs": [{k: v for k, v in out.items() if k not in ("output", "cwd")} for out in job["outputs"]]}
    files = sorted({*HERE.glob("*.lua"), *TEMPLATES.glob("portrait.*")}
                   | {Path(f) for f in (job["shared"]["metadata"].get("portraits-filters") or [])
                      if isinstance(f, str)})
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())
    for path in files:
        digest.update(f"{path.name}:{_digest(path)}\n".encode())
    pandoc = Path(builtin._pandoc_path()).stat()  # 160 MB: its size and date stand for it
    digest.update(f"pandoc:{pandoc.st_size}:{pandoc.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _read_stamp(cache: Path) -> dict | None:
    try:
        return json.loads((cache / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def keeper(cache: Path, notebook: bytes):
    """For builtin.render_documents: keep what pandoc wrote for ``notebook`` in ``cache``."""
    def keep(tmp: Path, job: dict) -> None:
        (cache / STAMP).unlink(missing_ok=True)  # first: a half-written cache is never used
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        for path in tmp.iterdir():
            if path.is_file() and path.name not in NOT_KEPT:
                shutil.copy2(path, cache / path.name)
        atomic.write_text(cache / STAMP, json.dumps({"notebook": sha(notebook), "key": job_key(job)}))
    return keep


def _is_text_cell(cell: dict) -> bool:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return cell.get("cell_type") == "markdown" or (
        cell.get("cell_type") == "code" and NARRATIVE_TAG in tags)


def _shown(cell: dict) -> tuple:
    # what the renderer reads of a cell: the reader's cell div (id, metadata) is dropped by
    # code_cells.lua before any other pass
    return cell.get("cell_type"), cell.get("source"), cell.get("outputs"), cell.get("attachments")


def changed_cells(old: dict, new: dict) -> list[tuple[dict, dict]] | None:
    """The (old, new) text cells the two notebooks differ in; None if any other cell differs."""
    cells_old, cells_new = old.get("cells", []), new.get("cells", [])
    if len(cells_old) != len(cells_new):
        return None
    changed = []
    for a, b in zip(cells_old, cells_new):
        if _shown(a) != _shown(b):
            if not (_is_text_cell(a) and _is_text_cell(b)):
                return None
            changed.append((a, b))
    return changed


def _front_matter(nb: dict) -> list[dict]:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "raw" and "".join(cell.get("source") or "").startswith("---"):
            return [cell]
    return []


def _mini_notebooks(nb: dict, pairs: list[tuple[dict, dict]], tmp: Path) -> list[list[str]]:
    """Each changed cell, old and new, as a notebook of its own with the front matter."""
    front, files = _front_matter(nb), []
    for i, pair in enumerate(pairs):
        names = []
        for side, cell in zip(("old", "new"), pair):
            path = tmp / f"cell-{i}-{side}.ipynb"
            path.write_text(json.dumps({**nb, "cells": [*front, cell]}, ensure_ascii=False), encoding="utf-8")
            names.append(str(path))
        files.append(names)
    return files


def _splice(text: str, changes: list) -> str | None:
    """``text`` with each old block's text replaced by the new one's; None if an old one is not
    found exactly once."""
    for old, new in changes:
        if old == new:
            continue
        if text.count(old) != 1:
            return None
        text = text.replace(old, new, 1)
    return text


def _fragments(change: Change, old: dict, targets: dict, contexts: dict, stamp: dict, tmp: Path) -> dict | None:
    """{format: [(old text, new text)]} of the changed blocks; None when the render cannot be
    done block by block."""
    pairs = changed_cells(old, change.shown)
    if pairs is None:
        return None
    job = builtin.render_job(builtin.document_parts(tmp, targets, contexts))
    if job_key(job) != stamp.get("key"):
        return None
    if not pairs:
        return {}
    job.update(pairs=_mini_notebooks(old, pairs, tmp), result=str(tmp / "fragments.json"))
    builtin.run_job(job, tmp)
    result = json.loads((tmp / "fragments.json").read_text(encoding="utf-8"))
    return None if "refused" in result else result


def rerender(change: Change, targets: dict[str, Path], contexts: dict[str, dict | None],
             cache: Path) -> dict[str, Path] | None:
    """The outputs of ``targets`` from the kept render, when ``change`` allows it; else None
    (the caller renders the whole notebook)."""
    stamp = _read_stamp(cache)
    if not targets or set(targets) - set(KEPT) or stamp is None or stamp.get("notebook") != sha(change.previous):
        return None
    old = json.loads(change.previous)
    drop_hidden_outputs(old)
    with tempfile.TemporaryDirectory(prefix="portraits-rerender-") as tmp:
        result = _fragments(change, old, targets, contexts, stamp, Path(tmp))
        if result is None:
            return None
        texts = {}
        for fmt in targets:
            name, writer = KEPT[fmt]
            texts[fmt] = _splice((cache / name).read_text(encoding="utf-8"), result.get(writer) or [])
            if texts[fmt] is None:
                return None
    return _write(change, targets, texts, stamp, cache)


def _write(change: Change, targets: dict[str, Path], texts: dict[str, str], stamp: dict, cache: Path) -> dict[str, Path]:
    """The new kept outputs, then the documents from them, then the new stamp."""
    (cache / STAMP).unlink()
    done = {}
    for fmt, text in texts.items():
        atomic.write_text(cache / KEPT[fmt][0], text)
    if "html" in texts:
        done["html"] = builtin.write_page(texts["html"], targets["html"])
    if "pdf" in texts:
        done["pdf"] = builtin.compile_typst(f"{Path(targets['pdf']).stem}.ipynb", cache / KEPT["pdf"][0], cache, targets["pdf"])
    atomic.write_text(cache / STAMP, json.dumps({"notebook": sha(change.current), "key": stamp["key"]}))
    return {fmt: done[fmt] for fmt in targets}
