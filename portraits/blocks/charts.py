"""The portraits' bar and line charts, each a ``Chart(fig, alt)`` in the house style
(``chart_style``): jobs by broad sector, private salaried jobs indexed, establishments by
sector and size, industrial sub-sectors (A38). The dot plot of the territory among all the
territories is ``positions``; the locator map is ``maps``.

Each chart returns an alternative text that states what the chart shows, with the key
figures (French formatting from ``fmt``). Missing data never raise: the chart is ``None`` and
the alt text says it is unavailable.
"""

from __future__ import annotations

import math
from typing import Iterable

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from portraits.blocks import memo
from portraits.blocks.chart_style import (
    FONT_SIZE, GRID, LEVEL_COLORS, LEVEL_NAMES, REGION, TERRITORY, TEXT, Chart,
    add_source, is_empty, label_width, legend_rows, legend_top, new_figure,
    num_axis, pct_axis, rc, shorten, source_line, unavailable, wrap_label)
from portraits.blocks.values import first_value
from portraits.core.levels import DEFAULT
from portraits.text import evidence, fmt
from portraits.text.grammar import de


def _levels(df: pd.DataFrame, present: Iterable[str] | None = None) -> list[str]:
    """The levels of ``df`` a chart shows: those of ``portraits.core.levels.DEFAULT``, in their order."""
    have = set(df["level"]) if present is None else set(present)
    return [lv.id for lv in DEFAULT if lv.id in have]


def _level_name(level: str, df: pd.DataFrame | None = None) -> str:
    if df is not None and level in ("territory", "region") and "geo_label" in df:
        labels = df.loc[df["level"] == level, "geo_label"].dropna()
        if len(labels) and level == "region":
            return str(labels.iloc[0])
    return LEVEL_NAMES[level]


def shares(df: pd.DataFrame, column: str, categories: list[str], levels: list[str]) -> dict[str, list[float]]:
    """{level: the share of each category}: the first share given per (category, level), NaN
    where there is none (what ``pivot_table(aggfunc="first")`` gave, at a tenth of its cost)."""
    first: dict[tuple, float] = {}
    for cat, lv, share in zip(df[column], df["level"], df["share"]):
        if (cat, lv) not in first and not fmt.is_missing(share):
            first[(cat, lv)] = np.float64(share)
    return {lv: [first.get((c, lv), np.nan) for c in categories] for lv in levels}


def _grouped_barh(ax, categories: list[str], values: dict[str, list[float]], levels: list[str],
                  label_level: str = "territory", legend_names: dict[str, str] | None = None,
                  wrap: int = 30) -> None:
    n = len(levels)
    height = 0.8 / max(n, 1)
    y = np.arange(len(categories))
    for i, lv in enumerate(levels):
        vals = np.array([np.nan if fmt.is_missing(v) else v for v in values[lv]], dtype=float)
        pos = y - 0.4 + height * (i + 0.5)
        ax.barh(pos, np.nan_to_num(vals), height=height * 0.92, color=LEVEL_COLORS[lv],
                label=(legend_names or LEVEL_NAMES).get(lv, lv), zorder=2)
        if lv == label_level:
            for p, v in zip(pos, vals):
                text = fmt.percent(v, 1) if not math.isnan(v) else fmt.MISSING
                ax.annotate(text, (0 if math.isnan(v) else v, p), xytext=(2, 0),
                            textcoords="offset points", va="center", ha="left",
                            fontsize=FONT_SIZE - 0.5, color=TERRITORY, fontweight="semibold")
    ax.set_yticks(y, [wrap_label(c, wrap) for c in categories])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=GRID, zorder=0)
    pct_axis(ax, "x")


def _record_bars(chart: str, categories: list[str], values: dict[str, list[float]], levels: list[str],
                 names: dict[str, str], source: str, year, flags: dict | None = None) -> None:
    """The evidence of grouped bars: each category's territory bar (labelled with its value)
    against each benchmark bar drawn beside it; ``flags``: (category, level) -> approximate."""
    flags = flags or {}
    for i, c in enumerate(categories):
        t = values["territory"][i] if "territory" in values else np.nan
        label = fmt.percent(t, 1) if not fmt.is_missing(t) else fmt.MISSING
        for lv in [lv for lv in levels if lv != "territory"] or [None]:
            b = values[lv][i] if lv else None
            evidence.chart_row(chart, f"barres {c}", label, t, benchmark=names[lv] if lv else "",
                               bench_raw=b, bench_shown="" if lv is None or fmt.is_missing(b) else fmt.percent(b, 1),
                               rule="barre du territoire étiquetée de sa valeur ; références en barres sans étiquette",
                               source=source, year=year, approx=flags.get((c, "territory")),
                               bench_approx=flags.get((c, lv)) if lv else None)


# --- (a) jobs by broad sector ----------------------------------------------------------------
@memo.chart
def sectors(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire",
            france: str | None = None) -> Chart:
    """Grouped horizontal bars: share of jobs by broad sector, territory vs region, France and
    all territories. ``df`` = the territory's slice of ``jobs_by_sector``; ``france`` names what
    its France bars cover ("France métropolitaine")."""
    if is_empty(df) or df["share"].notna().sum() == 0:
        return unavailable("répartition des emplois par secteur")
    df = df.copy()
    if df.loc[df["level"] == "territory", "share"].notna().sum() == 0:
        return unavailable("répartition des emplois par secteur pour le territoire")
    order = list(dict.fromkeys(df["sector_label"]))  # the table's order (catalogue order)
    levels = _levels(df)
    values = shares(df, "sector_label", order, levels)
    names = {lv: _level_name(lv, df) for lv in levels}
    names["territory"] = shorten(name[:1].upper() + name[1:], 38)
    if france and "france" in names:
        names["france"] = france
    fig, ax = new_figure(0.9 + 0.42 * len(order), [label_width(order)], legend=legend_rows(names),
                         right=0.4)
    with matplotlib.rc_context(rc()):
        _grouped_barh(ax, order, values, levels, legend_names=names)
        ax.set_xlabel("Part des emplois")
        legend_top(ax, len(levels))
        xmax = np.nanmax([np.nanmax(np.asarray(v, dtype=float)) for v in values.values()])
        ax.set_xlim(0, xmax * 1.15)
    year = first_value(df, "year")
    add_source(fig, source or source_line(f"Insee, RP {year}" if year else "Insee, RP"))
    flags = df.set_index(["sector_label", "level"])["approx"].dropna().astype(bool).to_dict() if "approx" in df else None
    _record_bars("sectors", order, values, levels, names, fig.texts[-1].get_text(), year, flags)
    parts = []
    for s, t in zip(order, values.get("territory", [np.nan] * len(order))):
        bench = ", ".join(f"{names[lv]} {fmt.percent(values[lv][order.index(s)])}"
                          for lv in levels if lv != "territory")
        parts.append(f"{s} {fmt.percent(t)} ({bench})")
    alt = (f"Diagramme en barres horizontales : répartition des emplois au lieu de travail par grand "
           f"secteur{' en ' + str(year) if year else ''}, pour {name} comparé à "
           f"{', '.join(names[lv] for lv in levels if lv != 'territory')}. " + " ; ".join(parts) + ".")
    return Chart(fig, alt)


# --- (b) private salaried jobs, indexed -----------------------------------------------------
@memo.chart
def private_jobs(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire") -> Chart:
    """Lines: private salaried jobs indexed to the first year (= 100), territory vs region and
    France. ``df`` = the territory's slice of ``series_private_jobs``."""
    if is_empty(df):
        return unavailable("série de l'emploi salarié privé")
    df = df.copy()
    df["year"] = pd.to_numeric(df["year"], errors="coerce")
    if "index" not in df or df["index"].isna().all():
        # index to the first year with a value, level by level
        df = df.sort_values("year")
        df["index"] = df.groupby("level")["value"].transform(lambda s: s / s.dropna().iloc[0] * 100
                                                             if s.notna().any() else s)
    df = df.dropna(subset=["year", "index"]).sort_values("year")
    if df.empty or "territory" not in set(df["level"]):
        return unavailable("série de l'emploi salarié privé")
    first, last = int(df["year"].min()), int(df["year"].max())
    levels = [lv for lv in ("territory", "region", "france") if lv in set(df["level"])]
    names = {lv: _level_name(lv, df) for lv in levels}
    names["territory"] = shorten(name[:1].upper() + name[1:], 38)
    fig, ax = new_figure(2.3, [7], legend=legend_rows(names), xlabel=False, right=0.1)  # 7: y label
    styles = {"territory": dict(lw=2.4, ls="-"), "region": dict(lw=1.4, ls="-"),
              "france": dict(lw=1.4, ls="--")}
    ends = {}
    with matplotlib.rc_context(rc()):
        for lv in reversed(levels):  # territory drawn last, on top
            d = df[df["level"] == lv]
            ax.plot(d["year"], d["index"], color=LEVEL_COLORS[lv] if lv != "france" else "#9a9a9a",
                    label=names[lv], zorder=3 if lv == "territory" else 2, **styles[lv])
            ends[lv] = float(d["index"].iloc[-1])
        ax.axhline(100, color="#999999", lw=0.8, zorder=1)
        ax.annotate(fmt.number(ends["territory"], 1), (last, ends["territory"]),
                    xytext=(4, 0), textcoords="offset points", va="center",
                    color=TERRITORY, fontweight="semibold")
        ax.set_xlim(first, last + 0.8)
        ax.set_xticks(range(first, last + 1, 2 if last - first > 6 else 1))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v)}"))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True))
        num_axis(ax, "y")
        ax.set_ylabel(f"Indice base 100 en {first}")
        ax.grid(axis="y", color=GRID, zorder=0)
        handles, labels = ax.get_legend_handles_labels()
        legend_top(ax, len(levels), handles[::-1], labels[::-1])
    add_source(fig, source or source_line(f"Urssaf, effectifs salariés privés {first}-{last}"))
    for lv in levels:  # only the territory's end is labelled; the others are drawn
        evidence.chart_row("private_jobs", f"fin de la courbe {names[lv]} ({last})",
                           fmt.number(ends[lv], 1) if lv == "territory" else "courbe (sans étiquette)",
                           ends[lv], shown=fmt.number(ends[lv], 1), rule=f"indice base 100 en {first}",
                           source=fig.texts[-1].get_text(), year=f"{first}-{last}")
    bench = ", ".join(f"{names[lv]} {fmt.number(ends[lv], 1)}" for lv in levels if lv != "territory")
    alt = (f"Graphique en courbes : emploi salarié privé de {first} à {last}, en indice base 100 "
           f"en {first}. En {last}, l'indice atteint {fmt.number(ends['territory'], 1)} pour {name}"
           + (f" ({bench})." if bench else "."))
    return Chart(fig, alt)


# --- (d) establishments by sector and by size ---------------------------------------------
@memo.chart
def establishments(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire") -> Chart:
    """Two panels of grouped bars: establishments by broad sector and by size band (shares),
    territory vs France and all territories. ``df`` = slice of ``establishments_breakdown``."""
    if is_empty(df) or df["share"].notna().sum() == 0:
        return unavailable("répartition des établissements")
    if df.loc[df["level"] == "territory", "share"].notna().sum() == 0:
        return unavailable("répartition des établissements du territoire")
    dims = [d for d in ("sector", "size") if d in set(df["dimension"])]
    cats_by_dim = {dim: list(dict.fromkeys(df.loc[df["dimension"] == dim, "label"])) for dim in dims}
    n_bars = max(len(c) for c in cats_by_dim.values())
    wraps = {"sector": 30, "size": 16}
    fig, axes = new_figure(1.0 + 0.4 * n_bars, [label_width(cats_by_dim[d], wraps[d]) for d in dims],
                           legend=1, title=True, xlabel=False, right=0.3)
    axes = np.atleast_1d(axes)
    titles = {"sector": "Par secteur d'activité", "size": "Par taille (salariés)"}
    alt_parts, drawn = [], []
    levels = [lv for lv in ("territory", "france", "all_territories") if lv in set(df["level"])]
    names = {lv: _level_name(lv, df) for lv in levels}
    names["territory"] = shorten(name[:1].upper() + name[1:], 38)
    with matplotlib.rc_context(rc()):
        for ax, dim in zip(axes, dims):
            d = df[df["dimension"] == dim]
            cats = cats_by_dim[dim]
            values = shares(d, "label", cats, levels)
            _grouped_barh(ax, cats, values, levels, legend_names=names, wrap=wraps[dim])
            drawn.append((f"establishments ({titles[dim].lower()})", cats, values))
            # y given: matplotlib would otherwise measure every tick label at draw time to
            # find that nothing sits above the axes (same place, y = 1)
            ax.set_title(titles[dim], loc="left", fontweight="semibold", y=1.0)
            xmax = np.nanmax([np.nanmax(np.asarray(v, dtype=float)) for v in values.values()])
            ax.set_xlim(0, xmax * 1.25)
            alt_parts.append(titles[dim].lower() + " : " + ", ".join(
                f"{c} {fmt.percent(v)}" for c, v in zip(cats, values.get("territory", []))))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.01, 0.995), ncols=len(levels),
                   frameon=False, handlelength=1.4)
    year = first_value(df, "year")
    add_source(fig, source or source_line(f"Insee, établissements {year}" if year else "Insee"))
    for chart, cats, values in drawn:
        _record_bars(chart, cats, values, levels, names, fig.texts[-1].get_text(), year)
    alt = (f"Diagrammes en barres : répartition des établissements {de(name)}"
           f"{' en ' + str(year) if year else ''}, comparée à "
           f"{', '.join(names[lv] for lv in levels if lv != 'territory')} ; " + " ; ".join(alt_parts) + ".")
    return Chart(fig, alt)


# --- (e) industrial sub-sectors (A38) and specificity -----------------------------------------
@memo.chart
def a38(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire",
        top: int = 8) -> Chart:
    """Horizontal bars of the specificity index of the main industrial A38 sub-sectors (by
    jobs), index annotated, reference line at 1 (= same weight as in France). ``df`` = the
    territory's slice of ``a38``, whose ``industry`` column marks the industrial sub-sectors."""
    if is_empty(df):
        return unavailable("sous-secteurs industriels")
    d = df[df["industry"].astype(bool)]
    d = d.dropna(subset=["specificity"])
    if "jobs" in d and d["jobs"].notna().any():
        d = d.sort_values("jobs", ascending=False)
    d = d.head(top)
    if d.empty:
        return unavailable("sous-secteurs industriels")
    labels = [shorten(str(s)) for s in d["label"]]
    spec = d["specificity"].astype(float).to_numpy()
    share = d["share"].astype(float).to_numpy() if "share" in d else np.full(len(d), np.nan)
    fig, ax = new_figure(0.7 + 0.24 * len(d), [max(len(x) for x in labels)], right=0.1)
    with matplotlib.rc_context(rc()):
        colors = [TERRITORY if s >= 1 else REGION for s in spec]
        y = np.arange(len(d))
        ax.barh(y, spec, color=colors, height=0.7, zorder=2)
        ax.axvline(1, color="#555555", lw=1, ls="--", zorder=3)
        for yi, s, sh in zip(y, spec, share):
            text = fmt.number(s, 1) + (f" ({fmt.percent(sh)} des emplois salariés)" if not fmt.is_missing(sh) else "")
            # right of the bar, and right of the reference line for bars shorter than 1
            ax.text(max(s, 1) + 0.03 * max(spec.max(), 1.2), yi, text, va="center", fontsize=FONT_SIZE - 0.5,
                    color=TEXT)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max(spec.max(), 1.2) * 1.45)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("Indice de spécificité (1 = même poids qu'en France)")
        digits = 0 if spec.max() > 6 else 1
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, digits)))
        ax.grid(axis="x", color=GRID, zorder=0)
    year = first_value(d, "year")
    add_source(fig, source or source_line(f"Insee, Flores {year}" if year else "Insee, Flores"))
    for lab, s, t in zip(labels, spec, ax.texts):  # each bar's label, as drawn
        evidence.chart_row("a38", f"barre {lab}", t.get_text(), s, shown=fmt.number(s, 1),
                           benchmark="France (indice 1)", bench_raw=1, bench_shown="1",
                           rule="indice de spécificité : part du secteur dans l'emploi salarié, rapportée à "
                                "sa part en France ; approché par zones d'emploi", source=fig.texts[-1].get_text(),
                           year=year, approx=True)
    alt = (f"Diagramme en barres : indice de spécificité des {len(d)} principaux secteurs industriels "
           f"(A38) {de(name)}, rangés par nombre d'emplois salariés ; un indice supérieur à 1 signale un "
           f"secteur plus présent qu'en France. " + " ; ".join(
               f"{lab} {fmt.number(s, 1)}" for lab, s in zip(labels, spec)) + ".")
    return Chart(fig, alt)

