"""The position chart: every Territoire d'industrie as a grey dot at its percentile for each
indicator (0 = lowest value, 100 = highest), the territory highlighted with its value, and an
alternative text giving its rank among the territories."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd

from portraits.blocks import memo
from portraits.blocks.chart_style import (
    GRID, RASTER_DPI, TERRITORY, Chart, add_source, is_empty, new_figure, rc,
    unavailable)
from portraits.blocks.values import first_value
from portraits.text import evidence, fmt, row_rules
from portraits.text.grammar import de


@memo.chart
def positions(values: pd.DataFrame | None, territory_id: str, source: str | None = None,
              name: str = "le territoire") -> Chart:
    """Dot plot, one row per indicator: every territory at its percentile (0 = lowest value,
    100 = highest) in light grey, the territory highlighted with its value.

    ``values``: one row per territory x indicator, columns ``indicator_id, short_label, unit,
    territory_id, value`` (labels may come from the catalogue), optionally ``ranked``: a value
    with ``ranked`` false (another definition) is not placed among the others; the
    territory's own is shown in its label as "non classé"."""
    if is_empty(values):
        return unavailable("position parmi les Territoires d'industrie")
    df = values.dropna(subset=["value"]).copy()
    unranked = df.iloc[0:0]
    if "ranked" in df:
        keep = df["ranked"].fillna(True).astype(bool)
        unranked, df = df[~keep], df[keep].copy()
    ids = list(dict.fromkeys(df["indicator_id"]))
    if not ids:
        return unavailable("position parmi les Territoires d'industrie")
    df["pct"] = df.groupby("indicator_id")["value"].rank(pct=True, method="average") * 100
    # deterministic spread of the dots (golden-ratio sequence), no random state involved
    df["jitter"] = ((np.arange(len(df)) * 0.6180339887) % 1 - 0.5) * 0.5
    labels, alt_parts = _labels(df, ids, unranked[unranked["territory_id"] == territory_id],
                                territory_id)
    fig = _draw(df, ids, labels, territory_id, name)
    add_source(fig, source)
    for ind, label, part in zip(ids, labels, alt_parts):
        own = df[(df["indicator_id"] == ind) & (df["territory_id"] == territory_id)]
        evidence.chart_row("positions", f"ligne {ind}", label, own["value"].iloc[0] if len(own) else None,
                           rule="point au rang centile parmi les territoires renseignés (0 = valeur la plus "
                                f"faible) ; {part}", source=source or "")
    alt = (f"Graphique en points : position {de(name)} parmi les {df['territory_id'].nunique()} "
           f"Territoires d'industrie pour {len(ids)} indicateurs, de la valeur la plus faible à la "
           f"plus élevée (rang 1 = valeur la plus élevée). " + " ; ".join(alt_parts) + ".")
    return Chart(fig, alt)


def _labels(df: pd.DataFrame, ids: list[str], unranked_own: pd.DataFrame,
            territory_id: str) -> tuple[list[str], list[str]]:
    """Each indicator's tick label (with the territory's value) and its part of the alt text
    (with its rank, or "non classé" for a value on another definition)."""
    labels, alt_parts = [], []
    # one pass over the ~4,500 rows rather than a filter per indicator
    by_indicator = dict(tuple(df.groupby("indicator_id", sort=False)))
    for ind in ids:
        d = by_indicator[ind]
        own = d[d["territory_id"] == territory_id]
        own_unranked = unranked_own[unranked_own["indicator_id"] == ind]
        label = str(first_value(d, "short_label") or ind)
        unit = first_value(d, "unit")
        if len(own) or len(own_unranked):
            v = (own if len(own) else own_unranked)["value"].iloc[0]
            # as every value is shown (changes signed); the catalogue's flag when the frame has it
            row = {"indicator_id": ind, "unit": unit, "territory": v, "signed": first_value(d, "signed")}
            shown = row_rules.shown(row, with_unit=False)
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
    return labels, alt_parts


def _draw(df: pd.DataFrame, ids: list[str], labels: list[str], territory_id: str, name: str):
    """The dots: all the territories in grey (rasterised), the territory on top."""
    rows_y = {ind: i for i, ind in enumerate(ids)}
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
    return fig
