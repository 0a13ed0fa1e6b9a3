"""The last pass (finish.lua): table widths, images with their alt text in the PDF."""

from __future__ import annotations

import nbformat
from _cells_support import SVG, code, display, render_html, stream

from portraits.render import builtin


def test_wide_pipe_table_gets_automatic_widths(tmp_path):
    header = "| Indicateur | Territoire | Région | France | Ensemble des Territoires d'industrie | Rang |"
    row = "| Part de l'industrie dans l'emploi (2022) | 34,6 % | 14,7 % | 11,7 % | 13,2 % | 2e/173 |"
    table = "\n".join([header, "|:--|--:|--:|--:|--:|--:|", row, "", ": Comparaison {#tbl-c}", ""])
    main = render_html(tmp_path, code("#| output: asis\nprint(t)", stream(table)))
    html_table = main.find("table", id="tbl-c")
    assert html_table.find("colgroup") is None  # no squeezed relative widths
    assert html_table.caption.get_text().startswith("Tableau\u00a01")
    assert "right" in html_table.tbody.find_all("td")[1].get("style", "")


def test_image_alt_from_output_metadata_wins_in_pdf(tmp_path):
    cell = code("#| fig-alt: Texte statique\na",
                display({"image/svg+xml": SVG}, {"image/svg+xml": {"alt": "Alternative dynamique"}}))
    nb = nbformat.v4.new_notebook(cells=[cell])
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    data = builtin.render_pdf(path, tmp_path / "a.pdf").read_bytes()
    assert b"Alternative dynamique" in data and b"Texte statique" not in data
