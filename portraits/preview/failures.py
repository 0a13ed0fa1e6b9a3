"""Where a failed preview build went wrong, in the template: the ``.qmd`` line of a template
error (YAML of the front matter or of a cell's ``#|`` options, an inline expression) and of a
failing cell (the line its error names, else the failing line of the cell, else its fence)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import nbformat

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FENCE = re.compile(r"^\s*`{3,}\s*\{python[ ,}]", re.I)
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


@dataclasses.dataclass
class PreviewError:
    kind: str                           # "template", "cell", "render", "internal"
    message: str
    qmd_line: int | None = None          # 1-based line in the template
    cell_index: int | None = None        # index in the executed notebook
    source: str = ""                     # the failing cell's source
    label: str | None = None             # the failing cell's `#| label` ("Markdown" for text)
    details: str = ""                    # traceback

    def summary(self) -> str:
        where = f"line {self.qmd_line}: " if self.qmd_line else ""
        cell = f"cell {self.cell_index}: " if self.cell_index is not None else ""
        cell = f"{self.label}, {cell}" if self.label else cell
        return f"{self.kind} error: {where}{cell}{self.message}"


def _yaml_mark_line(exc: BaseException) -> int | None:
    """0-based line of a YAML error, from the exception chained to qmd's TemplateError: where the
    faulty construct starts ("while parsing a flow sequence started here") when YAML says so,
    else where the parser stopped."""
    cause = exc.__cause__ or exc.__context__
    mark = getattr(cause, "context_mark", None) or getattr(cause, "problem_mark", None)
    return None if mark is None else int(mark.line)


def line_in_message(message: str, name: str) -> int | None:
    """``NAME:LINE`` in an error message: how the inline expressions' errors (``portraits.template.inline``,
    at read time and at run time) name their template line."""
    m = re.search(rf"(?:^|[\s/'\"(]){re.escape(name)}:(\d+)\b", message)
    return int(m.group(1)) if m else None


def template_error_line(text: str, exc: BaseException, name: str = "") -> int | None:
    """The template line (1-based) that a ``qmd.TemplateError`` is about, when it can be found:
    the line the message names, the front matter's YAML, a cell's ``#|`` options, an unclosed
    front matter."""
    from portraits.template.reader import TemplateError, cell_options

    message = str(exc)
    lines = text.splitlines()
    if name and (line := line_in_message(message, name)):
        return line
    if "front matter opened" in message:
        return 1
    if "front matter" in message:
        mark = _yaml_mark_line(exc)
        return None if mark is None else mark + 2  # the YAML starts on line 2
    if "cell options" in message:
        for fence in (i for i, line in enumerate(lines) if _CELL_FENCE.match(line)):
            options = []
            for line in lines[fence + 1:]:
                if not line.lstrip().startswith("#|"):
                    break
                options.append(line)
            try:
                cell_options("\n".join(options))
            except TemplateError as cell_exc:
                mark = _yaml_mark_line(cell_exc)
                return fence + 2 + (mark or 0)
    return None


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int, nbformat.NotebookNode, dict] | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, cell, output
    return None


def cell_error(text: str, executed: nbformat.NotebookNode,
               fallback: Any = None, name: str = "") -> PreviewError:
    """The first failing cell of an executed notebook, located in the template text: the line
    its error names (an inline expression), else the failing line of the cell, else its fence."""
    found = _failing_cell(executed)
    if found is None:  # papermill saw an error the outputs do not show: use what it said
        return PreviewError("cell", f"{getattr(fallback, 'ename', 'Error')}: {getattr(fallback, 'evalue', '')}",
                            cell_index=getattr(fallback, "cell_index", None),
                            source=getattr(fallback, "source", ""))
    index, cell, output = found
    tb = _ANSI.sub("", "\n".join(output.get("traceback") or []))
    error = PreviewError("cell", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}",
                         cell_index=index, source=cell.source, details=tb, label=getattr(fallback, "label", None))
    if name and (line := line_in_message(error.message, name)):
        error.qmd_line = line
        return error
    if "injected-parameters" in (cell.metadata.get("tags") or []):
        return error
    fence = (cell.metadata.get("portraits") or {}).get("line")  # recorded by qmd.read_qmd
    if fence is None:
        return error
    error.qmd_line = fence
    m = _CELL_LINE.search(tb)
    source_lines = cell.source.splitlines()
    if m and 1 <= int(m.group(1)) <= len(source_lines):
        wanted = source_lines[int(m.group(1)) - 1].strip()
        lines = text.splitlines()
        for i in range(fence, min(len(lines), fence + len(source_lines) + 20)):
            if lines[i].strip() == wanted:
                error.qmd_line = i + 1
                break
    return error
