"""Unit tests of portraits.preview.failures: a template error's line in the .qmd."""

from __future__ import annotations

from pathlib import Path

import pytest

from portraits.preview import failures

TEMPLATE = (Path(__file__).parents[1] / "fixtures" / "preview" / "portrait.qmd").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, bad", [
    ("#| output: asis", "#| output: asis\n#| echo: [", "#| echo: ["),          # a cell's options
    ('title: "Aperçu"', 'title: "Aperçu', 'title: "Aperçu'),                      # unclosed quote
    ("lang: fr", "lang: fr\n  bad: indent", "  bad: indent"),                     # bad mapping
])
def test_template_error_line_points_at_the_bad_line(tmp_path, old, new, bad):
    from portraits.template import reader

    text = TEMPLATE.replace(old, new)
    path = tmp_path / "t.qmd"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(reader.TemplateError) as info:
        reader.read_qmd(path)
    assert failures.template_error_line(text, info.value) == text.splitlines().index(bad) + 1


def test_line_in_message_finds_the_template_name_and_line():
    assert failures.line_in_message("NameError in portrait.qmd:12: name 'x' is not defined", "portrait.qmd") == 12
    assert failures.line_in_message("see (portrait.qmd:3)", "portrait.qmd") == 3
    assert failures.line_in_message("other.qmd:12", "portrait.qmd") is None
