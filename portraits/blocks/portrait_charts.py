"""The charts a portrait shows, each drawn from the territory's data with its source line:
the name a template asks for (``p.chart(name)``) -> the chart function and its data; and the
positions chart of the indicators the template lists (``p.positions(figure, …)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from portraits.blocks import charts, maps, positions
from portraits.blocks.chart_style import Chart, source_line
from portraits.blocks.source_lines import chart_source, producers
from portraits.core import levels
from portraits.data import store

if TYPE_CHECKING:
    from portraits.blocks.portrait import Portrait

CHART_SOURCES = {  # chart -> indicators whose sources the chart uses (and the portrait shows)
    "sectors": ["industry_jobs_share"],
    "private_jobs": ["private_jobs_growth"],
    "establishments": ["establishments"],
}
CHART_BREAKDOWNS = {"a38": "a38"}  # chart -> the breakdown "Pour comprendre" explains when shown
MAP_SOURCES = ("ti_polygons", "regions_polygons")  # the manifest sources the locator map draws


def chart(p: Portrait, kind: str) -> Chart:
    """The chart ``kind`` of the portrait ``p``, by its name in :data:`CHARTS`."""
    make = CHARTS.get(kind)
    if make is None:
        hint = " (the positions chart takes its figures: p.positions(x, y, …))" if kind == "positions" else ""
        raise ValueError(f"unknown chart {kind!r}: {', '.join(CHARTS)}{hint}")
    return make(p)


def _sectors(p: Portrait) -> Chart:
    # the breakdown shares the industry share's source: its France covers the same
    scope = (p.rows.get("industry_jobs_share") or {}).get("france_scope")
    return charts.sectors(*sectors_data(p), p.name, france=levels.label("france", scope))


def _private_jobs(p: Portrait) -> Chart:
    return charts.private_jobs(store.series(p.territory_id),
                               chart_source(p.rows, CHART_SOURCES["private_jobs"]), p.name)


def _establishments(p: Portrait) -> Chart:
    return charts.establishments(store.establishments(p.territory_id),
                                 chart_source(p.rows, CHART_SOURCES["establishments"]), p.name)


def _a38(p: Portrait) -> Chart:
    return charts.a38(store.a38(p.territory_id), source_line(store.source_citation("flores_a38_ze")),
                      p.name)


def positions_chart(p: Portrait, indicator_ids: list[str]) -> Chart:
    """The territory among all the territories for ``indicator_ids``, in that order."""
    return positions.positions(position_values(indicator_ids), p.territory_id,
                               producers(p.rows, indicator_ids), p.name)


def _map(p: Portrait) -> Chart:
    t = p.territory
    return maps.locator(t.id, t.regions or [t.region_code], p.name, t.region_names or [t.region_name],
                        source=map_source())


def map_source() -> str:
    """The locator map's source line: the manifest's citations of the polygons it draws (ANCT
    draws the map itself: no treatment)."""
    return source_line(*(store.source_citation(i) for i in MAP_SOURCES), treatment="")


def sectors_data(p: Portrait) -> tuple[pd.DataFrame, str]:
    """The sector breakdown and its source line. When the territory's shares are on
    another basis than the benchmarks (overseas: Flores salaried jobs; France and the
    territories: census), only the territory and its region (same basis) are drawn. The
    levels drawn are those shown by default (``levels.DEFAULT``)."""
    df = store.jobs_by_sector(p.territory_id)
    df = df[df["level"].isin([lv.id for lv in levels.DEFAULT])]
    source = chart_source(p.rows, CHART_SOURCES["sectors"])
    if "comparable" in df and "source_id" in df:
        own = df[df["level"] == "territory"]
        if not own["comparable"].fillna(True).astype(bool).all():
            df = df[df["level"].isin([lv.id for lv in levels.DEFAULT if lv.same_basis])]
            ids = [i for i in dict.fromkeys(df["source_id"].dropna()) if i]
            source = source_line(*[store.source_citation(i) for i in ids])
    return df, source


def position_values(indicator_ids: list[str]) -> pd.DataFrame:
    """Territory-level values of every territory for the position chart, in the order of
    ``indicator_ids``, with their short labels, units and ``signed`` flags. Not cached here:
    the store caches the table it filters (and ``store.clear_cache`` clears it)."""
    values = store.position_values(indicator_ids)
    # a value the data layer left unranked (another definition, e.g. overseas industry share)
    # is not placed among the territories
    values = values.assign(ranked=values["rank"].notna() | values["value"].isna())
    values = values[["territory_id", "indicator_id", "value", "unit", "ranked"]].copy()
    cat = store.catalogue().set_index("id")
    values["short_label"] = values["indicator_id"].map(cat["short_label"])
    values["unit"] = values["indicator_id"].map(cat["unit"]).fillna(values["unit"])
    values["signed"] = values["indicator_id"].map(cat["signed"])  # changes are shown signed
    order = {k: i for i, k in enumerate(indicator_ids)}
    values["_order"] = values["indicator_id"].map(order)
    return values.sort_values(["_order", "territory_id"]).drop(columns="_order").reset_index(drop=True)


# The charts a template can ask for (p.chart(name)), declared once.
CHARTS = {
    "map": _map,                        # locator map (the territory in its region)
    "sectors": _sectors,                # jobs by broad sector, with benchmarks
    "private_jobs": _private_jobs,      # private salaried jobs, index 100
    "a38": _a38,                        # industrial sub-sectors and specificity
    "establishments": _establishments,  # establishments by sector and size
}
