"""What the catalogue shows, from the processed tables (read through ``portraits.data.store``):
one row per territory with its key indicators, the France benchmarks, the
names a reader may search for, and the portrait files that exist. Each value keeps its flags:
approximate (shown with the portraits' "≈") and comparable (a value on another basis, e.g. the
overseas industry share from Flores, is kept apart from the comparisons and cited with its source).

Also the indicators' labels and the French display of their values, shared by the table, the
map and the overview."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from portraits.blocks.values import APPROX
from portraits.core import levels, outputs
from portraits.data import indicators, store
from portraits.text import fmt, typo

# Where the site shows which indicator is declared in the catalogue (indicators.toml:
# catalogue_column, catalogue_map, catalogue_map_default).
#: Columns of the catalogue table, in order (the portrait's most telling figures).
TABLE_INDICATORS: tuple[str, ...] = indicators.site_indicators("catalogue_column")
#: Indicators offered by the map's select box (those present in the data are kept).
MAP_INDICATORS: tuple[str, ...] = TABLE_INDICATORS + indicators.site_indicators("catalogue_map")
DEFAULT_MAP_INDICATOR = indicators.default_map_indicator()

FILE_KINDS: tuple[tuple[str, str, str], ...] = tuple(
    # (key, relative path pattern, French link text), from the registry of outputs
    (o.id, o.relative("{id}"), o.label) for o in outputs.OUTPUTS)
#: Links that open a page in the browser; the others are downloads.
PAGE_KINDS = frozenset(o.id for o in outputs.OUTPUTS if o.page)

# The columns of the long indicator table the catalogue uses.
_INDICATOR_COLUMNS = ["territory_id", "level", "indicator_id", "year", "value", "unit", "rank", "n_ranked", "status",
                      "comparable", "approx", "source_id"]
# What a table without a flag column means (the flags came later than the first tables).
_FLAG_DEFAULTS = {"comparable": True, "approx": False, "source_id": ""}


# --------------------------------------------------------------------------- indicators


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


def french_text(text: str) -> str:
    """French typography (portraits.text.typo) and the typographic apostrophe in reader-facing text."""
    return typo.french(str(text)).replace("'", "\u2019")


def indicator_meta(indicator_id: str, unit: str = "", year: str = "", france_scope: str | None = None) -> IndicatorMeta:
    """Labels, unit and flags of an indicator, from the catalogue (portraits/data/indicators.toml)."""
    entry = indicators.entry(indicator_id)
    return IndicatorMeta(
        id=indicator_id,
        label=french_text(entry.get("label") or indicator_id),
        short_label=french_text(entry.get("short_label") or indicator_id),
        unit=unit or entry.get("unit", ""),
        year=year or str(entry.get("millesime", "")),
        signed=bool(entry.get("signed", False)),
        france=levels.label("france", france_scope),
    )


def find_meta(data: "CatalogueData", indicator_id: str) -> IndicatorMeta:
    """The indicator as the data describe it, else as the catalogue of indicators does."""
    return next((m for m in data.indicators if m.id == indicator_id), indicator_meta(indicator_id))


def format_value(value: Any, meta: IndicatorMeta, status: str | None = None, compact: bool = False) -> str:
    """French display of one value through ``portraits.text.fmt`` (babel): '12,4 %', '56 789',
    '+1,3 % par an', '21 450 €'; 'n.d.' or 's' when missing. ``compact`` drops unit words
    (table cells, whose header states the unit)."""
    if fmt.is_missing(value):
        return fmt.missing_marker(status)
    if meta.signed and meta.unit.strip() in {"%", "pct", "percent"}:
        return fmt.signed_percent(value, meta.digits)
    return fmt.value(value, meta.unit, status=status, with_unit=not compact)


def value_text(rec: Mapping[str, Any], meta: IndicatorMeta, compact: bool = False) -> str:
    """A territory's value as the page shows it (``rec``: a row of ``CatalogueData.table``):
    ``format_value`` with "≈" before an approximate value, as in the portraits."""
    status = rec.get(f"{meta.id}__status")
    text = format_value(rec.get(meta.id), meta, status if isinstance(status, str) else None, compact)
    if bool(rec.get(f"{meta.id}__approx", False)) and not fmt.is_missing(rec.get(meta.id)):
        text = f"{APPROX}{fmt.NBSP}{text}"
    return text


def is_comparable(rec: Mapping[str, Any], meta: IndicatorMeta) -> bool:
    """Whether the territory's value has the basis of the others (and of France)."""
    return bool(rec.get(f"{meta.id}__comparable", True))


def other_basis(rec: Mapping[str, Any], meta: IndicatorMeta) -> str:
    """For a value on another basis, its source and year in French ('' for a comparable value):
    what tells the reader why it is not compared."""
    if is_comparable(rec, meta) or fmt.is_missing(rec.get(meta.id)):
        return ""
    return source_year(rec.get(f"{meta.id}__source"), rec.get(f"{meta.id}__year"))


def source_year(source_id: Any, year: Any) -> str:
    """'Insee, Flores 2023, …, valeurs 2023': a source's citation and the year of its values."""
    cite = store.source_citation(source_id) if isinstance(source_id, str) and source_id else "autre source"
    return french_text(f"{cite}, valeurs {year}" if isinstance(year, str) and year else cite)


# --------------------------------------------------------------------------- the table


@dataclass
class CatalogueData:
    """Everything the page shows, from the processed tables (one row per territory)."""

    table: pd.DataFrame  # territory_id, name, region_code, region_name, regions, overseas, n_communes, + values
    indicators: list[IndicatorMeta]
    benchmarks: dict[str, dict[str, float]] = field(default_factory=dict)  # "france" -> indicator -> value
    region_names: dict[str, str] = field(default_factory=dict)


def parse_codes(value: Any) -> list[str]:
    """Region codes listed in a territory's ``regions`` cell ('27;84')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return re.findall(r"[0-9][0-9AB]", str(value))


def _territories() -> pd.DataFrame:
    ter = store.table("territories").copy()  # the store's table is cached and shared
    ter["overseas"] = ter["overseas"].astype(str).str.lower().isin({"true", "1", "oui", "yes"})
    return ter.sort_values("territory_id").reset_index(drop=True)


def _indicator_columns(long: pd.DataFrame, ter: pd.DataFrame) -> tuple[list[IndicatorMeta], dict[str, Any]]:
    """One pivot of the long table: per indicator present, columns of its value, rank, status,
    flags (``__approx``, ``__comparable``), year and source (the year and source may differ by row)."""
    own = long[long["level"] == "territory"]
    present = [i for i in MAP_INDICATORS if i in set(own["indicator_id"])]
    own = own.drop_duplicates(["territory_id", "indicator_id"]).set_index(["territory_id", "indicator_id"])
    wide = own[["value", "rank", "status", "approx", "comparable", "year", "source_id"]].unstack("indicator_id")
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
        for flag in ("approx", "comparable"):
            cells = wide[(flag, ind)].astype(object)
            columns[f"{ind}__{flag}"] = cells.where(cells.notna(), _FLAG_DEFAULTS[flag]).map(_truth).to_numpy()
        columns[f"{ind}__year"] = wide[("year", ind)].astype(object).to_numpy()
        columns[f"{ind}__source"] = wide[("source_id", ind)].astype(object).to_numpy()
    return metas, columns


def _truth(value: Any) -> bool:
    # CSV tables read flags as text ("True"), parquet as booleans
    return value is True or str(value).strip().lower() in {"true", "1"}


def load_data() -> CatalogueData:
    """The catalogue's table, from the processed tables (``store.table``: cached, and a missing
    or corrupt table is named in the error)."""
    ter = _territories()
    region_names = dict(zip(ter["region_code"], ter["region_name"]))
    table = store.table("indicators")
    # france_scope says where "France" means metropolitan France (older tables lack the column)
    long = table[[c for c in (*_INDICATOR_COLUMNS, "france_scope") if c in table.columns]]
    long = long.assign(**{c: d for c, d in _FLAG_DEFAULTS.items() if c not in long.columns})
    long = long[long["indicator_id"].isin(MAP_INDICATORS)]
    metas, columns = _indicator_columns(long, ter)
    table = pd.concat([ter, pd.DataFrame(columns, index=ter.index)], axis=1)
    france = long[long["level"] == "france"].drop_duplicates("indicator_id")
    benchmarks = {"france": {r.indicator_id: float(r.value) for r in france.itertuples() if pd.notna(r.value)}}
    return CatalogueData(table=table, indicators=metas, benchmarks=benchmarks, region_names=region_names)


# --------------------------------------------------------------------------- search and links


def search_index() -> dict[str, dict[str, str]]:
    """Per territory, the names a reader may type: member groupements and communes.

    Compact on purpose (18,664 communes): communes are joined per department as
    ``"01:Arbent|Oyonnax;39:…"`` and members as ``"CC A|CA B"``; the page normalises
    accents and case itself."""
    communes = store.table("communes").dropna(subset=["name"])
    members = store.table("members")
    # Plain Python over lists: much faster than pandas groupby for ~18,700 short strings.
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
