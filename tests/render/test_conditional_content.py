"""Conditional content (conditional_content.lua)."""

from __future__ import annotations

import nbformat
from _cells_support import render_html


def test_conditional_content_formats(tmp_path):
    md = nbformat.v4.new_markdown_cell(
        '::: {.content-visible unless-format="html"}\nPas en HTML.\n:::\n\n'
        '::: {.content-hidden when-format="pdf"}\nPas en PDF.\n:::\n\n'
        '::: {.content-visible when-format="typst"}\nTypst seulement.\n:::\n')
    text = render_html(tmp_path, md).get_text()
    assert "Pas en HTML." not in text and "Typst seulement." not in text
    assert "Pas en PDF." in text
