"""What the portrait's blocks give the notebook: Markdown (with data-driven text escaped), a
chart as SVG with its alternative text, the document metadata as a YAML block.

Charts carry their alternative text in the output metadata (``image/svg+xml: {alt: …}``),
which pandoc's ipynb reader turns into the image's ``alt`` attribute: alt texts are written
from the data, whereas Quarto's ``fig-alt`` cell option is static. Templates should therefore
set ``fig-cap`` but not ``fig-alt`` on chart cells.
"""

from __future__ import annotations

from portraits.blocks import svg
from portraits.blocks.chart_style import Chart
from portraits.core import outputs
from portraits.text import evidence


def markdown(text: str, rows: list[dict] | None = None, anchor: str = ""):
    """``text`` displayed as Markdown in the notebook; with evidence ``rows``, followed by the
    evidence of what it shows (an output for reviewers, with id ``anchor``)."""
    from IPython.display import Markdown

    class _WithEvidence(Markdown):
        def _ipython_display_(self):
            from IPython.display import display

            display({"text/markdown": self.data, "text/plain": self.data}, raw=True)
            evidence.display(rows or [], anchor)

    if not rows:
        return Markdown(text)
    out = _WithEvidence(text)
    out.evidence = rows  # what the block shows, for the tests and callers that read it
    return out


def md_escape(text: str) -> str:
    """Escape what Markdown would read as markup in data-driven text (names, labels)."""
    out = str(text)
    for ch in ("\\", "*", "_", "[", "]", "|", "<", ">", "`"):
        out = out.replace(ch, "\\" + ch)
    return out


class FigureOutput:
    """A chart for the notebook: SVG with its alt text in the output metadata; when data are
    missing, an italic Markdown note saying so."""

    def __init__(self, chart: Chart, rows: list[dict] | None = None, anchor: str = ""):
        self.chart = chart
        self.evidence = rows or []  # what the chart draws (portraits.text.evidence rows)
        self.anchor = anchor

    def _ipython_display_(self):
        from IPython.display import display

        data, meta = self._repr_mimebundle_()
        display(data, metadata=meta, raw=True)
        evidence.display(self.evidence, self.anchor)

    @property
    def alt(self) -> str:
        return self.chart.alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        # a memoized chart comes with its SVG made (portraits.blocks.memo.Rendered)
        image = getattr(self.chart, "svg", None)
        if image is None and self.chart.fig is not None:
            image = svg.to_svg(self.chart.fig)
        if image is None:
            return {"text/markdown": f"*{self.chart.alt}*", "text/plain": self.chart.alt}, {}
        return ({"image/svg+xml": image, "text/plain": self.chart.alt},
                {"image/svg+xml": {"alt": self.chart.alt}})


class MetadataBlock:
    """Document metadata for the template's ``when-meta`` conditions (``Portrait.metadata``)."""

    def __init__(self, meta: dict):
        self.meta = meta
        try:  # the execution step reads it from the kernel's namespace (portraits.template.conditions)
            from IPython import get_ipython

            ip = get_ipython()
        except ImportError:  # pragma: no cover - IPython is a dependency
            ip = None
        if ip is not None:
            from portraits.template.conditions import METADATA_NAME

            ip.user_ns[METADATA_NAME] = meta

    def _repr_mimebundle_(self, include=None, exclude=None):
        import yaml

        text = "---\n" + yaml.safe_dump(self.meta, allow_unicode=True, sort_keys=True) + "---\n"
        return {"text/markdown": text, "text/plain": text}, outputs.role_metadata(outputs.METADATA_ROLE)
