"""Text cells whose words changed: which those are (carry_over), and their outputs without a
kernel (replay), equal to a run of the reworded template (tests/fixtures/preview/narrative.qmd)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from portraits.execution import narrative
from portraits.execution.execute import WarmKernel, prepare_notebook
from portraits.template import reader

TEMPLATE = (Path(__file__).parents[1] / "fixtures" / "preview" / "narrative.qmd").read_text(encoding="utf-8")
SENTENCE = "Le territoire `{python} territory` vaut `{python} value` cette année."
REWORDED = "Le territoire `{python} territory`, relu, vaut `{python} value` en 2024."


def _prepared(tmp_path, text: str) -> nbformat.NotebookNode:
    path = tmp_path / "t.qmd"
    path.write_text(text, encoding="utf-8")
    return prepare_notebook(reader.read_qmd(path), {"territory": "ti-8413"})


def _narrative_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if narrative.is_narrative(c)]


def test_structure_ignores_words_and_template_lines_not_code(tmp_path):
    key = narrative.structure_key(_prepared(tmp_path, TEMPLATE))
    assert narrative.structure_key(_prepared(tmp_path, TEMPLATE.replace(SENTENCE, REWORDED))) == key
    assert narrative.structure_key(_prepared(tmp_path, TEMPLATE.replace("## Titre", "\n\n## Titre"))) == key
    assert narrative.structure_key(_prepared(tmp_path, TEMPLATE.replace("6 * 7", "6 * 8"))) != key


def test_carry_over_names_the_reworded_cell_and_refuses_other_expressions(tmp_path):
    before = _prepared(tmp_path, TEMPLATE)
    sentence = _narrative_cells(before)[0]
    for i in narrative.code_cells(before):
        before.cells[i].outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"out {i}")]
    after = _prepared(tmp_path, TEMPLATE.replace(SENTENCE, REWORDED))
    assert narrative.carry_over(before, after) == [sentence]
    kept = [i for i in narrative.code_cells(after) if i != sentence]
    assert [after.cells[i].outputs for i in kept] == [before.cells[i].outputs for i in kept]
    assert narrative.logic(after.cells[sentence]) == (["territory", "territory", "value"], [])
    more = _prepared(tmp_path, TEMPLATE.replace(SENTENCE, SENTENCE + ' `{python} note("x")`'))
    assert narrative.carry_over(before, more) is None  # a new expression: it may change later cells
    cond = TEMPLATE.replace(SENTENCE, f'[{SENTENCE}]{{.content-visible when-meta="available.x"}}')
    assert narrative.carry_over(before, _prepared(tmp_path, cond)) is None



@pytest.fixture(scope="module")
def kernel():
    with WarmKernel() as k:
        yield k


def _run(kernel, tmp_path, text: str) -> nbformat.NotebookNode:
    path = tmp_path / "t.qmd"
    path.write_text(text, encoding="utf-8")
    result = kernel.execute(reader.read_qmd(path), {"territory": "ti-8413"}, timeout=60)
    return result.nb


def _outputs(nb):
    return [c.get("outputs") for c in nb.cells]


@pytest.mark.parametrize("new", [
    REWORDED,
    "Plus loin.\n\n" + REWORDED,  # a line more: this cell's and the later cells' lines move
])
def test_a_reworded_cell_replayed_equals_a_run_of_the_new_template(kernel, tmp_path, new):
    ran = _run(kernel, tmp_path, TEMPLATE)
    nb = _prepared(tmp_path, TEMPLATE.replace(SENTENCE, new))
    assert narrative.replay(ran, nb)
    expected = _run(kernel, tmp_path, TEMPLATE.replace(SENTENCE, new))
    assert _outputs(nb) == _outputs(expected)
    assert any("relu, vaut 42 en 2024" in nb.cells[i].outputs[0]["data"]["text/markdown"] for i in _narrative_cells(nb))


def test_what_cannot_be_replayed_is_refused(kernel, tmp_path):
    ran = _run(kernel, tmp_path, TEMPLATE)
    other = TEMPLATE.replace(SENTENCE, SENTENCE.replace("`{python} value`", "`{python} value + 1`"))
    assert not narrative.replay(ran, _prepared(tmp_path, other))  # another expression
    no_log = _prepared(tmp_path, TEMPLATE)
    for cell in ran.cells:  # a notebook made before text cells kept their log
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("portraits", None)
    assert not narrative.replay(ran, _prepared(tmp_path, TEMPLATE.replace(SENTENCE, REWORDED)))
    assert narrative.replay(ran, no_log)  # nothing reworded: nothing to replay
    failed = _run(kernel, tmp_path, TEMPLATE.replace("`{python} value`", "`{python} value / 0`"))
    fixed = TEMPLATE.replace("`{python} value`", "`{python} value / 0`").replace("cette année", "en 2024")
    assert not narrative.replay(failed, _prepared(tmp_path, fixed))  # the cell failed last time
