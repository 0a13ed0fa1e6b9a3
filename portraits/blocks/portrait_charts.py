"""The charts a portrait shows, each drawn from the territory's data with its source line:
the name a template asks for (``p.chart(name)``) -> the chart function and its data; and the
positions chart of the indicators the template lists (``p.positions(indicator, …)``).

Each adapter takes the territory (``store.Territory``) and its indicator rows (plain dicts keyed
by indicator id, ``values.indicator_rows``), never the facade: the facade calls this module,
not the other way round."""

from __future__ import annotations

import pandas as pd

from portraits.blocks import charts, maps, positions
from portraits.blocks.chart_style import Chart, source_line
from portraits.blocks.source_lines import chart_source, producers
from portraits.core import levels
from portraits.data import indicators, store

# chart -> indicators whose sources the chart uses (and the portrait shows): indicators.toml's charts
CHART_SOURCES = indicators.chart_indicators()
CHART_BREAKDOWNS = {"a38": "a38"}  # chart -> the breakdown "Pour comprendre" explains when shown
MAP_SOURCES = ("ti_polygons", "regions_polygons")  # the manifest sources the locator map draws


def chart(kind: str, territory: store.Territory, rows: dict[str, dict]) -> Chart:
    """The chart ``kind`` of ``territory`` (its indicator ``rows``), by its name in :data:`CHARTS`."""
    make = CHARTS.get(kind)
    if make is None:
        hint = " (the positions chart takes its figures: p.positions(x, y, …))" if kind == "positions" else ""
        raise ValueError(f"unknown chart {kind!r}: {', '.join(CHARTS)}{hint}")
    return make(territory, rows)


def _sectors(territory: store.Territory, rows: dict[str, dict]) -> Chart:
    # the breakdown shares the industry share's source: its France covers the same
    scope = (rows.get("industry_jobs_share") or {}).get("france_scope")
    return charts.sectors(*sectors_data(territory.id, rows), territory.name, france=levels.label("france", scope))


def _private_jobs(territory: store.Territory, rows: dict[str, dict]) -> Chart:
    return charts.private_jobs(store.series(territory.id),
                               chart_source(rows, CHART_SOURCES["private_jobs"]), territory.name)


def _establishments(territory: store.Territory, rows: dict[str, dict]) -> Chart:
    return charts.establishments(store.establishments(territory.id),
                                 chart_source(rows, CHART_SOURCES["establishments"]), territory.name)


def _a38(territory: store.Territory, rows: dict[str, dict]) -> Chart:
    return charts.a38(store.a38(territory.id), source_line(store.source_citation("flores_a38_ze")),
                      territory.name)


def positions_chart(territory: store.Territory, rows: dict[str, dict], indicator_ids: list[str]) -> Chart:
    """``territory`` among all the territories for ``indicator_ids``, in that order (the
    source line from their ``rows``)."""
    return positions.positions(position_values(indicator_ids), territory.id,
                               producers(rows, indicator_ids), territory.name)


def _map(territory: store.Territory, rows: dict[str, dict]) -> Chart:
    return maps.locator(territory.id, territory.regions or [territory.region_code], territory.name,
                        territory.region_names or [territory.region_name], source=map_source())


def map_source() -> str:
    """The locator map's source line: the manifest's citations of the polygons it draws (ANCT
    draws the map itself: no treatment)."""
    return source_line(*(store.source_citation(i) for i in MAP_SOURCES), treatment="")


def sectors_data(territory_id: str, rows: dict[str, dict]) -> tuple[pd.DataFrame, str]:
    """The sector breakdown of ``territory_id`` and its source line (from its indicator
    ``rows``). When the territory's shares are on another basis than the benchmarks
    (overseas: Flores salaried jobs; France and the territories: census), only the territory
    and its region (same basis) are drawn. The levels drawn are those shown by default
    (``levels.DEFAULT``)."""
    df = store.jobs_by_sector(territory_id)
    df = df[df["level"].isin([lv.id for lv in levels.DEFAULT])]
    source = chart_source(rows, CHART_SOURCES["sectors"])
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
