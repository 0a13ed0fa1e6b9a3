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
    GRID, LEVEL_COLORS, LEVEL_NAMES, LEVEL_ORDER, TERRITORY, Chart, add_source, label_width,
    legend_rows, legend_top, new_figure, num_axis, pct_axis, rc, shorten, source_line, unavailable)
from portraits.text.evidence import indicator_row, record
from portraits.blocks.source_lines import chart_source
from portraits.blocks.values import value_text
from portraits.core import levels
from portraits.data import store
from portraits.text import fmt, row_rules

BENCHMARKS = ("region", "france", "all_territories")
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
    names = {lv: LEVEL_NAMES[lv] for lv in LEVEL_ORDER}
    names["territory"] = shorten(name[:1].upper() + name[1:], 38)
    names["region"] = region_name
    scope = next((r.get("france_scope") for r in rows if r.get("france_scope")), None)
    names["france"] = levels.label("france", scope)
    return names


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
        return unavailable(", ".join(str(r.get("short_label")).lower() for r in rows))
    shown = ["territory"] + [lv for lv in vs if lv in BENCHMARKS]
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
                                         benchmark=lv, rule="valeur affichée ; référence non comparable omise",
                                         outcome=text))
            if not fmt.is_missing(v):
                drawn.append(float(v))
    low, high = min(drawn + [0.0]), max(drawn + [0.0])
    span = (high - low) or 1.0
    ax.set_xlim(low - (0.2 * span if low < 0 else 0), high + 0.2 * span)


def table_of(row: dict, field: str) -> tuple[pd.DataFrame, str, str | None]:
    """The processed table the catalogue's ``field`` (``series``, ``breakdown``) names for
    the figure of ``row``: its rows for the territory, its category column, its dimension."""
    entry = store.catalogue().set_index("id").loc[row["indicator_id"]]
    spec = entry.get(field) if field in entry else None
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
        return unavailable(f"série «{fmt.NNBSP}{what}{fmt.NNBSP}»")
    return charts.private_jobs(df, chart_source({row["indicator_id"]: row}, [row["indicator_id"]]), name)


@memo.chart
def breakdown(row: dict, name: str, region_name: str) -> Chart:
    """Horizontal bars: the shares of the breakdown behind the figure (sectors, sizes), for
    the territory and its benchmarks; the territory and its region only when the territory's
    shares are on another basis (overseas jobs by sector)."""
    df, column, spec = table_of(row, "breakdown")
    what = BREAKDOWN_WORDS.get(spec, "")
    if df.empty or df.loc[df["level"] == "territory", "share"].isna().all():
        return unavailable(f"répartition {what}".strip())
    source = chart_source({row["indicator_id"]: row}, [row["indicator_id"]])
    if "comparable" in df and not df.loc[df["level"] == "territory", "comparable"].fillna(True).astype(bool).all():
        df = df[df["level"].isin(["territory", "region"])]
        ids = [i for i in dict.fromkeys(df["source_id"].dropna()) if i]
        source = source_line(*[store.source_citation(i) for i in ids])
    cats = list(dict.fromkeys(df[column]))
    shown = [lv for lv in LEVEL_ORDER if lv in set(df["level"])]
    names = _names([row], name, region_name)
    table = df.pivot_table(index=column, columns="level", values="share", aggfunc="first")
    values = {lv: [table.at[c, lv] if c in table.index and lv in table else np.nan for c in cats] for lv in shown}
    fig, ax = new_figure(0.9 + 0.12 * len(shown) * len(cats), [label_width(cats)],
                         legend=legend_rows({lv: names[lv] for lv in shown}), xlabel=False, right=0.4)
    with matplotlib.rc_context(rc()):
        charts._grouped_barh(ax, cats, values, shown, legend_names={lv: names[lv] for lv in shown})
        legend_top(ax, len(shown))
        ax.set_xlim(0, np.nanmax([np.nanmax(np.asarray(v, dtype=float)) for v in values.values()]) * 1.15)
    _source(fig, [ax], source)
    years = df["year"].dropna() if "year" in df else []
    year = years.iloc[0] if len(years) else row.get("year")
    parts = [f"{c} {fmt.percent(values['territory'][k])}" for k, c in enumerate(cats)]
    alt = (f"Diagramme en barres horizontales : répartition {what} en {year}, pour {name} comparé à "
           f"{', '.join(names[lv] for lv in shown if lv != 'territory')}. " + " ; ".join(parts) + ".")
    return Chart(fig, alt)
