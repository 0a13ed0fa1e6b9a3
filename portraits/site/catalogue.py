"""The readers' catalogue: ``output/index.html``, where the 183 portraits are found,
compared and downloaded.

One self-contained page (inline CSS, JS, SVG and JSON; no network): a table of all
territories with key indicators, search by territory, EPCI or commune name, a region
filter, sortable columns, links to each portrait's files, a national map coloured by a
chosen indicator and a short written overview. This module assembles the page (jinja2)
and writes it; the parts come from:

- ``catalogue_data``: the table of territories and indicators (through ``portraits.data.store``),
  the search index, the portrait files that exist, the French display of values;
- ``catalogue_map`` and ``catalogue_geometry``: the map's classes and SVG, and its cached geometry;
- ``catalogue_overview``: the written overview.

Design for speed (``write_catalogue`` runs at the end of every build and must stay under
~2 s): the processed tables are read once (one read of the long indicator table, then a
pivot), numbers are formatted here (babel) so the page's JS only filters, sorts and
recolours. The map geometry (projection + coverage simplification with geopandas/shapely,
~1 s plus the geopandas import) is computed once and cached as JSON in
``output/.build/catalogue/``. ``notebooks/national_overview.ipynb`` calls the same functions
(``national_map_svg``, ``overview``), so the notebook and the page show the same map and
sentences; the generator reuses the functions instead of executing the notebook (a kernel
start alone would exceed the time budget).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from portraits.blocks.values import APPROX
from portraits.core import atomic, config
from portraits.site import catalogue_geometry
from portraits.site.catalogue_data import (DEFAULT_MAP_INDICATOR, FILE_KINDS, PAGE_KINDS, TABLE_INDICATORS,
                                           CatalogueData, IndicatorMeta, french_text, load_data, other_basis,
                                           parse_codes, portrait_links, search_index, value_text)
from portraits.site.catalogue_map import (MISSING_COLOUR, OTHER_COLOUR, OTHER_LABEL, Classes, all_classes,
                                          map_legend, map_text, national_map_svg)
from portraits.site.catalogue_overview import overview
from portraits.text import fmt

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "catalogue"


#: The class index ("k") of a value on another basis, and of a missing value, in the page's JSON.
OTHER_CLASS, MISSING_CLASS = -2, -1


def _page_json(data: CatalogueData, links: Mapping[str, Mapping[str, str]],
               search: Mapping[str, Mapping[str, str]], classes: Mapping[str, Classes]) -> dict:
    """What the page's JS needs: per territory raw values (sorting), the map's texts and
    class indices, region codes (filter), and the names to search."""
    metas = data.indicators

    def k(rec: Mapping[str, Any], m: IndicatorMeta) -> int:
        found = classes[m.id].index.get(rec["territory_id"])
        return found if found is not None else (OTHER_CLASS if other_basis(rec, m) else MISSING_CLASS)

    territories = []
    for rec in data.table.to_dict("records"):
        tid = rec["territory_id"]
        territories.append({
            "id": tid,
            "name": rec["name"],
            "reg": sorted(set([rec["region_code"], *parse_codes(rec.get("regions"))])),
            "v": [None if pd.isna(rec[m.id]) else round(float(rec[m.id]), 6) for m in metas],
            "t": [map_text(rec, m) for m in metas],
            "k": [k(rec, m) for m in metas],
            "html": (links.get(tid) or {}).get("html", ""),
            "c": search.get(tid, {}).get("c", ""),
            "m": search.get(tid, {}).get("m", ""),
        })
    return {
        "indicators": [{"id": m.id, "label": m.label, "short": m.short_label, "unit": m.unit, "year": m.year,
                        "classes": classes[m.id].labels,
                        "colours": classes[m.id].colours,
                        "other": any(t["k"][i] == OTHER_CLASS for t in territories)}
                       for i, m in enumerate(metas)],
        "missingColour": MISSING_COLOUR,
        "otherColour": OTHER_COLOUR,
        "otherLabel": OTHER_LABEL,
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


def _map(output_dir: Path, data: CatalogueData, links: Mapping[str, Mapping[str, str]],
         classes: Mapping[str, Classes]) -> tuple[str, str]:
    """The indicator the map shows first, and the map's SVG ('' when the polygons are missing)."""
    try:
        geometry = catalogue_geometry.map_geometry(output_dir / ".build" / "catalogue")
    except Exception as exc:  # noqa: BLE001 - a missing raw file must not cost readers the catalogue
        print(f"catalogue: national map left out ({type(exc).__name__}: {exc})", file=sys.stderr)
        geometry = None
    default = DEFAULT_MAP_INDICATOR if any(m.id == DEFAULT_MAP_INDICATOR for m in data.indicators) else (
        data.indicators[0].id if data.indicators else DEFAULT_MAP_INDICATOR)
    svg = national_map_svg(default, data, links, geometry, output_dir, classes=classes.get(default)) if geometry else ""
    return default, svg


def _table_rows(data: CatalogueData, links: Mapping[str, Mapping[str, str]],
                columns: list[IndicatorMeta]) -> tuple[list[dict], list[tuple[str, str]]]:
    """The table's rows (names, regions, formatted cells, links to the files that exist), and the
    notes under the table: (marker, source and year) of each other basis a cell is marked with."""
    notes: dict[str, str] = {}  # source and year -> marker

    def cell(rec: Mapping[str, Any], m: IndicatorMeta) -> dict:
        note = other_basis(rec, m)
        marker = notes.setdefault(note, "*" * (len(notes) + 1)) if note else ""
        return {"text": value_text(rec, m, compact=True), "missing": fmt.is_missing(rec[m.id]),
                "marker": marker, "note": french_text(f"{OTHER_LABEL} : {note}") if note else ""}

    rows = []
    for rec in data.table.to_dict("records"):
        tid = rec["territory_id"]
        rows.append({
            "id": tid,
            "name": rec["name"],
            "region_name": rec["region_name"],
            "other_regions": [data.region_names.get(c, c) for c in parse_codes(rec.get("regions"))
                              if c != rec["region_code"]],
            "n_communes": rec.get("n_communes") or "",
            "cells": [cell(rec, m) for m in columns],
            "links": [(key, links[tid][key], text) for key, _, text in FILE_KINDS if key in links[tid]],
        })
    return rows, [(marker, note) for note, marker in notes.items()]


def _regions(data: CatalogueData) -> list[tuple[str, str]]:
    """(code, name) of every region a territory lies in, by name: the region filter's options."""
    codes = {c for r in data.table.itertuples(index=False)
             for c in [r.region_code, *parse_codes(getattr(r, "regions", None))]}
    return sorted(((c, data.region_names.get(c, c)) for c in sorted(codes)), key=lambda x: sort_key(x[1]))


def render_catalogue(output_dir: Path, now: datetime | None = None) -> str:
    """The catalogue page as one HTML string (see the module docstring for the design)."""
    import markupsafe

    data = load_data()
    ids = list(data.table["territory_id"])
    links = portrait_links(output_dir, ids)
    search = search_index()
    classes = all_classes(data)  # once: the JSON, the map and its legend share them
    default, svg = _map(output_dir, data, links, classes)
    metas = {m.id: m for m in data.indicators}
    columns = [metas[i] for i in TABLE_INDICATORS if i in metas]
    rows, table_notes = _table_rows(data, links, columns)
    return _environment().get_template("index.html.j2").render(
        css=markupsafe.Markup((TEMPLATE_DIR / "catalogue.css").read_text(encoding="utf-8")),
        js=markupsafe.Markup((TEMPLATE_DIR / "catalogue.js").read_text(encoding="utf-8")),
        data_json=markupsafe.Markup(_json_for_script(_page_json(data, links, search, classes))),
        map_svg=markupsafe.Markup(svg),
        columns=columns,
        map_indicators=data.indicators,
        legend=map_legend(default, data, classes.get(default)) if svg else [],
        legend_title=next((f"{m.label} ({m.year})" if m.year else m.label
                           for m in data.indicators if m.id == default), ""),
        default_indicator=default,
        rows=rows,
        table_notes=table_notes,
        approx_mark=APPROX,
        page_kinds=PAGE_KINDS,
        regions=_regions(data),
        overview=overview(data, DEFAULT_MAP_INDICATOR),
        n_territories=len(ids),
        n_built=sum(1 for tid in ids if links[tid].get("html")),
        n_communes=fmt.number(sum(count_communes(s.get("c", "")) for s in search.values())),
        build_report="build-report.html" if (output_dir / "build-report.html").is_file() else "",
        generated=(now or datetime.now(timezone.utc)).astimezone().strftime("%d/%m/%Y à %H:%M"),
    )


def count_communes(joined: str) -> int:
    """How many communes a search-index entry (``"01:A|B;39:C"``) lists."""
    return sum(len(part.split(":", 1)[-1].split("|")) for part in joined.split(";") if part)


def sort_key(text: str) -> str:
    """Accent- and case-insensitive sort key of a French name (the order of the region filter)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def write_catalogue(output_dir: Path | None = None) -> Path:
    """Write ``index.html`` (atomically) into ``output_dir`` (default: ``output/``), from the
    processed tables (``store.table``: ``data/processed``, or ``$PORTRAITS_PROCESSED_DIR``)."""
    output_dir = Path(output_dir) if output_dir else config.output_dir()
    output_dir.mkdir(parents=True, exist_ok=True)
    page = render_catalogue(output_dir)
    target = output_dir / "index.html"
    atomic.write_text(target, page)
    return target
