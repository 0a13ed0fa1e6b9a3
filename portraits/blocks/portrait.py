"""The facade the portrait template calls: one call per block, each returning an object the
notebook displays (``IPython.display.Markdown`` for text, ``FigureOutput`` for charts).

    p = Portrait("ti-8413")
    p.indicator("jobs")      one indicator for the template's inline expressions (portraits.text.phrasing)
    p.header()            composition, region(s)            (Markdown)
    p.chart("map")        locator map                       (figure: a chart)
    p.key_figures(x, y…)  "L'essentiel": the indicators given, in that order (Markdown fenced divs);
                          p.key_figure(x, label=…, vs=[…], rank=True) to change one
    p.first_marked([…])   a section title stating a finding, else the template's neutral heading
    p.sources(x, y…)      a section's source note, from the indicators' sources
    p.metadata()          available.ID / comparable.ID, read by the template's when-meta blocks
    p.chart("sectors")    sectors | private_jobs | establishments | a38 | map
    p.positions(x, y…)    the territory among all the territories for the indicators given
    p.bars(x, y…)         charts for authors (author_charts): indicators against their benchmarks,
    p.series(x)           the yearly series behind an indicator,
    p.breakdown(x)        the breakdown behind an indicator
    p.comparison_table()  Indicateur | Territoire | Région | France | Ensemble des TI | Rang
    p.understand()        "Pour comprendre": what the portrait shows, defined, with sources and methods
    p.downloads()         links to ../data/ID.csv and ../data/ID.xlsx
    p.navigation()        links to the catalogue and the region's other portraits (HTML only)

Each block is written by its own module (``header``, ``key_figures``, ``portrait_charts``,
``author_charts``, ``tables``, ``understand``, ``navigation``); ``display`` makes the notebook
outputs. What the portrait shows (indicators, key figures, charts, table) is kept in ``shown``:
"Pour comprendre" and its sources follow it. Markdown conventions (styled by the renderer,
docs/RENDERING.md): ``.key-figures`` holding ``.key-figure`` divs with ``[…]{.value}``,
``[…]{.label}``, ``[…]{.benchmark}`` spans; ``.source`` notes; ``.portrait-nav`` inside
``.content-visible when-format="html"``.

No module-level mutable state: a warm kernel renders many territories in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from portraits.blocks import (comparison_table, author_charts, header, key_figures, navigation, portrait_charts,
                              source_lines, understand)
from portraits.blocks.display import FigureOutput, MetadataBlock, markdown
from portraits.blocks.shown import Shown
from portraits.blocks.values import indicator_rows
from portraits.data import store
from portraits.data.indicators import require_role
from portraits.text import evidence, fmt, phrasing, row_rules, titles
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
        self.shown = Shown()  # what the template asked for, for the sources and "Pour comprendre"

    @property
    def name(self) -> str:
        return self.territory.name

    # ------------------------------------------------------------------ blocks
    def header(self):
        """One paragraph: generation, id, region(s), composition."""
        return markdown(header.header(self.territory))

    def key_figures(self, *indicators):
        """ "L'essentiel": the key figures given (indicators, or ``p.key_figure(...)``), in that
        order, with their catalogue words and benchmarks, as fenced divs, then their evidence."""
        if not indicators:
            raise TypeError("p.key_figures() needs the indicators to show, in order: "
                            "p.key_figures(population, industry_share, …)")
        items = [f if isinstance(f, key_figures.KeyFigure) else key_figures.KeyFigure(self._id(f))
                 for f in indicators]
        for k in items:   # the catalogue declares which can be key figures (their words)
            if k.label is None:
                require_role(k.indicator_id, "key_figure")
        self.shown.add(k.indicator_id for k in items)
        with evidence.recording() as rows:
            text = key_figures.key_figures(items, self.rows, self.territory.region_name)
        return markdown(text, rows, "preuve-chiffres-cles")

    def key_figure(self, indicator, *, label: str | None = None, vs=None, rank: bool = False):
        """One key figure with other words than the catalogue's: ``label`` (the words after
        the value), ``vs`` (the benchmarks: ids of ``portraits.core.levels.BENCHMARKS``), or
        ``rank=True`` to show the rank as the value ("2e sur 173")."""
        return key_figures.KeyFigure(self._id(indicator), label, tuple(vs) if vs else None, rank)

    def indicator(self, indicator_id: str) -> phrasing.Indicator:
        """One indicator of this territory for the template's inline expressions
        (``portraits.text.phrasing``: value, benchmarks, comparisons, words)."""
        row = self.rows.get(indicator_id)
        if row is None:
            known = ", ".join(sorted(self.rows))
            raise KeyError(f"unknown indicator {indicator_id!r} (indicators: {known})")
        self.shown.add([indicator_id])
        return phrasing.Indicator(row, benchmarks(self.territory.region_code))

    def _id(self, indicator) -> str:
        """The id of an indicator (``p.indicator(...)``) or of an id given as such."""
        ind = indicator.id if isinstance(indicator, phrasing.Indicator) else indicator
        if not isinstance(ind, str) or ind not in self.rows:
            raise KeyError(f"not an indicator of this portrait: {indicator!r} (declare it with p.indicator(\"id\"))")
        return ind

    def first_marked(self, indicators, level: str = "france", otherwise: str = ""):
        """A section title: the finding of the first indicator whose gap to ``level`` is marked,
        else of the first comparable one, else ``otherwise`` (see ``titles.first_marked``)."""
        return titles.first_marked(list(indicators), level, otherwise)

    def metadata(self):
        """The document metadata the template's conditions read: ``available.ID`` (the
        indicator has a value) and ``comparable.ID`` (its value is on the benchmarks' basis).
        Displayed as a YAML block, which real Quarto reads as document metadata; our
        execution step also keeps it for ``when-meta`` conditions (``portraits.template.conditions``)."""
        return MetadataBlock({
            "available": {i: not fmt.is_missing(r.get("territory")) for i, r in self.rows.items()},
            "comparable": {i: row_rules.comparable(r, "france") for i, r in self.rows.items()},
        })

    def sources(self, *indicators):
        """The source note of a section, from its indicators' sources: "Sources : Insee,
        recensement … ; Urssaf, …"."""
        ids = [self._id(f) for f in indicators]
        self.shown.add(ids)
        note = source_lines.citations(self.rows, ids)
        return markdown(f"::: {{.source}}\n{note}\n:::\n" if note else "")

    def chart(self, kind: str) -> FigureOutput:
        """A chart of the portrait, by its name in ``portrait_charts.CHARTS``, with the
        evidence of the values and labels it draws."""
        with evidence.recording() as rows:
            chart = portrait_charts.chart(kind, self.territory, self.rows)
        self.shown.add(portrait_charts.CHART_SOURCES.get(kind, []))
        if kind in portrait_charts.CHART_BREAKDOWNS:
            self.shown.add_breakdown(portrait_charts.CHART_BREAKDOWNS[kind])
        return FigureOutput(chart, rows, f"preuve-graphique-{kind}")

    def positions(self, *indicators) -> FigureOutput:
        """The territory among all the territories for the indicators given, in that order."""
        ids = [self._id(f) for f in indicators]
        if not ids:
            raise TypeError("p.positions() needs the indicators to place: p.positions(industry_share, …)")
        self.shown.add(ids)
        with evidence.recording() as rows:
            chart = portrait_charts.positions_chart(self.territory, self.rows, ids)
        return FigureOutput(chart, rows, "preuve-graphique-positions")

    def bars(self, *indicators, vs=author_charts.BENCHMARKS):
        """The indicators against their benchmarks ``vs``: one group of bars each (one unit), with
        the evidence of the values it draws."""
        return self._author_chart(author_charts.bars, indicators, vs=tuple(vs))

    def series(self, indicator) -> FigureOutput:
        """The yearly series behind an indicator (catalogue ``series``), base 100 the first year."""
        return self._author_chart(author_charts.series, [indicator])

    def breakdown(self, indicator) -> FigureOutput:
        """The breakdown behind an indicator (catalogue ``breakdown``), with its benchmarks."""
        return self._author_chart(author_charts.breakdown, [indicator])

    def _author_chart(self, draw, indicators, **options):
        ids = [self._id(f) for f in indicators]
        self.shown.add(ids)
        rows = [self.rows[i] for i in ids]
        with evidence.recording() as drawn:
            if draw is author_charts.bars:
                chart = draw(rows, self.name, self.territory.region_name, **options)
            else:
                chart = draw(rows[0], self.name, self.territory.region_name)
        return FigureOutput(chart, drawn, f"preuve-graphique-{'-'.join(ids)}")

    def comparison_table(self, *indicators, vs=None):
        """Indicateur | Territoire | Région | France | Ensemble des TI | Rang (pipe table): the
        figures given, else every indicator of the catalogue, with the evidence of each cell;
        ``vs`` the benchmark columns (default: the levels shown by default)."""
        ids = [self._id(f) for f in indicators] or list(self.rows)
        self.shown.add(ids)
        with evidence.recording() as cells:
            text = comparison_table.comparison_table({i: self.rows[i] for i in ids}, self.territory.region_name,
                                                     tuple(vs) if vs else None)
        return markdown(text, cells, "preuve-tableau")

    def understand(self, level: int = 2):
        """"Pour comprendre": the definitions, sources and millésimes, methods and
        approximations of what the portrait shows (its indicators, key figures, charts, table)."""
        rows = {i: r for i, r in self.rows.items() if i in self.shown.indicators}  # catalogue order
        a38 = store.a38(self.territory_id)
        if "a38" not in self.shown.breakdowns:
            a38 = a38.iloc[0:0]
        return markdown(understand.understand(rows, self.territory, a38, level))

    def downloads(self):
        return markdown(navigation.downloads(self.territory_id))

    def navigation(self):
        """Links to the catalogue and to the other portraits of the region (HTML only)."""
        return markdown(navigation.navigation(self.territory, store.region_territories(self.territory_id)))
