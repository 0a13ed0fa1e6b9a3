"""A sentence edit re-evaluates only the edited text, in the warm kernel that ran the rest.

The template reader turns each Markdown cell with inline expressions or ``when-meta``
conditions into a code cell tagged ``narrative`` that calls ``inline.markdown(text, …)``. When
an edit rewords such text and changes nothing else that runs, the kernel still holds the last
full run of the same code, so only the edited cells are evaluated again there and every other
cell keeps its outputs. The page then equals a full rebuild's if:

1. the code cells are the same, in the same order, the text cells at the same places
   (``portraits.execution.narrative.structure_key``: the cells' template lines aside, which only messages use);
2. each edited text cell has the same inline expressions and conditions as before, in the same
   order (``same_logic``): only its words changed, so it evaluates what the full run
   evaluated there and has the same effects on later cells (``p.understand()`` follows what
   the expressions touched);
3. the state at the end of the run is the state each text cell read at its place:
   :func:`check`, run once after each full run while the user reads, evaluates every text cell
   again in the final namespace and compares its outputs with the run's (a name rebound by a
   later cell, an expression with an effect on what another reads, show as a difference).

Otherwise the whole template runs again (tests/preview/test_narrative.py compares both pages).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import nbformat
from nbclient import NotebookClient

# conditions 1 and 2 are the batch build's too (its text-only rebuild)
from portraits.execution.narrative import code_cells, is_narrative, structure_key


def evaluate(kernel: Any, nb: nbformat.NotebookNode, indices: list[int], timeout: float) -> None:
    """Run the cells ``indices`` of ``nb`` in ``kernel`` (a ``WarmKernel``), their outputs in
    place; an error stays in its cell's outputs, as in a full run."""
    client = NotebookClient(nb, km=kernel.km, timeout=int(timeout) + 1, allow_errors=True,
                            record_timing=False, kernel_name=kernel.kernel_name)
    client.kc = kernel.kc
    client.reset_execution_trackers()
    for index in indices:
        client.execute_cell(nb.cells[index], index)


def failed(nb: nbformat.NotebookNode, indices: list[int]) -> bool:
    return any(o.get("output_type") == "error" for i in indices for o in nb.cells[i].get("outputs", []))


def _shown(outputs: list) -> list:
    """What a cell's outputs show (not when: execution counts aside)."""
    return [{k: v for k, v in o.items() if k != "execution_count"} for o in outputs]


@dataclasses.dataclass
class Checked:
    """A full run whose text cells evaluate to the same outputs in its final namespace."""

    structure: str


def check(kernel: Any, executed: nbformat.NotebookNode, timeout: float) -> Checked | str:
    """Condition 3 for ``executed`` (the notebook the kernel just ran in full): evaluate each
    of its text cells again, compare; a ``Checked`` when all agree, else why not (its line)."""
    probe = copy.deepcopy(executed)
    indices = [i for i in code_cells(probe) if is_narrative(probe.cells[i])]
    evaluate(kernel, probe, indices, timeout)
    for i in indices:
        if _shown(probe.cells[i].outputs) != _shown(executed.cells[i].outputs):
            line = (executed.cells[i].metadata.get("portraits") or {}).get("line")
            return (f"the text at line {line} gives other words at the end of the run than at its "
                    "place (a later cell changes what it reads)")
    return Checked(structure_key(executed))
