"""Executed notebook -> HTML page, A4 PDF, Word document (the formats of portraits.core.outputs).

Two engines: "builtin" (pandoc + Typst from the Python wheels, always available) and "quarto"
(the Quarto CLI, when it is on PATH). "auto" picks Quarto if it is installed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from portraits.core import outputs
from portraits.core.errors import RenderError
from portraits.render.shared import drop_hidden_outputs, hidden_output

ENGINES = ("auto", "builtin", "quarto")

__all__ = ["ENGINES", "RenderError", "Rendered", "choose_engine", "quarto_available", "render"]


def quarto_available(quarto: str = "quarto") -> bool:
    return shutil.which(quarto) is not None


def choose_engine(engine: str = "auto") -> str:
    """Resolve "auto" and check the engine can run: returns "builtin" or "quarto"."""
    if engine not in ENGINES:
        raise RenderError(f"unknown rendering engine {engine!r} (choose one of {', '.join(ENGINES)})")
    if engine == "auto":
        return "quarto" if quarto_available() else "builtin"
    if engine == "quarto" and not quarto_available():
        raise RenderError(
            "the Quarto engine was asked for but the `quarto` command is not on PATH; install the "
            "Quarto CLI (https://quarto.org) or use the built-in engine (engine \"builtin\" or \"auto\")")
    return engine


class Rendered(dict):
    """{format: path} of what a render wrote, and whether only the changed blocks were rendered."""

    def __init__(self, done: dict, *, by_blocks: bool = False):
        super().__init__(done)
        self.by_blocks = by_blocks


def reader_notebook(ipynb: Path, tmp: Path, nb: dict | None = None) -> Path:
    """The notebook as the renderers must see it: without the reviewers' outputs (a copy in
    ``tmp`` when there are some, else ``ipynb`` itself)."""
    nb = json.loads(Path(ipynb).read_text(encoding="utf-8")) if nb is None else nb
    if not drop_hidden_outputs(nb):
        return Path(ipynb)
    out = tmp / Path(ipynb).name
    out.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return out


def render(ipynb: Path, *, engine: str = "auto", context: dict | None = None, cache: Path | None = None,
           previous: bytes | None = None, **targets: Path | None) -> Rendered:
    """Render an executed notebook to the formats given as keywords (``html=path``,
    ``pdf=path``, ``docx=path``: any id of ``portraits.core.outputs.FORMATS``); returns {format: path}
    for what was written.

    context: per-document metadata for the page (title, subtitle, name, date, toc...), see
    docs/RENDERING.md. cache: the directory where the built-in engine keeps what pandoc wrote;
    previous: the notebook last rendered there (its bytes), from which this one may differ only
    in the words of text cells: then only the changed blocks are rendered again
    (portraits.render.incremental)."""
    unknown = outputs.unknown_formats(targets)
    if unknown:
        raise RenderError(f"unknown format(s) {', '.join(unknown)} (known: {', '.join(outputs.FORMATS)})")
    wanted = {fmt: Path(path) for fmt, path in targets.items() if path is not None}
    chosen = choose_engine(engine)
    with tempfile.TemporaryDirectory(prefix="portraits-render-") as tmp:
        data = Path(ipynb).read_bytes()
        nb = json.loads(data)
        contexts = {fmt: context for fmt in wanted}
        if "html" in wanted and (context or {}).get("review"):
            contexts["html"] = {**context, "evidence-links": _evidence_links(nb, context["review"])}
        notebook = reader_notebook(Path(ipynb), Path(tmp), nb)
        if chosen == "quarto":
            from portraits.render.quarto import render_quarto

            return Rendered(dict(zip(wanted, render_quarto(notebook, wanted, metadata=context))))
        from portraits.render import builtin, incremental

        # in the registry's order: HTML first (the change review reads it), then PDF, Word
        ordered = {fmt: wanted[fmt] for fmt in outputs.FORMATS if fmt in wanted}
        if cache is None:
            return Rendered(builtin.render_documents(notebook, ordered, contexts))
        if previous is not None:
            done = incremental.rerender(incremental.Change(previous, data, nb), ordered, contexts, Path(cache))
            if done is not None:
                return Rendered(done, by_blocks=True)
        return Rendered(builtin.render_documents(notebook, ordered, contexts, keep=incremental.keeper(Path(cache), data)))


def _evidence_links(nb: dict, review_page: str) -> dict[str, str]:
    """{the portrait's id: the link to its evidence on the review page} (HTML only: a PDF or
    Word reader has no review page beside it)."""
    from portraits.render.review import evidence_targets

    return {target: f"{review_page}#{anchor}" for target, anchor in evidence_targets(nb).items()}
