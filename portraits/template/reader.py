"""Read a Quarto template (.qmd) into a Jupyter notebook, following Quarto's own rules.

jupytext needs the Quarto CLI for .qmd and the R Markdown reader leaves `tags: [parameters]`
in the source, where papermill cannot see it (every territory would get the defaults). So this
mirrors quarto-cli's `quartoMdToJupyter`:
- cell options stay as `#|` lines in the code (Quarto and our renderer read them there);
- keys Quarto does not know (`tags`, ...) move to the cell metadata and leave the source;
- `label` also becomes the cell id; other cells get deterministic ids (reproducible notebooks);
- the front matter becomes a raw cell, without its `jupyter:` key, which gives the kernelspec.
Fences follow CommonMark: a cell only starts outside any other fence, so a ```` block showing
```{python} stays text, and a fence closes only with the same character, at least as long.
Markdown that Quarto would read otherwise than our engine (``inline.quarto_problems``: inline
code in a comment or a code block, adjacent expressions, spaces at a span's edges…) is refused
with its line, before anything runs.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import yaml

from portraits.template import names
from portraits.template import inline
from portraits.core.errors import TemplateError  # noqa: F401 (raised here, imported from here by callers)
from portraits.core.outputs import NARRATIVE_TAG

# Options Quarto reads from the `#|` lines itself (quarto-cli kJupyterCellOptionKeys and the
# execution options): they stay in the source. Any other key goes to the cell metadata.
QUARTO_OPTION_KEYS = frozenset("""
label eval echo code output include warning error message results
fig-cap fig-subcap fig-scap fig-alt fig-column fig-align fig-env fig-pos fig-width fig-height
fig-format fig-dpi fig-responsive fig-cap-location tbl-cap tbl-subcap tbl-colwidths tbl-column
tbl-cap-location lst-label lst-cap classes panel column cap-location output-location md-indent
layout layout-ncol layout-nrow layout-align layout-valign code-fold code-summary code-overflow
code-line-numbers filename html-table-processing
""".split())

KNOWN_KERNELS = {
    "python3": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "python": {"name": "python3", "display_name": "Python 3", "language": "python"},
}

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ID_BAD = re.compile(r"[^A-Za-z0-9_-]+")


def _option_lines(source: list[str]) -> tuple[list[str], list[str]]:
    """Split a code cell's lines into its leading `#|` option lines and the rest."""
    n = 0
    while n < len(source) and source[n].lstrip().startswith("#|"):
        n += 1
    return source[:n], source[n:]


def _strip_prefix(line: str) -> str:
    # `#| key: v` -> `key: v`; one space after the bar belongs to the prefix (Quarto's rule)
    rest = line.lstrip()[2:]
    return rest[1:] if rest.startswith(" ") else rest


def _groups(yaml_lines: list[str]) -> list[tuple[str | None, list[int]]]:
    """Group YAML lines by top-level key (a key starts at column 0; the rest continues it)."""
    groups: list[tuple[str | None, list[int]]] = []
    for i, text in enumerate(yaml_lines):
        m = re.match(r"^([^\s#:][^:]*):(\s|$)", text)
        if m or not groups:
            groups.append((m.group(1).strip() if m else None, [i]))
        else:
            groups[-1][1].append(i)
    return groups


def _yaml_error(exc: yaml.YAMLError) -> tuple[int, str, int | None]:
    """0-based line, within the YAML text, of the faulty line and what is wrong, in one line (YAML's
    own positions count from the YAML's start, not the file's). A construct opened and never
    closed (a flow sequence or mapping, a quoted scalar, a key without its colon) is named where it
    starts ("while parsing a flow sequence started here"); a line that breaks a block mapping or
    list (a wrong indentation) is named itself, with the line where that block starts (third
    value, else None): YAML's context mark there is the block's first line, often far above."""
    context, problem = getattr(exc, "context", None), getattr(exc, "problem", None)
    context_mark, problem_mark = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
    what = "; ".join(p for p in (context, problem) if p) or str(exc)
    if context and context.startswith("while parsing a block") and problem_mark is not None:
        block = None if context_mark is None else int(context_mark.line)
        return int(problem_mark.line), problem or what, block
    mark = context_mark or problem_mark
    return (0 if mark is None else int(mark.line)), what, None


def _load_yaml(text: str, what: str, name: str = "", first_line: int | None = None) -> dict:
    """The mapping of a YAML text (front matter, cell options). Given the template's ``name`` and
    the file line of the YAML's first line, errors start with ``name:line:``."""
    def at(offset: int) -> str:
        return f"{name}:{first_line + offset}: " if name and first_line is not None else ""

    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        line, problem, block = _yaml_error(exc)
        if block is not None:
            where = f"line {first_line + block}" if first_line is not None else f"YAML line {block + 1}"
            problem += f" (check this line's indentation: it breaks the block that starts at {where})"
        raise TemplateError(f"{at(line)}{what}: invalid YAML: {problem}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TemplateError(f"{at(0)}{what}: options must be `key: value` lines")
    return data


def cell_options(source: str) -> dict:
    """The Quarto options (`#|` lines) at the top of a code cell's source."""
    opts, _ = _option_lines(source.splitlines())
    return _load_yaml("\n".join(_strip_prefix(line) for line in opts), "cell options")


def _kernelspec(front: dict) -> dict:
    spec = front.get("jupyter", "python3")
    if isinstance(spec, str):
        return dict(KNOWN_KERNELS.get(spec, {"name": spec, "display_name": spec, "language": spec}))
    if isinstance(spec, dict) and isinstance(spec.get("kernelspec"), dict):
        return dict(spec["kernelspec"])
    return dict(KNOWN_KERNELS["python3"])


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def read_qmd(path: str | Path) -> nbformat.NotebookNode:
    """Read a .qmd file into an (unexecuted) nbformat v4 notebook. A template Quarto could not
    read either raises TemplateError naming ``file:line``."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()  # CRLF and BOM tolerated
    front_lines, body_start = _front_matter(lines, path.name)
    front = _load_yaml("\n".join(front_lines), "front matter", path.name, 2)  # YAML from line 2
    kernelspec = _kernelspec(front)
    language = str(kernelspec.get("language", "python")).lower()
    cells = _front_matter_cells(front_lines)
    cells += _Body(path.name, language).read(lines[body_start - 1:], body_start)
    _assign_ids(cells)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = kernelspec
    nb.metadata["language_info"] = {"name": language}
    return nb


def _front_matter(lines: list[str], name: str) -> tuple[list[str], int]:
    """The front matter's lines (without its fences) and the file line (1-based) of the body."""
    if not lines or lines[0].strip() != "---":
        return [], 1
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise TemplateError(f"{name}:1: front matter opened with --- is never closed")
    return lines[1:end], end + 2


def _front_matter_cells(front_lines: list[str]) -> list[nbformat.NotebookNode]:
    """The front matter as a raw cell, without its `jupyter:` key (none if nothing is left)."""
    kept = [i for key, idx in _groups(front_lines) if key != "jupyter" for i in idx]
    body = _trim([front_lines[i] for i in kept])
    return [nbformat.v4.new_raw_cell("\n".join(["---", *body, "---"]))] if body else []


class _Body:
    """Reads the body line by line. Three states: in a code cell, in another fence (its lines are
    Markdown text, even a ```{python} line), or in Markdown."""

    def __init__(self, name: str, language: str):
        self.name, self.language = name, language
        self.cell_start = re.compile(r"^(\s*)(`{3,})\s*\{" + re.escape(language) + r"([ ,][^}]*)?\}\s*$", re.I)
        self.cells: list[nbformat.NotebookNode] = []
        self.buffer: list[str] = []
        self.buffer_start = 1  # file line of buffer[0]
        self.fence: tuple[str, int] | None = None  # open non-cell fence: character, length
        self.cell: tuple[str, int, int] | None = None  # open code cell: indent, backtick count, fence line

    def read(self, lines: list[str], first_line: int) -> list[nbformat.NotebookNode]:
        for lineno, line in enumerate(lines, start=first_line):
            if not self.buffer:
                self.buffer_start = lineno
            if self.cell is not None:
                self._in_cell(line)
            elif self.fence is not None:
                self._in_fence(line)
            else:
                self._in_markdown(line, lineno)
        if self.cell is not None:
            raise TemplateError(f"{self.name}:{self.cell[2]}: a ```{{{self.language}}} cell is never closed")
        self._flush_markdown()
        return self.cells

    def _in_cell(self, line: str) -> None:
        indent, count, fence_line = self.cell
        if not re.match("^" + re.escape(indent) + "`{%d,}\\s*$" % count, line):
            self.buffer.append(line)
            return
        code = [ln[len(indent):] if ln.startswith(indent) else ln for ln in self.buffer]
        self.cells.append(_code_cell(code, fence_line, self.name))
        self.buffer.clear()
        self.cell = None

    def _in_fence(self, line: str) -> None:
        m = _FENCE.match(line)
        char, length = self.fence
        if m and m.group(2)[0] == char and len(m.group(2)) >= length and not m.group(3).strip():
            self.fence = None
        self.buffer.append(line)

    def _in_markdown(self, line: str, lineno: int) -> None:
        m = self.cell_start.match(line)
        if m:
            self._flush_markdown()
            self.cell = (m.group(1), len(m.group(2)), lineno)
            return
        m = _FENCE.match(line)
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            self.fence = (m.group(2)[0], len(m.group(2)))
        self.buffer.append(line)

    def _flush_markdown(self) -> None:
        lead = next((i for i, ln in enumerate(self.buffer) if ln.strip()), 0)
        text = _trim(self.buffer)
        if text:
            self.cells.append(_markdown_cell("\n".join(text), self.name, self.buffer_start + lead))
        self.buffer.clear()


def _markdown_cell(text: str, template: str, line: int) -> nbformat.NotebookNode:
    """A Markdown cell; one with inline expressions or metadata conditions becomes a code cell
    that evaluates it in the kernel (``portraits.template.inline``): papermill runs it like any cell, the
    executed notebook holds the evaluated text, and renderers never run code. Its expressions
    are compiled here, so a syntax error is refused before anything runs."""
    problems = inline.quarto_problems(text)
    if problems:  # what Quarto would read otherwise than our engine: refused, the first named
        offset, what = problems[0]
        raise TemplateError(f"{template}:{line + offset}: {what}")
    if not inline.has_inline(text):
        return nbformat.v4.new_markdown_cell(text)
    inline.check_syntax(text, template, line)
    literal = f'r"""\n{text}\n"""' if '"""' not in text and not text.endswith("\\") else repr(text)
    source = (f"#| output: asis\n"
              f"# {template}, line {line}: Markdown evaluated by portraits.template.inline\n"
              f"from portraits.template.inline import markdown\n"
              f"markdown({literal}, template={template!r}, line={line - 1})")
    return nbformat.v4.new_code_cell(source, metadata={"tags": [NARRATIVE_TAG], **_at(line)})


def _at(line: int) -> dict:
    """Cell metadata: the template line the cell comes from (its opening fence, or the first line
    of its Markdown), which the executed notebook keeps, for messages that name a line."""
    return {"portraits": {"line": line}}


def _code_cell(lines: list[str], fence_line: int, name: str) -> nbformat.NotebookNode:
    opt_lines, code = _option_lines(lines)
    stripped = [_strip_prefix(line) for line in opt_lines]
    options = _load_yaml("\n".join(stripped), "cell options", name, fence_line + 1)
    metadata: dict[str, Any] = _at(fence_line)
    kept: list[int] = []
    for key, idx in _groups(stripped):
        if key is None or key in QUARTO_OPTION_KEYS:
            kept.extend(idx)
        elif key in options:
            metadata[key] = options[key]
    cell = nbformat.v4.new_code_cell("\n".join(_trim([opt_lines[i] for i in kept] + code)), metadata=metadata)
    if "label" in options:
        cell["_label"] = str(options["label"])  # turned into the id by _assign_ids
    return cell


def _assign_ids(cells: list[nbformat.NotebookNode]) -> None:
    """Ids: the label where there is one (made valid and unique), else cell-N; tags: [] default."""
    used: set[str] = set()
    for n, cell in enumerate(cells, start=1):
        base = _ID_BAD.sub("-", cell.pop("_label", "")).strip("-")[:60] or f"cell-{n}"
        cid, k = base, 1
        while cid in used:
            k += 1
            cid = f"{base}-{k}"
        used.add(cid)
        cell["id"] = cid
        # papermill reads cell.metadata.tags on every cell when given a notebook object
        cell.metadata.setdefault("tags", [])


def _parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in (cell.metadata.get("tags") or []):
            return cell
    return None


def parameters_of(nb: nbformat.NotebookNode, *, name: str | None = None) -> dict[str, object]:
    """Names and default values of the parameters cell (literals only, read with ast). Errors
    start with ``name:line:`` (the cell's first template line) when the template is named."""
    cell = _parameters_cell(nb)
    if cell is None:
        return {}
    line = (cell.metadata.get("portraits") or {}).get("line")
    at = f"{name}:{line}: " if name and line else ""
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as exc:
        raise TemplateError(f"{at}the parameters cell is not valid Python: {exc}") from exc
    params: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    params[target.id] = ast.literal_eval(value)
                except ValueError as exc:
                    raise TemplateError(
                        f"{at}parameter {target.id!r}: its default must be a literal "
                        f"(string, number, list, None...), not {ast.unparse(value)!r}") from exc
    return params


def _example(params: dict) -> str:
    """The parameters the build passes, written as their cell would set them."""
    return "; ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in params.items()) or 'territory = "ti-8413"'


def check_template(nb: nbformat.NotebookNode, params: dict, *, name: str | None = None) -> None:
    """Refuse a template papermill would silently run with its defaults."""
    if _parameters_cell(nb) is None:
        raise TemplateError(
            f"{name or 'the template'} has no cell tagged parameters: add `#| tags: [parameters]` as "
            f"the first line of the code cell that sets the default parameters (e.g. {_example(params)})")
    declared = parameters_of(nb, name=name)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise TemplateError(
            f"{name or 'the template'}: parameter(s) {', '.join(unknown)} not declared in the parameters "
            f"cell (declared: {', '.join(sorted(declared)) or 'none'})")


def load_template(path: Path, params: dict) -> nbformat.NotebookNode:
    """The template (.qmd, or a notebook) ready to run with ``params``; TemplateError (or
    nbformat's validation error, a ValueError too) when it cannot be read or would run with
    its defaults."""
    nb = read_qmd(path) if path.suffix == ".qmd" else nbformat.read(path, as_version=4)
    check_template(nb, params, name=path.name)
    names.check_names(nb, params, path)  # a misspelt name is refused whatever the conditions
    return nb
