"""The portrait's classes (portrait_classes.lua): margin blocks, Pour comprendre."""

from __future__ import annotations

import nbformat
from _cells_support import SVG, code, display, render_html, stream

from portraits.render import builtin


def test_column_margin_is_set_beside_the_previous_block(tmp_path):
    cells = (code("#| output: asis\nprint(t)", stream("Texte d'introduction.\n")),
             code("#| column: margin\n#| label: fig-carte\n#| fig-cap: Carte\nm", display({"image/svg+xml": SVG})))
    main = render_html(tmp_path, *cells)
    pair = main.find(class_="with-margin")
    assert pair.find(class_="with-margin-main").get_text(strip=True) == "Texte d’introduction."
    assert pair.find(class_="column-margin").find("figure", id="fig-carte") is not None
    nb = nbformat.v4.new_notebook(cells=list(cells))
    path = tmp_path / "m.ipynb"
    nbformat.write(nb, path)
    from pypdf import PdfReader

    text = PdfReader(builtin.render_pdf(path, tmp_path / "m.pdf")).pages[0].extract_text()
    assert "Texte d’introduction." in text and "Figure\u00a01\u202f: Carte" in text


def test_understand_div_is_small_two_columns_in_pdf_only(tmp_path):
    md = "## Pour comprendre\n\n::: {.understand}\n\n- **Population** : définition.\n\n:::\n"
    main = render_html(tmp_path, code("#| output: asis\nprint(t)", stream(md)))
    assert main.find("div", class_="understand").find("li") is not None
    nb = nbformat.v4.new_notebook(cells=[code("#| output: asis\nprint(t)", stream(md))])
    path = tmp_path / "u.ipynb"
    nbformat.write(nb, path)
    from pypdf import PdfReader

    text = PdfReader(builtin.render_pdf(path, tmp_path / "u.pdf")).pages[0].extract_text()
    assert "Pour comprendre" in text and "Population" in text
