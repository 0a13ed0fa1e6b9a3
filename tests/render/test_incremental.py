"""A notebook whose text cells alone changed is rendered block by block from the last render
(portraits.render.incremental), and its outputs are the bytes a whole render gives; anything it
cannot vouch for is rendered whole."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from portraits import render
from portraits.render import incremental

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "portrait.ipynb"
CONTEXT = {"name": "Vallée-Test", "title": "Territoire d'industrie — Vallée-Test", "review": "../review/ti-8499.html"}
NARRATIVE = 9  # a code cell showing Markdown: tagged as the template's text cells are, below
CALLOUT = 13  # a Markdown cell: conditional divs and a callout, no heading
HEADING = 6  # a Markdown cell: a heading and a cross-reference


def _notebook() -> dict:
    nb = json.loads(FIXTURE.read_text(encoding="utf-8"))
    nb["cells"][NARRATIVE]["metadata"]["tags"] = ["narrative"]
    return nb


def _edited(nb: dict, index: int, old: str, new: str) -> dict:
    nb = copy.deepcopy(nb)
    cell = nb["cells"][index]
    if cell["cell_type"] == "markdown":
        text = "".join(cell["source"])
        assert old in text
        cell["source"] = text.replace(old, new)
    else:
        data = cell["outputs"][0]["data"]
        text = "".join(data["text/markdown"])
        assert old in text
        data["text/markdown"] = text.replace(old, new)
    return nb


def _render(tmp: Path, name: str, nb: dict, **kw) -> tuple[render.Rendered, dict[str, bytes]]:
    out = tmp / name
    out.mkdir()
    ipynb = out / "ti-8499.ipynb"
    ipynb.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    done = render.render(ipynb, engine="builtin", context=kw.pop("context", CONTEXT),
                         html=out / "p.html", pdf=out / "p.pdf", **kw)
    return done, {fmt: path.read_bytes() for fmt, path in done.items()}


@pytest.fixture()
def kept(tmp_path):
    """The fixture rendered once with a render cache: (cache, the notebook's bytes)."""
    cache = tmp_path / "cache"
    nb = _notebook()
    _render(tmp_path, "first", nb, cache=cache)
    return cache, (tmp_path / "first" / "ti-8499.ipynb").read_bytes()


def _again(tmp_path, kept, new: dict, **kw):
    cache, previous = kept
    done, rendered = _render(tmp_path, "again", new, cache=cache, previous=previous, **kw)
    _, whole = _render(tmp_path, "whole", new, context=kw.get("context", CONTEXT))
    return done, rendered, whole


@pytest.mark.parametrize("index, old, new", [
    (NARRATIVE, "habitants", "résidents"),
    (CALLOUT, "Visible seulement en HTML.", "Visible en HTML seulement."),
    (CALLOUT, "Visible seulement en PDF.", "Visible en PDF seulement !"),
    (CALLOUT, "emplois situés", "emplois « situés »"),
], ids=["narrative", "html-only", "pdf-only", "quotes"])
def test_a_reworded_text_cell_is_rendered_block_by_block_and_equals_a_whole_render(tmp_path, kept, index, old, new):
    done, rendered, whole = _again(tmp_path, kept, _edited(_notebook(), index, old, new))
    assert done.by_blocks
    assert rendered == whole
    # the cache now stands for the new notebook: a second edit starts from it
    cache, _ = kept
    stamp = json.loads((cache / incremental.STAMP).read_text())
    assert stamp["notebook"] == incremental.sha((tmp_path / "again" / "ti-8499.ipynb").read_bytes())


def test_two_edits_in_a_row_start_each_from_the_last(tmp_path, kept):
    cache, _ = kept
    first = _edited(_notebook(), NARRATIVE, "habitants", "résidents")
    _render(tmp_path, "one", first, cache=cache, previous=kept[1])
    second = _edited(first, CALLOUT, "Visible seulement en HTML.", "Visible en HTML.")
    previous = (tmp_path / "one" / "ti-8499.ipynb").read_bytes()
    done, rendered = _render(tmp_path, "two", second, cache=cache, previous=previous)
    _, whole = _render(tmp_path, "whole", second)
    assert done.by_blocks and rendered == whole


@pytest.mark.parametrize("change", ["heading", "cross-reference", "code cell", "context", "other notebook"])
def test_what_it_cannot_vouch_for_is_rendered_whole(tmp_path, kept, change):
    nb, kw = _notebook(), {}
    if change == "heading":
        nb = _edited(nb, HEADING, "nettement supérieure", "supérieure")
    elif change == "cross-reference":
        nb = _edited(nb, HEADING, "(@fig-emploi)", "(@tbl-comparaison)")
    elif change == "code cell":  # a chart's code: not a text cell
        nb["cells"][7]["source"] = "".join(nb["cells"][7]["source"]) + "\n# autre code"
    elif change == "context":  # the page's metadata changed: the kept render is not this page's
        kw["context"] = {**CONTEXT, "name": "Autre-Vallée"}
    else:
        kept = (kept[0], b"{}")
    done, rendered, whole = _again(tmp_path, kept, nb, **kw)
    assert not done.by_blocks
    assert rendered == whole


def test_a_block_not_found_once_in_the_kept_page_renders_it_whole(tmp_path, kept):
    cache, _ = kept
    page = cache / "portrait.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("habitants", "résidents"), encoding="utf-8")  # the old block is gone
    done, rendered, whole = _again(tmp_path, kept, _edited(_notebook(), NARRATIVE, "habitants", "membres"))
    assert not done.by_blocks
    assert rendered == whole


def test_only_text_cells_may_differ():
    nb = _notebook()
    timing = copy.deepcopy(nb)
    timing["cells"][7]["metadata"]["papermill"] = {"duration": 1.0}  # not what the page shows
    timing["cells"][7]["id"] = "autre"
    assert incremental.changed_cells(nb, timing) == []
    text = _edited(nb, CALLOUT, "Visible seulement en HTML.", "Visible en HTML.")
    assert incremental.changed_cells(nb, text) == [(nb["cells"][CALLOUT], text["cells"][CALLOUT])]
    code = copy.deepcopy(nb)
    code["cells"][7]["source"] = "pass"
    assert incremental.changed_cells(nb, code) is None
    shorter = copy.deepcopy(nb)
    shorter["cells"].pop()
    assert incremental.changed_cells(nb, shorter) is None


def test_without_a_cache_nothing_is_kept(tmp_path):
    done, _ = _render(tmp_path, "plain", _notebook())
    assert not done.by_blocks
    assert not list(tmp_path.glob("**/" + incremental.STAMP))
