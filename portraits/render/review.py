"""The reviewers' page of one executed notebook: ``output/review/ID.html``.

Jupyter's own converter (nbconvert's ``HTMLExporter``, JupyterLab template) renders the executed
notebook with its code visible, offline: no script or style sheet is loaded from the network
(the template ``templates/review/review.html.j2`` drops require.js, MathJax and Mermaid; the
JupyterLab styles are inlined). On top of nbconvert's page:

- a header with links to the territory's portrait (``../html/ID.html``), PDF, CSV and XLSX
  files, and the ``.ipynb`` itself (download);
- papermill's injected-parameters cell labelled (nbconvert also keeps cell tags as CSS
  classes: ``celltag_injected-parameters``);
- the commentary's evidence tables (``display_data`` outputs whose metadata has
  ``{"portraits": {"role": "evidence"}}``; portraits never show them) under the caption
  « Éléments de preuve ».

Only the executed notebook is needed, so the batch build writes the page right after the
notebook (``portraits.build.worker``), atomically.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

from portraits.core import atomic, outputs

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "review"

# (key, path from output/review/, link text, download): the registry's outputs but this page
LINKS: tuple[tuple[str, str, str, bool], ...] = tuple(
    (o.id, "../" + o.relative("{id}"), o.long_label, not o.page) for o in outputs.OUTPUTS if o.id != "review")

_exporter = None  # one per process: building it loads the templates (about 0.5 s)


def _exporter_class():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

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
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

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
    exporter().from_notebook_node(nbformat.v4.new_notebook(), resources={"review": {"links": []}})


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


def _readable(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if isinstance(data.get("text/markdown"), str):
                data["text/markdown"] = plain_markdown(data["text/markdown"])


def render_review(nb: nbformat.NotebookNode, tid: str, *, name: str = "",
                  link_list: list[dict[str, Any]] | None = None) -> str:
    """The review page's HTML for an executed notebook."""
    title = f"Relecture – {name} ({tid})" if name else f"Relecture – {tid}"
    nb = nbformat.from_dict(nb)  # a copy (new dicts all the way down): changed below
    nb.metadata["title"] = title
    _readable(nb)
    resources = {"metadata": {"name": title},
                 "review": {"territory": tid, "name": name,
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
    atomic.write_text(path, render_review(nb, tid, name=name, link_list=links(tid, output_dir)))
    return path


def territory_name(tid: str) -> str:
    """The territory's name for the page's title, '' when the data layer does not know it."""
    try:
        from portraits.data import store

        return store.territory(tid).name
    except Exception:  # a fixture or partial data set
        return ""

