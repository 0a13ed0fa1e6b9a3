"""The template under Quarto's own code, as a statistician with Quarto runs it:
`quarto render portrait_template.qmd -P territory:ID --to html` (project settings from
_quarto.yml). For four territories: Quarto's path executes without error, leaves no literal inline
code, no Python repr and no glued words, and its narrative (section titles included) is the
built-in engine's, word for word."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portraits.core import config

from .harness import cli_params
from .text import captions, glued_words, leftovers, narrative, sources, typography, visible_text

pytestmark = [pytest.mark.quarto, pytest.mark.e2e, pytest.mark.usefixtures("processed")]

TERRITORIES = ["ti-8413", "ti-0101", "ti-0601", "ti-1105"]


@pytest.fixture(scope="module")
def builtin_html(tmp_path_factory) -> dict[str, str]:
    """The built-in engine's HTML of the four territories (one build)."""
    out = tmp_path_factory.mktemp("builtin")
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *TERRITORIES, "--formats", "html",
                           "--engine", "builtin", "--output", str(out)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {tid: (out / "html" / f"{tid}.html").read_text(encoding="utf-8") for tid in TERRITORIES}


@pytest.fixture(scope="module")
def quarto_docs(quarto):
    """Quarto's render of the template for each territory: the document, or the error Quarto
    stops with (kept so that every test reports it)."""
    docs = {}
    project_yaml = config.PROJECT_DIR / "_quarto.yml"
    for tid in TERRITORIES:
        try:
            docs[tid] = quarto.render(config.template_path(), cli_params(f"territory:{tid}"),
                                      project_yaml if project_yaml.is_file() else None)
        except AssertionError as exc:  # QuartoRunError: Quarto's own message
            docs[tid] = exc
    return docs


def _doc(quarto_docs, tid):
    doc = quarto_docs[tid]
    if isinstance(doc, AssertionError):
        pytest.fail(f"Quarto's path fails on the template for {tid}:\n{doc}")
    return doc


@pytest.mark.parametrize("tid", TERRITORIES)
def test_quarto_executes_the_template(quarto_docs, tid):
    doc = _doc(quarto_docs, tid)
    assert doc.executed, "Quarto does not execute the template (execute: enabled: false in _quarto.yml?)"
    errors = [o for c in doc.notebook["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors


@pytest.mark.parametrize("tid", TERRITORIES)
def test_no_inline_code_nor_repr_left(quarto_docs, tid):
    found = leftovers(visible_text(_doc(quarto_docs, tid).html))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("tid", TERRITORIES)
def test_no_glued_words(quarto_docs, builtin_html, tid):
    html = _doc(quarto_docs, tid).html
    glued = glued_words(" ".join(narrative(html) + sources(html)), visible_text(builtin_html[tid]))
    assert not glued, glued


@pytest.mark.parametrize("tid", TERRITORIES)
def test_narrative_is_the_builtin_engines(quarto_docs, builtin_html, tid):
    ours, theirs = narrative(builtin_html[tid]), narrative(_doc(quarto_docs, tid).html)
    assert len(ours) > 10, ours  # the reading found the text
    assert theirs == ours


@pytest.mark.parametrize("tid", TERRITORIES)
def test_source_lines_are_the_builtin_engines(quarto_docs, builtin_html, tid):
    assert sources(_doc(quarto_docs, tid).html) == sources(builtin_html[tid])


@pytest.mark.parametrize("tid", TERRITORIES)
def test_captions_are_the_builtin_engines(quarto_docs, builtin_html, tid):
    # the labels come from _quarto.yml's crossref settings, read by Quarto's crossref filters
    assert captions(_doc(quarto_docs, tid).html) == captions(builtin_html[tid])


@pytest.mark.parametrize("tid", TERRITORIES)
def test_french_typography_is_the_builtin_engines(quarto_docs, builtin_html, tid):
    # the same narrow and ordinary no-break spaces: _quarto.yml's typography filter runs in
    # Quarto's chain as in ours
    html = _doc(quarto_docs, tid).html
    assert narrative(html, typography) == narrative(builtin_html[tid], typography)
