"""The national map: quantile classes of an indicator (colours and French legend labels) and
the map as inline SVG, one path per territory linked to its portrait.

The page (``portraits.site.catalogue``) and ``notebooks/national_overview.ipynb`` draw the map
with the same functions, so both show the same classes and colours."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from portraits.core import config
from portraits.site import catalogue_geometry
from portraits.site.catalogue_data import (DEFAULT_MAP_INDICATOR, CatalogueData, IndicatorMeta, find_meta,
                                           format_value, french_text, is_comparable, load_data, other_basis,
                                           portrait_links, value_text)
from portraits.text import fmt

#: Sequential, colour-blind-safe ColorBrewer YlGnBu (5 classes); grey for missing values.
PALETTE: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Changes (signed indicators) on ColorBrewer RdBu, diverging at zero: falls in reds (darkest
#: first), rises in blues (lightest first), so the sign reads before the class.
FALLS: tuple[str, ...] = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7")
RISES: tuple[str, ...] = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
MISSING_COLOUR = "#d0d0d0"
#: Values on another basis (overseas industry share from Flores): a purple, outside both ramps.
OTHER_COLOUR = "#c2a5cf"
OTHER_LABEL = "autre base, non comparable"
N_CLASSES = len(PALETTE)


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


def data_classes(data: CatalogueData, indicator_id: str) -> Classes:
    """The map's classes of one indicator. Values on another basis do not join them: their
    quantiles would mix two measures (the portraits do not rank them either); the map paints
    them apart (``OTHER_COLOUR``) and names their source in their title."""
    return all_classes(data, [indicator_id])[indicator_id]


def all_classes(data: CatalogueData, indicator_ids: Sequence[str] | None = None) -> dict[str, Classes]:
    """``data_classes`` of several indicators (all those of the data by default)."""
    ids = [m.id for m in data.indicators] if indicator_ids is None else list(indicator_ids)
    records = data.table.to_dict("records")
    out = {}
    for ind in ids:
        meta = find_meta(data, ind)
        out[ind] = classify({r["territory_id"]: r[ind] for r in records
                             if ind in r and is_comparable(r, meta)}, meta)
    return out


def map_text(rec: Mapping[str, Any], meta: IndicatorMeta) -> str:
    """A territory's value in the map's title: "≈" when approximate, the source and year when
    on another basis."""
    note = other_basis(rec, meta)
    return french_text(f"{value_text(rec, meta)} ({OTHER_LABEL} : {note})") if note else value_text(rec, meta)


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
    classes: Classes | None = None,
) -> str:
    """The national map as inline SVG, coloured by ``indicator_id`` (quantile classes).

    Each territory is ``<a href="html/ID.html"><path><title>Name — value</title></path></a>``
    when its portrait exists, a bare ``<path>`` otherwise. The page's JS recolours the same
    paths when the reader picks another indicator. ``href_prefix`` makes links work from
    elsewhere than the output dir (the notebook uses ``"../output/"``); ``element_id``
    keeps ids unique when several maps share a page; ``classes`` spares recomputing them."""
    output_dir = Path(output_dir) if output_dir else config.output_dir()
    data = data or load_data()
    geometry = geometry or catalogue_geometry.map_geometry(output_dir / ".build" / "catalogue")
    records = {r["territory_id"]: r for r in data.table.to_dict("records")}
    if links is None:
        links = portrait_links(output_dir, list(records))
    meta = find_meta(data, indicator_id)
    classes = classes if classes is not None else data_classes(data, indicator_id)
    out = _map_background(geometry, meta, element_id)
    out.append('<g class="territories" stroke="#6b707a" stroke-width="0.35">')
    out += _territory_paths(geometry, records, meta, classes, links, href_prefix)
    out.append("</g>")
    out.append('<g class="regions-line" aria-hidden="true" fill="none" stroke="#4a4f57" stroke-width="0.9">')
    out += [f'<path d="{r["d"]}"/>' for r in geometry["regions"]]
    out.append("</g></svg>")
    return "".join(out)


def _map_background(geometry: dict, meta: IndicatorMeta, element_id: str) -> list[str]:
    """The SVG's opening, its title and description, the regions' fill and the insets' frames."""
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
    return out


def _territory_paths(geometry: dict, records: Mapping[str, Mapping[str, Any]], meta: IndicatorMeta,
                     classes: Classes, links: Mapping[str, Mapping[str, str]], href_prefix: str) -> list[str]:
    """One path per territory, filled with its class's colour, titled with its name and value,
    inside a link to its portrait when the portrait exists."""
    out = []
    for tid, geo in sorted(geometry["territories"].items()):
        rec = records.get(tid, {})
        fill = territory_colour(tid, rec, meta, classes)
        label = f"{rec.get('name', tid)} — {map_text(rec, meta)}"
        path = (f'<path data-id="{_esc(tid)}" d="{geo["d"]}" fill="{fill}">'
                f"<title>{_esc(label)}</title></path>")
        href = (links.get(tid) or {}).get("html")
        if href:
            out.append(f'<a href="{_esc(href_prefix + href)}" aria-label="{_esc(label)}">{path}</a>')
        else:
            out.append(path)
    return out


def territory_colour(tid: str, rec: Mapping[str, Any], meta: IndicatorMeta, classes: Classes) -> str:
    """The fill of a territory: its class's colour, ``OTHER_COLOUR`` for a value on another
    basis, ``MISSING_COLOUR`` without a value."""
    if tid in classes.index:
        return classes.colours[classes.index[tid]]
    return OTHER_COLOUR if rec and other_basis(rec, meta) else MISSING_COLOUR


def has_other_basis(data: CatalogueData, indicator_id: str) -> bool:
    """Whether some territory's value of ``indicator_id`` is on another basis."""
    meta = find_meta(data, indicator_id)
    return indicator_id in data.table and any(other_basis(r, meta) for r in data.table.to_dict("records"))


def map_legend(indicator_id: str = DEFAULT_MAP_INDICATOR, data: CatalogueData | None = None,
               classes: Classes | None = None) -> list[tuple[str, str]]:
    """(colour, French label) for each class of the map, then the colour of values on another
    basis (when there are some) and of missing values."""
    data = data or load_data()
    classes = classes if classes is not None else data_classes(data, indicator_id)
    other = [(OTHER_COLOUR, OTHER_LABEL)] if has_other_basis(data, indicator_id) else []
    return list(zip(classes.colours, classes.labels)) + other + [(MISSING_COLOUR, "non disponible")]
