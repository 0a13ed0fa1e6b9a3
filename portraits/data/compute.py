"""Indicators on every level of ``portraits.core.levels`` (territory, region, France, all territories…) from the commune
tables and the catalogue, ranks among the territories, and the source's own figures where it
publishes them (a territory that is one whole EPCI or EPT, France's national row)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portraits.core import levels
from portraits.data import indicators, sources, territories
COLUMNS = ["territory_id", "level", "geo_code", "geo_label", "indicator_id", "year", "value", "unit",
           "status", "approx", "rank", "n_ranked", "note_code", "note_args", "comparable", "source_id"]


def _level_rows(vals: dict[str, pd.Series], terr: pd.DataFrame) -> pd.DataFrame:
    """One indicator's values as rows of every level, ranked among the territories."""
    rows = benchmark_rows(terr, {lv: vals[lv].to_frame("value") for lv in indicators.LEVELS})
    t = rows.level.eq("territory")
    ranks, n_ranked = indicators.rank_desc(rows.loc[t, "value"].reset_index(drop=True))
    rows.loc[t, "rank"] = ranks.to_numpy(dtype="float64", na_value=np.nan)
    rows.loc[t, "n_ranked"] = n_ranked
    return rows


def compute_indicators(cat: list[dict], tables: dict[str, pd.DataFrame],
                       overrides: dict[str, dict], terr: pd.DataFrame) -> pd.DataFrame:
    """The indicators table (``COLUMNS``), without notes: ``portraits.data.note_codes`` adds them."""
    frames = []
    for ind in cat:
        vals = indicators.compute(ind, tables[ind["table"]], overrides.get(ind["table"]))
        p = _level_rows(vals, terr)
        p["indicator_id"], p["year"], p["unit"] = ind["id"], str(ind["millesime"]), ind["unit"]
        p["approx"] = bool(ind["approximation"])
        frames.append(p)
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    out["n_ranked"] = out["n_ranked"].astype("Int64")
    out["status"] = np.where(out.value.notna(), "ok", "nd")
    # a code and its parameters (JSON), empty where the row needs no note (see portraits.data.note_codes)
    out["note_code"], out["note_args"] = "", ""
    order = {i["id"]: k for k, i in enumerate(cat)}
    out = (out.assign(_i=out.indicator_id.map(order), _l=out.level.map(indicators.LEVEL_ORDER))
           .sort_values(["territory_id", "_i", "_l"]).drop(columns=["_i", "_l"]).reset_index(drop=True))
    # False where a value is on another basis than the France and all-territories benchmarks
    # (set by overseas.overseas_sectors): the portrait then compares it with its region only.
    out["comparable"] = True
    # The source of each value (a data/sources.toml id): the catalogue's, unless a fallback
    # replaces it for some rows (overseas_sectors), so every figure names its own source.
    out["source_id"] = out.indicator_id.map({i["id"]: i["source"] for i in cat})
    return out[COLUMNS]


# The France benchmark is the source's national row where it has one: PTOD's ``00FR`` row
# (metropolitan France: 34,788 communes and arrondissements, i.e. no overseas commune),
# instead of the same approximation as the region (indicator -> (raw table, column)).
NATIONAL_ROW = indicators.published(unit=True)   # declared in indicators.toml: published
NATIONAL_CODE = "00FR"
# The IRIS shares have no national row in the IRIS file, but the EPCI file's ``00FR`` row gives
# the same shares computed from counts: France only (a single-unit territory keeps the IRIS
# aggregate, which is close to its unit's value but not equal; see docs/DATA.md).
NATIONAL_ONLY = indicators.published(unit=False)
# The same columns give the unit's value to a territory made of one whole EPCI or EPT, which
# is exact: the official median replaces the mean of commune medians; for the EPCI percentages
# the aggregation already returns the unit's value, only the approximation flag changes.


def single_unit_territories(members: pd.DataFrame, communes: pd.DataFrame) -> dict[str, str]:
    """Territory -> SIREN of its only member when that member is a whole EPCI or an EPT
    (an EPT is whole by construction; ``partial`` flags it only because the Métropole du
    Grand Paris, its EPCI, is not)."""
    n = members.groupby("territory_id").size()
    one = members[members.territory_id.map(n).eq(1) & members.type.isin(["EPCI", "EPT"])]
    broken = set(communes.loc[communes.type_groupement.eq("EPCI") & ~communes.whole_epci, "territory_id"])
    one = one[~one.territory_id.isin(broken)]
    return dict(zip(one.territory_id.tolist(), one.siren.tolist()))


def official_values(ind: pd.DataFrame, raw, singles: dict[str, str]) -> pd.DataFrame:
    """Replace approximations by the source's own figures where it publishes them:
    the unit's value for the territories that are one whole EPCI or EPT and
    the national row for France (``NATIONAL_ROW``, ``NATIONAL_ONLY``). Those rows get ``approx`` False and the
    ``source_id`` of the table they come from; a replaced median is re-ranked."""
    ind = ind.copy()
    for iid, (table, col) in NATIONAL_ROW.items():
        unit = raw[table].set_index("code")[col]
        t = ind.indicator_id.eq(iid) & ind.level.eq("territory") & ind.territory_id.isin(singles)
        t &= ind.source_id.ne("flores_a38_ze")
        off = ind.loc[t, "territory_id"].map(singles).map(unit)
        t_ok = off.notna()
        idx = off.index[t_ok]
        if iid == "median_income":
            # the official median covers every commune: no secrecy note, no exclusion
            ind.loc[idx, "value"] = off[t_ok].to_numpy(dtype="float64")
            ind.loc[idx, ["status", "note_code", "note_args"]] = ["ok", "", ""]
            ind.loc[idx, "source_id"] = table
            m = ind.indicator_id.eq(iid) & ind.level.eq("territory")
            ranks, n_ranked = indicators.rank_desc(ind.loc[m, "value"])
            ind.loc[m, "rank"] = ranks
            ind.loc[m, "n_ranked"] = n_ranked
        else:
            # the weighted mean of one unit's value is that value: only where it is, the row
            # is exact
            same = np.isclose(ind.loc[idx, "value"].to_numpy(dtype="float64"),
                              off[t_ok].to_numpy(dtype="float64"))
            idx = idx[same]
        ind.loc[idx, "approx"] = False
    for iid, (table, col) in {**NATIONAL_ROW, **NATIONAL_ONLY}.items():
        national = raw[table].set_index("code")[col]
        if pd.isna(national.get(NATIONAL_CODE)):
            continue                    # no national row: France stays the aggregate, flagged
        f = ind.indicator_id.eq(iid) & ind.level.eq("france")
        ind.loc[f, ["value", "status", "approx", "source_id"]] = [
            float(national[NATIONAL_CODE]), "ok", False, table]
    return ind


def france_scope(cat) -> dict[str, str]:
    """indicator -> scope of its France benchmark, a code for the presentation: ``fr`` =
    metropolitan France and the overseas departments the source covers, ``fm`` = metropolitan
    France only (the source, or the national row used, has no overseas unit: data/sources.toml)."""
    metro = sources.metropolitan_only()
    return {i["id"]: "fm" if i["source"] in metro or i["id"] in NATIONAL_ROW else "fr" for i in cat}


# where a territory's place is found for a grouping by a column of the commune rows
TERRITORY_KEYS = {"territory_id": "territory_id", "reg": "region_code"}


def _places(terr, grouping) -> tuple[np.ndarray, list[str]]:
    """Each territory's place of a level's grouping: its geo code and label."""
    n = len(terr)
    if grouping.by is None:
        return np.array([grouping.code] * n), [grouping.geo_label] * n
    codes = terr[TERRITORY_KEYS[grouping.by]].to_numpy()
    names = terr.name.to_numpy() if grouping.by == "territory_id" else [territories.REGION_NAMES[c] for c in codes]
    return codes, [grouping.geo_label.format(name=x) for x in names]


def benchmark_rows(terr, per_level: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Expand level tables (index = geo code, one column per value) to one block per territory,
    one row per level of ``portraits.core.levels``."""
    tids = terr.territory_id.to_numpy()
    blocks = []
    for lv in levels.LEVELS:
        codes, labels = _places(terr, lv.grouping)
        idx = pd.DataFrame({"territory_id": tids, "level": lv.id, "geo_code": codes, "geo_label": labels})
        blocks.append(idx.merge(per_level[lv.id], left_on="geo_code", right_index=True, how="left"))
    return pd.concat(blocks, ignore_index=True)
