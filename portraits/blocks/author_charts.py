"""Charts for authors, each taking figures (``p.indicator(...)``) and drawn in the house style
(``chart_style``): French numbers, a source line from the figures' sources and millésimes, an
alternative text in French, missing values shown as such, and the A4 text width in the PDF.

    p.bars(unemployment, activity)   the figures against their benchmarks (one group each)
    p.series(private_growth)         the yearly series behind a figure, base 100 the first year
    p.breakdown(industry_share)      the breakdown behind a figure (sectors, sizes), with benchmarks

What stands behind a figure is declared in the catalogue (``series``, ``breakdown`` fields of
``portraits/data/indicators.toml``); :data:`TABLES` says which processed table each names."""

from __future__ import annotations

import textwrap
from typing import Callable

import matplotlib
import numpy as np
import pandas as pd

from portraits.blocks import memo
from portraits.blocks import charts
from portraits.blocks.chart_style import (
    GRID, LEVEL_COLORS, LEVEL_NAMES, TERRITORY, Chart, add_source, label_width,
    legend_rows, legend_top, new_figure, num_axis, pct_axis, rc, shorten, source_line, unavailable)
from portraits.text import evidence
from portraits.text.evidence import indicator_row, record
from portraits.blocks.source_lines import chart_source
from portraits.blocks.values import APPROX, value_text
from portraits.core import levels
from portraits.data import store
from portraits.text import fmt, row_rules

BENCHMARKS = levels.DEFAULT_BENCHMARKS  # p.bars() without vs; levels.BENCHMARKS may be asked
SOURCE_CHARS = 150  # characters of a source line that fit under a chart at its font size
SOURCE_LINE = 0.11  # inches per extra source line
# processed table -> (accessor, category column); ``table:dimension`` picks one dimension
TABLES: dict[str, tuple[Callable[[str], pd.DataFrame], str]] = {
    "series_private_jobs": (store.series, "year"),
    "jobs_by_sector": (store.jobs_by_sector, "sector_label"),
    "establishments_breakdown": (store.establishments, "label"),
}
BREAKDOWN_WORDS = {  # what a breakdown divides, for its alt text
    "jobs_by_sector": "des emplois par grand secteur d'activité",
    "establishments_breakdown:sector": "des établissements par secteur d'activité",
    "establishments_breakdown:size": "des établissements par taille (salariés)",
}


def _names(rows: list[dict], name: str, region_name: str) -> dict[str, str]:
    names = dict(LEVEL_NAMES)
    names["territory"] = shorten(name[:1].upper() + name[1:], 38)
    names["region"] = region_name
    scope = next((r.get("france_scope") for r in rows if r.get("france_scope")), None)
    names["france"] = levels.label("france", scope)
    return names


def _unavailable(rows: list[dict], what: str) -> Chart:
    """No chart, for want of the territory's values: the words the page shows instead, recorded
    for each figure."""
    chart = unavailable(what)
    for r in rows:
        record(indicator_row(r, place="chart_label", words=chart.alt, asked="graphique",
                             rule="aucune valeur du territoire : pas de graphique, le texte dit ce qui manque",
                             outcome=chart.alt))
    return chart


def _source(fig, ax_list, source: str) -> None:
    """The source line, wrapped, the plot raised by its extra lines."""
    lines = textwrap.wrap(source, SOURCE_CHARS) or [""]
    extra = SOURCE_LINE * (len(lines) - 1)
    if extra:
        w, h = fig.get_size_inches()
        fig.set_size_inches(w, h + extra)
        for ax in ax_list:
            x0, y0, aw, ah = ax.get_position().bounds
            ax.set_position((x0, (y0 * h + extra) / (h + extra), aw, ah * h / (h + extra)))
    add_source(fig, "\n".join(lines))


@memo.chart
def bars(rows: list[dict], name: str, region_name: str, vs=BENCHMARKS) -> Chart:
    """One group of horizontal bars per figure: the territory and its benchmarks ``vs``. A
    missing value is labelled "n.d."; a benchmark on another basis is left out. The value
    labels drawn are recorded as evidence (``evidence.recording``)."""
    if not rows:
        raise ValueError("p.bars() needs at least one figure: p.bars(unemployment, activity)")
    rates = {fmt.is_rate(r.get("unit")) for r in rows}
    if len(rates) > 1 or len({r.get("unit") for r in rows if not fmt.is_rate(r.get("unit"))}) > 1:
        raise ValueError("p.bars(): the figures of one chart share a unit ("
                         + ", ".join(f"{r['indicator_id']} {r.get('unit')}" for r in rows) + ")")
    if all(fmt.is_missing(r.get("territory")) for r in rows):
        return _unavailable(rows, ", ".join(str(r.get("short_label")).lower() for r in rows))
    for lv in vs:
        levels.check_benchmark(lv)
    shown = ["territory", *dict.fromkeys(vs)]
    names = _names(rows, name, region_name)
    labels = [str(r.get("short_label") or r["indicator_id"]) for r in rows]
    fig, ax = new_figure(0.9 + 0.22 * len(shown) * len(rows), [label_width(labels, 28)],
                         legend=legend_rows({lv: names[lv] for lv in shown}), xlabel=False, right=0.5)
    with matplotlib.rc_context(rc()):
        _draw_bars(ax, rows, shown, names)
        ax.set_yticks(np.arange(len(rows)), [charts.wrap_label(lab, 28) for lab in labels])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color=GRID, zorder=0)
        (pct_axis if rates == {True} else num_axis)(ax, "x", 0)
        legend_top(ax, len(shown))
    _source(fig, [ax], chart_source({r["indicator_id"]: r for r in rows}, [r["indicator_id"] for r in rows]))
    parts = []
    for r, lab in zip(rows, labels):
        bench = ", ".join(f"{names[lv]} {value_text(r, lv)}" for lv in shown[1:]
                          if row_rules.comparable(r, lv) and not fmt.is_missing(r.get(lv)))
        parts.append(f"{lab} {r.get('year')} : {value_text(r)}" + (f" ({bench})" if bench else ""))
    alt = (f"Diagramme en barres horizontales : {name} comparé à "
           f"{', '.join(names[lv] for lv in shown[1:])}. " + " ; ".join(parts) + ".")
    return Chart(fig, alt)


def _draw_bars(ax, rows: list[dict], shown: list[str], names: dict[str, str]) -> None:
    """The bars and their value labels (a negative value's label left of its bar), the axis
    spanning zero and every value."""
    height = 0.8 / len(shown)
    y = np.arange(len(rows))
    drawn = []
    for i, lv in enumerate(shown):
        vals = [r.get(lv) if row_rules.comparable(r, lv) else None for r in rows]
        pos = y - 0.4 + height * (i + 0.5)
        ax.barh(pos, [0 if fmt.is_missing(v) else v for v in vals], height=height * 0.92,
                color=LEVEL_COLORS[lv], label=names[lv], zorder=2)
        for p, r, v in zip(pos, rows, vals):
            if lv != "territory" and fmt.is_missing(v):
                continue  # a missing or non-comparable benchmark: no bar, no label
            text, negative = value_text(r, lv), not fmt.is_missing(v) and float(v) < 0
            ax.annotate(text, (0 if fmt.is_missing(v) else v, p), xytext=(-2 if negative else 2, 0),
                        textcoords="offset points", va="center", ha="right" if negative else "left",
                        fontsize=7.5, color=TERRITORY if lv == "territory" else "#555555",
                        fontweight="semibold" if lv == "territory" else "normal")
            record(indicator_row(r, place="chart_label", words=text, asked=f"barre {names[lv]}",
                                 benchmark=lv, rule=_bar_rule(r, shown, names), outcome=text))
            if not fmt.is_missing(v):
                drawn.append(float(v))
    low, high = min(drawn + [0.0]), max(drawn + [0.0])
    span = (high - low) or 1.0
    ax.set_xlim(low - (0.2 * span if low < 0 else 0), high + 0.2 * span)


def _bar_rule(row: dict, shown: list[str], names: dict[str, str]) -> str:
    """The rule of a figure's bars: which are drawn, how each is labelled."""
    rule = f"chaque barre étiquetée de sa valeur affichée ({APPROX} : valeur approchée)"
    left_out = [names[lv] for lv in shown if not row_rules.comparable(row, lv)]
    return rule + (f" ; sans barre, sur une autre base que le territoire : {', '.join(left_out)}" if left_out else "")


def table_of(row: dict, field: str) -> tuple[pd.DataFrame, str, str | None]:
    """The processed table the catalogue's ``field`` (``series``, ``breakdown``) names for
    the figure of ``row``: its rows for the territory, its category column, its dimension."""
    spec = store.catalogue_entry(row["indicator_id"]).get(field)
    if not isinstance(spec, str) or not spec:
        have = store.catalogue().dropna(subset=[field])["id"] if field in store.catalogue() else []
        raise ValueError(f"p.{'series' if field == 'series' else 'breakdown'}(): the catalogue declares no "
                         f"{field} for {row['indicator_id']!r} (it does for: {', '.join(have)})")
    table, _, dimension = spec.partition(":")
    accessor, column = TABLES[table]
    df = accessor(row["territory_id"])
    if dimension and "dimension" in df:
        df = df[df["dimension"] == dimension]
    return df, column, spec


@memo.chart
def series(row: dict, name: str, region_name: str) -> Chart:
    """Lines: the yearly series behind the figure, base 100 the first year, for the
    territory, its region and France."""
    df, _, _ = table_of(row, "series")
    what = str(row.get("short_label") or row["indicator_id"]).lower()
    if df.empty or df.loc[df["level"] == "territory", "index"].isna().all():
        return _unavailable([row], f"série «{fmt.NNBSP}{what}{fmt.NNBSP}»")
    with evidence.recording():  # the house chart's rows name the house chart: recorded below for the figure
        chart = charts.private_jobs(df, chart_source({row["indicator_id"]: row}, [row["indicator_id"]]), name)
    if chart.fig is not None:
        _record_series(row, df, chart)
    return chart


def _record_series(row: dict, df: pd.DataFrame, chart: Chart) -> None:
    """The evidence of the lines: the label drawn at the end of the territory's curve, against
    the end of each benchmark's curve (drawn unlabelled), with the figure's flags per level."""
    d = df.dropna(subset=["year", "index"]).sort_values("year")
    ends = d.groupby("level")["index"].last()
    first, last = int(d["year"].min()), int(d["year"].max())
    [label] = [t.get_text() for t in chart.fig.axes[0].texts]  # the one label drawn, as drawn
    source = chart.fig.texts[-1].get_text().replace("\n", " ")
    for lv in [lv for lv in ("region", "france") if lv in ends] or [None]:
        evidence.chart_row(
            row["indicator_id"], f"fin de la courbe ({last})", label, ends["territory"],
            benchmark=charts._level_name(lv, df) if lv else "", bench_raw=ends[lv] if lv else None,
            bench_shown=fmt.number(ends[lv], 1) if lv else "",
            rule=f"indice base 100 en {first} : effectif de chaque année rapporté à celui de {first} ; "
                 "seule la fin de la courbe du territoire est étiquetée (1 décimale), les références sont "
                 "des courbes sans étiquette",
            source=source, year=f"{first}-{last}", approx=row_rules.approximate(row),
            bench_approx=row_rules.approximate(row, lv) if lv else None,
            comparable=row_rules.comparable(row, lv or "france"))


@memo.chart
def breakdown(row: dict, name: str, region_name: str) -> Chart:
    """Horizontal bars: the shares of the breakdown behind the figure (sectors, sizes), for
    the territory and its benchmarks; the territory and its region only when the territory's
    shares are on another basis (overseas jobs by sector)."""
    df, column, spec = table_of(row, "breakdown")
    what = BREAKDOWN_WORDS.get(spec, "")
    if df.empty or df.loc[df["level"] == "territory", "share"].isna().all():
        return _unavailable([row], f"répartition {what}".strip())
    source = chart_source({row["indicator_id"]: row}, [row["indicator_id"]])
    other_basis = "comparable" in df and not df.loc[df["level"] == "territory", "comparable"].fillna(True).astype(bool).all()
    if other_basis:
        df = df[df["level"].isin(["territory", "region"])]
        ids = [i for i in dict.fromkeys(df["source_id"].dropna()) if i]
        source = source_line(*[store.source_citation(i) for i in ids])
    cats = list(dict.fromkeys(df[column]))
    shown = [lv.id for lv in levels.DEFAULT if lv.id in set(df["level"])]
    names = _names([row], name, region_name)
    values = charts.shares(df, column, cats, shown)
    fig, ax = new_figure(0.9 + 0.12 * len(shown) * len(cats), [label_width(cats)],
                         legend=legend_rows({lv: names[lv] for lv in shown}), xlabel=False, right=0.4)
    with matplotlib.rc_context(rc()):
        charts._grouped_barh(ax, cats, values, shown, legend_names={lv: names[lv] for lv in shown})
        legend_top(ax, len(shown))
        ax.set_xlim(0, np.nanmax([np.nanmax(np.asarray(v, dtype=float)) for v in values.values()]) * 1.15)
    _source(fig, [ax], source)
    years = df["year"].dropna() if "year" in df else []
    year = years.iloc[0] if len(years) else row.get("year")
    _record_breakdown(row, df, column, dict(zip(cats, [t.get_text() for t in ax.texts])), values, names,
                      source, year, other_basis)
    parts = [f"{c} {fmt.percent(values['territory'][k])}" for k, c in enumerate(cats)]
    alt = (f"Diagramme en barres horizontales : répartition {what} en {year}, pour {name} comparé à "
           f"{', '.join(names[lv] for lv in shown if lv != 'territory')}. " + " ; ".join(parts) + ".")
    return Chart(fig, alt)


def _record_breakdown(row: dict, df: pd.DataFrame, column: str, drawn: dict[str, str],
                      values: dict[str, list[float]], names: dict[str, str], source: str, year,
                      other_basis: bool) -> None:
    """The evidence of a breakdown's bars: each category's territory bar, labelled with its
    share as drawn (``drawn``: category -> label), against each benchmark's bar beside it
    (unlabelled); each level's approximation flag from the table, else the figure's."""
    flags = df.set_index([column, "level"])["approx"] if "approx" in df else None

    def approx(category: str, level: str) -> bool:
        if flags is not None and (category, level) in flags.index and pd.notna(flags[(category, level)]):
            return bool(flags[(category, level)])
        return row_rules.approximate(row, level)

    rule = ("part de la catégorie dans le total ; barre du territoire étiquetée de sa part (1 décimale), "
            "références en barres sans étiquette")
    if other_basis:
        rule += " ; parts du territoire sur une autre base que la France et l'ensemble des TI : région seule"
    benchmarks = [lv for lv in values if lv != "territory"]
    for k, (category, words) in enumerate(drawn.items()):
        t = values["territory"][k]
        for lv in benchmarks or [None]:
            b = values[lv][k] if lv else None
            evidence.chart_row(
                row["indicator_id"], f"barres {category}", words, t, shown=words,
                benchmark=names[lv] if lv else "", bench_raw=b,
                bench_shown="" if lv is None or fmt.is_missing(b) else fmt.percent(b, 1), rule=rule,
                source=source, year=year, approx=approx(category, "territory"),
                bench_approx=approx(category, lv) if lv else None, comparable=not other_basis)
