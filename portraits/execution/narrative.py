"""Text cells whose words changed, and nothing else that runs: their outputs without a kernel.

The template reader turns each Markdown cell with inline expressions or ``when-meta``
conditions into a code cell tagged ``narrative`` that calls ``inline.markdown(text, …)``.
Between two versions of a template, :func:`carry_over` says whether only the words of such
cells changed: the code cells are the same, in the same order, the text cells at the same
places (:func:`structure_key`, the cells' template lines aside, which only messages use), and
each changed text cell has the same inline expressions and conditions, in the same order
(:func:`same_logic`). Then every code cell keeps its outputs, and each changed text cell
evaluates what the run evaluated there, against the same state:

- the preview evaluates it again in the kernel that ran the rest (``portraits.preview.narrative``);
- the batch build replays what the run logged in the cell's outputs (:func:`replay`,
  ``inline.Replay``): the same words for each expression, its evidence, its conditions' answers,
  with no kernel. A cell that asks for other evaluations runs the whole template again.

Both give the outputs of a full run (tests/execution/test_narrative.py, tests/build/).
"""

from __future__ import annotations

import ast
import copy
import json
from typing import Any

import nbformat

from portraits.template import conditions, inline
from portraits.core.outputs import NARRATIVE_TAG

TAG = NARRATIVE_TAG
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


def call_of(cell: nbformat.NotebookNode) -> tuple[str, dict[str, Any]]:
    """The template text a narrative cell evaluates and the keywords of its ``markdown(...)``
    call (template, line): the reader writes that call; read back with ``ast``, not by pattern."""
    for node in ast.walk(ast.parse(executed_code(cell.source))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "markdown" and node.args:
            return (ast.literal_eval(node.args[0]),
                    {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg})
    raise ValueError("not a narrative cell: no markdown(...) call")


def text_of(cell: nbformat.NotebookNode) -> str:
    return call_of(cell)[0]


def logic(cell: nbformat.NotebookNode) -> tuple[list[str], list[tuple[str, str]]]:
    """The inline expressions of a text cell, in order, and its conditions (kind, key), in order."""
    text = text_of(cell)
    return [expr for _, expr in inline.expressions(text)], conditions.found(text)


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


def replay(previous: nbformat.NotebookNode, nb: nbformat.NotebookNode) -> bool:
    """Give ``nb`` (a prepared notebook) the outputs ``previous`` (an executed notebook of the
    same template, inputs and territory but for the words of its text cells) implies, with no
    kernel: False when a cell changed more than its words, or a changed text cell asks for
    evaluations its old log does not have (the template must run)."""
    changed = carry_over(previous, nb)
    if changed is None:
        return False
    old = dict(zip(code_cells(nb), code_cells(previous)))
    for index in changed:
        before, after = previous.cells[old[index]], nb.cells[index]
        logs = [o.get("metadata", {}).get("portraits", {}).get(inline.REPLAY) for o in before.get("outputs", [])]
        logs = [log for log in logs if log is not None]
        if len(logs) != 1 or any(o.get("output_type") == "error" for o in before.get("outputs", [])):
            return False
        text, keywords = call_of(after)
        try:
            produced = inline.cell_outputs(text, template=keywords.get("template", "template"),
                                           line=keywords.get("line", 1), replay=inline.Replay(logs[0]))
        except (inline.ReplayMismatch, inline.InlineError):
            return False
        after.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta)
                         for data, meta in produced]
        after.execution_count = before.execution_count
        after.metadata.papermill = copy.deepcopy(before.metadata.get("papermill", {}))
    return True
