"""Evaluate a Markdown cell of the template: Quarto's inline expressions and metadata conditions.

The template's commentary is Markdown with inline expressions in Quarto's syntax,
`` `{python} expr` ``, and blocks kept or dropped by Quarto's conditional content on metadata:

    ::: {.content-visible when-meta="available.median_income"}
    Le niveau de vie médian atteint `{python} revenu` `{python} revenu.when`.
    :::

Real Quarto evaluates both while it executes a document; our notebooks are executed by
papermill and rendered with execution disabled, so ``portraits.execution.qmd`` turns each such Markdown
cell into a code cell calling :func:`markdown`, which runs in the same kernel as the other
cells and displays the evaluated Markdown. Renderers (pandoc + Typst, or Quarto) then receive
text that already holds the values. The same cell also displays the evidence of what the
expressions decided (``portraits.text.phrasing``): a table for reviewers, removed before rendering.

Conditions are resolved before expressions are evaluated, so a sentence about a missing
indicator is never computed when its block is dropped. Quarto's rules: ``.content-visible``
with ``when-meta="k"`` shows its content when metadata ``k`` is true, ``unless-meta`` when it
is false; ``.content-hidden`` is the reverse. Dotted keys (``available.poverty_rate``) are
nested. The metadata comes from the cell that displays ``p.metadata()``.
"""

from __future__ import annotations

import re
from typing import Any, Mapping


# Quarto's inline code: `{python} expr` (the expression holds no backtick)
from portraits.text import phrasing
INLINE = re.compile(r"`\{python\}[ \t]+([^`\n]+?)[ \t]*`")
_DIV_OPEN = re.compile(r"^(\s*)(:{3,})\s*\{([^}]*)\}\s*$")
_DIV_FENCE = re.compile(r"^\s*(:{3,})\s*(\S.*)?$")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_SPAN_END = re.compile(r"\]\{([^}]*-meta=[^}]*)\}")
META_CONDITIONS = ("when-meta", "unless-meta")
METADATA_NAME = "_quarto_metadata"  # where p.metadata() leaves the document metadata


class InlineError(Exception):
    """An inline expression or a condition of the template failed for one territory (the
    territory fails alone: it is raised inside its notebook)."""


_COMMENT = re.compile(r"<!--.*?-->", re.S)
# a fenced code block (``` or ~~~, closed by a fence of the same character, at least as long)
_CODE_BLOCK = re.compile(r"(?ms)^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$")


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans of HTML comments and code blocks: text shown as is, never evaluated (Quarto's rule)."""
    return [m.span() for pattern in (_COMMENT, _CODE_BLOCK) for m in pattern.finditer(text)]


def _live(text: str) -> list[re.Match]:
    """The inline expressions of ``text`` that are evaluated (outside the protected spans)."""
    spans = _protected(text)
    return [m for m in INLINE.finditer(text) if not any(a <= m.start() < b for a, b in spans)]


def expressions(text: str) -> list[tuple[int, str]]:
    """(line offset within ``text``, expression) of every inline expression (not in comments)."""
    return [(text.count("\n", 0, m.start()), m.group(1)) for m in _live(text)]


def has_inline(text: str) -> bool:
    """Whether a Markdown cell needs evaluating: inline expressions or metadata conditions."""
    bare = _CODE_BLOCK.sub("", _COMMENT.sub("", text))
    return bool(INLINE.search(bare)) or any(c in bare for c in META_CONDITIONS)


def check_syntax(text: str, where: str, first_line: int) -> None:
    """Compile every inline expression; a syntax error names its template line."""
    from portraits.core.errors import TemplateError

    for offset, expr in expressions(text):
        try:
            compile(expr, f"{where}:{first_line + offset}", "eval")
        except SyntaxError as exc:
            raise TemplateError(f"{where}:{first_line + offset}: inline expression "
                                f"`{{python}} {expr}` is not valid Python: {exc.msg}") from None


def _lookup(meta: Mapping[str, Any], key: str) -> bool:
    value: Any = meta
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return bool(value)


def _visible(attrs: str, meta: Mapping[str, Any] | None, where: str) -> bool | None:
    """True/False for a block with a metadata condition, None for any other block."""
    found = dict(_ATTR.findall(attrs))
    classes = re.findall(r"\.([\w-]+)", attrs)
    conds = [k for k in META_CONDITIONS if k in found]
    if not conds or not {"content-visible", "content-hidden"} & set(classes):
        return None
    if meta is None:
        raise InlineError(f"{where}: a `when-meta` condition needs the territory's metadata: "
                          "display `p.metadata()` in a cell before this text")
    shown = all(_lookup(meta, found[k]) == (k == "when-meta") for k in conds)
    return shown if "content-visible" in classes else not shown


def resolve_conditions(text: str, meta: Mapping[str, Any] | None, where: str = "template") -> str:
    """Keep or drop the fenced divs and bracketed spans that carry a metadata condition.
    Dropped lines become blank lines, so the lines of what remains keep their template numbers."""
    out: list[str] = []
    stack: list[tuple[int, bool | None]] = []  # (fence length, visible; None = ordinary div)
    hidden = 0
    for line in text.split("\n"):
        m = _DIV_OPEN.match(line)
        fence = _DIV_FENCE.match(line)
        if m:
            visible = _visible(m.group(3), meta, where) if not hidden else None
            stack.append((len(m.group(2)), visible))
            if visible is False:
                hidden += 1
            out.append(line if visible is None and not hidden else "")
            continue
        if fence and not fence.group(2) and stack:
            _, visible = stack.pop()
            if visible is False:
                hidden -= 1
                out.append("")
            else:
                out.append(line if visible is None and not hidden else "")
            continue
        out.append("" if hidden else line)
    return _resolve_spans("\n".join(out), meta, where)


def _resolve_spans(text: str, meta, where: str) -> str:
    while True:
        m = _SPAN_END.search(text)
        if not m:
            return text
        depth, start = 0, None
        for i in range(m.start(), -1, -1):  # the matching "[" of this "]"
            if text[i] == "]":
                depth += 1
            elif text[i] == "[":
                depth -= 1
                if depth == 0:
                    start = i
                    break
        if start is None:
            raise InlineError(f"{where}: a `]{{{m.group(1)}}}` span has no opening bracket")
        visible = _visible(m.group(1), meta, where)
        inner = text[start + 1:m.start()]
        if visible is None:  # a span with another condition: leave it to the renderer
            return text
        text = text[:start] + (inner if visible else "") + text[m.end():]


def _as_markdown(value: Any) -> str:
    if hasattr(value, "_repr_markdown_"):
        return str(value._repr_markdown_())
    return "" if value is None else str(value)


def evaluate(text: str, namespace: dict, *, template: str = "template", line: int = 1,
             territory: str | None = None) -> tuple[str, list[dict]]:
    """The Markdown with conditions resolved and expressions replaced by their values, and
    the evidence the expressions recorded."""
    if text.startswith("\n"):  # the cell's literal opens with a newline: line is the next one
        text, line = text[1:], line + 1
    text = text.rstrip("\n")
    where = f"{template}:{line}"
    meta = namespace.get(METADATA_NAME)
    text = resolve_conditions(text, meta, where)
    with phrasing.recording() as evidence:
        live = {m.start() for m in _live(text)}

        def replace(m: re.Match) -> str:
            if m.start() not in live:
                return m.group(0)
            expr = m.group(1)
            at = line + text.count("\n", 0, m.start())
            start = len(evidence)
            try:
                words = _as_markdown(eval(compile(expr, f"{template}:{at}", "eval"), namespace))
                # the rows say which words they decided: a heading's, or a sentence's
                heading = text[text.rfind("\n", 0, m.start()) + 1:m.start()].lstrip().startswith("#")
                phrasing.evidence.decided(evidence[start:], "title" if heading else "sentence", words)
                return words
            except Exception as exc:
                who = f" for {territory}" if territory else ""
                raise InlineError(f"{template}:{at}: `{{python}} {expr}` failed{who}: "
                                  f"{type(exc).__name__}: {exc}") from exc
        result = INLINE.sub(replace, text)
    return result, evidence


def markdown(text: str, *, template: str = "template", line: int = 1) -> None:
    """Display the evaluated Markdown of a template cell, then its evidence (for reviewers)."""
    from IPython import get_ipython
    from IPython.display import display

    ip = get_ipython()
    namespace = ip.user_ns if ip is not None else {}
    territory = namespace.get("territory")
    result, evidence = evaluate(text, namespace, template=template, line=line, territory=territory)
    display({"text/markdown": result, "text/plain": result}, raw=True)
    phrasing.evidence.display(evidence, phrasing.evidence.anchor(line))
