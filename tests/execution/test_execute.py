"""The warm kernel: papermill-like notebooks, no state leaking between territories, errors kept
(one template per way a territory fails: tests/fixtures/templates/)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from portraits.execution.execute import WarmKernel, prepare_notebook
from portraits.template.reader import read_qmd

FIXTURES = Path(__file__).parents[1] / "fixtures" / "templates"


def _template(*sources: str) -> nbformat.NotebookNode:
    cells = [new_code_cell('territory = "ti-8413"', metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(s) for s in sources]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                               "display_name": "Python 3"}})


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    with WarmKernel(cwd=tmp_path_factory.mktemp("kernel")) as k:
        yield k


def _outputs(nb, kind="execute_result"):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == kind]


def test_parameters_injected_like_papermill(kernel):
    result = kernel.execute(_template("territory"), {"territory": "ti-0101"})
    assert result.ok
    tags = [c.metadata.get("tags", []) for c in result.nb.cells]
    assert tags[1] == ["injected-parameters"]
    assert result.nb.metadata.papermill["parameters"] == {"territory": "ti-0101"}
    assert _outputs(result.nb)[-1].data["text/plain"] == "'ti-0101'"


def test_preparing_a_notebook_leaves_the_template_unchanged():
    # the warm kernel prepares every territory from the same template object
    template = _template("territory")
    before = nbformat.writes(template)
    nb = prepare_notebook(template, {"territory": "ti-0101"})
    assert len(nb.cells) == 3 and nbformat.writes(template) == before
    assert "papermill" not in template.metadata and "papermill" not in template.cells[0].metadata


def test_state_does_not_leak_between_territories(kernel):
    first = _template(
        "leaked = territory",
        "import matplotlib, matplotlib.pyplot as plt\n"
        "matplotlib.rcParams['lines.linewidth'] = 9\nplt.figure()\nimport os; os.chdir('/')",
    )
    assert kernel.execute(first, {"territory": "ti-0001"}).ok
    second = _template(
        "import matplotlib, matplotlib.pyplot as plt, os\n"
        "('leaked' in globals(), matplotlib.rcParams['lines.linewidth'], len(plt.get_fignums()), os.getcwd())"
    )
    result = kernel.execute(second, {"territory": "ti-0002"})
    assert result.ok
    value = _outputs(result.nb)[-1].data["text/plain"]
    assert value == repr((False, 1.5, 0, kernel.cwd))


def test_figures_use_the_inline_backend(kernel):
    result = kernel.execute(_template("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"),
                            {"territory": "ti-0001"})
    assert any("image/png" in o.data for o in _outputs(result.nb, "display_data"))


def _failing_cell(nb):
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    return cell


def test_failure_is_recorded_like_papermill_and_kernel_stays_usable(kernel):
    result = kernel.execute(read_qmd(FIXTURES / "cell_raises.qmd"), {"territory": "ti-0001"})
    assert not result.ok
    assert (result.error.ename, result.error.evalue) == ("ValueError", "pas de données pour ti-0001")
    # front matter (raw), the fixture's comment, parameters, injected, then the failing cell
    assert result.error.cell_index == 4
    assert "papermill-error-cell-tag" in result.nb.cells[0].metadata.tags
    assert result.nb.cells[-1].execution_count is None  # the cells after the failure do not run
    assert kernel.execute(_template("1 + 1"), {"territory": "ti-0004"}).ok
    # another territory runs the same template through
    assert kernel.execute(read_qmd(FIXTURES / "cell_raises.qmd"), {"territory": "ti-0002"}).ok


# Each fixture's comment says what it exercises and what is expected: the error (papermill's ename
# and evalue), the template line of the failing cell, whether the kernel had to be replaced. A
# build fails that territory alone (exit status 1); the kernel serves the next one.
FAILURES = {
    "cell_raises": (None, "ValueError", "pas de données pour ti-0001", 15, False),
    "cell_hangs": (2, "TimeoutError", "the notebook exceeded its time limit of 2 s", 16, True),
    "kernel_dies": (None, "DeadKernelError", "the kernel died while running this cell", 17, True),
    "inline_raises": (None, "InlineError", "inline_raises.qmd:22: `{python} shares[territory]` failed for "
                      "ti-0001: KeyError: 'ti-0001'", 21, False),
    "when_meta_without_metadata": (None, "InlineError", "when_meta_without_metadata.qmd:16: a `when-meta` "
                                   "condition needs the territory's metadata: display `p.metadata()` in a "
                                   "cell before this text", 16, False),
    "span_without_bracket": (None, "InlineError", 'span_without_bracket.qmd:15: a `]{.content-visible '
                             'when-meta="available.poverty_rate"}` span has no opening bracket', 15, False),
}


@pytest.mark.parametrize("fixture, expected", FAILURES.items(), ids=list(FAILURES))
def test_a_failing_territory_keeps_its_error_and_template_line(kernel, fixture, expected):
    timeout, ename, evalue, line, restarted = expected
    path = FIXTURES / f"{fixture}.qmd"
    result = kernel.execute(read_qmd(path), {"territory": "ti-0001"}, timeout=timeout)
    assert (result.error.ename, result.error.evalue) == (ename, evalue)
    assert result.kernel_restarted is restarted
    assert _failing_cell(result.nb).metadata["portraits"]["line"] == line
    assert " ".join(evalue.split()) in " ".join(path.read_text(encoding="utf-8").split())  # its comment says so
    assert kernel.execute(_template("1 + 1"), {"territory": "ti-0006"}).ok  # the next territory runs


def test_dead_kernel_is_restarted_and_the_territory_retried(kernel, tmp_path):
    flag = tmp_path / "crashed-once"
    result = kernel.execute(read_qmd(FIXTURES / "kernel_dies.qmd"), {"territory": "ti-0007", "crash_flag": str(flag)})
    assert result.ok and result.kernel_restarted
    assert flag.exists()  # it did die once
    assert _outputs(result.nb)[-1].data["text/plain"] == "'survived'"


def test_a_failing_cell_is_named_by_its_template_line_and_label(kernel, tmp_path):
    path = tmp_path / "t.qmd"
    path.write_text('---\ntitle: "t"\njupyter: python3\n---\n\n```{python}\n#| tags: [parameters]\n'
                    'territory = "ti-8413"\n```\n\n```{python}\n#| label: fig-secteurs\n#| tags: [chart]\n'
                    'x = 1\n\nraise ValueError(f"unknown chart {territory!r}")\n```\n', encoding="utf-8")
    result = kernel.execute(read_qmd(path), {"territory": "ti-0601"}, input_path=str(path))
    error = result.error
    assert (error.template, error.template_line, error.label) == ("t.qmd", 16, "fig-secteurs")
    assert error.summary() == ("t.qmd:16 (fig-secteurs, cell 3, In [3]): ValueError: unknown chart 'ti-0601'")


def test_a_failing_text_cell_keeps_its_expression_line_in_its_message(kernel):
    path = FIXTURES / "inline_raises.qmd"
    error = kernel.execute(read_qmd(path), {"territory": "ti-0001"}, input_path=str(path)).error
    _, ename, evalue, line, _ = FAILURES["inline_raises"]
    assert error.summary().startswith(f"inline_raises.qmd:{line} (Markdown, cell ")
    assert error.summary().endswith(f"{ename}: {evalue}")  # which names the expression's own line


def test_a_notebook_template_is_named_by_its_cell(kernel):
    error = kernel.execute(_template("1 / 0"), {"territory": "ti-0001"}, input_path="t.ipynb").error
    assert error.template_line is None and error.summary() == "cell 2 (In [3]): ZeroDivisionError: division by zero"
