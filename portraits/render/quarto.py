"""Quarto engine: a thin adapter around `quarto render` for machines where the CLI exists.

The notebook is already executed (papermill), so Quarto only renders (--no-execute; Quarto
never executes an .ipynb input unless asked, src/execute/jupyter/jupyter.ts). It runs in a
temporary directory on a copy of the notebook, so that Quarto's side files (_files
directories, .quarto/) never land in output/; finished files are moved into place atomically.

That directory is a Quarto project made from the project's own settings (`_quarto.yml`, read
by both engines: ``portraits.render.shared.project_settings``), with what only this machine knows
added: the filters' absolute paths, the shipped font for Typst (`font-paths`, `mainfont`:
src/core/typst.ts passes them to `typst compile`) and for the HTML page, the portraits'
stylesheet and Word styles (the built-in engine's), and the caption separator for Typst (Quarto's Typst figures leave Typst's own,
"Fig. 1. – " in French: src/resources/filters/layout/typst.lua, make_typst_figure).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from portraits.core import fonts
from portraits.core import atomic
from portraits.core.errors import RenderError
from portraits.render.shared import existing_notebook, project_settings, stderr_tail

TEMPLATES = Path(__file__).resolve().parent / "templates"
# format id -> (--to FORMAT, the extension Quarto gives the result)
FORMATS = {"html": ("html", "html"), "pdf": ("typst", "pdf"), "docx": ("docx", "docx")}
FONT_CSS = "portraits-fonts.html"
TYPST_HEADER = "portraits-captions.typ"


def project_config(tmp: Path) -> dict:
    """The `_quarto.yml` written beside the notebook: the project's settings (its output-dir
    dropped: Quarto writes next to the copy) and this machine's paths."""
    settings = project_settings()
    settings.get("project", {}).pop("output-dir", None)
    (tmp / FONT_CSS).write_text(f"<style>\n{fonts.html_font_css()}</style>\n", encoding="utf-8")
    delim = str((settings.get("crossref") or {}).get("title-delim", ":"))
    (tmp / TYPST_HEADER).write_text(f"#set figure.caption(separator: [{delim} ])\n", encoding="utf-8")
    formats = settings.setdefault("format", {})
    html = formats.setdefault("html", {})
    html.setdefault("css", [str(TEMPLATES / "portrait.css")])
    html.setdefault("include-in-header", [str(tmp / FONT_CSS)])
    typst = formats.setdefault("typst", {})
    typst.setdefault("font-paths", [str(fonts.font_dir())])
    typst.setdefault("mainfont", fonts.font_family())
    typst.setdefault("include-in-header", [str(tmp / TYPST_HEADER)])
    formats.setdefault("docx", {}).setdefault("reference-doc", str(TEMPLATES / "reference.docx"))
    return settings


def command(exe: str, src: str, to: str, output: str, metadata: dict | None) -> list[str]:
    """The `quarto render` command line: the document's metadata (title, subtitle…) as -M."""
    cmd = [exe, "render", src, "--to", to, "--no-execute", "--output", output]
    for key, value in (metadata or {}).items():
        if value is not None:
            cmd += ["-M", f"{key}:{value}"]
    return cmd


def render_quarto(ipynb: Path, targets: dict[str, Path | None], *, quarto: str = "quarto",
                  metadata: dict | None = None) -> list[Path]:
    """Render with `quarto render`; returns the written paths, in the order of ``targets``
    ({format id: path}, e.g. {"html": …, "pdf": …}; a None path is skipped).

    metadata: extra document metadata (title, subtitle...), passed as `-M key:value`."""
    ipynb = existing_notebook(ipynb)
    exe = shutil.which(quarto)
    if exe is None:
        raise RenderError(f"the Quarto CLI ({quarto!r}) is not on PATH")
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="portraits-quarto-") as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "portrait.ipynb"
        shutil.copyfile(ipynb, src)
        config = yaml.safe_dump(project_config(tmp), allow_unicode=True, sort_keys=False)
        (tmp / "_quarto.yml").write_text(config, encoding="utf-8")
        for kind, out in targets.items():
            if out is None:
                continue
            to, ext = FORMATS[kind]
            produced = tmp / f"portrait.{ext}"
            proc = subprocess.run(command(exe, src.name, to, produced.name, metadata), cwd=tmp,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise RenderError(f"quarto render --to {to} failed on {ipynb.name} "
                                  f"(exit {proc.returncode}):\n{stderr_tail(proc.stderr)}")
            if not produced.is_file():
                raise RenderError(f"quarto render --to {to} wrote no {produced.name} for {ipynb.name}:\n"
                                  f"{stderr_tail(proc.stderr)}")
            atomic.copy_file(produced, out)
            written.append(Path(out))
    return written
