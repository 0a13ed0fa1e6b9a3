"""Built-in engine: executed notebook -> self-contained HTML page and A4 PDF.

pandoc (from the pypandoc-binary wheel) reads the notebook; the Lua filter quarto_cells.lua
applies Quarto's cell options (pandoc alone would show code and every output representation);
pandoc templates give the page layout; Typst (the typst wheel) compiles the PDF with the
project's own fonts. One pandoc process per output, fonts read by Typst per compile.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pypandoc
import typst

from portraits.core import fonts
from portraits.core import atomic
from portraits.core.errors import RenderError
from portraits.render.shared import existing_notebook, project_settings, stderr_tail

HERE = Path(__file__).resolve().parent
LUA_FILTER = HERE / "quarto_cells.lua"
INLINE_IMAGES = HERE / "inline_images.lua"  # HTML only: charts inline, in the page's font
EVIDENCE_LINKS = HERE / "evidence_links.lua"  # HTML only: links to the review page
TEMPLATES = HERE / "templates"
FONT_MARKER = "<!-- portraits:font-faces -->"

# The ipynb reader enables few Markdown extensions; these are the ones Quarto documents use.
PANDOC_FROM = "ipynb" + "".join(f"+{ext}" for ext in (
    "footnotes", "citations", "fenced_divs", "bracketed_spans", "native_divs", "native_spans",
    "raw_attribute", "fenced_code_attributes", "header_attributes", "link_attributes",
    "implicit_figures", "smart", "definition_lists", "table_captions", "superscript", "subscript",
    "pipe_tables", "simple_tables", "grid_tables"))


def _pandoc_path() -> str:
    return pypandoc.get_pandoc_path()


# The wheel's pandoc suggests a 64 MB heap (-with-rtsopts=-H64m): 16 MB keeps the same speed
# and lowers its peak memory from about 180 MB to 130 MB per document (measured on 12 portraits).
PANDOC_RTS = ["+RTS", "-H16m", "-RTS"]


@functools.lru_cache(maxsize=4)
def _rts_options(pandoc: str) -> tuple[str, ...]:
    """PANDOC_RTS if this pandoc accepts RTS options (a build without -rtsopts refuses them)."""
    try:
        proc = subprocess.run([pandoc, *PANDOC_RTS, "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(PANDOC_RTS) if proc.returncode == 0 else ()


def _metadata_file(tmp: Path, context: dict | None) -> Path:
    """The project's Quarto settings (`_quarto.yml`: lang, crossref labels, filters, which
    quarto_cells.lua applies) and the context values (title, subtitle, name, date...) as
    pandoc metadata; they win over the template's front matter (the title of each territory
    is only known to the build)."""
    settings = project_settings()
    meta = {"lang": settings.get("lang", "fr"), "crossref": settings.get("crossref") or {},
            "portraits-filters": settings.get("filters") or []}
    meta.update({k: v for k, v in (context or {}).items() if v is not None})
    path = tmp / "metadata.json"  # JSON is YAML
    path.write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def _run_pandoc(args: list[str], cwd: Path) -> None:
    pandoc = _pandoc_path()
    proc = subprocess.run([pandoc, *_rts_options(pandoc), *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed (exit {proc.returncode}):\n{stderr_tail(proc.stderr, 15)}")


def _pandoc_args(ipynb: Path, to: str, tmp: Path, context: dict | None) -> list[str]:
    """What both outputs share: the notebook read with every output kept, the Lua filter
    choosing among them, the page metadata."""
    return [str(ipynb), "-f", PANDOC_FROM, "--ipynb-output=all", "-L", str(LUA_FILTER),
            "--resource-path", f"{ipynb.parent}{os.pathsep}.", "-t", to, "--standalone",
            "--syntax-highlighting=none", "--wrap=none",
            "--metadata-file", str(_metadata_file(tmp, context))]


def _style_file(tmp: Path) -> Path:
    """The stylesheet as a <style> element for the page's head: pandoc copies it as it is."""
    path = tmp / "portrait-style.html"
    css = (TEMPLATES / "portrait.css").read_text(encoding="utf-8")
    path.write_text(f"<style>\n{css}</style>\n", encoding="utf-8")
    return path


def render_html(ipynb: Path, out: Path, *, context: dict | None = None) -> Path:
    """Write a self-contained HTML page (fonts and images embedded, no external request)."""
    ipynb, out = existing_notebook(ipynb), Path(out)
    with tempfile.TemporaryDirectory(prefix="portraits-html-") as tmp_name:
        tmp = Path(tmp_name)
        html = tmp / "portrait.html"
        args = _pandoc_args(ipynb, "html5", tmp, context) + [
            "-L", str(INLINE_IMAGES), "-L", str(EVIDENCE_LINKS), "--template", str(TEMPLATES / "portrait.html"),
            "--include-in-header", str(_style_file(tmp)), "-o", str(html)]
        if (context or {}).get("toc"):
            args += ["--toc", "--toc-depth=2"]
        _run_pandoc(args, cwd=tmp)
        # The page is made self-contained by the filters (images) and the stylesheet in a
        # <style>, not by pandoc's --embed-resources, which re-parses the whole page (charts
        # and fonts included). The font faces go in after pandoc: one subset for the page and
        # its inline charts, of the characters they show.
        page = html.read_text(encoding="utf-8")
        page = page.replace(FONT_MARKER, f"<style>\n{fonts.page_font_css(shown_text(page))}</style>", 1)
        atomic.write_text(out, page)
    return out


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def shown_text(page: str) -> str:
    """The text a page shows (its elements' text, charts' <text> included), whose characters
    its font subset must hold."""
    parser = _Text()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def render_pdf(ipynb: Path, out: Path, *, context: dict | None = None) -> Path:
    """Write an A4 PDF through Typst, with the shipped fonts only (same output on any machine)."""
    ipynb, out = existing_notebook(ipynb), Path(out)
    with tempfile.TemporaryDirectory(prefix="portraits-pdf-") as tmp_name:
        tmp = Path(tmp_name)
        typ = tmp / "portrait.typ"
        # The filter writes the figures next to the .typ file (cwd): Typst resolves image
        # paths relative to it.
        _run_pandoc(_pandoc_args(ipynb, "typst", tmp, context) + [
            "--template", str(TEMPLATES / "portrait.typ"), "-V", f"mainfont={fonts.font_family()}",
            "-o", str(typ)], cwd=tmp)
        try:
            pdf = typst.compile(str(typ), root=str(tmp), font_paths=[str(fonts.font_dir())],
                                ignore_system_fonts=True, timestamp=_timestamp())
        except Exception as exc:  # typst raises a plain RuntimeError carrying the diagnostics
            raise RenderError(f"typst failed on {ipynb.name}: {exc}") from exc
        atomic.write_bytes(out, pdf)
    return out


def _timestamp() -> int:
    # Reproducible PDFs: no wall-clock time inside (the document date is set to none too).
    return int(os.environ.get("SOURCE_DATE_EPOCH", "0"))


def render_docx(ipynb: Path, out: Path, *, context: dict | None = None) -> Path:
    """Write a Word document (charts as images, tables as Word tables) with the styles of
    templates/reference.docx (made by scripts/make_reference_docx.py), for administrations
    that edit a report in Word before publishing it."""
    ipynb, out = existing_notebook(ipynb), Path(out)
    with tempfile.TemporaryDirectory(prefix="portraits-docx-") as tmp_name:
        tmp = Path(tmp_name)
        docx = tmp / "portrait.docx"
        _run_pandoc(_pandoc_args(ipynb, "docx", tmp, context) + [
            "--reference-doc", str(TEMPLATES / "reference.docx"), "-o", str(docx)], cwd=tmp)
        atomic.copy_file(docx, out)
    return out


# format id (portraits.core.outputs) -> writer
WRITERS = {"html": render_html, "pdf": render_pdf, "docx": render_docx}
