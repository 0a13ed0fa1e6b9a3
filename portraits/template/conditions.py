"""The template's conditions on metadata: Quarto's conditional content with ``when-meta`` and
``unless-meta``, kept or dropped in the kernel before the inline expressions are evaluated.

    ::: {.content-visible when-meta="available.median_income"}
    …
    :::
    Des [emplois]{.content-visible when-meta="comparable.industry_jobs_share"}[…]{.content-hidden …}

Quarto's rules (src/resources/filters/customnodes/content-hidden.lua): ``.content-visible`` with
``when-meta="k"`` shows its content when metadata ``k`` is the boolean true, ``unless-meta``
when it is not; ``.content-hidden`` is the reverse; all the conditions of an element must hold.
Dotted keys (``available.poverty_rate``) are nested. The metadata is what the cell displaying
``p.metadata()`` left in the kernel's namespace under :data:`METADATA_NAME`.

Conditions on the output format (``when-format``) are left to the renderer: the Lua filters of
``portraits/render/`` (built-in engine) or Quarto itself. An element mixing both kinds is refused
by the template reader (:func:`problems`), since Quarto requires both where our engine would
read the first only.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

META_CONDITIONS = ("when-meta", "unless-meta")
OTHER_CONDITIONS = ("when-format", "unless-format", "when-profile", "unless-profile")
METADATA_NAME = "_quarto_metadata"  # where p.metadata() leaves the document metadata

_DIV_OPEN = re.compile(r"^(\s*)(:{3,})\s*\{([^}]*)\}\s*$")
_DIV_FENCE = re.compile(r"^\s*(:{3,})\s*(\S.*)?$")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_SPAN = re.compile(r"\]\{([^}]*)\}")
_SPAN_END = re.compile(r"\]\{([^}]*-meta=[^}]*)\}")


class ConditionError(ValueError):
    """A condition that cannot be decided (no metadata, a span without its opening bracket)."""


def _mixed(attrs: str) -> bool:
    found = dict(_ATTR.findall(attrs))
    return any(k in found for k in META_CONDITIONS) and any(k in found for k in OTHER_CONDITIONS)


def problems(text: str) -> list[tuple[int, str]]:
    """(line offset, what) for each div or span of ``text`` (its inline code masked by the
    caller, so that a bracket in code is no span) that mixes a condition on metadata with
    another condition."""
    found = [(text.count("\n", 0, m.start()), "a condition on metadata and another condition on one "
              "span: nest them, one condition each") for m in _SPAN.finditer(text) if _mixed(m.group(1))]
    for n, line in enumerate(text.split("\n")):
        m = _DIV_OPEN.match(line)
        if m and _mixed(m.group(3)):
            found.append((n, "a condition on metadata and another condition on one div: nest "
                          "them, one condition each"))
    return found


_CONDITION = re.compile(r'((?:when|unless)-meta)="([^"]*)"')


def found(text: str) -> list[tuple[str, str]]:
    """The metadata conditions of ``text``, in order: (kind, key)."""
    return _CONDITION.findall(text)


def needed(meta: Mapping[str, Any], keys: list[str]) -> dict[str, Any]:
    """The part of ``meta`` that ``keys`` look up, each leaf reduced to what the rules read of
    it (whether it is the boolean true): every key of ``keys`` gives the same answer there."""
    out: dict[str, Any] = {}
    for key in keys:
        value, node = meta, out
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                break  # the key reads as false: absent here, it does too
            value = value[part]
            if not isinstance(value, Mapping):
                node[part] = value is True
                break
            node = node.setdefault(part, {})  # a mapping reads as false, and holds the next part
    return out


def _lookup(meta: Mapping[str, Any], key: str) -> bool:
    value: Any = meta
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return value is True  # content-hidden.lua: `type(r) == "boolean" and r`


def _visible(attrs: str, meta: Mapping[str, Any] | None, where: str) -> bool | None:
    """True/False for a block with a metadata condition, None for any other block."""
    found = dict(_ATTR.findall(attrs))
    classes = re.findall(r"\.([\w-]+)", attrs)
    conds = [k for k in META_CONDITIONS if k in found]
    if not conds or not {"content-visible", "content-hidden"} & set(classes):
        return None
    if meta is None:
        raise ConditionError(f"{where}: a `when-meta` condition needs the territory's metadata: "
                             "display `p.metadata()` in a cell before this text")
    shown = all(_lookup(meta, found[k]) == (k == "when-meta") for k in conds)
    return shown if "content-visible" in classes else not shown


def resolve(text: str, meta: Mapping[str, Any] | None, where: str = "template",
            dropped: list[tuple[int, str]] | None = None) -> str:
    """Keep or drop the fenced divs and bracketed spans that carry a metadata condition.
    Dropped lines become blank lines, so the lines of what remains keep their template numbers;
    ``dropped`` receives (line offset, text) of what was dropped."""
    out: list[str] = []
    stack: list[tuple[int, bool | None]] = []  # (fence length, visible; None = ordinary div)
    hidden = 0
    for n, line in enumerate(text.split("\n")):
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
        if hidden and dropped is not None:
            dropped.append((n, line))
        out.append("" if hidden else line)
    return _resolve_spans("\n".join(out), meta, where, dropped)


def _resolve_spans(text: str, meta, where: str, dropped: list | None = None) -> str:
    while True:
        m = _SPAN_END.search(text)
        if not m:
            return text
        start = opening_bracket(text, m.start())
        if start is None:
            raise ConditionError(f"{where}: a `]{{{m.group(1)}}}` span has no opening bracket")
        visible = _visible(m.group(1), meta, where)
        inner = text[start + 1:m.start()]
        if visible is None:  # a span with another condition: leave it to the renderer
            return text
        if not visible and dropped is not None:
            dropped.append((text.count("\n", 0, start), inner))
        text = text[:start] + (inner if visible else "") + text[m.end():]


def opening_bracket(text: str, end: int) -> int | None:
    """The index of the "[" matching the "]" at ``end`` (a bracketed span's start)."""
    depth = 0
    for i in range(end, -1, -1):
        if text[i] == "]":
            depth += 1
        elif text[i] == "[":
            depth -= 1
            if depth == 0:
                return i
    return None
