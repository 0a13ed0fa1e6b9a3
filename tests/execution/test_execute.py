"""The warm kernel: papermill-like notebooks, no state leaking between territories, errors kept."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from portraits.execution.execute import WarmKernel


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


def test_failure_is_recorded_like_papermill_and_kernel_stays_usable(kernel):
    result = kernel.execute(_template("x = 1", "raise ValueError('boom ' + territory)", "y = 2"),
                            {"territory": "ti-0003"})
    assert not result.ok
    assert (result.error.ename, result.error.evalue) == ("ValueError", "boom ti-0003")
    assert result.error.cell_index == 3  # parameters, injected, x = 1, then the failing cell
    assert "papermill-error-cell-tag" in result.nb.cells[0].metadata.tags
    assert kernel.execute(_template("1 + 1"), {"territory": "ti-0004"}).ok


def test_timeout_interrupts_and_replaces_the_kernel(kernel):
    result = kernel.execute(_template("import time\ntime.sleep(60)"), {"territory": "ti-0005"}, timeout=2)
    assert result.error.ename == "TimeoutError"
    assert result.kernel_restarted
    assert kernel.execute(_template("1 + 1"), {"territory": "ti-0006"}).ok


def test_dead_kernel_is_restarted_and_the_territory_retried(kernel, tmp_path):
    flag = tmp_path / "crashed-once"
    crash_once = (f"import os\nif not os.path.exists({str(flag)!r}):\n"
                  f"    open({str(flag)!r}, 'w').close()\n    os._exit(1)\n'survived'")
    result = kernel.execute(_template(crash_once), {"territory": "ti-0007"})
    assert result.ok and result.kernel_restarted
    assert _outputs(result.nb)[-1].data["text/plain"] == "'survived'"
