"""The reviewers' page of one executed notebook: ``output/review/ID.html``.

Jupyter's own converter (nbconvert's ``HTMLExporter``, JupyterLab template) renders the executed
notebook with its code visible, offline: no script or style sheet is loaded from the network
(the template ``templates/review/review.html.j2`` drops require.js, MathJax and Mermaid; the
JupyterLab styles are inlined). On top of nbconvert's page:

- a header with links to the territory's portrait (``../html/ID.html``), PDF, CSV and XLSX
  files, and the ``.ipynb`` itself (download);
- papermill's injected-parameters cell labelled (nbconvert also keeps cell tags as CSS
  classes: ``celltag_injected-parameters``);
- the evidence tables (``display_data`` outputs whose metadata has ``{"portraits": {"role":
  "evidence", "anchor": ID}}``; portraits never show them) under the caption « Éléments de
  preuve », each with its id (``portraits.text.evidence.anchor``) and listed at the top of the
  page; a table wider than the page scrolls in its own box, with a visible scrollbar;
- the document metadata the conditions read shown as data (a preformatted block);
- the charts inline, without their own copy of the font.

The styles (JupyterLab's and ours) and the charts' fonts are one shared file,
``output/review/assets/review.css`` (:func:`write_assets`: written atomically, only when it
changed), so that a page weighs its content only (ti-8413: under 400 KB).

Only the executed notebook is needed, so the batch build writes the page right after the
notebook (``portraits.build.worker``), atomically.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Any

import nbformat

from portraits.core import atomic, outputs

STYLESHEET = "assets/review.css"  # from output/review/

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "review"

# (key, path from output/review/, link text, download): the registry's outputs but this page
LINKS: tuple[tuple[str, str, str, bool], ...] = tuple(
    (o.id, "../" + o.relative("{id}"), o.long_label, not o.page) for o in outputs.OUTPUTS if o.id != "review")

_exporter = None  # one per process: building it loads the templates (about 0.5 s)
_HIGHLIGHTED: dict[tuple, str] = {}  # code cell -> its highlighted HTML (CachedHighlight)
_MARKDOWN: dict[tuple, Any] = {}  # the exporter's settings -> its Markdown parser (markdown2html)


def _exporter_class():
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class CachedHighlight(Highlight2HTML):
        """Highlight2HTML, each cell's code highlighted once per process: the template's code is
        the same on all 183 review pages (pygments was a third of each page's time). A new
        filter is made per page, so the cache is the class's, keyed by what the result depends on."""

        def __call__(self, source, language=None, metadata=None):
            key = (source, language or self.pygments_lexer, (metadata or {}).get("magics_language"),
                   repr(sorted(self.extra_formatter_options.items())))
            if key not in _HIGHLIGHTED:
                if len(_HIGHLIGHTED) > 2048:
                    _HIGHLIGHTED.clear()
                _HIGHLIGHTED[key] = super().__call__(source, language, metadata)
            return _HIGHLIGHTED[key]

    class ReviewExporter(HTMLExporter):
        """HTMLExporter without what costs time and the page does not need (measured on
        ti-8413, 0.35 s down to about 0.1 s): no preprocessors (the notebook is already executed;
        nbconvert validated it against the schema after each of its twelve, mostly disabled,
        preprocessors), and no BeautifulSoup pass over the finished page (it only adds
        tabindex attributes and placeholder alt texts)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", CachedHighlight(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        @jinja2.pass_context
        def markdown2html(self, context, source):
            """nbconvert's filter, with one parser per setting rather than one per Markdown
            text: making one registers its rules (about a third of a page's time)."""
            cell = context.get("cell", {})
            if cell.get("attachments"):  # the renderer holds them: a parser of its own
                return super().markdown2html(context, source)
            path = context.get("resources", {}).get("metadata", {}).get("path", "")
            key = (path, self.embed_images, self.anchor_link_text, self.exclude_anchor_links,
                   repr(sorted(self.lexer_options.items())))
            if key not in _MARKDOWN:
                _MARKDOWN[key] = MarkdownWithMath(renderer=IPythonRenderer(
                    escape=False, attachments={}, embed_images=self.embed_images, path=path,
                    anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links,
                    **self.lexer_options))
            return _MARKDOWN[key].render(source)

    return ReviewExporter


def exporter():
    """nbconvert's HTMLExporter (JupyterLab template) with the review template, once per process."""
    global _exporter
    if _exporter is None:
        _exporter = _exporter_class()(
            template_name="lab", extra_template_paths=[str(TEMPLATE_DIR)], template_file="review.html.j2",
            exclude_anchor_links=True, embed_images=False, theme="light", language_code="fr",
            default_preprocessors=[])
    return _exporter


def warm_up() -> None:
    """Import nbconvert and compile the templates now (about 0.5 s), by rendering an empty notebook."""
    exporter().from_notebook_node(nbformat.v4.new_notebook(), resources={"review": {"links": [], "stylesheet": STYLESHEET}})


def links(tid: str, output_dir: Path | None = None) -> list[dict[str, Any]]:
    """The header's links; with ``output_dir``, only to the files that exist there."""
    found = []
    for key, pattern, text, download in LINKS:
        href = pattern.format(id=tid)
        if output_dir is not None and not (Path(output_dir) / "review" / href).resolve().exists():
            continue
        if output_dir is None and key in outputs.FORMATS and key not in outputs.DEFAULT_FORMATS:
            continue  # a format built on request only (Word): linked where it exists
        found.append({"key": key, "href": href, "text": text, "download": download})
    return found


# Pandoc's fenced divs and bracketed spans in the commentary's Markdown (`::: {.key-figure}`,
# `[12,3 %]{.value}`), which nbconvert's Markdown reader would show as such: kept as plain text.
_PANDOC_FENCE = re.compile(r"^[ \t]*:{3,}[ \t]*(?:\{[^}\n]*\}|[\w-]+)?[ \t]*$", re.M)
_PANDOC_SPAN = re.compile(r"\[([^\[\]\n]*)\]\{[.#][^}\n]*\}")


def plain_markdown(text: str) -> str:
    """Markdown without pandoc's div fences and span attributes (their text stays)."""
    return _PANDOC_SPAN.sub(r"\1", _PANDOC_FENCE.sub("", text))


_SVG_PROLOG = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?")
_SVG_FONTS = re.compile(r"<style type=\"text/css\">@font-face.*?</style>", re.S)


def inline_svg(svg: str) -> str:
    """A chart's SVG for the page's body: no XML prolog, no fonts of its own (the shared
    stylesheet declares them once). Its raster parts already have a palette
    (``portraits.blocks.svg``)."""
    return _SVG_FONTS.sub("", _SVG_PROLOG.sub("", svg), count=1)


def _portraits_meta(output) -> dict:
    """The output's ``portraits`` metadata (its role, anchor, replay log...; {} if none)."""
    return (output.get("metadata") or {}).get("portraits") or {}


_CAPTION = re.compile(r"^#\|\s*(fig|tbl)-cap:\s*[\"']?(.*?)[\"']?\s*$", re.M)


def _evidence_label(cell) -> str:
    """What an evidence table supports, for the page's list: the chart's or table's caption
    (the template's ``fig-cap``/``tbl-cap``), else the text's heading or first words."""
    if m := _CAPTION.search(cell.get("source", "")):
        return ("Graphique" if m.group(1) == "fig" else "Tableau") + f"\u202f: {m.group(2)}"
    for output in cell.get("outputs", []):
        text = (output.get("data") or {}).get("text/markdown")
        if isinstance(text, str) and text.strip() and not outputs.role_of(output):
            first = next(ln for ln in text.strip().splitlines() if ln.strip())
            first = re.sub(r"^#+\s*|[*_`|\\]", "", first).strip()
            return "Texte\u202f: " + (first if len(first) <= 70 else first[:69].rstrip() + "…")
    return "Texte"


_LABEL = re.compile(r"^#\|\s*label:\s*[\"']?([\w-]+)", re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)


def pandoc_identifier(heading: str) -> str:
    """The id pandoc (and Quarto) give a heading (extension ``auto_identifiers``): formatting
    and punctuation removed but ``_-.``, spaces to hyphens, lower case, from the first letter."""
    text = re.sub(r"[*_`]{1,2}(?=\S)|(?<=\S)[*_`]{1,2}|\\", "", heading)
    text = re.sub(r"[^\w .\n-]|_", lambda m: "_" if m.group(0) == "_" else "", text)
    text = re.sub(r"[ \n]", "-", text.strip()).lower()
    return re.sub(r"^[^a-zà-ÿ]+", "", text) or "section"


def portrait_target(cell, last_heading: str) -> tuple[str, str]:
    """(the portrait's id of what a cell shows, the last heading id after it): a chart's or
    table's label, else the cell's heading, else the heading the cell follows."""
    heading = last_heading
    if cell.get("cell_type") == "markdown":  # a plain text cell: its headings are the portrait's
        for m in _HEADING.finditer(cell.get("source", "")):
            heading = pandoc_identifier(m.group(1))
        return "", heading
    for output in cell.get("outputs", []):
        text = (output.get("data") or {}).get("text/markdown")
        if isinstance(text, str) and not outputs.role_of(output):
            for m in _HEADING.finditer(text):
                heading = pandoc_identifier(m.group(1))
                break
    if m := _LABEL.search(cell.get("source", "")):
        return m.group(1), heading
    first = next((pandoc_identifier(m.group(1)) for output in cell.get("outputs", [])
                  if isinstance(t := (output.get("data") or {}).get("text/markdown"), str)
                  and not outputs.role_of(output)
                  for m in _HEADING.finditer(t)), None)
    return first or last_heading, heading


def evidence_targets(nb: dict) -> dict[str, str]:
    """{the portrait's id (a section heading, a chart's or table's label): the id of the first
    evidence table of it on the review page}, in the portrait's order: the links back from
    the portrait (``render/evidence_links.lua``), the reverse of the review page's links.
    ``nb`` may be the notebook's JSON as read (its texts as lists of lines: joined here)."""
    from nbformat.v4.rwbase import rejoin_lines

    found, heading = {}, ""
    for cell in rejoin_lines(nbformat.from_dict(nb)).get("cells", []):
        target, heading = portrait_target(cell, heading)
        for output in cell.get("outputs", []):
            anchor = _portraits_meta(output).get("anchor")
            if target and anchor and outputs.role_of(output) == outputs.EVIDENCE_ROLE:
                found.setdefault(target, anchor)
    return found


def _readable(nb: nbformat.NotebookNode, tid: str = "", heading: str = "") -> list[dict[str, str]]:
    """Make the outputs readable on the page; returns the evidence tables' anchors and labels,
    each evidence output given the link to what it supports in the portrait (``heading``: the
    portrait's section the first cell is in)."""
    found = []
    portrait = "../" + outputs.BY_ID["html"].relative(tid) if tid else ""
    for cell in nb.cells:
        target, heading = portrait_target(cell, heading)
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            role = outputs.role_of(output)
            if role == outputs.METADATA_ROLE:  # data, not Markdown (its "---" would be a heading)
                text = data.get("text/plain") or data.get("text/markdown") or ""
                output["data"] = {"text/html": '<div class="review-metadata"><p>Métadonnées du document, '
                                  'lues par les conditions du modèle (available, comparable)</p>'
                                  f"<pre>{html.escape(text)}</pre></div>"}
                continue
            if role == outputs.EVIDENCE_ROLE and _portraits_meta(output).get("anchor"):
                anchor = _portraits_meta(output)["anchor"]
                found.append({"anchor": anchor, "text": _evidence_label(cell)})
                if portrait and target:
                    output["metadata"]["portraits"]["portrait_href"] = f"{portrait}#{target}"
            if isinstance(data.get("text/markdown"), str):
                data["text/markdown"] = plain_markdown(data["text/markdown"])
            if isinstance(data.get("image/svg+xml"), str):
                data["image/svg+xml"] = inline_svg(data["image/svg+xml"])
    return found


def evidence_list(nb: nbformat.NotebookNode, tid: str = "", heading: str = "") -> list[dict[str, str]]:
    """The evidence tables the page lists at its top (anchors and labels), for ``nb``'s cells."""
    return _readable(nbformat.from_dict(nb), tid, heading)


@functools.cache
def stylesheet() -> str:
    """The review pages' shared stylesheet: JupyterLab's (light theme), ours, the charts' fonts."""
    env = exporter().environment
    # the code's colours (pygments), which nbconvert computes for each page
    _, res = exporter().from_notebook_node(nbformat.v4.new_notebook(), resources={"review": {"links": []}})
    parts = list((res.get("inlining") or {}).get("css") or [])
    parts += [env.loader.get_source(env, name)[0] for name in ("static/index.css", "static/theme-light.css")]
    parts.append((TEMPLATE_DIR / "review.css").read_text(encoding="utf-8"))
    from portraits.blocks import chart_style

    parts.append("".join(chart_style.font_faces().values()))
    return "\n".join(parts)


def write_assets(output_dir: Path) -> Path:
    """``output/review/assets/review.css``, written atomically and only when it changed (the
    pages of a build share it; a reader never sees half a file)."""
    path = outputs.BY_ID["review"].path(Path(output_dir), "x").parent / STYLESHEET
    text = stylesheet()
    try:
        if path.read_text(encoding="utf-8") == text:
            return path
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, text)
    return path


class _OwnCopy(nbformat.NotebookNode):
    """A notebook this module copied for the page: nbconvert's exporter deep-copies its input
    twice more (a third of the page's time), which this copy does not need."""

    def __deepcopy__(self, memo):
        return self


def render_review(nb: nbformat.NotebookNode, tid: str, *, name: str = "",
                  link_list: list[dict[str, Any]] | None = None, heading: str = "") -> str:
    """The review page's HTML for an executed notebook (``heading``: the portrait's section its
    first cell is in, for some of its cells alone: ``review_blocks``)."""
    title = f"Relecture – {name} ({tid})" if name else f"Relecture – {tid}"
    nb = _OwnCopy(nbformat.from_dict(nb))  # a copy (new dicts all the way down): changed below
    nb.metadata["title"] = title
    found = _readable(nb, tid, heading)
    resources = {"metadata": {"name": title},
                 "review": {"territory": tid, "name": name, "stylesheet": STYLESHEET, "evidence": found,
                            "links": links(tid) if link_list is None else link_list}}
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body


def write_review(output_dir: Path, tid: str, nb: nbformat.NotebookNode | None = None, *,
                 name: str = "", notebook: Path | None = None) -> Path:
    """Write ``output/review/ID.html`` atomically, from ``nb`` or the executed notebook on disk."""
    output_dir = Path(output_dir)
    if nb is None:
        nb = nbformat.read(notebook or output_dir / "notebooks" / f"{tid}.ipynb", as_version=4)
    path = outputs.BY_ID["review"].path(output_dir, tid)
    write_assets(output_dir)
    atomic.write_text(path, render_review(nb, tid, name=name, link_list=links(tid, output_dir)))
    return path


def territory_name(tid: str) -> str:
    """The territory's name for the page's title, '' when the data layer does not know it."""
    try:
        from portraits.data import store

        return store.territory(tid).name
    except Exception:  # a fixture or partial data set
        return ""

