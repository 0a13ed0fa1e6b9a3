"""The indicator catalogue (``indicators.toml``) and the aggregation rules.

A prepared table has one row per commune (or IRIS) of a source, with the columns
``territory_id`` (None outside the territories) and ``reg`` added by the crosswalk. Every
indicator is computed on every level of ``portraits.core.levels`` from the same rows, each
pooled as its grouping says: ``territory`` (sums over each territory's communes), ``region``
(all communes of each region), ``france`` (all communes of the source), ``all_territories``
(the communes of the 183 territories pooled), ``region_territories`` (those of them in each
region). Rates are always ratios of sums, never means of percentages."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from portraits.core import levels
from portraits.core.errors import CatalogueError

CATALOGUE_PATH = Path(__file__).resolve().parent / "indicators.toml"
LEVELS = tuple(lv.id for lv in levels.LEVELS)  # the registry of portraits.core.levels
LEVEL_ORDER = {lv: k for k, lv in enumerate(LEVELS)}  # the sort key of the level column
AGGREGATIONS = ("sum", "ratio", "growth", "change", "weighted")
SIGNED_AGGREGATIONS = ("growth", "change")
# Where the catalogue site shows an indicator: a place and its rank there (1 = first).
SITE_PLACES = ("catalogue_column", "catalogue_map")
# role -> the catalogue field that makes it possible (the roles every indicator has need none:
# positions chart, comparison table, inline text)
ROLE_FIELDS = {"key_figure": "key_figure", "series": "series", "breakdown": "breakdown", "chart": "charts",
               "catalogue_column": "catalogue_column", "catalogue_map": "catalogue_map"}
REQUIRED = ("id", "label", "short_label", "unit", "theme", "source", "millesime", "table",
            "aggregation", "numerator", "approximation", "method", "formula", "definition", "key")


def load_catalogue(path: Path | None = None) -> list[dict]:
    path = path or CATALOGUE_PATH
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"indicator catalogue {path} cannot be read: {exc}") from None
    entries = doc.get("indicator", [])
    seen = set()
    for i, e in enumerate(entries, 1):
        missing = [k for k in REQUIRED if k not in e]
        if missing:
            raise CatalogueError(f"{path}: indicator #{i} ({e.get('id', '?')}) lacks {', '.join(missing)}")
        if e["aggregation"] not in AGGREGATIONS:
            raise CatalogueError(f"{path}: {e['id']}: unknown aggregation {e['aggregation']!r}")
        if e["aggregation"] != "sum" and not e.get("denominator"):
            raise CatalogueError(f"{path}: {e['id']}: aggregation {e['aggregation']} needs a denominator")
        if "published" in e and not (isinstance(e["published"], dict)
                                     and {"source", "column"} <= set(e["published"])):
            raise CatalogueError(f"{path}: {e['id']}: published needs {{ source = …, column = … }}")
        if e["id"] in seen:
            raise CatalogueError(f"{path}: indicator {e['id']} declared twice")
        seen.add(e["id"])
        e.setdefault("scale", 1)
        e.setdefault("denominator", "")
        e.setdefault("higher_is", "neutral")
        # a change is shown with its sign (+1,2 %): declared by its aggregation, not its id
        e.setdefault("signed", e["aggregation"] in SIGNED_AGGREGATIONS)
    _check_site_places(path, entries)
    return entries


def _check_site_places(path, entries: list[dict]) -> None:
    """Each place of the catalogue site is ranked 1..n, once each; one map indicator is the default."""
    for place in SITE_PLACES:
        ranks = sorted(e[place] for e in entries if place in e)
        if ranks != list(range(1, len(ranks) + 1)):
            raise CatalogueError(f"{path}: {place} must number its indicators 1 to {len(ranks)}, "
                                 f"once each (found {ranks})")
    defaults = [e["id"] for e in entries if e.get("catalogue_map_default")]
    if len(defaults) > 1 or (defaults and not any(p in e for p in SITE_PLACES for e in entries
                                                   if e["id"] == defaults[0])):
        raise CatalogueError(f"{path}: catalogue_map_default must be on one indicator the catalogue "
                             f"site shows (found {defaults})")
    if not defaults and any(p in e for p in SITE_PLACES for e in entries):
        raise CatalogueError(f"{path}: no indicator has catalogue_map_default = true")


def roles(entry: dict) -> frozenset[str]:
    """Where an indicator can appear beyond what every indicator can: those whose field it has."""
    return frozenset(role for role, field in ROLE_FIELDS.items() if entry.get(field) not in (None, ""))


def require_role(indicator_id: str, role: str, path: Path | None = None) -> dict:
    """The catalogue entry of ``indicator_id``, which must be declared for ``role``; else a
    CatalogueError naming the field to add to indicators.toml."""
    entry = next((e for e in _entries(path) if e["id"] == indicator_id), None)
    if entry is None:
        raise CatalogueError(f"unknown indicator {indicator_id!r} (not in {path or CATALOGUE_PATH})")
    if role not in roles(entry):
        raise CatalogueError(f"{indicator_id} cannot be used as {role.replace('_', ' ')}: "
                             f"{(path or CATALOGUE_PATH).name} declares no {ROLE_FIELDS[role]} for it")
    return entry


def published(unit: bool, path: Path | None = None) -> dict[str, tuple[str, str]]:
    """indicator -> (source, column) of the figure its source publishes (``published``): those
    that also give a single-unit territory's value (``unit``), or France's only."""
    return {e["id"]: (e["published"]["source"], e["published"]["column"]) for e in _entries(path)
            if "published" in e and bool(e["published"].get("unit")) == unit}


def chart_indicators(path: Path | None = None) -> dict[str, list[str]]:
    """chart name -> the indicators it draws (``charts``), in catalogue order."""
    out: dict[str, list[str]] = {}
    for e in _entries(path):
        for name in e.get("charts", ()):
            out.setdefault(name, []).append(e["id"])
    return out


def site_indicators(place: str, path: Path | None = None) -> tuple[str, ...]:
    """The indicators of one place of the catalogue site (``SITE_PLACES``), in their order."""
    placed = [e for e in _entries(path) if place in e]
    return tuple(e["id"] for e in sorted(placed, key=lambda e: e[place]))


def entry(indicator_id: str, path: Path | None = None) -> dict:
    """The catalogue's entry of an indicator ({} when it has none), read once per process."""
    return next((e for e in _entries(path) if e["id"] == indicator_id), {})


def default_map_indicator(path: Path | None = None) -> str:
    """The indicator the catalogue's map shows first."""
    return next(e["id"] for e in _entries(path) if e.get("catalogue_map_default"))


@lru_cache(maxsize=4)
def _entries(path: Path | None = None) -> tuple[dict, ...]:
    return tuple(load_catalogue(path))


@lru_cache(maxsize=4)
def catalogue_frame(path: str | None = None) -> pd.DataFrame:
    return pd.DataFrame(load_catalogue(Path(path) if path else None))


def millesime(iid: str) -> str:
    """The millésime of a catalogue indicator, as its rows' ``year`` says it ("2022")."""
    cat = catalogue_frame()
    return str(cat.loc[cat.id.eq(iid), "millesime"].item())


@lru_cache(maxsize=4)
def signed_ids(path: str | None = None) -> frozenset[str]:
    """Ids of the indicators shown with a sign (changes); cached, as for the catalogue frame."""
    cat = catalogue_frame(path)
    return frozenset(cat.loc[cat.signed.astype(bool), "id"])


def level_sums(df: pd.DataFrame, cols: list[str]) -> dict[str, pd.DataFrame]:
    """Sums of ``cols`` on every level of ``portraits.core.levels`` (index = geo code), each
    pooled as its grouping says (by territory, by region, all together; every commune or the
    territories' only)."""
    out = {}
    for lv in levels.LEVELS:
        g = lv.grouping
        rows = df[df["territory_id"].notna()] if g.territories_only else df
        sub = rows[cols]
        out[lv.id] = (sub.groupby(rows[g.by]).sum(min_count=1) if g.by
                      else sub.sum(min_count=1).to_frame(g.code).T)
    return out


def _finish(ind: dict, num: pd.Series, den: pd.Series | None) -> pd.Series:
    agg = ind["aggregation"]
    scale = float(ind.get("scale", 1))
    if agg == "sum":
        return num * scale
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num / den.where(den != 0)
        if agg in ("ratio", "weighted"):
            return ratio * scale
        if agg == "growth":
            return ((ratio ** (1.0 / float(ind["years"]))) - 1.0) * 100.0
        if agg == "change":
            return (ratio - 1.0) * 100.0
    raise CatalogueError(f"{ind['id']}: unknown aggregation {agg}")


def compute(ind: dict, table: pd.DataFrame,
            overrides: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.Series]:
    """Values of one indicator on every level: level -> Series indexed by geo code.

    A row enters the sums only if its numerator (and denominator) are known: a commune
    without data is left out of both, never counted as zero. ``overrides`` (level -> frame of
    sums with the same columns as the formula) replace the computed sums for a level,
    e.g. the region and France rows that URSSAF publishes."""
    num = table.eval(ind["numerator"]).astype("float64")
    work = pd.DataFrame({"territory_id": table["territory_id"], "reg": table["reg"], "_num": num})
    cols = ["_num"]
    if ind.get("denominator"):
        work["_den"] = table.eval(ind["denominator"]).astype("float64")
        cols.append("_den")
    known = work[cols].notna().all(axis=1)
    sums = level_sums(work[known], cols)
    # places with no known row stay in the result, as missing
    for lv in levels.LEVELS:
        if lv.grouping.by:
            sums[lv.id] = sums[lv.id].reindex(pd.Index(work[lv.grouping.by].dropna().unique()))
    if overrides:
        for level, frame in overrides.items():
            f = pd.DataFrame({"_num": frame.eval(ind["numerator"])})
            if ind.get("denominator"):
                f["_den"] = frame.eval(ind["denominator"])
            sums[level] = f
    out = {}
    for level, s in sums.items():
        out[level] = _finish(ind, s["_num"], s["_den"] if "_den" in s else None).astype("float64")
    return out


def rank_desc(values: pd.Series) -> tuple[pd.Series, int]:
    """Rank 1 = highest value; missing values get no rank. Returns (ranks, n_ranked)."""
    ranks = values.rank(ascending=False, method="min")
    return ranks.astype("Int64"), int(values.notna().sum())
