"""The readers' catalogue: ``output/index.html``, where the 183 portraits are found,
compared and downloaded.

One self-contained page (inline CSS, JS, SVG and JSON; no network): a table of all
territories with key indicators, search by territory, EPCI or commune name, a region
filter, sortable columns, links to each portrait's files, a national map coloured by a
chosen indicator and a short written overview.

Design for speed (``write_catalogue`` runs at the end of every build and must stay under
~2 s): the processed tables are read once with pandas (one read of the long indicator
table, then a pivot), numbers are formatted here (babel) so the page's JS only filters,
sorts and recolours. The map geometry (projection + coverage simplification with
geopandas/shapely, ~1 s plus the geopandas import) is computed once and cached as JSON in
``output/.build/catalogue/``, keyed by the raw files' checksums and ``MAP_VERSION``; later
builds only read that JSON. ``notebooks/national_overview.ipynb`` calls the same
functions (:func:`national_map_svg`, :func:`overview`), so the notebook and the page show
the same map and sentences; the generator reuses the functions instead of executing the
notebook (a kernel start alone would exceed the time budget).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from portraits.core import atomic, config, levels, outputs
from portraits.data import indicators
from portraits.text import fmt, typo

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "catalogue"

# --------------------------------------------------------------------------- indicators

#: Columns of the catalogue table, in order (the portrait's most telling figures).
TABLE_INDICATORS: tuple[str, ...] = (
    "population",
    "industry_jobs_share",
    "jobs_growth",
    "private_jobs_growth",
    "median_income",
    "unemployment_rate",
)
#: Indicators offered by the map's select box (those present in the data are kept).
MAP_INDICATORS: tuple[str, ...] = TABLE_INDICATORS + (
    "industry_establishments_share",
    "employment_concentration",
    "workers_share",
    "population_growth",
    "density",
    "poverty_rate",
    "no_diploma_share",
)
DEFAULT_MAP_INDICATOR = "industry_jobs_share"

# Labels used when portraits/data/indicators.toml lacks an entry (or does not exist yet).

FILE_KINDS: tuple[tuple[str, str, str], ...] = tuple(
    # (key, relative path pattern, French link text), from the registry of outputs
    (o.id, o.relative("{id}"), o.label) for o in outputs.OUTPUTS)
#: Links that open a page in the browser; the others are downloads.
PAGE_KINDS = frozenset(o.id for o in outputs.OUTPUTS if o.page)

#: Sequential, colour-blind-safe ColorBrewer YlGnBu (5 classes); grey for missing values.
PALETTE: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Changes (signed indicators) on ColorBrewer RdBu, diverging at zero: falls in reds (darkest
#: first), rises in blues (lightest first), so the sign reads before the class.
FALLS: tuple[str, ...] = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7")
RISES: tuple[str, ...] = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
MISSING_COLOUR = "#d0d0d0"
N_CLASSES = len(PALETTE)


@dataclass(frozen=True)
class IndicatorMeta:
    id: str
    label: str
    short_label: str
    unit: str
    year: str = ""
    signed: bool = False    # a change, read with its sign (+1,2 %): the catalogue's flag
    france: str = "France"  # what the France value covers ("France métropolitaine")

    @property
    def digits(self) -> int:
        return fmt.unit_digits(self.unit)

    @property
    def unit_words(self) -> str:
        """The unit as a reader says it, for column headers ('% par an', 'habitants')."""
        unit = self.unit.strip().lower()
        return {"hab": "habitants", "%/an": "% par an", "% par an": "% par an", "€": "euros",
                "hab/km²": "hab./km²", "pour 100": "pour 100 actifs occupés"}.get(unit, self.unit.strip())


def _typo(text: str) -> str:
    """French typography (portraits.text.typo) and the typographic apostrophe in reader-facing text."""
    return typo.french(str(text)).replace("'", "\u2019")


def indicator_meta(indicator_id: str, unit: str = "", year: str = "", france_scope: str | None = None) -> IndicatorMeta:
    """Labels, unit and flags of an indicator, from the catalogue (portraits/data/indicators.toml)."""
    entry = next((e for e in indicators.load_catalogue() if e["id"] == indicator_id), {})
    return IndicatorMeta(
        id=indicator_id,
        label=_typo(entry.get("label") or indicator_id),
        short_label=_typo(entry.get("short_label") or indicator_id),
        unit=unit or entry.get("unit", ""),
        year=year or str(entry.get("millesime", "")),
        signed=bool(entry.get("signed", False)),
        france=levels.label("france", france_scope),
    )


# --------------------------------------------------------------------------- formatting


def format_value(value: Any, meta: IndicatorMeta, status: str | None = None, compact: bool = False) -> str:
    """French display of one value through ``portraits.text.fmt`` (babel): '12,4 %', '56 789',
    '+1,3 % par an', '21 450 €'; 'n.d.' or 's' when missing. ``compact`` drops unit words
    (table cells, whose header states the unit)."""
    if fmt.is_missing(value):
        return fmt.missing_marker(status)
    if meta.signed and meta.unit.strip() in {"%", "pct", "percent"}:
        return fmt.signed_percent(value, meta.digits)
    return fmt.value(value, meta.unit, status=status, with_unit=not compact)


# --------------------------------------------------------------------------- data


@dataclass
class CatalogueData:
    """Everything the page shows, from the processed tables (one row per territory)."""

    table: pd.DataFrame  # territory_id, name, region_code, region_name, regions, overseas, n_communes, + values
    indicators: list[IndicatorMeta]
    benchmarks: dict[str, dict[str, float]] = field(default_factory=dict)  # level -> indicator -> value
    region_names: dict[str, str] = field(default_factory=dict)


def _parse_codes(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return re.findall(r"[0-9][0-9AB]", str(value))


def _read_indicators(processed: Path) -> pd.DataFrame:
    cols = ["territory_id", "level", "indicator_id", "year", "value", "unit", "rank", "n_ranked", "status"]
    parquet = processed / "indicators.parquet"
    if parquet.exists():
        try:
            return pd.read_parquet(parquet, columns=cols)
        except Exception:  # noqa: BLE001 - fall back to the CSV twin (e.g. pyarrow/schema hiccup)
            pass
    return pd.read_csv(processed / "indicators.csv", usecols=cols, dtype={"territory_id": str, "year": str})


def load_data(processed_dir: Path | None = None) -> CatalogueData:
    processed = Path(processed_dir) if processed_dir else config.processed_dir()
    ter = pd.read_csv(processed / "territories.csv", dtype=str)
    ter["overseas"] = ter["overseas"].astype(str).str.lower().isin({"true", "1", "oui", "yes"})
    ter = ter.sort_values("territory_id").reset_index(drop=True)
    region_names = dict(zip(ter["region_code"], ter["region_name"]))

    long = _read_indicators(processed)
    long = long[long["indicator_id"].isin(MAP_INDICATORS)]
    own = long[long["level"] == "territory"]
    present = [i for i in MAP_INDICATORS if i in set(own["indicator_id"])]

    # One pivot of the long table: a value, rank and status column per indicator.
    own = own.drop_duplicates(["territory_id", "indicator_id"]).set_index(["territory_id", "indicator_id"])
    wide = own[["value", "rank", "status"]].unstack("indicator_id")
    wide = wide.reindex(ter["territory_id"])
    columns: dict[str, Any] = {}
    metas: list[IndicatorMeta] = []
    for ind in present:
        rows = own.xs(ind, level="indicator_id")
        unit = str(rows["unit"].dropna().iloc[0]) if rows["unit"].notna().any() else ""
        year = str(rows["year"].dropna().mode().iloc[0]) if rows["year"].notna().any() else ""
        scope = long.loc[(long["indicator_id"] == ind) & (long["level"] == "france"), "france_scope"] \
            if "france_scope" in long else pd.Series(dtype=object)
        metas.append(indicator_meta(ind, unit=unit, year=year,
                                    france_scope=scope.dropna().iloc[0] if scope.notna().any() else None))
        columns[ind] = pd.to_numeric(wide[("value", ind)], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        columns[f"{ind}__rank"] = pd.to_numeric(wide[("rank", ind)], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        columns[f"{ind}__status"] = wide[("status", ind)].astype(object).to_numpy()
    table = pd.concat([ter, pd.DataFrame(columns, index=ter.index)], axis=1)

    benchmarks: dict[str, dict[str, float]] = {}
    for level in ("france", "all_territories"):
        sub = long[long["level"] == level].drop_duplicates("indicator_id")
        benchmarks[level] = {
            r.indicator_id: float(r.value) for r in sub.itertuples() if pd.notna(r.value)
        }
    return CatalogueData(table=table, indicators=metas, benchmarks=benchmarks, region_names=region_names)


def search_index(processed_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """Per territory, the names a reader may type: member groupements and communes.

    Compact on purpose (18,664 communes): communes are joined per department as
    ``"01:Arbent|Oyonnax;39:…"`` and members as ``"CC A|CA B"``; the page normalises
    accents and case itself."""
    processed = Path(processed_dir) if processed_dir else config.processed_dir()
    communes = pd.read_csv(processed / "communes.csv", dtype=str, usecols=lambda c: c in {
        "territory_id", "name", "dep", "epci_name"})
    members = pd.read_csv(processed / "members.csv", dtype=str, usecols=["territory_id", "name"])
    # Plain Python over lists: much faster than pandas groupby for ~18,700 short strings.
    communes = communes.dropna(subset=["name"])
    by_dep: dict[str, dict[str, list[str]]] = {}
    names: dict[str, set[str]] = {}
    epci_names = communes["epci_name"].tolist() if "epci_name" in communes else [None] * len(communes)
    for tid, dep, name, epci in zip(communes["territory_id"].tolist(), communes["dep"].fillna("").tolist(),
                                    communes["name"].tolist(), epci_names):
        by_dep.setdefault(tid, {}).setdefault(dep, []).append(name)
        if isinstance(epci, str):
            names.setdefault(tid, set()).add(epci.strip())
    for tid, name in zip(members["territory_id"].tolist(), members["name"].tolist()):
        if isinstance(name, str):
            names.setdefault(tid, set()).add(name.strip())
    out: dict[str, dict[str, str]] = {}
    for tid, deps in by_dep.items():
        out.setdefault(tid, {})["c"] = ";".join(f"{dep}:{'|'.join(sorted(ns))}" for dep, ns in sorted(deps.items()))
    for tid, ns in names.items():
        out.setdefault(tid, {})["m"] = "|".join(sorted(ns))
    return out


def portrait_links(output_dir: Path, territory_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Relative hrefs of the files that exist now (no dead links for a portrait not built)."""
    links: dict[str, dict[str, str]] = {}
    for tid in territory_ids:
        found = {}
        for key, pattern, _ in FILE_KINDS:
            rel = pattern.format(id=tid)
            if (output_dir / rel).is_file():
                found[key] = rel
        links[tid] = found
    return links


# --------------------------------------------------------------------------- classes


@dataclass(frozen=True)
class Classes:
    """Quantile classes of one indicator: a class index per territory, legend labels."""

    breaks: list[float]
    labels: list[str]
    index: dict[str, int]  # territory_id -> class (absent when the value is missing)
    colours: list[str] = field(default_factory=list)  # one per class


def classify(values: Mapping[str, float], meta: IndicatorMeta, k: int = N_CLASSES) -> Classes:
    """Quantile classes. Values and breaks are compared as displayed (rounded), so that a
    territory shown at '15,2 %' is never in the class 'moins de 15,2 %'."""
    shown = {tid: fmt.rounded(v, meta.digits) for tid, v in values.items() if not fmt.is_missing(v)}
    if not shown:
        return Classes([], [], {})
    arr = np.array(sorted(shown.values()))
    raw = np.quantile(arr, [i / k for i in range(1, k)])
    breaks = sorted({_nice(b, meta.digits) for b in raw})
    if meta.signed and arr[0] < 0 < arr[-1] and 0.0 not in breaks:
        # a change: the break nearest zero moves to zero, so no class mixes falls and rises
        nearest = min(breaks, key=abs) if breaks else None
        breaks = sorted({b for b in breaks if b != nearest} | {0.0})
    # A break equal to the minimum would leave the first class empty.
    breaks = [b for b in breaks if b > arr[0]]
    index = {tid: int(np.searchsorted(breaks, v, side="right")) for tid, v in shown.items()}
    # zero as a break reads "0 %", not "0,0 %"
    text = [re.sub(r"^[+−-]?0,0+(?!\d)", "0", format_value(b, meta)) if b == 0 else format_value(b, meta)
            for b in breaks]
    if not breaks:
        labels = [format_value(arr[0], meta)]
    else:
        labels = [f"moins de {text[0]}"]
        labels += [f"de {text[i]} à moins de {text[i + 1]}" for i in range(len(breaks) - 1)]
        labels.append(f"{text[-1]} ou plus")
    if meta.signed:
        # classes below zero: those ending at or under a break <= 0, and the last if all fall
        falls = sum(b <= 0 for b in breaks) + (1 if arr[-1] < 0 else 0)
        colours = _spread(FALLS, falls) + _spread(RISES, len(labels) - falls)
    else:
        colours = class_colours(len(labels))
    return Classes(breaks=breaks, labels=labels, index=index, colours=colours)


def _nice(value: float, digits: int) -> float:
    """A legend break readers can remember: 3 significant digits for large numbers
    (21 800 €, not 21 812 €), the display precision otherwise."""
    value = float(value)
    if abs(value) >= 1000:
        step = 10 ** (int(math.floor(math.log10(abs(value)))) - 2)
        return float(fmt.rounded(value / step, 0) * step)
    return fmt.rounded(value, digits)


def class_colours(n_classes: int) -> list[str]:
    """The sequential palette for ``n_classes`` classes."""
    return _spread(PALETTE, n_classes)


def _spread(palette: Sequence[str], n: int) -> list[str]:
    """``n`` colours of ``palette``, spread when ties leave fewer classes than colours."""
    if n <= 0:
        return []
    if n == 1:
        return [palette[len(palette) // 2]]
    step = (len(palette) - 1) / (n - 1)
    return [palette[round(i * step)] for i in range(n)]


# --------------------------------------------------------------------------- map geometry

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

    manifest = sources.load_manifest()
    digest = "|".join([MAP_VERSION, str(MAP_WIDTH), str(INSET_HEIGHT),
                       manifest["ti_polygons"].sha256, manifest["regions_polygons"].sha256])
    return hashlib.sha256(digest.encode()).hexdigest()[:16]


def compute_map_geometry() -> dict:
    """Project, simplify and encode the territory and region polygons as SVG paths."""
    import geopandas as gpd

    from portraits.data import sources

    manifest = sources.load_manifest()
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


# --------------------------------------------------------------------------- map SVG


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def national_map_svg(
    indicator_id: str = DEFAULT_MAP_INDICATOR,
    data: CatalogueData | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
    geometry: dict | None = None,
    output_dir: Path | None = None,
    href_prefix: str = "",
    element_id: str = "map",
) -> str:
    """The national map as inline SVG, coloured by ``indicator_id`` (quantile classes).

    Each territory is ``<a href="html/ID.html"><path><title>Name — value</title></path></a>``
    when its portrait exists, a bare ``<path>`` otherwise. The page's JS recolours the same
    paths when the reader picks another indicator. ``href_prefix`` makes links work from
    elsewhere than the output dir (the notebook uses ``"../output/"``); ``element_id``
    keeps ids unique when several maps share a page."""
    output_dir = Path(output_dir) if output_dir else config.output_dir()
    data = data or load_data()
    geometry = geometry or map_geometry(output_dir / ".build" / "catalogue")
    table = data.table.set_index("territory_id")
    if links is None:
        links = portrait_links(output_dir, list(table.index))
    meta = next((m for m in data.indicators if m.id == indicator_id), indicator_meta(indicator_id))
    values = table[indicator_id].to_dict() if indicator_id in table else {}
    classes = classify(values, meta)
    colours = classes.colours

    w, h = geometry["width"], geometry["height"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="national-map" '
        f'role="group" aria-labelledby="{element_id}-title {element_id}-desc">',
        f'<title id="{element_id}-title">Carte des Territoires d’industrie : {_esc(meta.label)}</title>',
        f'<desc id="{element_id}-desc">Chaque Territoire d’industrie est coloré selon la classe de sa valeur ; '
        'les régions d’outre-mer figurent en encarts, à des échelles différentes. '
        'Un clic sur un territoire ouvre son portrait.</desc>',
        # Presentation attributes make the SVG stand alone (notebook); the page's CSS refines them.
        '<g class="regions-fill" aria-hidden="true" fill="#f1f2f4" stroke="none">',
    ]
    out += [f'<path d="{r["d"]}"/>' for r in geometry["regions"]]
    out.append("</g>")
    for inset in geometry["insets"]:
        out.append(
            f'<g class="inset" aria-hidden="true" fill="none" stroke="#9aa0a8"><rect x="{inset["x"]}" y="{inset["y"]}" '
            f'width="{inset["w"]}" height="{inset["h"]}" rx="4"/>'
            f'<text x="{inset["x"] + 6}" y="{inset["y"] + 19}" fill="#333" stroke="none" font-size="20">'
            f'{_esc(inset["name"])}</text></g>'
        )
    out.append('<g class="territories" stroke="#6b707a" stroke-width="0.35">')
    for tid, geo in sorted(geometry["territories"].items()):
        name = table.at[tid, "name"] if tid in table.index else tid
        value = values.get(tid)
        cls = classes.index.get(tid)
        fill = colours[cls] if cls is not None else MISSING_COLOUR
        label = f"{name} — {format_value(value, meta)}"
        path = (f'<path data-id="{_esc(tid)}" d="{geo["d"]}" fill="{fill}">'
                f"<title>{_esc(label)}</title></path>")
        href = (links.get(tid) or {}).get("html")
        if href:
            out.append(f'<a href="{_esc(href_prefix + href)}" aria-label="{_esc(label)}">{path}</a>')
        else:
            out.append(path)
    out.append("</g>")
    out.append('<g class="regions-line" aria-hidden="true" fill="none" stroke="#4a4f57" stroke-width="0.9">')
    out += [f'<path d="{r["d"]}"/>' for r in geometry["regions"]]
    out.append("</g></svg>")
    return "".join(out)


def map_legend(indicator_id: str = DEFAULT_MAP_INDICATOR, data: CatalogueData | None = None) -> list[tuple[str, str]]:
    """(colour, French label) for each class of the map, then the colour of missing values."""
    data = data or load_data()
    meta = next((m for m in data.indicators if m.id == indicator_id), indicator_meta(indicator_id))
    values = data.table.set_index("territory_id")[indicator_id].to_dict() if indicator_id in data.table else {}
    classes = classify(values, meta)
    return list(zip(classes.colours, classes.labels)) + [(MISSING_COLOUR, "non disponible")]


# --------------------------------------------------------------------------- overview


@dataclass
class Overview:
    """How the territories compare on one indicator: sentences and two small tables."""

    indicator: IndicatorMeta
    sentences: list[str]
    distribution: list[tuple[str, str]]  # (statistic, formatted value)
    top: list[dict]  # rank, territory_id, name, region_name, value (formatted)
    bottom: list[dict]


def _territory_count_noun():
    from portraits.text.commentary import CountNoun

    return CountNoun("territoire", "territoires")


def overview(data: CatalogueData | None = None, indicator_id: str = DEFAULT_MAP_INDICATOR, n: int = 5) -> Overview:
    """Rule-based French sentences on the spread of ``indicator_id`` across territories.

    Every sentence states figures computed here (extremes, quartiles, count above France);
    proportions in words come from ``portraits.text.commentary`` and only when a simple fraction
    is close to the true share."""
    from portraits.text.commentary import capitalize, period_words, proportion_words

    data = data or load_data()
    meta = next((m for m in data.indicators if m.id == indicator_id), indicator_meta(indicator_id))
    t = data.table
    if indicator_id not in t or t[indicator_id].notna().sum() == 0:
        return Overview(meta, [f"L\u2019indicateur « {meta.label} » n\u2019est disponible pour aucun territoire."],
                        [], [], [])
    rank_col = f"{indicator_id}__rank"
    known = t.dropna(subset=[indicator_id]).copy()
    if rank_col not in known or known[rank_col].isna().any():
        known[rank_col] = known[indicator_id].rank(ascending=False, method="min")
    known = known.sort_values([rank_col, "name"])
    vals = known[indicator_id]
    n_all, n_known = len(t), len(known)

    def fv(v: Any) -> str:
        return format_value(v, meta)

    label = meta.short_label  # the long label may already carry the millésime
    period = period_words(meta.year)
    q1, med, q3 = (float(vals.quantile(q)) for q in (0.25, 0.5, 0.75))
    first, last = known.iloc[0], known.iloc[-1]
    sentences = [
        capitalize(f"{label} {period} : de {fv(last[indicator_id])} ({last['name']}) à "
                   f"{fv(first[indicator_id])} ({first['name']}), selon le territoire."),
        f"La moitié des {n_known} Territoires d\u2019industrie renseignés dépassent {fv(med)} ; "
        f"un quart dépassent {fv(q3)} et un quart restent sous {fv(q1)}.",
    ]
    france = data.benchmarks.get("france", {}).get(indicator_id)
    if france is not None:
        shown_fr = fmt.rounded(france, meta.digits)
        above = int(sum(fmt.rounded(v, meta.digits) > shown_fr for v in vals))
        words = proportion_words(100 * above / n_known, _territory_count_noun())
        words = f", soit {words}," if words else ""
        sentences.append(f"{above} territoires sur {n_known}{words} dépassent la valeur de la {meta.france} ({fv(france)}).")
    if n_known < n_all:
        missing = n_all - n_known
        sentences.append(f"La valeur n\u2019est pas disponible pour {missing} territoire{'s' if missing > 1 else ''}.")

    distribution = [
        ("Minimum", fv(vals.min())),
        ("Premier quartile", fv(q1)),
        ("Médiane", fv(med)),
        ("Troisième quartile", fv(q3)),
        ("Maximum", fv(vals.max())),
    ]
    if france is not None:
        distribution.append((meta.france, fv(france)))

    def rows(frame: pd.DataFrame) -> list[dict]:
        return [{"rank": int(r[rank_col]), "territory_id": r["territory_id"], "name": r["name"],
                 "region_name": r["region_name"], "value": fv(r[indicator_id])}
                for r in frame.to_dict("records")]

    return Overview(meta, [_typo(x) for x in sentences], distribution, rows(known.head(n)), rows(known.tail(n)))


# --------------------------------------------------------------------------- page


def _page_json(data: CatalogueData, links: Mapping[str, Mapping[str, str]],
               search: Mapping[str, Mapping[str, str]]) -> dict:
    """What the page's JS needs: per territory raw values (sorting), formatted values and
    class indices (map), region codes (filter), and the names to search."""
    metas = data.indicators
    classes = {m.id: classify(data.table.set_index("territory_id")[m.id].to_dict(), m) for m in metas}
    territories = []
    for rec in data.table.to_dict("records"):
        tid = rec["territory_id"]
        territories.append({
            "id": tid,
            "name": rec["name"],
            "reg": sorted(set([rec["region_code"], *_parse_codes(rec.get("regions"))])),
            "v": [None if pd.isna(rec[m.id]) else round(float(rec[m.id]), 6) for m in metas],
            "t": [format_value(rec[m.id], m, _status(rec, m)) for m in metas],
            "k": [classes[m.id].index.get(tid, -1) for m in metas],
            "html": (links.get(tid) or {}).get("html", ""),
            "c": search.get(tid, {}).get("c", ""),
            "m": search.get(tid, {}).get("m", ""),
        })
    return {
        "indicators": [{"id": m.id, "label": m.label, "short": m.short_label, "unit": m.unit, "year": m.year,
                        "classes": classes[m.id].labels,
                        "colours": classes[m.id].colours} for m in metas],
        "missingColour": MISSING_COLOUR,
        "territories": territories,
    }


def _json_for_script(obj: Any) -> str:
    # Inside <script>, '</' would end the element: escape it (valid JSON all the same).
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def render_catalogue(output_dir: Path, processed_dir: Path | None = None,
                     now: datetime | None = None) -> str:
    """The catalogue page as one HTML string (see the module docstring for the design)."""
    import markupsafe

    data = load_data(processed_dir)
    ids = list(data.table["territory_id"])
    links = portrait_links(output_dir, ids)
    search = search_index(processed_dir)
    try:
        geometry = map_geometry(output_dir / ".build" / "catalogue")
    except Exception as exc:  # noqa: BLE001 - a missing raw file must not cost readers the catalogue
        print(f"catalogue: national map left out ({type(exc).__name__}: {exc})", file=sys.stderr)
        geometry = None
    default = DEFAULT_MAP_INDICATOR if any(m.id == DEFAULT_MAP_INDICATOR for m in data.indicators) else (
        data.indicators[0].id if data.indicators else DEFAULT_MAP_INDICATOR)
    svg = national_map_svg(default, data, links, geometry, output_dir) if geometry else ""
    ov = overview(data, DEFAULT_MAP_INDICATOR)

    metas = {m.id: m for m in data.indicators}
    columns = [metas[i] for i in TABLE_INDICATORS if i in metas]
    rows = []
    for rec in data.table.to_dict("records"):
        tid = rec["territory_id"]
        rows.append({
            "id": tid,
            "name": rec["name"],
            "region_name": rec["region_name"],
            "other_regions": [data.region_names.get(c, c) for c in _parse_codes(rec.get("regions"))
                              if c != rec["region_code"]],
            "n_communes": rec.get("n_communes") or "",
            "cells": [{"text": format_value(rec[m.id], m, _status(rec, m), compact=True),
                       "missing": fmt.is_missing(rec[m.id])} for m in columns],
            "links": [(key, links[tid][key], text) for key, _, text in FILE_KINDS if key in links[tid]],
        })
    region_codes = sorted({c for t in _page_json_regions(data) for c in t})
    regions = sorted(((c, data.region_names.get(c, c)) for c in region_codes), key=lambda x: _sort_key(x[1]))
    n_built = sum(1 for tid in ids if links[tid].get("html"))

    env = _environment()
    assets = TEMPLATE_DIR
    page = env.get_template("index.html.j2").render(
        css=markupsafe.Markup((assets / "catalogue.css").read_text(encoding="utf-8")),
        js=markupsafe.Markup((assets / "catalogue.js").read_text(encoding="utf-8")),
        data_json=markupsafe.Markup(_json_for_script(_page_json(data, links, search))),
        map_svg=markupsafe.Markup(svg),
        columns=columns,
        map_indicators=data.indicators,
        legend=map_legend(default, data) if svg else [],
        legend_title=next((f"{m.label} ({m.year})" if m.year else m.label
                           for m in data.indicators if m.id == default), ""),
        default_indicator=default,
        rows=rows,
        page_kinds=PAGE_KINDS,
        regions=regions,
        overview=ov,
        n_territories=len(ids),
        n_built=n_built,
        n_communes=fmt.number(sum(_count_communes(s.get("c", "")) for s in search.values())),
        build_report="build-report.html" if (output_dir / "build-report.html").is_file() else "",
        generated=(now or datetime.now(timezone.utc)).astimezone().strftime("%d/%m/%Y à %H:%M"),
    )
    return page


def _status(rec: Mapping[str, Any], meta: IndicatorMeta) -> str | None:
    status = rec.get(f"{meta.id}__status")
    return status if isinstance(status, str) else None


def _count_communes(joined: str) -> int:
    return sum(len(part.split(":", 1)[-1].split("|")) for part in joined.split(";") if part)


def _page_json_regions(data: CatalogueData) -> list[list[str]]:
    return [sorted(set([r.region_code, *_parse_codes(getattr(r, "regions", None))]))
            for r in data.table.itertuples(index=False)]


def _sort_key(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def write_catalogue(output_dir: Path | None = None, processed_dir: Path | None = None) -> Path:
    """Write ``index.html`` (atomically) into ``output_dir`` (default: ``output/``), from the
    processed tables of ``processed_dir`` (default: ``data/processed``)."""
    output_dir = Path(output_dir) if output_dir else config.output_dir()
    output_dir.mkdir(parents=True, exist_ok=True)
    page = render_catalogue(output_dir, processed_dir=processed_dir)
    target = output_dir / "index.html"
    atomic.write_text(target, page)
    return target
