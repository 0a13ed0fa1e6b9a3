"""The review page after a wording edit (portraits.render.review_blocks): the changed cells
rendered alone give the bytes of a whole render; whatever it cannot vouch for is rendered whole."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from portraits.render import review, review_blocks

FIXTURE = Path(__file__).parents[1] / "fixtures" / "review" / "executed.ipynb"
TID, NAME = "ti-0002", "Territoire test"


@pytest.fixture()
def site(tmp_path):
    """An output directory whose review page (and stamp) was written from the fixture."""
    nb = nbformat.read(FIXTURE, as_version=4)
    nb.cells[3].outputs[1].metadata["portraits"]["anchor"] = "preuve-1"  # listed at the top,
    text = nb.cells[3].outputs[0].data  # by the text's heading
    text["text/markdown"] = "## Emploi\n\n" + text["text/markdown"]
    path, by_cells = _write(tmp_path, nb)
    assert not by_cells and (tmp_path / "cache" / review_blocks.STAMP).is_file()
    return tmp_path, nb


def _write(out: Path, nb, previous=None, name=NAME):
    """As the build's worker does: the notebook first, then its review page."""
    path = out / "notebooks" / f"{TID}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = (nbformat.reads(path.read_text(encoding="utf-8"), as_version=4), path.read_bytes()) if previous else None
    nbformat.write(nb, path)
    return review_blocks.write_review(out, TID, nb, name=name, cache=out / "cache", previous=old)


def _whole(out: Path, nb, name=NAME) -> str:
    return review.render_review(nb, TID, name=name, link_list=review.links(TID, out))


def _reworded(nb):
    new = copy.deepcopy(nb)
    new.cells[3].outputs[0].data["text/markdown"] = "## Emploi\n\nL'industrie pèse 12,4 % des emplois."
    new.cells[3].source = new.cells[3].source.replace("'industry'", "'industrie'")
    return new


def test_changed_cells_alone_give_the_whole_pages_bytes(site):
    out, nb = site
    new = _reworded(nb)
    path, by_cells = _write(out, new, previous=True)
    assert by_cells and path.read_text(encoding="utf-8") == _whole(out, new)
    newer = copy.deepcopy(new)  # and again, from the spliced page
    newer.cells[3].outputs[0].data["text/markdown"] = "## Emploi\n\nL'industrie pèse **12,4 %** des emplois."
    newer.cells[2]["id"] = "new-papermill-id"  # papermill's parameters cell, given a new id
    path, by_cells = _write(out, newer, previous=True)
    assert by_cells and path.read_text(encoding="utf-8") == _whole(out, newer)


def test_timings_no_part_of_the_page_shows_may_differ(site):
    out, nb = site
    new = copy.deepcopy(nb)
    for cell in new.cells:
        cell.metadata["papermill"] = {"duration": 1.5, "start_time": "2026-12-08T00:00:00Z"}
        if cell.cell_type == "code":
            cell.metadata["execution"] = {"iopub.status.busy": "2026-12-08T00:00:00.1Z"}
    assert set(review_blocks.UNSHOWN_METADATA) == {"papermill", "execution"}
    assert _whole(out, new) == _whole(out, nb)
    path, by_cells = _write(out, new, previous=True)
    assert by_cells and path.read_text(encoding="utf-8") == _whole(out, nb)


def _heading_moved(nb):
    new = _reworded(nb)
    new.cells[0].source = "# Portrait\n\n## Emploi"  # later evidence links to another section
    return new


def _evidence_label(nb):
    new = _reworded(nb)
    new.cells[3].outputs[0].data["text/markdown"] = "## Industrie\n\nAutres mots."  # the list's label
    return new


def _evidence_moved(nb):
    new = _reworded(nb)
    new.cells[3].outputs[1].metadata["portraits"]["anchor"] = "preuve-2"  # the list at the top
    return new


def _cell_added(nb):
    new = _reworded(nb)
    new.cells.append(nbformat.v4.new_markdown_cell("Fin."))
    return new


def _last_cell(nb):  # nothing after it on the page says where its HTML ends
    new = _reworded(nb)
    new.cells[-1].outputs[0].data["text/html"] = "<p>Un autre tableau</p>"
    return new


def _metadata(nb):
    new = _reworded(nb)
    new.metadata["title"] = "Autre"
    return new


@pytest.mark.parametrize("edit", [_heading_moved, _evidence_label, _evidence_moved, _cell_added, _last_cell, _metadata])
def test_what_it_cannot_vouch_for_is_rendered_whole(site, edit):
    out, nb = site
    new = edit(nb)
    path, by_cells = _write(out, new, previous=True)
    assert not by_cells and path.read_text(encoding="utf-8") == _whole(out, new)


def test_another_page_stamp_or_context_is_rendered_whole(site):
    out, nb = site
    page = out / "review" / f"{TID}.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Portrait test", "Édité à la main"), encoding="utf-8")
    new = _reworded(nb)
    path, by_cells = _write(out, new, previous=True)  # the page on disk is not the stamped one
    assert not by_cells and path.read_text(encoding="utf-8") == _whole(out, new)
    newer = _reworded(new)
    newer.cells[3].outputs[0].data["text/markdown"] = "## Emploi\n\nAutres mots."
    path, by_cells = _write(out, newer, previous=True, name="Autre nom")  # another title
    assert not by_cells and path.read_text(encoding="utf-8") == _whole(out, newer, name="Autre nom")
    other = _reworded(nb)
    other.cells[3].outputs[0].data["text/markdown"] = "## Emploi\n\nÉcrit par un autre."
    nbformat.write(other, out / "notebooks" / f"{TID}.ipynb")  # not the notebook the page was stamped with
    path, by_cells = _write(out, nb, previous=True, name="Autre nom")
    assert not by_cells and path.read_text(encoding="utf-8") == _whole(out, nb, name="Autre nom")
