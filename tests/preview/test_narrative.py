"""portraits.preview.narrative: which edits re-evaluate only their text, and a page built that
way equals the page of a full run (tests/fixtures/preview/narrative.qmd: a sentence with inline
expressions, a cell after it that reads what an expression may change)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from portraits.execution.execute import prepare_notebook
from portraits.execution import narrative
from portraits.preview.server import Preview
from portraits.template import reader

TEMPLATE = (Path(__file__).parents[1] / "fixtures" / "preview" / "narrative.qmd").read_text(encoding="utf-8")
SENTENCE = "Le territoire `{python} territory` vaut `{python} value` cette année."
REWORDED = "Le territoire `{python} territory`, relu, vaut `{python} value` en 2024."
BOUND = 60.0  # seconds for one rebuild (2 shared cores)


def _prepared(tmp_path, text: str) -> nbformat.NotebookNode:
    path = tmp_path / "t.qmd"
    path.write_text(text, encoding="utf-8")
    return prepare_notebook(reader.read_qmd(path), {"territory": "ti-8413"})


def _narrative_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if narrative.is_narrative(c)]


def _body(page: bytes) -> bytes:
    return page.split(b'<div id="portraits-preview-status"')[0]  # the reload script names the version


def _full_page(tmp_path, text: str) -> bytes:
    path = tmp_path / "full" / "portrait.qmd"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with Preview("ti-8413", path, port=0, package_dir=tmp_path / "full", processed_dir=tmp_path / "none",
                 reuse=False) as p:
        version = p.wait_for(1, 120)
        assert version is not None and version.ok, version
        return version.page


@pytest.fixture
def preview(tmp_path):
    def start(text: str) -> tuple[Preview, Path]:
        path = tmp_path / "portrait.qmd"
        path.write_text(text, encoding="utf-8")
        p = Preview("ti-8413", path, port=0, package_dir=tmp_path / "package", processed_dir=tmp_path / "none")
        (tmp_path / "package").mkdir()
        p.start()
        opened.append(p)
        assert p.wait_for(1, 120) is not None
        return p, path
    opened: list[Preview] = []
    yield start
    for p in opened:
        p.close()


def _edit(p: Preview, path: Path, text: str):
    gen = p.version.generation
    path.write_text(text, encoding="utf-8")
    version = p.wait_for(gen + 1, BOUND)
    assert version is not None and version.ok, version
    return version


def test_a_reworded_sentence_is_evaluated_alone_and_equals_a_full_run(preview, tmp_path):
    p, path = preview(TEMPLATE)
    edited = TEMPLATE.replace(SENTENCE, REWORDED)
    version = _edit(p, path, edited)
    assert "narrative" in version.timings and "execute" not in version.timings
    assert b"relu, vaut 42" in version.page
    assert _body(version.page) == _body(_full_page(tmp_path, edited))


def test_a_new_expression_runs_everything(preview):
    p, path = preview(TEMPLATE)
    version = _edit(p, path, TEMPLATE.replace(SENTENCE, SENTENCE + ' Mot : `{python} note("x")`.'))
    assert "execute" in version.timings
    assert b"Notes\xe2\x80\xaf: 1." in version.page or b"Notes : 1." in version.page


def test_a_later_cell_that_rebinds_a_name_the_text_reads_turns_the_shortcut_off(preview):
    rebinding = TEMPLATE.replace('print(f"Notes', 'value = 0\nprint(f"Notes')
    p, path = preview(rebinding)
    version = _edit(p, path, rebinding.replace(SENTENCE, REWORDED))
    assert "execute" in version.timings and "narrative" not in version.timings
    assert b"relu, vaut 42" in version.page  # what a full run says: the text runs before


@pytest.mark.e2e
@pytest.mark.usefixtures("processed")
def test_the_real_template_reworded_equals_a_full_run(tmp_path):
    """The benchmark's sentence edit of portrait_template.qmd (benchlib.edit_sentence)."""
    import importlib.util

    from portraits.core import config

    spec = importlib.util.spec_from_file_location("benchlib", config.PROJECT_DIR / "benchmarks" / "benchlib.py")
    benchlib = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchlib)
    original = config.template_path().read_text(encoding="utf-8")
    edited, words = benchlib.edit_sentence(original, 1)
    path = tmp_path / "portrait.qmd"
    path.write_text(original, encoding="utf-8")
    (tmp_path / "package").mkdir()
    with Preview("ti-8413", path, port=0, package_dir=tmp_path / "package", processed_dir=tmp_path / "none") as p:
        assert p.wait_for(1, 180) is not None
        version = _edit(p, path, edited)
    assert "narrative" in version.timings and "execute" not in version.timings
    assert words.encode() in version.page
    assert _body(version.page) == _body(_full_page(tmp_path, edited))
