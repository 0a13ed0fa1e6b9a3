"""Unit tests of portraits.preview.runner: what counts as a code change, and the outputs of
the last run reused when no code changed. (The rebuild loop itself, on a real kernel, is tested
through the server in test_preview.py: reuse, execution, restart, errors.)"""

from __future__ import annotations

from pathlib import Path

import nbformat

from portraits.template import reader
from portraits.execution.execute import prepare_notebook
from portraits.preview import runner

TEMPLATE = (Path(__file__).parents[1] / "fixtures" / "preview" / "portrait.qmd").read_text(encoding="utf-8")


def _read(tmp_path, text: str) -> nbformat.NotebookNode:
    path = tmp_path / "t.qmd"
    path.write_text(text, encoding="utf-8")
    return reader.read_qmd(path)


def _executed(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` as if run: a stream output in each code cell."""
    run = prepare_notebook(nb, {"territory": "ti-8413"})
    for i, cell in enumerate(c for c in run.cells if c.cell_type == "code"):
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"out {i}\n")]
        cell.execution_count = i + 1
    return run


def test_executed_code_drops_the_cell_options_only():
    assert runner.executed_code("#| echo: false\n#| output: asis\nx = 1\n#| not an option here") == \
        "x = 1\n#| not an option here"


def test_code_key_ignores_markdown_and_cell_options(tmp_path):
    key = runner.code_key(_read(tmp_path, TEMPLATE))
    assert runner.code_key(_read(tmp_path, TEMPLATE.replace("## Titre", "## Autre titre"))) == key
    assert runner.code_key(_read(tmp_path, TEMPLATE.replace("#| output: asis", "#| output: false"))) == key
    assert runner.code_key(_read(tmp_path, TEMPLATE.replace("6 * 7", "6 * 8"))) != key


def test_reuse_outputs_copies_the_last_run_when_the_code_is_the_same(tmp_path):
    previous = _executed(_read(tmp_path, TEMPLATE))
    edited = _read(tmp_path, TEMPLATE.replace("## Titre", "## Autre titre"))
    nb = runner.reuse_outputs(previous, edited, {"territory": "ti-8413"})
    assert nb is not None
    assert "## Autre titre" in "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    old = [c for c in previous.cells if c.cell_type == "code"]
    new = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.outputs for c in new] == [c.outputs for c in old]
    assert [c.execution_count for c in new] == [c.execution_count for c in old]
    # other code: nothing to reuse
    assert runner.reuse_outputs(previous, _read(tmp_path, TEMPLATE.replace("6 * 7", "6 * 8")),
                            {"territory": "ti-8413"}) is None
