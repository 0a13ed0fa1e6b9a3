"""The national map's geometry: the territory and region polygons projected (Lambert-93 for
metropolitan France, a local CRS for each overseas inset), simplified as a coverage and encoded
as compact SVG paths.

Computed once (~1 s plus the geopandas import) and cached as JSON in
``output/.build/catalogue/``, keyed by the raw files' checksums and ``MAP_VERSION``; later
builds only read that JSON."""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from portraits.core import atomic, config

MAP_VERSION = "1"
MAP_WIDTH = 1000  # SVG units for metropolitan France; 1 unit ~ 1.2 km
INSET_HEIGHT = 170
#: Overseas regions with territories: (region code, French name, local projected CRS).
INSETS: tuple[tuple[str, str, int], ...] = (
    ("01", "Guadeloupe", 5490),   # RGAF09 / UTM 20N
    ("02", "Martinique", 5490),
    ("03", "Guyane", 2972),       # RGFG95 / UTM 22N
    ("04", "La Réunion", 2975),   # RGR92 / UTM 40S
    ("06", "Mayotte", 4471),      # RGM04 / UTM 38S
)
_OVERSEAS_CODES = {code for code, _, _ in INSETS}


def _ring_path(coords: np.ndarray) -> str:
    """One closed ring as a compact SVG path: absolute move, integer relative lines."""
    pts = np.rint(coords).astype(int)
    # Drop points that collapse onto the previous one once rounded.
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) > 1 and (pts[0] == pts[-1]).all():
        pts = pts[:-1]
    if len(pts) < 3:
        return ""
    deltas = np.diff(pts, axis=0)
    nums = " ".join(f"{dx} {dy}" for dx, dy in deltas)
    return (f"M{pts[0][0]} {pts[0][1]}l{nums}z").replace(" -", "-")


def _geom_path(geom, transform) -> str:
    import shapely

    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            d = _ring_path(transform(np.asarray(shapely.get_coordinates(ring))))
            if d:
                parts.append(d)
    return "".join(parts)


def _simplify(geoms, tolerance: float):
    import shapely

    try:
        # Keeps shared borders shared, so neighbouring territories do not gap or overlap.
        return shapely.coverage_simplify(geoms, tolerance)
    except Exception:  # noqa: BLE001 - GEOS < 3.12, or an input that is not a clean coverage
        return shapely.simplify(geoms, tolerance, preserve_topology=True)


def _fit(bounds, box) -> tuple[float, Any]:
    """Scale + translate from projected metres into an SVG box (y axis flipped)."""
    minx, miny, maxx, maxy = bounds
    bx, by, bw, bh = box
    scale = min(bw / (maxx - minx), bh / (maxy - miny))
    ox = bx + (bw - (maxx - minx) * scale) / 2
    oy = by + (bh - (maxy - miny) * scale) / 2

    def transform(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([ox + (xy[:, 0] - minx) * scale, oy + (maxy - xy[:, 1]) * scale])

    return scale, transform


def _map_cache_key() -> str:
    from portraits.data import sources

    manifest = sources.load_sources()
    digest = "|".join([MAP_VERSION, str(MAP_WIDTH), str(INSET_HEIGHT),
                       manifest["ti_polygons"].sha256, manifest["regions_polygons"].sha256])
    return hashlib.sha256(digest.encode()).hexdigest()[:16]


def compute_map_geometry() -> dict:
    """Project, simplify and encode the territory and region polygons as SVG paths."""
    import geopandas as gpd

    from portraits.data import sources

    manifest = sources.load_sources()
    ti = gpd.read_file(manifest["ti_polygons"].raw_path())
    reg = gpd.read_file(manifest["regions_polygons"].raw_path())
    ti["territory_id"] = ti["id_territoire"].astype(str).str.strip()
    ti["rcode"] = ti["territory_id"].str[3:5]
    reg["rcode"] = reg["insee_reg"].astype(str).str.zfill(2)

    territories: dict[str, dict] = {}
    regions: list[dict] = []

    # Metropolitan France, Lambert-93.
    mti = ti[~ti["rcode"].isin(_OVERSEAS_CODES)].to_crs(2154)
    mreg = reg[~reg["rcode"].isin(_OVERSEAS_CODES)].to_crs(2154)
    minx, miny, maxx, maxy = mreg.total_bounds
    main_h = MAP_WIDTH * (maxy - miny) / (maxx - minx)
    scale, transform = _fit((minx, miny, maxx, maxy), (0, 0, MAP_WIDTH, main_h))
    tol = 0.8 / scale  # under one SVG unit: invisible at any screen width
    for tid, geom in zip(mti["territory_id"], _simplify(mti.geometry.values, tol)):
        territories[tid] = {"d": _geom_path(geom, transform), "inset": ""}
    for code, name, geom in zip(mreg["rcode"], mreg["lib_reg"], _simplify(mreg.geometry.values, tol)):
        regions.append({"code": code, "name": name, "d": _geom_path(geom, transform)})

    # Overseas: one inset per region, each at its own scale, in a row under the mainland.
    insets = []
    gap = 12
    width = (MAP_WIDTH - gap * (len(INSETS) - 1)) / len(INSETS)
    top = main_h + 40
    for i, (code, name, epsg) in enumerate(INSETS):
        box = (i * (width + gap), top + 22, width, INSET_HEIGHT - 22)
        oreg = reg[reg["rcode"] == code].to_crs(epsg)
        oti = ti[ti["rcode"] == code].to_crs(epsg)
        if oreg.empty:
            continue
        scale_i, transform_i = _fit(oreg.total_bounds, (box[0] + 4, box[1] + 4, box[2] - 8, box[3] - 8))
        tol_i = 0.8 / scale_i
        for tid, geom in zip(oti["territory_id"], _simplify(oti.geometry.values, tol_i)):
            territories[tid] = {"d": _geom_path(geom, transform_i), "inset": code}
        rgeom = _simplify(oreg.geometry.values, tol_i)[0]
        regions.append({"code": code, "name": name, "d": _geom_path(rgeom, transform_i)})
        insets.append({"code": code, "name": name, "x": round(box[0], 1), "y": round(top, 1),
                       "w": round(width, 1), "h": INSET_HEIGHT})
    height = math.ceil(top + INSET_HEIGHT + 4)
    return {"version": MAP_VERSION, "width": MAP_WIDTH, "height": height,
            "territories": territories, "regions": regions, "insets": insets}


def map_geometry(cache_dir: Path | None = None) -> dict:
    """The encoded map geometry, from the cache when the raw files have not changed."""
    key = _map_cache_key()
    cache_dir = Path(cache_dir) if cache_dir else config.output_dir() / ".build" / "catalogue"
    cache = cache_dir / f"map-geometry-{key}.json"
    if cache.is_file():
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            pass  # a damaged cache is simply recomputed
    geometry = _memo_geometry(key)
    atomic.write_text(cache, json.dumps(geometry, ensure_ascii=False, separators=(",", ":")))
    return geometry


@lru_cache(maxsize=2)
def _memo_geometry(key: str) -> dict:
    return compute_map_geometry()
