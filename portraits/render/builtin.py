"""Built-in engine: executed notebook -> self-contained HTML page and A4 PDF.

pandoc (from the pypandoc-binary wheel) reads the notebook; the Lua filter quarto_cells.lua
applies Quarto's cell options (pandoc alone would show code and every output representation);
pandoc templates give the page layout; Typst (the typst wheel) compiles the PDF with the
project's own fonts. One pandoc process per portrait (all_formats.lua: the notebook read once,
each output's filters and writer after it); the Word document, rarer, has its own.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pypandoc

from portraits.core import fonts
from portraits.core import atomic
from portraits.core.errors import RenderError
from portraits.render import pandoc_service, typst_service
from portraits.render.shared import existing_notebook, project_settings, stderr_tail

HERE = Path(__file__).resolve().parent
LUA_FILTER = HERE / "quarto_cells.lua"  # both lists below, for the pandoc command (Word)
COMMON_PASSES = HERE / "common_passes.lua"  # the same for every format: once per portrait
FORMAT_PASSES = HERE / "format_passes.lua"  # then for each output
INLINE_IMAGES = HERE / "inline_images.lua"  # HTML only: charts inline, in the page's font
EVIDENCE_LINKS = HERE / "evidence_links.lua"  # HTML only: links to the review page
ALL_FORMATS = HERE / "all_formats.lua"  # run by `pandoc lua`: one read, every output
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
# The changed blocks of a wording edit (render.incremental: a few blocks, alone): a 64 MB
# allocation area spares the two major collections the suggested heap costs there, 0.095 ->
# 0.087 CPU-s per job with a lower peak, 123 -> 98 MB (measured, 36 jobs each).
FRAGMENTS_RTS = ["+RTS", "-A64m", "-RTS"]


@functools.lru_cache(maxsize=8)
def _rts_options(pandoc: str, options: tuple[str, ...] = tuple(PANDOC_RTS)) -> tuple[str, ...]:
    """``options`` if this pandoc accepts RTS options (a build without -rtsopts refuses them)."""
    try:
        proc = subprocess.run([pandoc, *options, "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return options if proc.returncode == 0 else ()


def _metadata_file(tmp: Path, context: dict | None) -> Path:
    path = tmp / "metadata.json"  # JSON is YAML
    path.write_text(json.dumps(_metadata(context), ensure_ascii=False), encoding="utf-8")
    return path


def _run_pandoc(args: list[str], cwd: Path, rts: list[str] = PANDOC_RTS) -> None:
    pandoc = _pandoc_path()
    proc = subprocess.run([pandoc, *_rts_options(pandoc, tuple(rts)), *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed (exit {proc.returncode}):\n{stderr_tail(proc.stderr, 15)}")


def _pandoc_args(ipynb: Path, to: str, tmp: Path, context: dict | None) -> list[str]:
    """The pandoc command for one output (the Word document): the notebook read with every
    output kept, quarto_cells.lua choosing among them (both lists of passes), the page
    metadata. all_formats.lua stands for one such command per output (render_documents)."""
    return [str(ipynb), "-f", PANDOC_FROM, "--ipynb-output=all", "-L", str(LUA_FILTER),
            "--resource-path", f"{ipynb.parent}{os.pathsep}.", "-t", to, "--standalone",
            "--syntax-highlighting=none", "--wrap=none",
            "--metadata-file", str(_metadata_file(tmp, context))]


def _metadata(context: dict | None) -> dict:
    """The project's Quarto settings (`_quarto.yml`: lang, crossref labels, filters, which
    quarto_cells.lua applies) and the context values (title, subtitle, name, date...) as
    pandoc metadata; they win over the template's front matter (the title of each territory
    is only known to the build)."""
    settings = project_settings()
    meta = {"lang": settings.get("lang", "fr"), "crossref": settings.get("crossref") or {},
            "portraits-filters": settings.get("filters") or []}
    meta.update({k: v for k, v in (context or {}).items() if v is not None})
    return json.loads(json.dumps(meta, ensure_ascii=False, default=str))


def _html_output(tmp: Path, context: dict | None) -> dict:
    """The HTML page's part of the job: its filters (charts inline, evidence links), template
    and stylesheet. The page is made self-contained by the filters (images) and the stylesheet
    in a <style>, not by pandoc's --embed-resources, which re-parses the whole page (charts and
    fonts included); the font faces go in after pandoc (render_documents)."""
    css = (TEMPLATES / "portrait.css").read_text(encoding="utf-8")
    out = {"format": "html5", "output": str(tmp / "portrait.html"),
           "filters": [str(FORMAT_PASSES), str(INLINE_IMAGES), str(EVIDENCE_LINKS)],
           "template": str(TEMPLATES / "portrait.html"), "metadata": _metadata(context),
           "variables": {"header-includes": f"<style>\n{css}</style>\n"}}
    if (context or {}).get("toc"):
        out.update(toc=True, toc_depth=2)
    return out


def _typst_output(tmp: Path, context: dict | None) -> dict:
    # The filter writes the figures next to the .typ file (cwd): Typst resolves image paths
    # relative to it.
    return {"format": "typst", "output": str(tmp / "portrait.typ"), "filters": [str(FORMAT_PASSES)],
            "template": str(TEMPLATES / "portrait.typ"), "metadata": _metadata(context),
            "variables": {"mainfont": fonts.font_family()}, "cwd": str(tmp)}


def render_job(outputs: list[dict]) -> dict:
    """The job all_formats.lua runs for ``outputs`` (without its input): the metadata every
    output has goes to the shared passes (the front matter is read there), the rest to its output."""
    metas = [out.pop("metadata", {}) for out in outputs]
    common = {k: v for k, v in metas[0].items() if all(k in m and m[k] == v for m in metas)} if metas else {}
    for out, meta in zip(outputs, metas):
        out["metadata"] = {k: v for k, v in meta.items() if k not in common}
    return {"from": PANDOC_FROM, "outputs": outputs, "shared": {"filters": [str(COMMON_PASSES)], "metadata": common}}


def run_job(job: dict, tmp: Path) -> None:
    """all_formats.lua on ``job`` (render_job's, with its ``input`` or ``pairs``), in ``tmp``."""
    path = tmp / "job.json"
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    if "pairs" not in job:
        _run_pandoc(["lua", str(ALL_FORMATS), str(path)], cwd=tmp)
        return
    # a few blocks: by the process's pandoc service, when it can
    pandoc = _pandoc_path()
    if not pandoc_service.run([pandoc, *_rts_options(pandoc, tuple(FRAGMENTS_RTS)), "lua", str(ALL_FORMATS)], path.resolve()):
        _run_pandoc(["lua", str(ALL_FORMATS), str(path)], cwd=tmp, rts=FRAGMENTS_RTS)


def _run_all_formats(ipynb: Path, outputs: list[dict], tmp: Path) -> dict:
    """One pandoc process for every output: all_formats.lua reads the notebook once, runs the
    passes shared by all formats once, then each output's filters and writer (what one
    `pandoc -L quarto_cells.lua ... -t FORMAT` per output did). Returns the job."""
    job = {**render_job(outputs), "input": str(ipynb)}
    run_job(job, tmp)
    return job


def document_parts(tmp: Path, formats, contexts: dict[str, dict | None]) -> list[dict]:
    """all_formats.lua's outputs for ``formats`` (the HTML page, the PDF's Typst source) in ``tmp``."""
    return [part(tmp, contexts.get(fmt)) for fmt, part in (("html", _html_output), ("pdf", _typst_output))
            if fmt in formats]


def write_page(page: str, target: Path) -> Path:
    """The HTML page pandoc wrote, with one font subset for the page and its inline charts, of
    the characters they show."""
    atomic.write_text(target, page.replace(FONT_MARKER, f"<style>\n{fonts.page_font_css(shown_text(page))}</style>", 1))
    return Path(target)


def render_documents(ipynb: Path, targets: dict[str, Path], contexts: dict[str, dict | None], *,
                     keep: Callable[[Path, dict], None] | None = None) -> dict[str, Path]:
    """Write the formats of ``targets`` ({"html"|"pdf"|"docx": path}), each with its context
    (page metadata): the HTML page and the PDF's Typst source from one pandoc process.
    ``keep(directory, job)``, once every output is written, may keep what pandoc wrote there
    (portraits.render.incremental)."""
    ipynb = existing_notebook(ipynb)
    done: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="portraits-render-") as tmp_name:
        tmp = Path(tmp_name)
        outputs = document_parts(tmp, targets, contexts)
        job = _run_all_formats(ipynb, outputs, tmp) if outputs else None
        if "html" in targets:
            done["html"] = write_page((tmp / "portrait.html").read_text(encoding="utf-8"), targets["html"])
        if "pdf" in targets:
            done["pdf"] = compile_typst(ipynb.name, tmp / "portrait.typ", tmp, Path(targets["pdf"]))
        if "docx" in targets:
            done["docx"] = _render_docx(ipynb, Path(targets["docx"]), tmp, contexts.get("docx"))
        if keep is not None and job is not None:
            keep(tmp, job)
    return {fmt: done[fmt] for fmt in targets if fmt in done}


def render_html(ipynb: Path, out: Path, *, context: dict | None = None) -> Path:
    """Write a self-contained HTML page (fonts and images embedded, no external request)."""
    return render_documents(ipynb, {"html": Path(out)}, {"html": context})["html"]


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
    return render_documents(ipynb, {"pdf": Path(out)}, {"pdf": context})["pdf"]


def compile_typst(name: str, typ: Path, root: Path, out: Path) -> Path:
    """The PDF of ``typ`` (images resolved from ``root``), for the notebook called ``name``."""
    try:  # in a build, by the workers' shared Typst process (typst_service)
        pdf = typst_service.compile_pdf(typ, root, fonts.font_dir(), _timestamp())
    except typst_service.TypstFailed as exc:
        raise RenderError(f"typst failed on {name}: {exc}") from exc
    atomic.write_bytes(out, pdf)
    return out


def _timestamp() -> int:
    # Reproducible PDFs: no wall-clock time inside (the document date is set to none too).
    return int(os.environ.get("SOURCE_DATE_EPOCH", "0"))


def render_docx(ipynb: Path, out: Path, *, context: dict | None = None) -> Path:
    """Write a Word document (charts as images, tables as Word tables) with the styles of
    templates/reference.docx (made by scripts/make_reference_docx.py), for administrations
    that edit a report in Word before publishing it."""
    return render_documents(ipynb, {"docx": Path(out)}, {"docx": context})["docx"]


def _render_docx(ipynb: Path, out: Path, tmp: Path, context: dict | None) -> Path:
    docx = tmp / "portrait.docx"
    _run_pandoc(_pandoc_args(ipynb, "docx", tmp, context) + [
        "--reference-doc", str(TEMPLATES / "reference.docx"), "-o", str(docx)], cwd=tmp)
    atomic.copy_file(docx, out)
    return out


# format id (portraits.core.outputs) -> writer
WRITERS = {"html": render_html, "pdf": render_pdf, "docx": render_docx}
