"""The facade the portrait template calls: one call per block, each returning an object the
notebook displays (``IPython.display.Markdown`` for text, ``FigureOutput`` for charts).

    p = Portrait("ti-8413")
    p.header()            composition, region(s)            (Markdown)
    p.chart("map")        locator map                       (figure)
    p.key_figures()       "L'essentiel": 7 key figures      (Markdown fenced divs)
    p.figure("jobs")      one indicator for the template's inline expressions (portraits.text.phrasing)
    p.first_marked([…])   a section title stating a finding, else the template's neutral heading
    p.sources("jobs", …)  a section's source note
    p.metadata()          available.ID / comparable.ID, read by the template's when-meta blocks
    p.chart("sectors")    sectors | private_jobs | establishments | a38 | positions | map
    p.comparison_table()  Indicateur | Territoire | Région | France | Ensemble des TI | Rang
    p.understand()        "Pour comprendre": definitions, sources, methods, approximations
    p.downloads()         links to ../data/ID.csv and ../data/ID.xlsx
    p.navigation()        links to the catalogue and the region's other portraits (HTML only)

Each block is written by its own module (``header``, ``key_figures``, ``portrait_charts``,
``tables``, ``understand``, ``navigation``); ``display`` makes the notebook outputs. Markdown
conventions (styled by the renderer, docs/RENDERING.md): ``.key-figures`` holding
``.key-figure`` divs with ``[…]{.value}``, ``[…]{.label}``, ``[…]{.benchmark}`` spans;
``.source`` notes; ``.portrait-nav`` inside ``.content-visible when-format="html"``.

No module-level mutable state: a warm kernel renders many territories in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from portraits.blocks import header, key_figures, navigation, portrait_charts, sources, tables, understand
from portraits.blocks.display import FigureOutput, MetadataBlock, markdown
from portraits.blocks.values import indicator_rows
from portraits.data import store
from portraits.text import commentary, evidence, fmt, phrasing
from portraits.text.benchmarks import benchmarks


@dataclass
class Portrait:
    territory_id: str

    def __post_init__(self):
        self.territory = store.territory(self.territory_id)
        self.territory_id = self.territory.id
        self.indicators = store.indicators(self.territory_id)
        # rows keyed by indicator id, as plain dicts (what commentary expects)
        self.rows: dict[str, dict] = indicator_rows(self.indicators, self.territory)

    @property
    def name(self) -> str:
        return self.territory.name

    # ------------------------------------------------------------------ blocks
    def header(self):
        """One paragraph: generation, id, region(s), composition."""
        return markdown(header.header(self.territory))

    def key_figures(self):
        """ "L'essentiel": the key figures with their benchmarks, as fenced divs."""
        return markdown(key_figures.key_figures(self.rows, self.territory.region_name))

    def figure(self, indicator_id: str) -> phrasing.Figure:
        """One indicator of this territory for the template's inline expressions
        (``portraits.text.phrasing``: value, benchmarks, comparisons, words)."""
        row = self.rows.get(indicator_id)
        if row is None:
            known = ", ".join(sorted(self.rows))
            raise KeyError(f"unknown indicator {indicator_id!r} (indicators: {known})")
        return phrasing.Figure(row, benchmarks(self.territory.region_code))

    def first_marked(self, figures, level: str = "france", otherwise: str = ""):
        """A section title: the finding of the first figure whose gap to ``level`` is marked,
        else of the first comparable one, else ``otherwise`` (see ``phrasing.first_marked``)."""
        return phrasing.first_marked(list(figures), level, otherwise)

    def metadata(self):
        """The document metadata the template's conditions read: ``available.ID`` (the
        indicator has a value) and ``comparable.ID`` (its value is on the benchmarks' basis).
        Displayed as a YAML block, which real Quarto reads as document metadata; our
        execution step also keeps it for ``when-meta`` conditions (``portraits.text.inline``)."""
        return MetadataBlock({
            "available": {i: not fmt.is_missing(r.get("territory")) for i, r in self.rows.items()},
            "comparable": {i: commentary.comparable(r, "france") for i, r in self.rows.items()},
        })

    def sources(self, *indicator_ids: str):
        """The source note of a section: "Sources : Insee, recensement … ; Urssaf, …"."""
        note = sources.citations(self.rows, indicator_ids)
        return markdown(f"::: {{.source}}\n{note}\n:::\n" if note else "")

    def chart(self, kind: str) -> FigureOutput:
        """A chart of the portrait, by its name in ``portrait_charts.CHARTS``, with the
        evidence of the values and labels it draws."""
        with evidence.recording() as rows:
            chart = portrait_charts.chart(self, kind)
        return FigureOutput(chart, rows, f"preuve-graphique-{kind}")

    def comparison_table(self):
        """Indicateur | Territoire | Région | France | Ensemble des TI | Rang (pipe table), with
        the evidence of each cell."""
        with evidence.recording() as rows:
            text = tables.comparison_table(self.rows, self.territory.region_name)
        return markdown(text, rows, "preuve-tableau")

    def understand(self, level: int = 2):
        """"Pour comprendre": definitions, sources and millésimes, methods and approximations."""
        return markdown(understand.understand(self.rows, self.territory, store.a38(self.territory_id), level))

    def downloads(self):
        return markdown(navigation.downloads(self.territory_id))

    def navigation(self):
        """Links to the catalogue and to the other portraits of the region (HTML only)."""
        return markdown(navigation.navigation(self.territory, store.region_territories(self.territory_id)))
