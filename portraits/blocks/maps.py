"""Locator map: the territory (strong colour) within its region(s), other Territoires
d'industrie in light grey, neighbouring regions as faint outlines.

Polygons come from the source manifest (ids ``ti_polygons`` and ``regions_polygons``); they are
read, projected, simplified and converted to matplotlib paths once per process and projection
(``lru_cache``): the kernel stays warm across territories. Each map then draws the cached paths
as geopandas would (same collections, same order, byte-identical SVG), selecting by row label,
so that a map never depends on the territories drawn before it. Projection: Lambert-93 (EPSG:2154) in metropolitan France, the official local
UTM projection of each overseas region.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import lru_cache

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import Collection, LineCollection, PatchCollection
from matplotlib.path import Path

from portraits.blocks import memo
from portraits.data.slices import Reference
from portraits.blocks.chart_style import Chart, TERRITORY, add_source, rc, unavailable

METROPOLE_CRS = "EPSG:2154"
OVERSEAS_CRS = {  # RGAF09 / RGFG95 / RGR92 / RGM04 UTM zones (IGN)
    "01": "EPSG:5490", "02": "EPSG:5490", "03": "EPSG:2972", "04": "EPSG:2975", "06": "EPSG:4471",
}
METROPOLE_BOUNDS = (-6.0, 41.0, 10.0, 51.5)  # lon/lat window of metropolitan France and Corsica
SIMPLIFY_M = 400          # metres: under a pixel at locator-map scale (~1 km), much lighter SVG
OTHER_TI = "#dcdcdc"
REGION_EDGE = "#555555"
NEIGHBOUR_EDGE = "#c8c8c8"
SMALL_SHARE = 0.08        # territories narrower than this share of the map get a ring
RASTER_DPI = 200
SIZE = 2.4                # inches (square): beside the intro text, 62 mm column of the PDF
SOURCE_BAND = 0.2         # inches under the map for a one-line source, 0.08 more per line
SOURCE_CHARS = 60         # characters of the source line that fit across the map


def crs_for(region_code: str) -> str:
    return OVERSEAS_CRS.get(str(region_code).zfill(2), METROPOLE_CRS)


@lru_cache(maxsize=None)
def _raw():
    import geopandas as gpd

    from portraits.data import sources

    manifest = sources.load_sources()
    ti = gpd.read_file(manifest["ti_polygons"].raw_path())
    reg = gpd.read_file(manifest["regions_polygons"].raw_path())
    ti = ti.rename(columns={"id_territoire": "territory_id", "lib_territoire": "name"})
    reg = reg.rename(columns={"insee_reg": "region_code", "lib_reg": "region_name"})
    return ti[["territory_id", "name", "geometry"]], reg[["region_code", "region_name", "geometry"]]


@lru_cache(maxsize=None)
def layers(crs: str):
    """(territories, regions) GeoDataFrames projected to ``crs`` and simplified (cached)."""
    ti, reg = _raw()
    # keep the features near the regions drawn in this projection: far-away ones (metropolitan
    # France in a UTM zone of the Indian Ocean) project to non-finite coordinates
    codes = [c for c, v in OVERSEAS_CRS.items() if v == crs]
    if codes:
        xmin, ymin, xmax, ymax = reg[reg["region_code"].isin(codes)].total_bounds
        xmin, ymin, xmax, ymax = xmin - 3, ymin - 3, xmax + 3, ymax + 3
    else:
        xmin, ymin, xmax, ymax = METROPOLE_BOUNDS
    ti = ti.cx[xmin:xmax, ymin:ymax]
    reg = reg.cx[xmin:xmax, ymin:ymax]
    ti = ti.to_crs(crs)
    reg = reg.to_crs(crs)
    ti["geometry"] = ti.geometry.simplify(SIMPLIFY_M, preserve_topology=True)
    reg["geometry"] = reg.geometry.simplify(SIMPLIFY_M, preserve_topology=True)
    return ti, reg


@dataclass(frozen=True)
class _LayerPaths:
    """matplotlib paths of a projection's layers, by row label of ``layers(crs)``."""
    territories: pd.Series   # compound Path of each territory (exterior and holes)
    regions: pd.Series       # compound Path of each region
    boundaries: pd.Series    # list of (n, 2) arrays: the outline segments of each region


def _polygon_path(geom) -> Path:
    """A (Multi)Polygon as one compound path, as geopandas' plotting builds it."""
    parts = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
    rings = []
    for part in parts:
        rings.append(Path(np.asarray(part.exterior.coords)[:, :2], closed=True))
        rings.extend(Path(np.asarray(r.coords)[:, :2], closed=True) for r in part.interiors)
    return Path.make_compound_path(*rings)


@lru_cache(maxsize=None)
def _paths(crs: str) -> _LayerPaths:
    """The layers of ``crs`` converted to matplotlib paths, once per process: converting the
    shapes again for every territory was most of the map's drawing time. The result depends on
    the projection only, never on the territories drawn before."""
    import shapely

    ti, reg = layers(crs)
    # normalised first, as geopandas does before plotting (same ring order: same SVG)
    boundaries = [[np.asarray(line.coords)[:, :2] for line in shapely.get_parts(b)]
                  if b is not None and not b.is_empty else []
                  for b in shapely.normalize(reg.geometry.boundary.values)]

    def polygons(geoms):
        return [_polygon_path(g) if g is not None and not g.is_empty else None
                for g in shapely.normalize(geoms.values)]

    return _LayerPaths(
        territories=pd.Series(polygons(ti.geometry), index=ti.index, dtype=object),
        regions=pd.Series(polygons(reg.geometry), index=reg.index, dtype=object),
        boundaries=pd.Series(boundaries, index=reg.index, dtype=object))


def _polygons(ax, paths, **kwargs) -> None:
    paths = [p for p in paths if p is not None]
    if not paths:  # geopandas draws nothing for an empty layer
        return
    # data limits as geopandas keeps them; no autoscale_view: the map sets its own limits
    ax.add_collection(_GeoPandasPolyCollection(paths, **kwargs), autolim=True)


def _lines(ax, segments, **kwargs) -> None:
    if not segments:
        return
    ax.add_collection(LineCollection(segments, **kwargs), autolim=True)


class _GeoPandasPolyCollection(PatchCollection):
    """A PatchCollection made from paths rather than patches: what geopandas draws, under the
    same class name (the SVG group id), so that the SVG is byte for byte the same."""

    def __init__(self, paths, **kwargs):
        super().__init__([], **kwargs)
        Collection.set_paths(self, paths)


@memo.chart(reads=(Reference(),))  # the polygons: raw files of data/sources.toml
def locator(territory_id: str, region_codes: list[str], name: str | None = None,
            region_names: list[str] | None = None, source: str | None = None) -> Chart:
    """The locator map of ``territory_id`` within ``region_codes`` (first = main region), with
    ``source`` as its source line (none drawn without one: the caller cites the polygons)."""
    codes = [str(c).zfill(2) for c in region_codes if c]
    if not codes:
        return unavailable("carte de situation")
    crs = crs_for(codes[0])
    try:
        ti, reg = layers(crs)
    except Exception as exc:  # missing raw file: the portrait goes on without its map
        return Chart(None, f"Carte non disponible ({type(exc).__name__}).")
    own = ti[ti["territory_id"] == territory_id]
    if own.empty:
        return unavailable("périmètre du territoire")
    regions = reg[reg["region_code"].isin(codes)]
    xmin, xmax, ymin, ymax, half = _square_extent(regions if not regions.empty else own, own)
    oxmin, oymin, oxmax, oymax = own.total_bounds
    neighbours = reg.cx[xmin:xmax, ymin:ymax]
    others = ti.cx[xmin:xmax, ymin:ymax]
    others = others[others["territory_id"] != territory_id]

    paths = _paths(crs)

    with matplotlib.rc_context(rc()):
        from matplotlib.figure import Figure

        # background layers are rasterised (at this dpi) inside the SVG: detailed outlines of
        # neighbouring regions and territories would weigh hundreds of kB as vector paths
        # the source is wrapped to the map's width (textwrap breaks at plain spaces only, so
        # the non-breaking spaces of French typography hold), the band under the map grows
        source = textwrap.fill(source, SOURCE_CHARS) if source else None
        band = SOURCE_BAND + 0.08 * (source.count("\n") if source else 0)
        fig = Figure(figsize=(SIZE, SIZE + band), dpi=RASTER_DPI)
        ax = fig.add_axes((0, band / (SIZE + band), 1, SIZE / (SIZE + band)))
        # what GeoDataFrame.plot draws (one PatchCollection per layer, a LineCollection for
        # the region outlines), from paths converted once per process
        _polygons(ax, paths.regions[neighbours.index], facecolor="#f7f7f7",
                  edgecolor=NEIGHBOUR_EDGE, linewidth=0.4, rasterized=True)
        _polygons(ax, paths.regions[regions.index], facecolor="white", edgecolor="none",
                  rasterized=True)
        if not others.empty:
            _polygons(ax, paths.territories[others.index], facecolor=OTHER_TI, edgecolor="white",
                      linewidth=0.3, rasterized=True)
        _polygons(ax, paths.territories[own.index], facecolor=TERRITORY,
                  edgecolor=TERRITORY, linewidth=0.4)
        _lines(ax, [seg for i in regions.index for seg in paths.boundaries[i]],
               color=REGION_EDGE, linewidth=0.8)
        if max(oxmax - oxmin, oymax - oymin) < SMALL_SHARE * 2 * half:
            # a small territory gets a ring so that the eye finds it
            ax.scatter([(oxmin + oxmax) / 2], [(oymin + oymax) / 2], s=420, facecolors="none",
                       edgecolors=TERRITORY, linewidths=1.2, zorder=5)
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_aspect("equal")
        ax.set_axis_off()
    add_source(fig, source)
    return Chart(fig, _alt(name or territory_id, region_names or list(regions["region_name"]), len(others)))


def _square_extent(frame, own) -> tuple[float, float, float, float, float]:
    """(xmin, xmax, ymin, ymax, half side): the square around ``frame`` and the territory
    ``own``, with a 4 % margin, so that every map has the same shape in the header."""
    xmin, ymin, xmax, ymax = np.array(frame.total_bounds)
    oxmin, oymin, oxmax, oymax = own.total_bounds
    xmin, ymin, xmax, ymax = min(xmin, oxmin), min(ymin, oymin), max(xmax, oxmax), max(ymax, oymax)
    cx, cy, half = (xmin + xmax) / 2, (ymin + ymax) / 2, max(xmax - xmin, ymax - ymin) / 2 * 1.04
    return cx - half, cx + half, cy - half, cy + half, half


def _alt(label: str, region_names: list[str], n_others: int) -> str:
    where = " et ".join(region_names) if region_names else "sa région"
    return (f"Carte de situation : le Territoire d'industrie {label} (en bleu) dans "
            f"{'les régions' if len(region_names) > 1 else 'la région'} {where} (contour foncé) ; "
            f"les autres Territoires d'industrie sont en gris clair "
            f"({n_others} visible{'s' if n_others > 1 else ''} sur la carte).")

