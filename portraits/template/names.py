"""Check, before any territory runs, that every name the template uses is defined.

A cell or an inline expression that names an unknown variable, or an attribute the phrasing API
does not have, would fail only for the territories that run it: a typo inside a block hidden for
Mayotte builds fine for Mayotte. So every code cell and every inline expression is read, whatever
the conditions, in document order:

- names: bound by an earlier cell or by the same cell (assignments, imports, ``def``, ``for``,
  ``with``, comprehensions: Python's own scoping, from ``symtable``), the parameters, Python's
  builtins, and the names an IPython kernel provides (``get_ipython``, ``display``...). A name
  used inside a function may be bound by any cell (it is looked up when the function runs).
- attributes: on a value whose class is known, attributes are checked against that class. Classes
  are known by following the template's own imports of ``portraits`` modules (``from
  portraits.blocks.portrait import Portrait``, then ``p = Portrait(territory)``) and the return
  annotations of their methods and properties (``Portrait.indicator -> phrasing.Indicator``); a
  class's attributes are read from its source (``portraits.template.api_source``).

Line magics (``%config …``) and shell lines are read as ``pass``, cell magics skipped. After a
``from x import *`` names are no longer checked (what it binds is not known without importing).
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import difflib
import re
import symtable
from pathlib import Path

import nbformat

from portraits.core.errors import TemplateError
from portraits.template.api_source import class_api, dotted
from portraits.template import inline
from portraits.core.outputs import NARRATIVE_TAG

# What IPython's InteractiveShell puts in the user namespace and builtins (init_user_ns,
# init_builtins, BuiltinTrap) on top of Python's builtins; `_1`, `_i1`... are matched apart.
KERNEL_NAMES = frozenset("get_ipython display In Out exit quit _ __ ___ _i _ii _iii _ih _oh _dh "
                         "__name__ __doc__ __builtins__ __builtin__ __package__ __loader__ __spec__".split())
_NUMBERED = re.compile(r"^_i?\d+$")
BUILTINS = frozenset(dir(builtins))


# ---------------------------------------------------------------- what the cells use
@dataclasses.dataclass
class Problem:
    where: str        # "portrait_template.qmd:42", or "template.ipynb: cell 3, line 2"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_MAGIC = re.compile(r"^(\s*)(?:(\w+(?:\s*,\s*\w+)*)\s*=\s*)?[%!]")


def _python(source: str) -> str:
    """The cell as Python, IPython's syntax aside: a line magic or shell line (``%config …``,
    ``!ls``) becomes ``pass``, or ``name = None`` when it assigns; a cell magic (``%%…``) leaves
    nothing to check. The forms IPython's transformer accepts, without importing IPython
    (75 ms, most of this check's time)."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        pass
    if source.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in source.split("\n"):
        m = _MAGIC.match(line)
        lines.append(line if m is None else f"{m.group(1)}{m.group(2) + ' = None' if m.group(2) else 'pass'}")
    return "\n".join(lines)


def _scopes(table: symtable.SymbolTable) -> tuple[set[str], set[str], set[str]]:
    """(names the code binds at top level, names its top level reads, names its functions,
    classes, lambdas and comprehensions read from the global namespace)."""
    bound, read, nested = set(), set(), set()
    for sym in table.get_symbols():
        if sym.is_assigned() or sym.is_imported():
            bound.add(sym.get_name())
        elif sym.is_referenced():
            read.add(sym.get_name())
    stack = list(table.get_children())
    while stack:
        child = stack.pop()
        stack.extend(child.get_children())
        for sym in child.get_symbols():
            if sym.is_declared_global() and sym.is_assigned():
                bound.add(sym.get_name())
            elif sym.is_global() and sym.is_referenced():
                nested.add(sym.get_name())
    return bound, read - bound, nested


def _suggest(word: str, candidates) -> str:
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.5)  # 'vz' -> 'vs'
    return f" (did you mean {close[0]!r}?)" if close else ""


def _known(name: str, bound: set[str]) -> bool:
    return name in bound or name in BUILTINS or name in KERNEL_NAMES or bool(_NUMBERED.match(name))


class _Types:
    """What the template's variables hold, where it is a ``portraits`` class or an instance of one."""

    def __init__(self):
        self.of: dict[str, tuple[str, str]] = {}   # name -> ("class" | "instance", qualname)

    def infer(self, node: ast.AST) -> tuple[str, str] | None:
        if isinstance(node, ast.Name):
            return self.of.get(node.id)
        if isinstance(node, ast.Call):
            func = self.infer(node.func)
            if func and func[0] == "class":
                return "instance", func[1]
            if func and func[0] == "method" and func[1]:
                return "instance", func[1]
            return None
        if isinstance(node, ast.Attribute):
            owner = self.infer(node.value)
            api = class_api(owner[1]) if owner and owner[0] == "instance" else None
            if api is None:
                return None
            if node.attr in api.methods:
                return "method", api.methods[node.attr]
            gives = api.properties.get(node.attr)
            return ("instance", gives) if gives else None
        return None

    def check(self, tree: ast.AST, source: str) -> list[tuple[int, str]]:
        """(line within the code, message) for each attribute a known class does not have."""
        found = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                continue
            owner = self.infer(node.value)
            api = class_api(owner[1]) if owner and owner[0] == "instance" else None
            if api is None or not api.checked or node.attr in api.attributes or node.attr.startswith("__"):
                continue
            what = ast.get_source_segment(source, node.value) or ast.unparse(node.value)
            found.append((node.lineno, f"`{what}` is a {api.qualname.rpartition('.')[2]} ({api.qualname}), "
                                       f"which has no attribute {node.attr!r}{_suggest(node.attr, api.public)}"))
        return found

    def update(self, stmt: ast.stmt) -> None:
        """After a top-level statement: the names it rebinds lose what they held, then simple
        assignments and imports of portraits classes say what they hold now."""
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.of.pop(node.id, None)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            held = self.infer(stmt.value)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                if isinstance(t, ast.Name) and held and held[0] in ("class", "instance"):
                    self.of[t.id] = held
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            for alias in stmt.names:
                qualname = f"{stmt.module}.{alias.name}"
                name = alias.asname or alias.name
                if class_api(qualname) is not None:
                    self.of[name] = ("class", qualname)
                else:
                    self.of.pop(name, None)


# ---------------------------------------------------------------- the template, cell by cell
@dataclasses.dataclass
class _Cell:
    index: int                      # in the template notebook
    cell: nbformat.NotebookNode
    tree: ast.Module | None
    bound: set[str]
    read: set[str]
    nested: set[str]
    source: str = ""                # as Python (magics transformed)
    error: SyntaxError | None = None

    @property
    def narrative(self) -> bool:
        return NARRATIVE_TAG in (self.cell.metadata.get("tags") or [])


def _read(index: int, cell: nbformat.NotebookNode) -> _Cell:
    try:
        source = _python(cell.source)
        tree = ast.parse(source)
        bound, read, nested = _scopes(symtable.symtable(source, f"cell {index}", "exec"))
    except SyntaxError as exc:
        return _Cell(index, cell, None, set(), set(), set(), error=exc)
    return _Cell(index, cell, tree, bound, read, nested, source)


def file_line(cell: nbformat.NotebookNode, k: int, lines: list[str] | None) -> int | None:
    """The template line of line ``k`` (1-based) of a cell's source: its code follows the fence
    and the `#|` lines (some moved to the metadata), so the offset is counted from the code."""
    fence = (cell.metadata.get("portraits") or {}).get("line")
    if fence is None or lines is None:
        return None
    source = cell.source.splitlines()
    kept = next((i for i, ln in enumerate(source) if not ln.lstrip().startswith("#|")), len(source))
    start = fence  # 0-based index of the line after the fence
    while start < len(lines) and lines[start].lstrip().startswith("#|"):
        start += 1
    if not kept:  # the reader trimmed the blank lines before the code
        while start < len(lines) and not lines[start].strip():
            start += 1
    return start + 1 + (k - 1 - kept) if k > kept else fence + 1


def cell_location(template: str | None, line: int | None, label: str | None, cell_index: int | None,
                  execution_count: int | None) -> str:
    """``portrait_template.qmd:142 (fig-secteurs, cell 12, In [10])``: the template's line and the
    cell's label first (what an author edits), the notebook's cell after (what a reviewer opens)."""
    if not (template and line):
        return f"cell {cell_index} (In [{execution_count}])" if cell_index is not None else ""
    cell = f"cell {cell_index}, In [{execution_count}]" if cell_index is not None else None
    inside = ", ".join(x for x in (label, cell) if x)
    return f"{template}:{line} ({inside})" if inside else f"{template}:{line}"


def _where(name: str, c: _Cell, k: int, lines: list[str] | None) -> str:
    line = file_line(c.cell, k, lines)
    return f"{name}:{line}" if line else f"{name}: cell {c.index}, line {k}"


def _first_use(tree: ast.AST, name: str) -> int:
    return min((n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name
                and isinstance(n.ctx, ast.Load)), default=1)


def _narrative_text(c: _Cell) -> str | None:
    """The Markdown a narrative cell evaluates: the literal its ``markdown(...)`` call receives
    (the same string ``inline.evaluate`` gets), read from the cell's syntax tree."""
    for node in ast.walk(c.tree):
        if isinstance(node, ast.Call) and dotted(node.func) == "markdown" and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            text = node.args[0].value
            return text[1:] if text.startswith("\n") else text
    return None


def _unknown(name: str, bound: set[str], everywhere: dict[str, str]) -> str:
    if name in everywhere:
        return f"{name!r} is used before the cell that defines it ({everywhere[name]})"
    return f"unknown name {name!r}{_suggest(name, bound | BUILTINS)}"


def _inline_problems(c: _Cell, name: str, bound: set[str] | None, everywhere: dict,
                     types: _Types) -> list[Problem]:
    """Problems of a narrative cell's inline expressions (names unchecked when ``bound`` is None)."""
    text = _narrative_text(c)
    first = (c.cell.metadata.get("portraits") or {}).get("line")
    found = []
    for offset, expr in inline.expressions(text or ""):
        where = f"{name}:{first + offset}" if first else f"{name}: cell {c.index}"
        try:  # a syntax error is refused by the reader already (inline.check_syntax)
            tree = ast.parse(expr.strip(), mode="eval")
            _, read, nested = _scopes(symtable.symtable(expr.strip(), "inline", "eval"))
        except SyntaxError:
            continue
        shown = f"`{{python}} {expr}`"
        found += [Problem(where, f"{shown}: {_unknown(n, bound, everywhere)}")
                  for n in sorted(read | nested) if bound is not None and not _known(n, bound)]
        found += [Problem(where, f"{shown}: {message}") for _, message in types.check(tree, expr.strip())]
    return found


def _code_problems(c: _Cell, name: str, bound: set[str], everywhere: dict, lines) -> list[Problem]:
    found = []
    for n in sorted(c.read):
        if not _known(n, bound | c.bound):
            found.append(Problem(_where(name, c, _first_use(c.tree, n), lines), _unknown(n, bound, everywhere)))
    for n in sorted(c.nested):  # read when the function runs: any cell may have bound it
        if not _known(n, bound | c.bound | set(everywhere)):
            found.append(Problem(_where(name, c, _first_use(c.tree, n), lines), _unknown(n, bound, {})))
    return found


def problems(nb: nbformat.NotebookNode, params: dict, *, name: str, text: str | None = None) -> list[Problem]:
    """Every unknown name and attribute of the template's cells and inline expressions, in order.
    ``text`` (the .qmd) lets code cells' problems name their template line."""
    lines = text.splitlines() if text is not None else None
    cells = [_read(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    everywhere: dict[str, str] = {}
    for c in cells:
        for n in c.bound:
            everywhere.setdefault(n, _where(name, c, 1, lines) if not c.narrative else name)
    bound, types, found, open_names = set(params), _Types(), [], False
    for c in cells:
        if c.error is not None:
            found.append(Problem(_where(name, c, c.error.lineno or 1, lines),
                                 f"code cell is not valid Python: {c.error.msg}"))
            continue
        if c.narrative:
            bound |= c.bound  # the cell's own import of inline.markdown
            found += _inline_problems(c, name, None if open_names else bound, everywhere, types)
            continue
        open_names |= any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
                          for n in ast.walk(c.tree))
        if not open_names:
            found += _code_problems(c, name, bound, everywhere, lines)
        for stmt in c.tree.body:
            found += [Problem(_where(name, c, ln, lines), message)
                      for ln, message in types.check(stmt, c.source)]
            types.update(stmt)
        bound |= c.bound
    return found


def check_names(nb: nbformat.NotebookNode, params: dict, path: Path) -> None:
    """Refuse a template that uses a name or an attribute that does not exist (TemplateError,
    exit status 2): the first problem with its ``file:line``, and where the others are."""
    text = path.read_text(encoding="utf-8-sig") if path.suffix == ".qmd" else None
    found = problems(nb, params, name=path.name, text=text)
    if not found:
        return
    more = f" (and {len(found) - 1} more: {', '.join(p.where for p in found[1:6])}" \
           f"{', …' if len(found) > 6 else ''})" if len(found) > 1 else ""
    raise TemplateError(f"{found[0]}{more}")
