"""A sentence edit re-evaluates only the edited text, in the warm kernel that ran the rest.

The template reader turns each Markdown cell with inline expressions or ``when-meta``
conditions into a code cell tagged ``narrative`` that calls ``inline.markdown(text, …)``. When
an edit rewords such text and changes nothing else that runs, the kernel still holds the last
full run of the same code, so only the edited cells are evaluated again there and every other
cell keeps its outputs. The page then equals a full rebuild's if:

1. the code cells are the same, in the same order, the text cells at the same places
   (:func:`structure_key`: the cells' template lines aside, which only messages use);
2. each edited text cell has the same inline expressions and conditions as before, in the same
   order (:func:`same_logic`): only its words changed, so it evaluates what the full run
   evaluated there and has the same effects on later cells (``p.understand()`` follows what
   the expressions touched);
3. the state at the end of the run is the state each text cell read at its place:
   :func:`check`, run once after each full run while the user reads, evaluates every text cell
   again in the final namespace and compares its outputs with the run's (a name rebound by a
   later cell, an expression with an effect on what another reads, show as a difference).

Otherwise the whole template runs again (tests/preview/test_narrative.py compares both pages).
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import json
import re
from typing import Any

import nbformat
from nbclient import NotebookClient

from portraits.template import inline

TAG = "narrative"
_CONDITION = re.compile(r'((?:when|unless)-meta)="([^"]*)"')


def is_narrative(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and TAG in (cell.metadata.get("tags") or [])


def executed_code(source: str) -> str:
    """A code cell's source without its leading ``#|`` option lines: comments to Python, so they
    cannot change what the cell computes (the renderer applies them from the new template)."""
    lines = source.splitlines()
    n = 0
    while n < len(lines) and lines[n].lstrip().startswith("#|"):
        n += 1
    return "\n".join(lines[n:])


_NOT_RUN = ("portraits", "papermill", "execution")  # the template line (messages only), run records


def cell_metadata(cell: nbformat.NotebookNode) -> str:
    """What of a code cell's metadata execution depends on (its tags): not its template line,
    which only messages use, nor what a run recorded."""
    return json.dumps({k: v for k, v in cell.metadata.items() if k not in _NOT_RUN}, sort_keys=True)


def structure_key(nb: nbformat.NotebookNode) -> str:
    """What must not change for a text-only re-evaluation: the code cells' code and metadata,
    the places of the text cells among them, the kernel."""
    cells = [TAG if is_narrative(c) else (executed_code(c.source), cell_metadata(c))
             for c in nb.cells if c.cell_type == "code"]
    return json.dumps([cells, nb.metadata.get("kernelspec")], sort_keys=True)


def text_of(cell: nbformat.NotebookNode) -> str:
    """The template text a narrative cell evaluates: the literal its ``markdown(...)`` call is
    given (the reader writes that call; read back with ``ast``, not by pattern)."""
    for node in ast.walk(ast.parse(executed_code(cell.source))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "markdown" and node.args:
            return ast.literal_eval(node.args[0])
    raise ValueError("not a narrative cell: no markdown(...) call")


def logic(cell: nbformat.NotebookNode) -> tuple[list[str], list[tuple[str, str]]]:
    """The inline expressions of a text cell, in order, and its conditions (kind, key), in order."""
    text = text_of(cell)
    return [expr for _, expr in inline.expressions(text)], _CONDITION.findall(text)


def same_logic(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> bool:
    return logic(old) == logic(new)


def code_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def carry_over(previous: nbformat.NotebookNode, nb: nbformat.NotebookNode) -> list[int] | None:
    """Give ``nb`` (a prepared notebook) the outputs of ``previous``'s code cells (an executed
    notebook of the same template but for the words of its text cells); the indices of its
    text cells whose text changed, or None when a cell changed more than its words (other code,
    other expressions or conditions: a full run is needed)."""
    old, new = code_cells(previous), code_cells(nb)
    if len(old) != len(new):
        return None
    changed = []
    for o, n in zip(old, new):
        before, after = previous.cells[o], nb.cells[n]
        if executed_code(before.source) != executed_code(after.source):
            if not (is_narrative(before) and is_narrative(after) and same_logic(before, after)):
                return None
            changed.append(n)
            continue
        after.outputs = copy.deepcopy(before.outputs)
        after.execution_count = before.execution_count
        after.metadata.papermill = copy.deepcopy(before.metadata.get("papermill", {}))
    nb.metadata = copy.deepcopy(previous.metadata)
    return changed


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
