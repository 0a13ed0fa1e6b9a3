"""The Lua filter quarto_cells.lua (Quarto's cell rules for the built-in engine), on small hand-made
executed notebooks (no kernel needed)."""

from __future__ import annotations

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup

from portraits.render import builtin

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
       '<rect width="120" height="40" fill="#17375e"/></svg>')
PNG = base64.b64decode(  # 1x1 grey pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")


def display(data, metadata=None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def code(source, *outputs):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def render_html(tmp_path, *cells, context=None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell("---\ntitle: Essai\n---"), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    out = builtin.render_html(path, tmp_path / "nb.html", context=context)
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").find("main")


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_include_false_and_output_false(tmp_path):
    main = render_html(
        tmp_path,
        code("#| include: false\nprint('caché')", stream("caché")),
        code("#| output: false\nprint('muet')", stream("muet")),
        code("#| echo: false\nprint('visible')", stream("visible")),
    )
    text = main.get_text()
    assert "caché" not in text and "muet" not in text and "print" not in text
    assert "visible" in text


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


def test_asis_prints_split_across_stream_outputs(tmp_path):
    main = render_html(tmp_path, code("#| output: asis\nprint(...)",
                                      stream("::: {.key-figures}\n::: {.key-figure}\n"),
                                      stream("[1]{.value}\n[un]{.label}\n:::\n"),
                                      stream(":::\n")))
    assert main.select_one(".key-figures .key-figure .value").get_text() == "1"
    assert ":::" not in main.get_text()


def test_warnings_hidden_unless_asked(tmp_path):
    main = render_html(
        tmp_path,
        code("a", stream("UserWarning: caché", "stderr")),
        code("#| warning: true\nb", stream("UserWarning: montré", "stderr")),
    )
    assert "caché" not in main.get_text() and "montré" in main.get_text()


def test_conditional_content_formats(tmp_path):
    md = nbformat.v4.new_markdown_cell(
        '::: {.content-visible unless-format="html"}\nPas en HTML.\n:::\n\n'
        '::: {.content-hidden when-format="pdf"}\nPas en PDF.\n:::\n\n'
        '::: {.content-visible when-format="typst"}\nTypst seulement.\n:::\n')
    text = render_html(tmp_path, md).get_text()
    assert "Pas en HTML." not in text and "Typst seulement." not in text
    assert "Pas en PDF." in text


def test_unknown_crossref_is_left_alone(tmp_path):
    md = nbformat.v4.new_markdown_cell("Voir @fig-absente.")
    assert "@fig-absente" in render_html(tmp_path, md).get_text()


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


def test_wide_pipe_table_gets_automatic_widths(tmp_path):
    header = "| Indicateur | Territoire | Région | France | Ensemble des Territoires d'industrie | Rang |"
    row = "| Part de l'industrie dans l'emploi (2022) | 34,6 % | 14,7 % | 11,7 % | 13,2 % | 2e/173 |"
    table = "\n".join([header, "|:--|--:|--:|--:|--:|--:|", row, "", ": Comparaison {#tbl-c}", ""])
    main = render_html(tmp_path, code("#| output: asis\nprint(t)", stream(table)))
    html_table = main.find("table", id="tbl-c")
    assert html_table.find("colgroup") is None  # no squeezed relative widths
    assert html_table.caption.get_text().startswith("Tableau\u00a01")
    assert "right" in html_table.tbody.find_all("td")[1].get("style", "")


def test_image_alt_from_output_metadata_wins_over_static_fig_alt(tmp_path):
    # the static fig-alt is the fallback (what Quarto shows); the per-image alt written from the
    # data wins with the builtin engine
    main = render_html(
        tmp_path,
        code("#| fig-alt: Texte statique\n#| label: fig-a\n#| fig-cap: Un graphique\na",
             display({"image/svg+xml": SVG}, {"image/svg+xml": {"alt": "Texte écrit à partir des données"}})),
        code("#| fig-alt: Texte statique\nb", display({"image/svg+xml": SVG})),
    )
    labels = [i["aria-label"] for i in main.find_all("svg")]  # inline SVG (inline_images.lua)
    assert labels == ["Texte écrit à partir des données", "Texte statique"]


def test_image_alt_from_output_metadata_wins_in_pdf(tmp_path):
    cell = code("#| fig-alt: Texte statique\na",
                display({"image/svg+xml": SVG}, {"image/svg+xml": {"alt": "Alternative dynamique"}}))
    nb = nbformat.v4.new_notebook(cells=[cell])
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    data = builtin.render_pdf(path, tmp_path / "a.pdf").read_bytes()
    assert b"Alternative dynamique" in data and b"Texte statique" not in data


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
