"""Breakdowns of the processed tables besides the indicators: the private jobs series, jobs
and establishments by sector and size (four levels each), the A38 sectors from Flores by zone
d'emploi, and the coverage of each source (member communes it reaches)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from portraits.data import indicators, sources
from portraits.data.compute import benchmark_rows
from portraits.data.note_codes import A38_METHOD
from portraits.data.prepare import URSSAF_YEARS
from portraits.data.territories import isin

SECTORS = [  # (sector_id, label, PTOD column)
    ("agriculture", "Agriculture", "eco_sectagri_pct_22"),
    ("industry", "Industrie", "eco_sectindus_pct_22"),
    ("construction", "Construction", "eco_sectconst_pct_22"),
    ("services", "Commerce, transports et services divers", "eco_sectservi_pct_22"),
    ("public", "Administration publique, enseignement, santé et action sociale", "eco_sectadmin_pct_22"),
]
EST_SECTORS = [  # (category, label, column of comparateur 2022)
    ("AZ", "Agriculture", "ETAZ18"),
    ("BE", "Industrie", "ETBE18"),
    ("FZ", "Construction", "ETFZ18"),
    ("GU", "Commerce, transports et services divers", "ETGU18"),
    ("OQ", "Administration publique, enseignement, santé et action sociale", "ETOQ18"),
]
FLORES = "flores_a38_ze"  # the A38 table's source, and the overseas sector shares
INDUSTRY_A38 = {"BZ", "CA", "CB", "CC", "CD", "CE", "CF", "CG", "CH", "CI", "CJ", "CK", "CL",
                "CM", "DZ", "EZ"}


def sectors_year() -> str:
    """The census year of the shares by sector: the industry share's (same file, same columns)."""
    return indicators.millesime("industry_jobs_share")


def flores_year() -> str:
    """The Flores year of the tables: the latest of the source's millésime ("Flores 2022 and
    2023"); its jobs are the column ``flores_jobs_column()``."""
    return max(re.findall(r"\b(?:19|20)\d\d\b", sources.load_sources()[FLORES].millesime))


def flores_jobs_column() -> str:
    return f"eff_{flores_year()[2:]}"


def series_private_jobs(urssaf_tab, overrides, terr) -> pd.DataFrame:
    cols = [f"eff_{y}" for y in URSSAF_YEARS]
    sums = indicators.level_sums(urssaf_tab, cols)
    sums["region"] = overrides["region"][cols]
    sums["france"] = overrides["france"][cols]
    wide = benchmark_rows(terr, sums)
    long = wide.melt(id_vars=["territory_id", "level", "geo_code", "geo_label"], value_vars=cols,
                     var_name="year", value_name="value")
    long["year"] = long.year.str[4:].astype(int)
    base = long[long.year == URSSAF_YEARS[0]].set_index(["territory_id", "level"])["value"]
    b = pd.MultiIndex.from_frame(long[["territory_id", "level"]]).map(base.to_dict())
    long["index"] = 100.0 * long.value / np.where(np.asarray(b, dtype=float) > 0, b, np.nan)
    return (long.assign(_l=long.level.map(indicators.LEVEL_ORDER)).sort_values(["territory_id", "_l", "year"])
            .drop(columns="_l").reset_index(drop=True))


def jobs_by_sector(rp18_attr, terr, france_row: pd.Series | None = None) -> pd.DataFrame:
    """Shares of jobs by broad sector on the four levels (EPCI shares weighted by jobs); the
    France row is the source's national row when given (as for industry_jobs_share)."""
    rows = []
    for sector_id, label, ptod_col in SECTORS:
        col = f"sect_{sector_id}"
        ind = {"id": col, "aggregation": "weighted", "numerator": f"{col} * P18_EMPLT",
               "denominator": "P18_EMPLT", "scale": 1}
        vals = indicators.compute(ind, rp18_attr)
        if france_row is not None:
            vals["france"] = pd.Series({"FR": float(france_row[ptod_col])})
        per = {lv: s.to_frame("share") for lv, s in vals.items()}
        blk = benchmark_rows(terr, per)
        blk["sector_id"] = sector_id
        blk["sector_label"] = label
        rows.append(blk)
    out = pd.concat(rows, ignore_index=True)
    out["year"] = sectors_year()
    out["approx"] = True
    if france_row is not None:
        out.loc[out.level.eq("france"), "approx"] = False
    sorder = {s[0]: k for k, s in enumerate(SECTORS)}
    out = (out.assign(_l=out.level.map(indicators.LEVEL_ORDER), _s=out.sector_id.map(sorder))
           .sort_values(["territory_id", "_l", "_s"]).drop(columns=["_l", "_s"]).reset_index(drop=True))
    return out[["territory_id", "level", "geo_code", "geo_label", "sector_id", "sector_label",
                "share", "year", "approx"]]


def establishments_breakdown(rp18, terr) -> pd.DataFrame:
    df = rp18.copy()
    df["size_0"] = df.ETTOT18 - df.ETTEF118 - df.ETTEFP1018
    cats = [("sector", c, l, col) for c, l, col in EST_SECTORS] + [
        ("size", "0", "Aucun salarié au 31 décembre", "size_0"),
        ("size", "1-9", "1 à 9 salariés", "ETTEF118"),
        ("size", "10+", "10 salariés ou plus", "ETTEFP1018")]
    cols = [c[3] for c in cats] + ["ETTOT18"]
    known = df[cols].notna().all(axis=1)
    sums = indicators.level_sums(df[known], cols)
    wide = benchmark_rows(terr, sums)
    rows = []
    for dim, cat, label, col in cats:
        blk = wide[["territory_id", "level", "geo_code", "geo_label"]].copy()
        blk["dimension"], blk["category"], blk["label"] = dim, cat, label
        blk["count"] = wide[col]
        with np.errstate(divide="ignore", invalid="ignore"):
            blk["share"] = 100.0 * wide[col] / wide["ETTOT18"].where(wide["ETTOT18"] > 0)
        rows.append(blk)
    out = pd.concat(rows, ignore_index=True)
    out["year"] = indicators.millesime("establishments")
    corder = {c[1]: k for k, c in enumerate(cats)}
    return (out.assign(_l=out.level.map(indicators.LEVEL_ORDER), _c=out.category.map(corder))
            .sort_values(["territory_id", "_l", "dimension", "_c"]).drop(columns=["_l", "_c"])
            .reset_index(drop=True))


def ze_population(raw, rp21) -> pd.DataFrame:
    """Communes with their population 2021 and zone d'emploi 2020 (table d'appartenance
    2022; a code it does not know is looked up through its commune of today's geography)."""
    cog = raw["cog_appartenance_2022"]
    ze_of = dict(zip(cog.CODGEO, cog.ZE2020))
    pop = rp21[["code", "territory_id", "ref", "reg", "population_2021"]].copy()
    pop["ze"] = pop.code.map(ze_of)
    pop.loc[pop.ze.isna(), "ze"] = pop.loc[pop.ze.isna(), "ref"].map(ze_of)
    return pop[pop.ze.notna() & pop.population_2021.notna()]


def _zones(tz: pd.DataFrame, zlab: dict[str, str]) -> dict[str, str]:
    """territory -> its zones d'emploi, most populated first, as JSON: code, name, the share
    of the territory's population living in the zone and of the zone's living in the territory."""
    zones = {}
    for tid, g in tz.groupby("territory_id", sort=False):
        tpop = g.population_2021.sum()
        g = g.sort_values("population_2021", ascending=False)
        zones[tid] = json.dumps([
            {"code": z, "name": zlab.get(z, ""), "pct_of_territory": 100 * p / tpop, "pct_of_zone": 100 * w}
            for z, p, w in zip(g.ze.tolist(), g.population_2021.tolist(), g.weight.tolist())],
            ensure_ascii=False)
    return zones


def a38_table(raw, rp21, terr) -> pd.DataFrame:
    """Flores salaried jobs (``flores_year``) by A38 sector of the zones d'emploi, apportioned to each
    territory by the share of the zone's population (RP 2021) living in the territory."""
    pop = ze_population(raw, rp21)
    ze_pop = pop.groupby("ze").population_2021.sum()
    tz = pop[pop.territory_id.notna()].groupby(["territory_id", "ze"]).population_2021.sum().reset_index()
    tz["weight"] = tz.population_2021 / tz.ze.map(ze_pop)
    fl, jobs = raw[FLORES], flores_jobs_column()
    labels = fl.drop_duplicates("a38").set_index("a38")["lib"]
    fr = fl.groupby("a38")[jobs].sum(min_count=1)
    fr_share = 100.0 * fr / fr.sum()
    zl = raw["cog_zones_2022"]
    zl = zl[zl.NIVGEO == "ZE2020"]
    zlab = dict(zip(zl.CODGEO.tolist(), zl.LIBGEO.tolist()))
    tz = tz[isin(tz.ze, set(fl.code_ze))]
    m = tz.merge(fl[["code_ze", "a38", jobs]], left_on="ze", right_on="code_ze")
    m["est"] = m.weight * m[jobs]
    est = m.groupby(["territory_id", "a38"]).est.sum(min_count=1).rename("jobs").reset_index()
    est["share"] = 100.0 * est.jobs / est.groupby("territory_id").jobs.transform("sum")
    est["label"] = est.a38.map(labels)
    naf = raw["naf_a38"]
    est["label_naf"] = est.a38.map(dict(zip(naf["Code\nA 38"].tolist(),
                                            naf["Description\n (Français)"].str.strip().tolist())))
    est["share_france"] = est.a38.map(fr_share)
    est["zones"] = est.territory_id.map(_zones(tz, zlab))
    out = est
    with np.errstate(divide="ignore", invalid="ignore"):
        out["specificity"] = out.share / out.share_france
    out["industry"] = out.a38.isin(INDUSTRY_A38)
    out["year"] = flores_year()
    out["match_method"] = A38_METHOD
    return out[["territory_id", "a38", "label", "jobs", "share", "share_france", "specificity", "year",
                "zones", "match_method", "industry", "label_naf"]]


def coverage_table(matched: dict[str, pd.DataFrame], communes: pd.DataFrame,
                   comd_parent: dict[str, str], unmatched: dict[str, int],
                   merged_2024: set[str] = frozenset()) -> pd.DataFrame:
    """Per territory and source: member communes (COG 2023) reached by the source's rows,
    directly or through a merger (old code -> parent, or a commune merged into a 2024 one)."""
    parent = {k: v for k, v in comd_parent.items() if k != v}
    com = communes[["territory_id", "insee_com"]]
    group = com.insee_com.map(lambda c: parent.get(c, c))
    n = com.groupby("territory_id").size()
    gone = isin(com.insee_com, merged_2024).groupby(com.territory_id).sum()
    rows = []
    for sid, df in matched.items():
        refs = set(df["ref"].dropna().astype(str))
        reached_groups = {parent.get(r, r) for r in refs}
        hit = isin(com.insee_com, refs) | isin(group, reached_groups)
        m = hit.groupby(com.territory_id).sum()
        rows.append(pd.DataFrame({"territory_id": n.index, "source_id": sid,
                                  "n_member_communes": n.to_numpy(),
                                  "n_matched": m.reindex(n.index).fillna(0).astype(int).to_numpy(),
                                  "n_source_codes_unmatched": unmatched.get(sid, 0),
                                  "n_merged_2024": gone.reindex(n.index).fillna(0).astype(int).to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    out["share_matched"] = (100.0 * out.n_matched / out.n_member_communes).round(2)
    return out[["territory_id", "source_id", "n_member_communes", "n_matched", "share_matched",
                "n_source_codes_unmatched", "n_merged_2024"]].sort_values(["territory_id", "source_id"]).reset_index(drop=True)
