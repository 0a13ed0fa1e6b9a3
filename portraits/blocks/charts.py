"""The portraits' charts: one house style, each chart a ``Chart(fig, alt)``.

- Figures are ``matplotlib.figure.Figure`` objects, not pyplot figures: nothing is left in
  pyplot's global state of a reused kernel, and a figure is displayed once, when the report
  shows it (the inline backend would otherwise show every pyplot figure of the cell).
- Style: the territory in a strong colour, benchmarks in greys and muted tones; the project's
  font (``portraits.render.fonts``), else DejaVu Sans; applied with ``rc_context`` so that no
  global matplotlib setting changes.
- SVG text stays text (``<text>`` elements) and each SVG embeds the font faces it uses
  (``to_svg``): lighter and faster than glyph outlines, the same glyphs in the HTML and Typst.
- Every chart carries a source line under the plot and returns an alternative text that
  states what the chart shows, with the key figures (French formatting from ``fmt``).
- Missing data never raises: the chart is ``None`` and the alt text says it is unavailable.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
from dataclasses import dataclass
from typing import Iterable

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from portraits.text import fmt
from portraits.core import levels
from portraits.data.indicators import signed_ids

# --- house style -----------------------------------------------------------------------------
TERRITORY, REGION = levels.TERRITORY.colour, levels.REGION.colour
FRANCE, ALL_TI = levels.FRANCE.colour, levels.ALL_TERRITORIES.colour
GRID = "#e6e6e6"
TEXT = "#333333"
SOURCE_GREY = "#6f6f6f"
LEVEL_COLORS = {lv.id: lv.colour for lv in levels.LEVELS}
LEVEL_ORDER = tuple(lv.id for lv in levels.LEVELS)
LEVEL_NAMES = {lv.id: lv.label for lv in levels.LEVELS}
RASTER_DPI = 200            # resolution of rasterised layers inside SVG figures
WIDTH = 6.3                 # inches: the A4 text width (16 cm)
FONT_SIZE = 8
SOURCE_SIZE = 6.5
INDUSTRY_A38 = ("BZ", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "CL",
                "CM", "DZ", "EZ")


@dataclass
class Chart:
    """A figure (None when data are missing) and its alternative text."""
    fig: Figure | None
    alt: str

    def __iter__(self):  # allows ``fig, alt = charts.sectors(...)``
        return iter((self.fig, self.alt))


@functools.cache
def font_family() -> list[str]:
    """The project's font registered with matplotlib (once per process), with fallbacks."""
    try:
        from matplotlib import font_manager

        from portraits.render import fonts

        for path in fonts.font_paths():
            font_manager.fontManager.addfont(str(path))
        # the shipped family only: listing a fallback makes matplotlib look up every weight in
        # it too, and warn for DejaVu's missing semibold
        return [fonts.font_family()]
    except Exception:  # the font package is optional for the charts: fall back, never fail
        return ["DejaVu Sans"]


@functools.cache
def _font_faces() -> dict[tuple[str, str], str]:
    """The shipped font's @font-face rules (subset WOFF2 as data URIs, the HTML page's own)
    by (CSS weight, style); empty when the font package is missing."""
    if font_family() == ["DejaVu Sans"]:
        return {}
    try:
        from portraits.render import fonts

        css = fonts.html_font_css()
    except Exception:  # optional for the charts: glyphs are then drawn as paths
        return {}
    faces = {}
    for rule in re.findall(r"@font-face\{[^}]*\}", css):
        weight = re.search(r"font-weight:\s*(\d+)", rule)
        style = re.search(r"font-style:\s*(\w+)", rule)
        if weight and style:
            faces[(weight.group(1), style.group(1))] = rule
    return faces if ("400", "normal") in faces else {}


def _embed_fonts(svg: str) -> str:
    """Insert, after the opening <svg> tag, the @font-face rules of the weights and styles the
    SVG's <text> elements use, and keep their spaces. An SVG shown as an image (the HTML's
    <img src="data:…">) sees neither the page's fonts nor, mostly, the reader's: it needs its
    own. Typst ignores the rules and draws the family with the fonts it is given (the same
    files). See docs/RENDERING.md, "Chart text is SVG text"."""
    if "<text" not in svg:
        return svg
    faces = _font_faces()
    used = {("400", "normal")}
    used |= {(w, "normal") for w in re.findall(r"font-weight: (\d+)", svg)}
    if "font-style: italic" in svg:
        used |= {(w, "italic") for w, _ in used}
    rules = "".join(faces[k] for k in sorted(used) if k in faces)
    head = re.search(r"<svg\b[^>]*>", svg)
    if not rules or head is None:
        return svg
    # runs of spaces (the a38 chart's "2,5  (10 % …)") are kept, as the glyph paths kept them
    body = svg[head.end():].replace("<text ", '<text xml:space="preserve" ')
    return svg[:head.end()] + f'\n <defs>\n  <style type="text/css">{rules}</style>\n </defs>' + body


def rc() -> dict:
    """rcParams of the house style (seaborn's white style, small sizes, project font)."""
    params = dict(sns.axes_style("white"))
    params.update({
        # concrete families, not "sans-serif": a generic family is resolved at draw time,
        # outside this context (inline backend), and would fall back to matplotlib's default
        "font.family": font_family(),
        "font.sans-serif": font_family(),
        "font.size": FONT_SIZE,
        "axes.titlesize": FONT_SIZE + 1,
        "axes.labelsize": FONT_SIZE,
        "axes.labelcolor": TEXT,
        "axes.edgecolor": "#999999",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "legend.fontsize": FONT_SIZE,
        "legend.frameon": False,
        # text as <text> elements (glyph paths cost ~40 % of the serialisation and most of
        # the SVG's weight); ``to_svg`` embeds the font so that every viewer draws the same
        # glyphs. Paths when the shipped font is missing (nothing to embed).
        "svg.fonttype": "none" if _font_faces() else "path",
        "svg.hashsalt": "portraits",  # stable ids: identical SVG for identical data
        "axes.unicode_minus": True,
        "figure.dpi": 100,
    })
    return params


LEGEND_ROW_CHARS = 80  # characters that fit on one legend row across the plot
CHAR_WIDTH = 0.062   # inches per character of a tick label at FONT_SIZE (generous estimate)
LINE_HEIGHT = 0.16   # inches per text line at FONT_SIZE


def new_figure(height: float, label_chars: Iterable[int] = (0,), width: float = WIDTH,
               legend: int = 0, xlabel: bool = True, title: bool = False,
               right: float = 0.15) -> tuple[Figure, object]:
    """A figure with one panel per entry of ``label_chars`` (the width, in characters, of
    each panel's y tick labels), laid out side by side with fixed margins in inches;
    ``legend`` = number of legend rows above the plot.

    Fixed margins instead of constrained layout: the layout engine costs more than drawing
    the chart (about 0.15 s per figure), and our charts have predictable text."""
    label_chars = list(label_chars)
    bottom = 0.22 + 0.2 + (LINE_HEIGHT + 0.05 if xlabel else 0)  # source line, ticks, x label
    top = 0.08 + (int(legend) * LINE_HEIGHT + 0.1 if legend else 0) + (LINE_HEIGHT + 0.06 if title else 0)
    lefts = [0.12 + CHAR_WIDTH * n for n in label_chars]
    gap = 0.25
    plot_width = width - sum(lefts) - right * len(label_chars) - gap * (len(label_chars) - 1)
    weights = [1.35] + [1.0] * (len(label_chars) - 1) if len(label_chars) > 1 else [1.0]
    with matplotlib.rc_context(rc()):
        fig = Figure(figsize=(width, height))
        axes, x = [], 0.0
        for n, left, w in zip(label_chars, lefts, weights):
            x += left
            pw = plot_width * w / sum(weights)
            ax = fig.add_axes((x / width, bottom / height, pw / width, (height - bottom - top) / height))
            # tick labels are created at draw time, outside this rc_context: pin the font
            ax.tick_params(labelfontfamily=font_family()[0])
            axes.append(ax)
            x += pw + right + gap
    return fig, (axes[0] if len(axes) == 1 else axes)


def add_source(fig: Figure, source: str | None) -> None:
    """The source line under the chart ("Source : Insee, RP 2021 ; traitement ANCT")."""
    if source:
        fig.text(0.005, 0.008, source, fontsize=SOURCE_SIZE, color=SOURCE_GREY,
                 ha="left", va="bottom", fontfamily=font_family())


def source_line(*sources: str, treatment: str = "traitement ANCT") -> str:
    """"Source : Insee, RP 2021 ; traitement ANCT" with French spacing before : and ;."""
    parts = [s for s in sources if s] + ([treatment] if treatment else [])
    label = "Sources" if len(parts) > 2 or (len(parts) == 2 and not treatment) else "Source"
    return f"{label}{fmt.NBSP}: " + f"{fmt.NNBSP}; ".join(parts)


def _pct_axis(ax, axis: str = "x", digits: int = 0) -> None:
    formatter = FuncFormatter(lambda v, _: fmt.percent(v, digits))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def _num_axis(ax, axis: str = "y", digits: int = 0) -> None:
    formatter = FuncFormatter(lambda v, _: fmt.number(v, digits))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def _empty(df) -> bool:
    return df is None or len(df) == 0


def _unavailable(what: str) -> Chart:
    return Chart(None, f"Graphique non disponible : {what} ({fmt.MISSING}).")


def _levels(df: pd.DataFrame, present: Iterable[str] | None = None) -> list[str]:
    have = set(df["level"]) if present is None else set(present)
    return [lv for lv in LEVEL_ORDER if lv in have]


def _level_name(level: str, df: pd.DataFrame | None = None) -> str:
    if df is not None and level in ("territory", "region") and "geo_label" in df:
        labels = df.loc[df["level"] == level, "geo_label"].dropna()
        if len(labels) and level == "region":
            return str(labels.iloc[0])
    return LEVEL_NAMES[level]


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
    ax.set_yticks(y, [_wrap(c, wrap) for c in categories])
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=GRID, zorder=0)
    _pct_axis(ax, "x")


# --- (a) jobs by broad sector ----------------------------------------------------------------
def sectors(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire",
            france: str | None = None) -> Chart:
    """Grouped horizontal bars: share of jobs by broad sector, territory vs region, France and
    all territories. ``df`` = the territory's slice of ``jobs_by_sector``; ``france`` names what
    its France bars cover ("France métropolitaine")."""
    if _empty(df) or df["share"].notna().sum() == 0:
        return _unavailable("répartition des emplois par secteur")
    df = df.copy()
    if df.loc[df["level"] == "territory", "share"].notna().sum() == 0:
        return _unavailable("répartition des emplois par secteur pour le territoire")
    order = list(dict.fromkeys(df["sector_label"]))  # the table's order (catalogue order)
    levels = _levels(df)
    table = df.pivot_table(index="sector_label", columns="level", values="share", aggfunc="first")
    values = {lv: [table.at[s, lv] if s in table.index and lv in table else np.nan for s in order]
              for lv in levels}
    names = {lv: _level_name(lv, df) for lv in levels}
    names["territory"] = _short(name[:1].upper() + name[1:], 38)
    if france and "france" in names:
        names["france"] = france
    fig, ax = new_figure(0.9 + 0.42 * len(order), [_label_width(order)], legend=_legend_rows(names),
                         right=0.4)
    with matplotlib.rc_context(rc()):
        _grouped_barh(ax, order, values, levels, legend_names=names)
        ax.set_xlabel("Part des emplois")
        _legend_top(ax, len(levels))
        xmax = np.nanmax([np.nanmax(np.asarray(v, dtype=float)) for v in values.values()])
        ax.set_xlim(0, xmax * 1.15)
    year = _first(df, "year")
    add_source(fig, source or source_line(f"Insee, RP {year}" if year else "Insee, RP"))
    parts = []
    for s, t in zip(order, values.get("territory", [np.nan] * len(order))):
        bench = ", ".join(f"{names[lv]} {fmt.percent(values[lv][order.index(s)])}"
                          for lv in levels if lv != "territory")
        parts.append(f"{s} {fmt.percent(t)} ({bench})")
    alt = (f"Diagramme en barres horizontales : répartition des emplois au lieu de travail par grand "
           f"secteur{' en ' + str(year) if year else ''}, pour {name} comparé à "
           f"{', '.join(names[lv] for lv in levels if lv != 'territory')}. " + " ; ".join(parts) + ".")
    return Chart(fig, alt)


def _de(name: str) -> str:
    """"de Vallée X", "d'Alençon", "du Creusot" (French elision and contraction)."""
    from portraits.text.commentary import de

    return de(name)


def _first(df: pd.DataFrame, col: str):
    if col not in df:
        return None
    vals = df[col].dropna()
    return vals.iloc[0] if len(vals) else None


# --- (b) private salaried jobs, indexed -----------------------------------------------------
def private_jobs(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire") -> Chart:
    """Lines: private salaried jobs indexed to the first year (= 100), territory vs region and
    France. ``df`` = the territory's slice of ``series_private_jobs``."""
    if _empty(df):
        return _unavailable("série de l'emploi salarié privé")
    df = df.copy()
    df["year"] = pd.to_numeric(df["year"], errors="coerce")
    if "index" not in df or df["index"].isna().all():
        # index to the first year with a value, level by level
        df = df.sort_values("year")
        df["index"] = df.groupby("level")["value"].transform(lambda s: s / s.dropna().iloc[0] * 100
                                                             if s.notna().any() else s)
    df = df.dropna(subset=["year", "index"]).sort_values("year")
    if df.empty or "territory" not in set(df["level"]):
        return _unavailable("série de l'emploi salarié privé")
    first, last = int(df["year"].min()), int(df["year"].max())
    levels = [lv for lv in ("territory", "region", "france") if lv in set(df["level"])]
    names = {lv: _level_name(lv, df) for lv in levels}
    names["territory"] = _short(name[:1].upper() + name[1:], 38)
    fig, ax = new_figure(2.3, [7], legend=_legend_rows(names), xlabel=False, right=0.1)  # 7: y label
    styles = {"territory": dict(lw=2.4, ls="-"), "region": dict(lw=1.4, ls="-"),
              "france": dict(lw=1.4, ls="--"), "all_territories": dict(lw=1.2, ls=":")}
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
        _num_axis(ax, "y")
        ax.set_ylabel(f"Indice base 100 en {first}")
        ax.grid(axis="y", color=GRID, zorder=0)
        handles, labels = ax.get_legend_handles_labels()
        _legend_top(ax, len(levels), handles[::-1], labels[::-1])
    add_source(fig, source or source_line(f"Urssaf, effectifs salariés privés {first}-{last}"))
    bench = ", ".join(f"{names[lv]} {fmt.number(ends[lv], 1)}" for lv in levels if lv != "territory")
    alt = (f"Graphique en courbes : emploi salarié privé de {first} à {last}, en indice base 100 "
           f"en {first}. En {last}, l'indice atteint {fmt.number(ends['territory'], 1)} pour {name}"
           + (f" ({bench})." if bench else "."))
    return Chart(fig, alt)


# --- (c) position among the territories -----------------------------------------------------
def positions(values: pd.DataFrame | None, territory_id: str, source: str | None = None,
              name: str = "le territoire") -> Chart:
    """Dot plot, one row per indicator: every territory at its percentile (0 = lowest value,
    100 = highest) in light grey, the territory highlighted with its value.

    ``values``: one row per territory x indicator, columns ``indicator_id, short_label, unit,
    territory_id, value`` (labels may come from the catalogue), optionally ``ranked``: a value
    with ``ranked`` false (another definition) is not placed among the others; the
    territory's own is shown in its label as "non classé"."""
    if _empty(values):
        return _unavailable("position parmi les Territoires d'industrie")
    df = values.dropna(subset=["value"]).copy()
    signed = signed_ids()  # changes are labelled with their sign
    unranked = df.iloc[0:0]
    if "ranked" in df:
        keep = df["ranked"].fillna(True).astype(bool)
        unranked, df = df[~keep], df[keep].copy()
    ids = list(dict.fromkeys(df["indicator_id"]))
    if not ids:
        return _unavailable("position parmi les Territoires d'industrie")
    df["pct"] = df.groupby("indicator_id")["value"].rank(pct=True, method="average") * 100
    # deterministic spread of the dots (golden-ratio sequence), no random state involved
    df["jitter"] = ((np.arange(len(df)) * 0.6180339887) % 1 - 0.5) * 0.5
    labels, alt_parts, rows_y = [], [], {}
    # one pass over the ~4,500 rows rather than a filter per indicator
    by_indicator = dict(tuple(df.groupby("indicator_id", sort=False)))
    unranked_own = unranked[unranked["territory_id"] == territory_id]
    for i, ind in enumerate(ids):
        rows_y[ind] = i
        d = by_indicator[ind]
        own = d[d["territory_id"] == territory_id]
        own_unranked = unranked_own[unranked_own["indicator_id"] == ind]
        label = str(_first(d, "short_label") or ind)
        unit = _first(d, "unit")
        if len(own) or len(own_unranked):
            v = (own if len(own) else own_unranked)["value"].iloc[0]
            shown = fmt.signed_percent(v) if ind in signed and unit == "%" else fmt.value(v, unit, with_unit=False)
            if len(own):
                labels.append(f"{label} ({shown})")
                rank = int((d["value"] > v).sum()) + 1
                alt_parts.append(f"{label} {shown}, {fmt.ordinal(rank)} sur {len(d)}")
            else:
                labels.append(f"{label} ({shown}, non classé)")
                alt_parts.append(f"{label} {shown}, non classé (autre définition)")
        else:
            labels.append(f"{label} ({fmt.MISSING})")
            alt_parts.append(f"{label} {fmt.MISSING}")
    fig, ax = new_figure(0.6 + 0.27 * len(ids), [max(len(t) for t in labels)], right=0.3)
    fig.set_dpi(RASTER_DPI)
    with matplotlib.rc_context(rc()):
        y = df["indicator_id"].map(rows_y) + df["jitter"]
        # the ~1,500 grey dots are rasterised inside the SVG (one <use> each would weigh 250 kB)
        ax.scatter(df["pct"], y, s=7, color="#b9b9b9", alpha=0.7, linewidths=0, zorder=2,
                   rasterized=True)
        own = df[df["territory_id"] == territory_id]
        ax.scatter(own["pct"], own["indicator_id"].map(rows_y), s=46, color=TERRITORY,
                   edgecolor="white", linewidths=0.8, zorder=3, label=name)
        ax.set_yticks(range(len(ids)), labels)
        ax.set_ylim(len(ids) - 0.5, -0.5)
        ax.set_xlim(-3, 103)
        ax.set_xticks([0, 50, 100], ["valeur la plus faible", "médiane", "valeur la plus élevée"])
        labels_x = ax.get_xticklabels()
        labels_x[0].set_horizontalalignment("left")   # keep the end labels inside the figure
        labels_x[-1].set_horizontalalignment("right")
        ax.axvline(50, color="#999999", lw=0.8, ls="--", zorder=1)
        ax.tick_params(axis="y", length=0)
        for i in range(len(ids)):
            ax.axhline(i + 0.5, color=GRID, lw=0.6, zorder=0)
        ax.spines["left"].set_visible(False)
    add_source(fig, source)
    alt = (f"Graphique en points : position {_de(name)} parmi les {df['territory_id'].nunique()} "
           f"Territoires d'industrie pour {len(ids)} indicateurs, de la valeur la plus faible à la "
           f"plus élevée (rang 1 = valeur la plus élevée). " + " ; ".join(alt_parts) + ".")
    return Chart(fig, alt)


# --- (d) establishments by sector and by size ---------------------------------------------
def establishments(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire") -> Chart:
    """Two panels of grouped bars: establishments by broad sector and by size band (shares),
    territory vs France and all territories. ``df`` = slice of ``establishments_breakdown``."""
    if _empty(df) or df["share"].notna().sum() == 0:
        return _unavailable("répartition des établissements")
    if df.loc[df["level"] == "territory", "share"].notna().sum() == 0:
        return _unavailable("répartition des établissements du territoire")
    dims = [d for d in ("sector", "size") if d in set(df["dimension"])]
    cats_by_dim = {dim: list(dict.fromkeys(df.loc[df["dimension"] == dim, "label"])) for dim in dims}
    n_bars = max(len(c) for c in cats_by_dim.values())
    wraps = {"sector": 30, "size": 16}
    fig, axes = new_figure(1.0 + 0.4 * n_bars, [_label_width(cats_by_dim[d], wraps[d]) for d in dims],
                           legend=1, title=True, xlabel=False, right=0.3)
    axes = np.atleast_1d(axes)
    titles = {"sector": "Par secteur d'activité", "size": "Par taille (salariés)"}
    alt_parts = []
    levels = [lv for lv in ("territory", "france", "all_territories") if lv in set(df["level"])]
    names = {lv: _level_name(lv, df) for lv in levels}
    names["territory"] = _short(name[:1].upper() + name[1:], 38)
    with matplotlib.rc_context(rc()):
        for ax, dim in zip(axes, dims):
            d = df[df["dimension"] == dim]
            cats = cats_by_dim[dim]
            table = d.pivot_table(index="label", columns="level", values="share", aggfunc="first")
            values = {lv: [table.at[c, lv] if lv in table else np.nan for c in cats] for lv in levels}
            _grouped_barh(ax, cats, values, levels, legend_names=names, wrap=wraps[dim])
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
    year = _first(df, "year")
    add_source(fig, source or source_line(f"Insee, établissements {year}" if year else "Insee"))
    alt = (f"Diagrammes en barres : répartition des établissements {_de(name)}"
           f"{' en ' + str(year) if year else ''}, comparée à "
           f"{', '.join(names[lv] for lv in levels if lv != 'territory')} ; " + " ; ".join(alt_parts) + ".")
    return Chart(fig, alt)


# --- (e) industrial sub-sectors (A38) and specificity -----------------------------------------
def a38(df: pd.DataFrame | None, source: str | None = None, name: str = "le territoire",
        top: int = 8) -> Chart:
    """Horizontal bars of the specificity index of the main industrial A38 sub-sectors (by
    jobs), index annotated, reference line at 1 (= same weight as in France)."""
    if _empty(df):
        return _unavailable("sous-secteurs industriels")
    d = df[df["a38"].isin(INDUSTRY_A38)] if "a38" in df else df
    d = d.dropna(subset=["specificity"])
    if "jobs" in d and d["jobs"].notna().any():
        d = d.sort_values("jobs", ascending=False)
    d = d.head(top)
    if d.empty:
        return _unavailable("sous-secteurs industriels")
    labels = [_short(str(s)) for s in d["label"]]
    spec = d["specificity"].astype(float).to_numpy()
    share = d["share"].astype(float).to_numpy() if "share" in d else np.full(len(d), np.nan)
    fig, ax = new_figure(0.7 + 0.24 * len(d), [max(len(x) for x in labels)], right=0.1)
    with matplotlib.rc_context(rc()):
        colors = [TERRITORY if s >= 1 else REGION for s in spec]
        y = np.arange(len(d))
        ax.barh(y, spec, color=colors, height=0.7, zorder=2)
        ax.axvline(1, color="#555555", lw=1, ls="--", zorder=3)
        for yi, s, sh in zip(y, spec, share):
            text = fmt.number(s, 1) + (f"  ({fmt.percent(sh)} des emplois salariés)" if not fmt.is_missing(sh) else "")
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
    year = _first(d, "year")
    add_source(fig, source or source_line(f"Insee, Flores {year}" if year else "Insee, Flores"))
    alt = (f"Diagramme en barres : indice de spécificité des {len(d)} principaux secteurs industriels "
           f"(A38) {_de(name)}, rangés par nombre d'emplois salariés ; un indice supérieur à 1 signale un "
           f"secteur plus présent qu'en France. " + " ; ".join(
               f"{lab} {fmt.number(s, 1)}" for lab, s in zip(labels, spec)) + ".")
    return Chart(fig, alt)


def _label_width(labels, width: int = 30) -> int:
    """Characters of the widest line of the wrapped labels."""
    return max((len(line) for lab in labels for line in _wrap(lab, width).split("\n")), default=0)


def _wrap(label: str, width: int = 30) -> str:
    return textwrap.fill(str(label), width)


def _legend_rows(names: dict[str, str]) -> int:
    n = len(names)
    return 1 if sum(len(v) + 6 for v in names.values()) <= LEGEND_ROW_CHARS else (n + 1) // 2


def _legend_top(ax, ncols: int, handles=None, labels=None) -> None:
    """Legend in one row above the plot (constrained layout makes room for it)."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if sum(len(lab) + 6 for lab in labels) > LEGEND_ROW_CHARS:
        ncols = min(ncols, 2)  # long names (territory, region): two rows rather than clipping
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=ncols,
              borderaxespad=0, handlelength=1.4, columnspacing=1.2)


def _short(label: str, width: int = 42) -> str:
    """Shorten long A38 labels at a word boundary (… appended)."""
    if len(label) <= width:
        return label
    cut = label[:width].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


def _fix_empty_axis_labels(fig: Figure) -> None:
    """Axis labels without text are not drawn, but matplotlib still places them, measuring
    every tick label at draw time: give them a fixed place instead (no change to the drawing;
    the figure is finished when it is serialised: a label set afterwards would need its own
    ``set_label_coords``)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.5, 0.5)


def to_svg(fig: Figure) -> str:
    """The figure as SVG text (what the notebook and the PDF carry)."""
    import io

    buf = io.StringIO()
    _fix_empty_axis_labels(fig)
    with matplotlib.rc_context(rc()):
        # no date in the metadata and a fixed hash salt: identical data give identical SVG
        fig.savefig(buf, format="svg", metadata={"Date": None})
        svg = buf.getvalue()
        if matplotlib.rcParams["svg.fonttype"] == "none":
            svg = _embed_fonts(svg)
    return svg
