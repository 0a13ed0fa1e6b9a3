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

Markdown conventions (styled by the renderer, docs/RENDERING.md): ``.key-figures`` holding
``.key-figure`` divs with ``[…]{.value}``, ``[…]{.label}``, ``[…]{.benchmark}`` spans;
``.source`` notes; ``.portrait-nav`` inside ``.content-visible when-format="html"``.

Charts carry their alternative text in the output metadata (``image/svg+xml: {alt: …}``),
which pandoc's ipynb reader turns into the image's ``alt`` attribute: alt texts are written
from the data, whereas Quarto's ``fig-alt`` cell option is static. Templates should therefore
set ``fig-cap`` but not ``fig-alt`` on chart cells.

No module-level mutable state: a warm kernel renders many territories in turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from portraits.blocks import chart_style, charts, positions, svg
from portraits.text import commentary, describe, fmt, phrasing
from portraits.core import config, levels, outputs
from portraits.data import store
from portraits.blocks.chart_style import Chart

APPROX = "≈"  # marks an approximated value (see "Pour comprendre")

# The key figures of "L'essentiel": (indicator, label after the value, benchmark levels)
KEY_FIGURES: list[tuple[str, str]] = [  # each label reads as a phrase after its number
    ("population", "habitants"),
    ("industry_jobs_share", "des emplois dans l'industrie"),
    ("jobs", "emplois au lieu de travail"),
    ("private_jobs_growth", "d'emplois salariés privés"),
    ("industry_establishments_share", "des établissements dans l'industrie"),
    ("unemployment_rate", "des actifs de 15 à 64 ans au chômage"),
    ("median_income", "de niveau de vie médian annuel"),
    ("poverty_rate", "des habitants sous le seuil de pauvreté"),
]
# The label of a value on another basis than France (comparable false): Flores counts salaried jobs
KEY_FIGURE_OTHER_BASIS = {"industry_jobs_share": "des emplois salariés dans l'industrie"}
NOT_COMPARABLE, NOT_RANKED = "non comparable", "non classé"
METRO_MARK = "(métro.)"  # a France cell that covers metropolitan France only
# Key figures whose benchmark line is a change rather than a comparison
KEY_FIGURE_TREND = {"population": "population_growth", "jobs": "jobs_growth"}

# Indicators placed on the "position among the territories" chart: declared by the store, which
# reads them for every territory (and fingerprints them)
POSITION_INDICATORS = list(store.POSITION_INDICATORS)

CHART_SOURCES = {  # chart -> indicators whose sources the chart uses
    "sectors": ["industry_jobs_share"],
    "private_jobs": ["private_jobs_growth"],
    "establishments": ["establishments"],
    "a38": [],
}



class FigureOutput:
    """A chart for the notebook: SVG with its alt text in the output metadata; when data are
    missing, an italic Markdown note saying so."""

    def __init__(self, chart: Chart):
        self.chart = chart

    @property
    def alt(self) -> str:
        return self.chart.alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.chart.fig is None:
            return {"text/markdown": f"*{self.chart.alt}*", "text/plain": self.chart.alt}, {}
        image = svg.to_svg(self.chart.fig)
        return ({"image/svg+xml": image, "text/plain": self.chart.alt},
                {"image/svg+xml": {"alt": self.chart.alt}})


class MetadataBlock:
    """Document metadata for the template's ``when-meta`` conditions (``Portrait.metadata``)."""

    def __init__(self, meta: dict):
        self.meta = meta
        try:  # the execution step reads it from the kernel's namespace (portraits.text.inline)
            from IPython import get_ipython

            ip = get_ipython()
        except ImportError:  # pragma: no cover - IPython is a dependency
            ip = None
        if ip is not None:
            from portraits.text.inline import METADATA_NAME

            ip.user_ns[METADATA_NAME] = meta

    def _repr_mimebundle_(self, include=None, exclude=None):
        import yaml

        text = "---\n" + yaml.safe_dump(self.meta, allow_unicode=True, sort_keys=True) + "---\n"
        return {"text/markdown": text, "text/plain": text}, outputs.role_metadata(outputs.METADATA_ROLE)


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


@lru_cache(maxsize=2)
def _position_values(directory: str, stamp: int) -> pd.DataFrame:
    """Territory-level values of every territory for the position chart (once per process and
    version of the processed table: a rebuilt table is read again)."""
    values = store.position_values()
    # a value the data layer left unranked (another definition, e.g. overseas industry share)
    # is not placed among the territories
    values = values.assign(ranked=values["rank"].notna() | values["value"].isna())
    values = values[["territory_id", "indicator_id", "value", "unit", "ranked"]].copy()
    cat = store.catalogue().set_index("id")
    values["short_label"] = values["indicator_id"].map(cat["short_label"])
    values["unit"] = values["indicator_id"].map(cat["unit"]).fillna(values["unit"])
    order = {k: i for i, k in enumerate(store.POSITION_INDICATORS)}
    values["_order"] = values["indicator_id"].map(order)
    return values.sort_values(["_order", "territory_id"]).drop(columns="_order").reset_index(drop=True)


def _all_territory_values(directory: str) -> pd.DataFrame:
    path = Path(directory) / "indicators.parquet"
    if not path.is_file():
        path = Path(directory) / "indicators.csv"
    return _position_values(directory, path.stat().st_mtime_ns if path.is_file() else 0)


def _md_escape(text: str) -> str:
    """Escape what Markdown would read as markup in data-driven text (names, labels)."""
    out = str(text)
    for ch in ("\\", "*", "_", "[", "]", "|", "<", ">", "`"):
        out = out.replace(ch, "\\" + ch)
    return out


@dataclass
class Portrait:
    territory_id: str

    def __post_init__(self):
        self.territory = store.territory(self.territory_id)
        self.territory_id = self.territory.id
        self.indicators = store.indicators(self.territory_id)
        # rows keyed by indicator id, as plain dicts (what commentary expects)
        self.rows: dict[str, dict] = {}
        for rec in self.indicators.to_dict("records"):
            rec["territory_id"] = self.territory_id
            rec["region_code"] = self.territory.region_code
            rec = {k: (None if _na(v) else v) for k, v in rec.items()}
            self.rows[rec["indicator_id"]] = rec

    # ------------------------------------------------------------------ helpers
    @property
    def name(self) -> str:
        return self.territory.name

    def value(self, indicator_id: str, level: str = "territory", approx_mark: bool = True) -> str:
        """An indicator's value formatted the French way ("n.d."/"s" if missing, "≈" if approximate)."""
        row = self.rows.get(indicator_id)
        if row is None:
            return fmt.MISSING
        text = commentary.shown(row, level)
        if approx_mark and commentary.approximate(row, level) and not fmt.is_missing(row.get(level)):
            text = f"{APPROX}{fmt.NBSP}{text}"
        return text

    def _source(self, indicator_ids) -> str:
        cites = []
        for ind in indicator_ids:
            row = self.rows.get(ind)
            if row and row.get("source") and row["source"] not in cites:
                cites.append(row["source"])
        return chart_style.source_line(*cites)

    # ------------------------------------------------------------------ blocks
    def header(self):
        """One paragraph: generation, id, region(s), composition (the page title and subtitle
        come from the build's render context)."""
        t = self.territory
        names = t.region_names or [t.region_name]
        if len(names) > 1:
            where = (f"à cheval sur les régions {' et '.join(names)} (les comparaisons régionales "
                     f"portent sur sa région de rattachement, {t.region_name})")
        else:
            where = commentary.region_in(t.region_name, t.region_code)
        text = (f"Territoire d'industrie de la génération 2023-2027 (identifiant {t.id}) situé "
                f"{where}. Il regroupe {_md_escape(describe.composition(t).sentence())}.")
        if perimeter := describe.perimeter(t):
            text += " " + _md_escape(perimeter)
        return _markdown(text + "\n")

    def _key_figure(self, indicator_id: str, label: str) -> str | None:
        row = self.rows.get(indicator_id)
        if row is None:
            return None
        value = self.value(indicator_id)
        when = commentary.period_words(row.get("year"))
        bench_parts = []
        trend_id = KEY_FIGURE_TREND.get(indicator_id)
        if trend_id and trend_id in self.rows and fmt.is_missing(self.rows[trend_id].get("territory")):
            bench_parts.append("évolution non disponible")
        elif trend_id and trend_id in self.rows:
            trow = self.rows[trend_id]
            france = levels.label("france", trow.get("france_scope"))
            bench_parts.append(f"{self.value(trend_id)} {commentary.period_words(trow.get('year'))}"
                               + (f" ({france} : {self.value(trend_id, 'france')})"
                                  if not fmt.is_missing(trow.get("france")) else ""))
        elif not fmt.is_missing(row.get("territory")):
            shown = (("france", levels.label("france", row.get("france_scope"))),
                     ("all_territories", "ensemble des TI"))
            if not commentary.comparable(row, "france"):   # another basis: its region only
                shown = (("region", self.territory.region_name),)
            for level, name in shown:
                if not fmt.is_missing(row.get(level)):
                    bench_parts.append(f"{name} : {self.value(indicator_id, level)}")
        else:
            bench_parts.append("valeur non disponible pour ce territoire")
        if not commentary.comparable(row, "france"):
            label = KEY_FIGURE_OTHER_BASIS.get(indicator_id, label)
        if fmt.is_missing(row.get("territory")):  # "n.d." cannot start a phrase: name the indicator
            name = str(row.get("label") or row.get("short_label") or indicator_id)
            label = name[:1].lower() + name[1:]
        label_text = f"{label} {when}".strip()
        return (":::: {.key-figure}\n"
                f"[{value}]{{.value}} [{_md_escape(label_text)}]{{.label}} "
                f"[{' · '.join(bench_parts)}]{{.benchmark}}\n"
                "::::")

    def key_figures(self):
        """ "L'essentiel": the key figures with their benchmarks, as fenced divs."""
        items = [self._key_figure(i, lab) for i, lab in KEY_FIGURES]
        items = [i for i in items if i]
        notes = [self._producers([i for i, _ in KEY_FIGURES] + list(KEY_FIGURE_TREND.values()))
                 .replace(" (détail dans « Pour comprendre »)", "")]
        if any(commentary.approximate(self.rows[i], lv.id) for i, _ in KEY_FIGURES if i in self.rows
               for lv in levels.LEVELS):  # some value shown with "≈"
            notes.append(f"{APPROX} valeur approchée (voir « Pour comprendre »)")
        if any(fmt.is_missing(self.rows.get(i, {}).get("territory")) for i, _ in KEY_FIGURES if i in self.rows):
            notes.append(f"{fmt.MISSING} : non disponible")
        text = "::::: {.key-figures}\n" + "\n\n".join(items) + "\n:::::\n"
        if notes:
            text += "\n::: {.source}\n" + ". ".join(notes) + ".\n:::\n"
        return _markdown(text)

    # ------------------------------------------------------------------ narrative
    def figure(self, indicator_id: str) -> phrasing.Figure:
        """One indicator of this territory for the template's inline expressions
        (``portraits.text.phrasing``: value, benchmarks, comparisons, words)."""
        row = self.rows.get(indicator_id)
        if row is None:
            known = ", ".join(sorted(self.rows))
            raise KeyError(f"unknown indicator {indicator_id!r} (indicators: {known})")
        return phrasing.Figure(row, commentary.benchmarks(self.territory.region_name,
                                                          self.territory.region_code))

    def first_marked(self, figures, level: str = "france", otherwise: str = ""):
        """A section title: the finding of the first figure whose gap to ``level`` is marked,
        else of the first comparable one, else ``otherwise`` (see ``phrasing.first_marked``)."""
        return phrasing.first_marked(list(figures), level, otherwise)

    def metadata(self):
        """The document metadata the template's conditions read: ``available.ID`` (the
        indicator has a value) and ``comparable.ID`` (its value is on the benchmarks' basis).
        Displayed as a YAML block, which real Quarto reads as document metadata; our
        execution step also keeps it for ``when-meta`` conditions (``portraits.text.inline``)."""
        meta = {
            "available": {i: not fmt.is_missing(r.get("territory")) for i, r in self.rows.items()},
            "comparable": {i: commentary.comparable(r, "france") for i, r in self.rows.items()},
        }
        return MetadataBlock(meta)

    def sources(self, *indicator_ids: str):
        """The source note of a section: "Sources : Insee, recensement … ; Urssaf, …"."""
        note = self._citations(indicator_ids)
        return _markdown(f"::: {{.source}}\n{note}\n:::\n" if note else "")

    def _citations(self, indicator_ids) -> str:
        """"Source : Insee, recensement de la population 2021 (…)." for the given indicators."""
        cites = []
        for ind in indicator_ids:
            cite = (self.rows.get(ind) or {}).get("source")
            if cite and cite not in cites:
                cites.append(cite)
        if not cites:
            return ""
        label = "Sources" if len(cites) > 1 else "Source"
        return f"{label}{fmt.NBSP}: " + _md_escape(f"{fmt.NNBSP}; ".join(cites)) + "."

    def chart(self, kind: str) -> FigureOutput:
        """A chart of the portrait, by its name in :data:`CHARTS`."""
        make = CHARTS.get(kind)
        if make is None:
            raise ValueError(f"unknown chart {kind!r}: {', '.join(CHARTS)}")
        return FigureOutput(make(self))

    def _chart_sectors(self) -> Chart:
        # the breakdown shares the industry share's source: its France covers the same
        scope = (self.rows.get("industry_jobs_share") or {}).get("france_scope")
        return charts.sectors(*self._sectors_data(), self.name, france=levels.label("france", scope))

    def _chart_private_jobs(self) -> Chart:
        return charts.private_jobs(store.series(self.territory_id),
                                   self._source(CHART_SOURCES["private_jobs"]), self.name)

    def _chart_establishments(self) -> Chart:
        return charts.establishments(store.establishments(self.territory_id),
                                     self._source(CHART_SOURCES["establishments"]), self.name)

    def _chart_a38(self) -> Chart:
        a38 = store.a38(self.territory_id)
        return charts.a38(a38, self._a38_source(a38), self.name)

    def _chart_positions(self) -> Chart:
        return positions.positions(_all_territory_values(str(config.processed_dir())), self.territory_id,
                                self._producers(POSITION_INDICATORS), self.name)

    def _chart_map(self) -> Chart:
        from portraits.blocks import maps

        t = self.territory
        return maps.locator(t.id, t.regions or [t.region_code], self.name, t.region_names or [t.region_name])

    def _sectors_data(self) -> tuple[pd.DataFrame, str]:
        """The sector breakdown and its source line. When the territory's shares are on
        another basis than the benchmarks (overseas: Flores salaried jobs; France and the
        territories: census), only the territory and its region (same basis) are drawn."""
        df = store.jobs_by_sector(self.territory_id)
        source = self._source(CHART_SOURCES["sectors"])
        if "comparable" in df and "source_id" in df:
            own = df[df["level"] == "territory"]
            if not own["comparable"].fillna(True).astype(bool).all():
                df = df[df["level"].isin(["territory", "region"])]
                ids = [i for i in dict.fromkeys(df["source_id"].dropna()) if i]
                source = chart_style.source_line(*[store.source_citation(i) for i in ids])
        return df, source

    def _producers(self, indicator_ids) -> str:
        """Short source line naming the producers only (details in "Pour comprendre"), for
        charts mixing many sources: "Sources : Insee ; Urssaf ; traitement ANCT"."""
        producers = []
        for ind in indicator_ids:
            cite = (self.rows.get(ind) or {}).get("source") or ""
            producer = cite.split(",")[0].strip()
            if producer and producer not in producers:
                producers.append(producer)
        return chart_style.source_line(*producers) + " (détail dans « Pour comprendre »)"

    def _a38_source(self, a38: pd.DataFrame) -> str:
        try:
            cite = store.source_citation("flores_a38_ze")
        except Exception:
            cite = "Insee, Flores"
        return chart_style.source_line(cite)

    def comparison_table(self):
        """Indicateur | Territoire | Région | France | Ensemble des TI | Rang (pipe table)."""
        header = ["Indicateur", *(lv.label for lv in levels.LEVELS), "Rang"]
        # dash counts set the relative column widths when pandoc wraps the table
        lines = ["| " + " | ".join(header) + " |",
                 "|:" + "-" * 38 + "|" + "|".join(["-" * 11 + ":"] * 4) + "|" + "-" * 8 + ":|"]
        for ind, row in self.rows.items():
            label = f"{row.get('short_label') or row.get('label')} ({row.get('year')})"
            cells = [_md_escape(label)]
            # a value on another basis is compared with its region only: the France and
            # all-territories cells say so, and the value is not ranked
            cells += [self._table_value(ind, lv.id) for lv in levels.LEVELS]
            rank, n = row.get("rank"), row.get("n_ranked")
            if not commentary.comparable(row, "france") and not fmt.is_missing(row.get("territory")):
                cells.append(NOT_RANKED)
            else:
                cells.append(f"{fmt.ordinal(rank)}/{int(n)}" if not fmt.is_missing(rank) and not fmt.is_missing(n)
                             else fmt.MISSING)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        region = self.territory.region_name
        note = (f"\n::: {{.source}}\nRégion : {region}. France : France métropolitaine et départements "
                f"d'outre-mer, hors Mayotte ; {METRO_MARK} : France métropolitaine seulement. Rang : 1 = valeur la plus "
                f"élevée parmi les Territoires d'industrie renseignés. {APPROX} : valeur approchée ; "
                f"{fmt.MISSING} : non disponible ; {fmt.SECRET} : secret statistique.\n:::\n")
        return _markdown("\n".join(lines) + "\n" + note)

    def _table_value(self, ind: str, level: str) -> str:
        row = self.rows[ind]
        if not commentary.comparable(row, level):
            return NOT_COMPARABLE
        text = self.value(ind, level)
        if level == "france" and row.get("france_scope") == levels.METRO_SCOPE and not fmt.is_missing(row.get(level)):
            text += f" {METRO_MARK}"  # France here is metropolitan France only (see the note)
        return text

    def understand(self, level: int = 2):
        """"Pour comprendre": definitions, sources and millésimes, methods and approximations.

        Kept to what a reader needs: one line per indicator (definition, millésime), the
        method only where the value is an approximation, the sources grouped."""
        h = "#" * level
        # the .understand div lets the PDF set this reference text small, in two columns
        out = [f"{h} Pour comprendre", "", "::::: {.understand}", "",
               "Chaque indicateur est calculé sur le périmètre du territoire (ses communes membres) et "
               "comparé à sa région, à la France et à l'ensemble des 183 Territoires d'industrie "
               "(les 183 territoires pris comme un seul ensemble). Le rang classe les territoires de la valeur la "
               f"plus élevée (1) à la plus faible. {APPROX} signale une valeur approchée, {fmt.MISSING} "
               f"une valeur non disponible, {fmt.SECRET} une valeur couverte par le secret statistique.", "",
               f"{h}# Définitions et méthodes", ""]
        for row in self.rows.values():
            year = str(row.get("year") or "")
            head = f"- **{_md_escape(row.get('short_label') or row.get('label'))}** ({year}) : "
            if not commentary.comparable(row, "france") and row.get("note"):
                # another source than the catalogue's (overseas industry share): its note is the
                # definition of what is shown, said once; the census definition does not apply
                out.append(f"{head}{APPROX} {_md_escape(row['note'])}")
                continue
            text = head + _md_escape(row.get("definition") or "")
            if commentary.approximate(row):  # this territory's value is approximate: say how
                text += f" {APPROX} *{_md_escape(row.get('method') or '')}*"
            if row.get("note"):
                text += f" {_md_escape(row['note'])}"
            if fmt.is_missing(row.get("territory")) and not row.get("note"):  # the note says why
                text += f" Non disponible pour ce territoire ({fmt.missing_marker(row.get('status'))})."
            out.append(text)
        a38 = store.a38(self.territory_id)
        if len(a38):
            zones = _first_text(a38, "zones")
            method = _first_text(a38, "match_method")
            out.append(f"- {APPROX} **Secteurs industriels (A38)** : la seule source est par zone "
                       f"d'emploi. {_md_escape(method)} Zones d'emploi retenues : {_md_escape(zones)}.")
        if perimeter := describe.perimeter(self.territory):
            out.append(f"- **Périmètre infracommunautaire** : {_md_escape(perimeter)}")
        out += ["", f"{h}# Sources", ""]
        by_source: dict[str, list[str]] = {}
        for row in self.rows.values():
            by_source.setdefault(row.get("source") or "Source non précisée", []).append(
                f"{row.get('short_label')}")
        for source, inds in by_source.items():
            out.append(f"- {_md_escape(source)} : {_md_escape(', '.join(inds))}.")
        out += ["", ":::::"]
        return _markdown("\n".join(out) + "\n")

    def downloads(self):
        tid = self.territory_id
        return _markdown(
            f"Les chiffres de ce portrait, avec leurs comparaisons, sources et millésimes, sont "
            f"téléchargeables : [CSV](../data/{tid}.csv) · [Excel (XLSX)](../data/{tid}.xlsx).\n")

    def navigation(self):
        """Links to the catalogue and to the other portraits of the region (HTML only)."""
        terr = store.region_territories(self.territory_id)
        same = terr[terr["territory_id"] != self.territory_id]
        links = " · ".join(f"[{_md_escape(r.name)}]({r.territory_id}.html)" for r in same.itertuples())
        body = "[← Tous les Territoires d'industrie](../index.html)"
        if links:
            # The catalogue reads its region filter from the address: one click to compare them.
            body += (f" · [Comparer les territoires de la région](../index.html#region={self.territory.region_code})"
                     f"\n\nAutres territoires de la région {self.territory.region_name} : {links}")
        return _markdown(":::: {.content-visible when-format=\"html\"}\n::: {.portrait-nav}\n"
                         f"{body}\n:::\n::::\n")


# The charts a template can ask for (p.chart(name)), declared once.
CHARTS = {
    "map": Portrait._chart_map,                        # locator map (the territory in its region)
    "sectors": Portrait._chart_sectors,                # jobs by broad sector, with benchmarks
    "private_jobs": Portrait._chart_private_jobs,      # private salaried jobs, index 100
    "a38": Portrait._chart_a38,                        # industrial sub-sectors and specificity
    "establishments": Portrait._chart_establishments,  # establishments by sector and size
    "positions": Portrait._chart_positions,            # the territory among all the territories
}


def _first_text(df: pd.DataFrame, col: str) -> str:
    if col not in df or not df[col].notna().any():
        return ""
    return str(df[col].dropna().iloc[0])


def _na(v) -> bool:
    try:
        return v is None or (not isinstance(v, str) and bool(pd.isna(v)))
    except (TypeError, ValueError):
        return False
