"""Executed notebook -> HTML page and A4 PDF.

Two engines: "builtin" (pandoc + Typst from the Python wheels, always available) and "quarto"
(the Quarto CLI, when it is on PATH). "auto" picks Quarto if it is installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from portraits.render.errors import RenderError

ENGINES = ("auto", "builtin", "quarto")

__all__ = ["ENGINES", "RenderError", "choose_engine", "quarto_available", "render"]


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


def render(ipynb: Path, *, html: Path | None = None, pdf: Path | None = None, engine: str = "auto",
           context: dict | None = None) -> dict[str, Path]:
    """Render an executed notebook; returns {"html": path, "pdf": path} for what was asked.

    context: per-document metadata for the page (title, subtitle, name, date, toc...), see
    docs/RENDERING.md."""
    chosen = choose_engine(engine)
    written: dict[str, Path] = {}
    if chosen == "quarto":
        from portraits.render.quarto import render_quarto

        paths = render_quarto(Path(ipynb), html, pdf, metadata=context)
        keys = [k for k, p in (("html", html), ("pdf", pdf)) if p is not None]
        return dict(zip(keys, paths))
    from portraits.render import builtin

    if html is not None:
        written["html"] = builtin.render_html(Path(ipynb), Path(html), context=context)
    if pdf is not None:
        written["pdf"] = builtin.render_pdf(Path(ipynb), Path(pdf), context=context)
    return written
