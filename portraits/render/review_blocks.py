"""The review page after a wording edit: the changed cells rendered alone, not the whole page.

Each review page is written with a stamp beside the territory's render cache (``review.json``):
the notebook it was rendered from, the page itself, and what else it depends on (the title's
name, the links, nbconvert's and mistune's versions, the review template). When the next
notebook differs from that one in some cells only, same ids, same metadata, each changed cell is
rendered alone, old and new (with the portrait's section it follows, for its evidence links),
and the new cell's HTML takes the old one's place on the page. The page is then the bytes a
whole render writes (tests/render/test_review_blocks.py, tests/e2e/test_text_only.py).

It renders the whole page whenever it cannot vouch for the result: another stamp or page, the
old cell not on the page exactly as rendered alone, a cell whose change moves what later cells
link to or changes the evidence listed at the top of the page, another cell count or metadata.
nbconvert renders whole notebooks only, hence this module.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import nbformat

from portraits.core import atomic, outputs
from portraits.render import review

STAMP = "review.json"
END = "portraits-review-end"  # the id of the cell after the one rendered alone
# the cell metadata no part of the page reads: papermill's and the kernel's timings, which a
# replayed notebook does not have (tests/render/test_review_blocks.py checks they show nowhere)
UNSHOWN_METADATA = ("papermill", "execution")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=1)
def _code() -> dict:
    """What renders every page, hashed once per process rather than once per territory."""
    import mistune
    import nbconvert

    templates = sorted(review.TEMPLATE_DIR.rglob("*"))
    return {"nbconvert": nbconvert.__version__, "mistune": mistune.__version__,
            "templates": [_sha(p.read_bytes()) for p in templates if p.is_file()]}


def _context(name: str, link_list: list[dict[str, Any]]) -> str:
    return _sha(json.dumps({"name": name, "links": link_list, **_code()}, sort_keys=True, default=str).encode())


def write_review(output_dir: Path, tid: str, nb: nbformat.NotebookNode, *, name: str, cache: Path,
                 previous: tuple[nbformat.NotebookNode, bytes] | None = None) -> tuple[Path, bool]:
    """Write ``output/review/ID.html`` (atomically) and its stamp in ``cache``; from the page on
    disk when ``previous`` (the last notebook, parsed, and its file's bytes) allows it. Returns
    the page and whether only changed cells were rendered."""
    path = outputs.BY_ID["review"].path(output_dir, tid)
    link_list = review.links(tid, output_dir)
    context = _context(name, link_list)
    page = _spliced(path, nb, previous, name, link_list, context, cache) if previous else None
    by_cells = page is not None
    if page is None:
        page = review.render_review(nb, tid, name=name, link_list=link_list)
    (cache / STAMP).unlink(missing_ok=True)  # first: a stamp never outlives its page
    review.write_assets(output_dir)
    atomic.write_text(path, page)
    notebook = outputs.BY_ID["notebook"].path(output_dir, tid).read_bytes()
    cache.mkdir(parents=True, exist_ok=True)
    atomic.write_text(cache / STAMP, json.dumps({"notebook": _sha(notebook), "page": _sha(page.encode()),
                                                 "context": context}))
    return path, by_cells


def _spliced(path: Path, nb, previous, name: str, link_list, context: str, cache: Path) -> str | None:
    old_nb, old_bytes = previous
    try:
        stamp = json.loads((cache / STAMP).read_text(encoding="utf-8"))
        page = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if (stamp.get("notebook") != _sha(old_bytes) or stamp.get("page") != _sha(page.encode())
            or stamp.get("context") != context or old_nb.metadata != nb.metadata
            or len(old_nb.cells) != len(nb.cells)):
        return None
    tid = path.stem
    heading = ""
    for old, new in zip(old_nb.cells, nb.cells):
        if _shown(old) != _shown(new):
            page = _replace_cell(page, old, new, nb.metadata, heading, tid, name, link_list)
            if page is None:
                return None
        heading = review.portrait_target(old, heading)[1]
    return page


def _shown(cell) -> dict:
    return {**cell, "metadata": {k: v for k, v in cell.get("metadata", {}).items() if k not in UNSHOWN_METADATA}}


def _replace_cell(page: str, old, new, meta, heading: str, tid: str, name: str, link_list) -> str | None:
    """``page`` with ``old``'s HTML replaced by ``new``'s; None if that cannot be vouched for."""
    cell_id = old.get("id")  # papermill gives its parameters cell a new one each time
    if not cell_id or not new.get("id") or END in (cell_id, new.get("id")):
        return None
    anchor = f'<div id="cell-id={cell_id}"'
    if {**_shown(old), "id": None} == {**_shown(new), "id": None}:  # its id only: the anchor says it
        return page.replace(anchor, f'<div id="cell-id={new["id"]}"') if page.count(anchor) == 1 else None
    if review.portrait_target(old, heading) != review.portrait_target(new, heading):
        return None  # what the cell, or a later one, links to in the portrait would move
    (old_html, old_found), (new_html, new_found) = (_alone(c, meta, heading, tid, name, link_list) for c in (old, new))
    if old_found != new_found:  # the evidence listed at the top of the page
        return None
    start = page.find(anchor)
    end = page.find('<div id="cell-id=', start + 1)
    # up to the next cell, without the space between cells (the template's, by the next one's type)
    kept = page[start:end].rstrip()
    if start < 0 or page.count(anchor) != 1 or end < 0 or kept != old_html:
        return None
    return page[:start] + new_html + page[start + len(kept):]


def _alone(cell, meta, heading: str, tid: str, name: str, link_list) -> tuple[str, list]:
    """The HTML of ``cell`` rendered alone (up to the next cell's), and the evidence it lists."""
    end = nbformat.v4.new_markdown_cell("")
    end["id"] = END
    mini = nbformat.v4.new_notebook(cells=[cell, end], metadata=meta)
    page = review.render_review(mini, tid, name=name, link_list=link_list, heading=heading)
    start = page.find(f'<div id="cell-id={cell["id"]}"')
    stop = page.find(f'<div id="cell-id={END}"')
    return (page[start:stop].rstrip() if 0 <= start < stop else ""), review.evidence_list(mini, tid, heading)
