"""Evaluate a Markdown cell of the template: Quarto's inline expressions and metadata conditions.

The template's commentary is Markdown with inline expressions in Quarto's syntax,
`` `{python} expr` ``, and blocks kept or dropped by Quarto's conditional content on metadata:

    ::: {.content-visible when-meta="available.median_income"}
    Le niveau de vie médian atteint `{python} revenu` `{python} revenu.when`.
    :::

Real Quarto evaluates both while it executes a document; our notebooks are executed by
papermill and rendered with execution disabled, so ``portraits.template.reader`` turns each such Markdown
cell into a code cell calling :func:`markdown`, which runs in the same kernel as the other
cells and displays the evaluated Markdown. Renderers (pandoc + Typst, or Quarto) then receive
text that already holds the values. The same cell also displays the evidence of what the
expressions decided (``portraits.text.phrasing``): a table for reviewers, removed before rendering.

Conditions on metadata are resolved first (``portraits.template.conditions``, Quarto's rules).
Quarto evaluates every inline expression of a Markdown cell before its filters drop anything
(src/resources/jupyter/notebook.py, ``cell_execute_inline``), so the expressions of a dropped
block are evaluated here too, their words and evidence discarded: one that raises fails the
territory on both paths.

Each result must display as non-empty Markdown (``phrasing.Text``): Quarto puts the code back
for an empty result, and shows the repr of a plain ``str`` (src/core/jupyter/jupyter-inline.ts,
src/core/execute-inline.ts); :func:`quarto_problems` lists what else Quarto reads differently,
which the template reader refuses.
"""

from __future__ import annotations

import re
from typing import Any

from portraits.template import conditions
from portraits.text import evidence

# Quarto's inline code: `{python} expr` (the expression holds no backtick)
INLINE = re.compile(r"`\{python\}[ \t]+([^`\n]+?)[ \t]*`")
# Quarto's own pattern (notebook.py, execute-inline.ts): a backtick right before hides it
QUARTO_INLINE = re.compile(r"(?:^|[^`])`\{python\}[ \t]([^`]+)`", re.M)


class InlineError(Exception):
    """An inline expression or a condition of the template failed for one territory (the
    territory fails alone: it is raised inside its notebook)."""


_COMMENT = re.compile(r"<!--.*?-->", re.S)
# a fenced code block (``` or ~~~, closed by a fence of the same character, at least as long)
_CODE_BLOCK = re.compile(r"(?ms)^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$")


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans of HTML comments and code blocks: text shown as is, never evaluated here (Quarto
    evaluates inline code there, so the template reader refuses it: ``quarto_problems``)."""
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
    return bool(INLINE.search(bare)) or any(c in bare for c in conditions.META_CONDITIONS)


def check_syntax(text: str, where: str, first_line: int) -> None:
    """Compile every inline expression; a syntax error names its template line."""
    from portraits.core.errors import TemplateError

    for offset, expr in expressions(text):
        try:
            compile(expr, f"{where}:{first_line + offset}", "eval")
        except SyntaxError as exc:
            raise TemplateError(f"{where}:{first_line + offset}: inline expression "
                                f"`{{python}} {expr}` is not valid Python: {exc.msg}") from None


def quarto_problems(text: str) -> list[tuple[int, str]]:
    """(line offset, what) for each construct of a Markdown text that Quarto reads otherwise
    than our engine (docs/RENDERING.md cites the Quarto files each rule was checked against)."""
    found: list[tuple[int, str]] = []

    def at(pos: int, what: str) -> None:
        found.append((text.count("\n", 0, pos), what))

    spans = [(m.span(), "an HTML comment") for m in _COMMENT.finditer(text)]
    spans += [(m.span(), "a code block") for m in _CODE_BLOCK.finditer(text)]
    for m in QUARTO_INLINE.finditer(text):
        start = m.start() + (0 if text[m.start()] == "`" else 1)
        where = next((w for (a, b), w in spans if a <= start < b), None)
        if where:
            at(start, f"inline code in {where}: Quarto evaluates it there too; write it without "
                      "its backticks")
        elif "\n" in m.group(1):
            at(start, "an inline expression must end on its line: Quarto replaces expressions "
                      "line by line and would leave this one as code")
        elif m.group(1) != m.group(1).strip():
            at(start, f"`{{python}} {m.group(1).strip()}`: write one space after {{python}} and "
                      "none before the closing backtick, or Quarto finds no result and leaves the code")
    for m in INLINE.finditer(text):
        if m.start() and text[m.start() - 1] == "`":
            at(m.start() - 1, "a backtick right before `{python}`: Quarto does not see an inline "
                              "expression there; join adjacent expressions into one with + "
                              "(`x.when + x.in_words(\", soit \")`)")
    found += _span_problems(text)
    return sorted(found)


def _span_problems(text: str) -> list[tuple[int, str]]:
    """Bracketed spans whose text starts or ends with a space (pandoc drops it), and conditions
    on metadata mixed with other conditions on one element (``conditions.problems``)."""
    masked = INLINE.sub(lambda m: "`" + "x" * (len(m.group(0)) - 2) + "`", text)  # [..] in code
    found = []
    for m in re.finditer(r"\]\{([^}]*)\}", masked):
        start = conditions.opening_bracket(masked, m.start())
        inner = masked[start + 1:m.start()] if start is not None else ""
        if inner and (inner[0].isspace() or inner[-1].isspace()):
            found.append((text.count("\n", 0, start), "a bracketed span whose text starts or ends "
                          "with a space: pandoc drops that space, gluing the words; put the space "
                          "outside the brackets or write whole alternatives"))
    return found + conditions.problems(masked)


class _Unshown(ValueError):
    """An inline result Quarto would not show as our engine does."""


_EMPTY = ("it gives an empty text, for which Quarto leaves the code in the page: append words that "
          "may be empty to words that never are (`x.when + x.in_words(\", soit \")`)")


def _as_markdown(value: Any) -> str:
    """The Markdown Quarto makes of an inline result (src/core/jupyter/jupyter-inline.ts): its
    ``text/markdown`` as is, else its ``text/plain`` repr, quotes removed and Markdown escaped
    (a ``str`` reads as plain text, not Markdown). ValueError where Quarto shows the code
    (an empty result) or "None" (_Unshown)."""
    md = value._repr_markdown_() if hasattr(value, "_repr_markdown_") else None
    if md is not None:
        if not str(md):
            raise _Unshown(_EMPTY)
        return str(md)
    if value is None:
        raise _Unshown("it gives None, which Quarto shows as \"None\": give words "
                         "(portraits.text.phrasing.Text)")
    from IPython.lib.pretty import pretty

    text = pretty(value)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":  # asEscapedMarkdown
        text = re.sub(r"([\\`*_{}\[\]()>#+,\-.!])", r"\\\1", text[1:-1].replace("\\", "\\\\"))
    if not text:
        raise _Unshown(_EMPTY)
    return text


def _run(expr: str, namespace: dict, where: str) -> Any:
    return eval(compile(expr, where, "eval"), namespace)


class ReplayMismatch(Exception):
    """A text cell asks for other evaluations than the run recorded: it must run in a kernel."""


class _Live:
    """Evaluates each expression in the kernel's namespace, and logs what a rebuild of the
    same cell with other words needs to give the same outputs without a kernel (:class:`Replay`):
    each evaluation in order (its expression, whether its block was dropped, the words shown,
    the evidence it recorded before it said which words it decided)."""

    def __init__(self, namespace: dict):
        self.namespace, self.calls = namespace, []

    def metadata(self) -> Any:
        return self.namespace.get(conditions.METADATA_NAME)

    def __call__(self, expr: str, where: str, rows: list[dict], dropped: bool) -> str | None:
        start = len(rows)
        value = _run(expr, self.namespace, where)
        words = None if dropped else _as_markdown(value)
        self.calls.append({"expr": expr, "dropped": dropped, "words": words,  # dropped: rows discarded
                           "rows": [] if dropped else [dict(r) for r in rows[start:]]})
        return words


class Replay:
    """The evaluations a run logged (``_Live.calls``, ``log``), given back in the same order to
    a cell whose words changed but not its expressions: the same words and evidence, with no
    kernel. Sound because the code before the cell is the same, so each expression met the
    same state (``portraits.execution.narrative``); any other evaluation raises ReplayMismatch."""

    def __init__(self, log: dict):
        self.calls, self.conditions, self.used = list(log["calls"]), log["conditions"], 0

    def metadata(self) -> Any:
        return self.conditions

    def __call__(self, expr: str, where: str, rows: list[dict], dropped: bool) -> str | None:
        if self.used >= len(self.calls):
            raise ReplayMismatch(f"{where}: `{{python}} {expr}` was not evaluated by the run")
        call = self.calls[self.used]
        if call["expr"] != expr or call["dropped"] != dropped:
            raise ReplayMismatch(f"{where}: `{{python}} {expr}` comes where the run evaluated "
                                 f"`{{python}} {call['expr']}`")
        self.used += 1
        rows.extend(dict(r) for r in call["rows"])
        return call["words"]

    def finished(self) -> None:
        if self.used != len(self.calls):
            raise ReplayMismatch("the run evaluated more expressions than the new text has")


def evaluate(text: str, namespace: dict, *, template: str = "template", line: int = 1,
             territory: str | None = None) -> tuple[str, list[dict]]:
    """The Markdown with conditions resolved and expressions replaced by their values, and
    the evidence the expressions recorded. The expressions of dropped blocks are evaluated
    too, as Quarto does, and their results discarded."""
    result, rows, _ = _evaluate(text, _Live(namespace), template, line, territory)
    return result, rows


def _evaluate(text: str, run: _Live | Replay, template: str, line: int,
              territory: str | None) -> tuple[str, list[dict], dict]:
    if text.startswith("\n"):  # the cell's literal opens with a newline: line is the next one
        text, line = text[1:], line + 1
    text = text.rstrip("\n")
    where = f"{template}:{line}"
    who = f" for {territory}" if territory else ""
    dropped: list[tuple[int, str]] = []
    meta = run.metadata()
    # what the conditions read, for a replay of this cell
    looked_up = None if meta is None else conditions.needed(meta, [k for _, k in conditions.found(text)])
    try:
        text = conditions.resolve(text, meta, where, dropped)
    except conditions.ConditionError as exc:
        raise InlineError(str(exc)) from None
    with evidence.recording() as discarded:  # evidence of dropped text discarded
        for offset, chunk in dropped:
            for m in _live(chunk):
                at = line + offset + chunk.count("\n", 0, m.start())
                try:
                    run(m.group(1), f"{template}:{at}", discarded, True)
                except ReplayMismatch:
                    raise
                except Exception as exc:
                    raise InlineError(f"{template}:{at}: `{{python}} {m.group(1)}` failed{who} in a block "
                                      f"hidden by its condition, which Quarto evaluates all the same: "
                                      f"{type(exc).__name__}: {exc}") from exc
    with evidence.recording() as rows:
        live = {m.start() for m in _live(text)}

        def replace(m: re.Match) -> str:
            if m.start() not in live:
                return m.group(0)
            expr = m.group(1)
            at = line + text.count("\n", 0, m.start())
            start = len(rows)
            try:
                words = run(expr, f"{template}:{at}", rows, False)
                # the rows say which words they decided: a heading's, or a sentence's
                heading = text[text.rfind("\n", 0, m.start()) + 1:m.start()].lstrip().startswith("#")
                evidence.decided(rows[start:], "title" if heading else "sentence", words)
                return words
            except ReplayMismatch:
                raise
            except _Unshown as exc:
                raise InlineError(f"{template}:{at}: `{{python}} {expr}`{who}: {exc}") from None
            except Exception as exc:
                raise InlineError(f"{template}:{at}: `{{python}} {expr}` failed{who}: "
                                  f"{type(exc).__name__}: {exc}") from exc
        result = INLINE.sub(replace, text)
    log = {"conditions": looked_up, "calls": getattr(run, "calls", [])}
    return result, rows, log


REPLAY = "replay"  # the key of a text cell's log under its Markdown output's "portraits" metadata


def cell_outputs(text: str, namespace: dict | None = None, *, template: str = "template", line: int = 1,
                 replay: Replay | None = None) -> list[tuple[dict, dict]]:
    """A text cell's outputs, (data, metadata) each: its evaluated Markdown, with the log a
    replay needs (not under Quarto's execution, where no build replays it), then its evidence
    for reviewers. With ``replay``, from a run's log, with no kernel."""
    namespace = namespace if namespace is not None else {}
    result, rows, log = _evaluate(text, replay or _Live(namespace), template, line, namespace.get("territory"))
    if replay is not None:
        replay.finished()
    quarto = evidence.under_quarto()
    meta = {} if quarto else {"portraits": {REPLAY: log}}
    out = [({"text/markdown": result, "text/plain": result}, meta)]
    if rows and not quarto:
        out.append(evidence.bundle(rows, evidence.anchor(line)))
    return out


def markdown(text: str, *, template: str = "template", line: int = 1) -> None:
    """Display the evaluated Markdown of a template cell, then its evidence (for reviewers)."""
    from IPython import get_ipython
    from IPython.display import display

    ip = get_ipython()
    for data, meta in cell_outputs(text, ip.user_ns if ip is not None else {}, template=template, line=line):
        display(data, raw=True, metadata=meta)
