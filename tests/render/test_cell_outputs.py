"""A cell's outputs (cell_outputs.lua): one representation each, DataFrames as tables."""

from __future__ import annotations

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from _cells_support import PNG, SVG, code, display, render_html, stream

from portraits.render import builtin


def test_best_representation_wins(tmp_path):
    both = {"image/svg+xml": SVG, "image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure size 1x1>"}
    main = render_html(
        tmp_path,
        code("#| fig-alt: Un rectangle bleu\nx", display(both)),
        code("y", display({"image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure size 1x1>"},
                          {"image/png": {"alt": "Un point gris"}})),
        code("z", display({"text/html": "<b>gras</b>", "text/plain": "repr texte"})),
        code("w", display({"text/plain": "<__main__.Thing object at 0x7f00aa>"})),
        code("v", nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1)),
    )
    # the SVG is kept, inline in the HTML page (inline_images.lua), its alt text as its label
    [svg] = main.find_all("svg")
    imgs = main.find_all("img")
    assert [i["src"].split(";")[0] for i in imgs] == ["data:image/png"]
    assert [svg["aria-label"], *(i["alt"] for i in imgs)] == ["Un rectangle bleu", "Un point gris"]
    assert main.find("b").get_text() == "gras"
    text = main.get_text()
    assert "repr texte" not in text and "Figure size" not in text and "object at" not in text
    assert "42" in text


def test_asis_stream_and_markdown_outputs(tmp_path):
    main = render_html(
        tmp_path,
        code("#| output: asis\nprint(...)", stream("::: {.source}\nSource : *Insee*.\n:::\n")),
        code("m", display({"text/markdown": "Un **territoire**.", "text/plain": "<IPython.core.display.Markdown object>"})),
    )
    source = main.find(class_="source")
    assert source.find("em").get_text() == "Insee"
    assert main.find("strong").get_text() == "territoire"
    assert "IPython" not in main.get_text()


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_multiline_caption_and_table_without_index_name(tmp_path, fmt):
    html_table = ('<table border="1" class="dataframe"><thead><tr><th></th><th>A</th></tr>'
                  '<tr><th>nom</th><th></th></tr></thead><tbody><tr><th>x</th><td>1\u202f234</td></tr>'
                  '</tbody></table>')
    cell = code("#| label: tbl-t\n#| tbl-cap: |\n#|   Un tableau\n#|   sur deux lignes\ndf",
                display({"text/html": html_table, "text/plain": "df"}))
    nb = nbformat.v4.new_notebook(cells=[cell])
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    if fmt == "html":
        out = builtin.render_html(path, tmp_path / "t.html")
        table = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").find("table", id="tbl-t")
        assert len(table.thead.find_all("tr")) == 1
        assert "Un tableau sur deux lignes" in " ".join(table.caption.get_text().split())
    else:
        from pypdf import PdfReader

        out = builtin.render_pdf(path, tmp_path / "t.pdf")
        text = PdfReader(out).pages[0].extract_text()
        assert "Tableau\u00a01\u202f: Un tableau" in text and "1\u202f234" in text
        assert "nom" not in text
