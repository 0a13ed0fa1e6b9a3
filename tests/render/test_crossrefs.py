"""Cross-references (crossrefs.lua)."""

from __future__ import annotations

import nbformat
from _cells_support import render_html


def test_unknown_crossref_is_left_alone(tmp_path):
    md = nbformat.v4.new_markdown_cell("Voir @fig-absente.")
    assert "@fig-absente" in render_html(tmp_path, md).get_text()
