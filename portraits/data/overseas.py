"""The overseas industry share and sectors (docs/DATA.md, "Overseas industry share and sectors"):
the census-based shares come from metropolitan files, so overseas territories and regions take
Flores salaried jobs by zone d'emploi instead, flagged as another basis, unranked, with a
note code saying so; Mayotte, which has no zone in the file, stays not available."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portraits.core import levels
from portraits.data import note_codes
from portraits.data.breakdowns import FLORES, SECTORS, flores_jobs_column, flores_year, sectors_year, ze_population
from portraits.data.note_codes import args_json

# Flores' broad sector (a5) -> sector_id of SECTORS: the same five groups as the census's
A5_SECTORS = {"AZ": "agriculture", "BE": "industry", "FZ": "construction", "GU": "services",
              "OQ": "public"}
INDUSTRY = "industry_jobs_share"
# the levels on the territory's own basis (the territory first): filled from Flores too
SAME_BASIS = tuple(lv for lv in levels.LEVELS if lv.same_basis and lv.grouping.by)


def flores_broad_sectors(raw, rp21) -> dict[str, pd.DataFrame]:
    """Shares (%) of Flores salaried jobs (``flores_year``) by broad sector (columns = sector_id) for each
    place of the levels on the territory's basis (territory, region, the region's territories):
    each zone's jobs apportioned by the share of the zone's population (RP 2021) living in the
    place, as for the A38 table. Places without a zone of the file (Mayotte) are absent."""
    pop = ze_population(raw, rp21)
    ze_pop = pop.groupby("ze").population_2021.sum()
    fl, col = raw[FLORES], flores_jobs_column()
    ze_jobs = (fl.assign(sector=fl.a5.map(A5_SECTORS))
               .groupby(["code_ze", "sector"], as_index=False)[col].sum(min_count=1))
    out = {}
    for lv in SAME_BASIS:   # the levels on the territory's basis, each pooled as declared
        key = lv.grouping.by
        rows = pop[pop.territory_id.notna()] if lv.grouping.territories_only else pop
        g = rows[rows[key].notna()].groupby([key, "ze"]).population_2021.sum().reset_index()
        g["weight"] = g.population_2021 / g.ze.map(ze_pop)
        m = g.merge(ze_jobs, left_on="ze", right_on="code_ze")
        m["est"] = m.weight * m[col]
        jobs = m.pivot_table(index=key, columns="sector", values="est", aggfunc="sum")
        jobs = jobs.reindex(columns=[s[0] for s in SECTORS])
        out[lv.id] = 100.0 * jobs.div(jobs.sum(axis=1), axis=0)
    return out


def _bench_notes(df: pd.DataFrame, rows: pd.Series, n_metro: int, years: dict[str, str]) -> None:
    """The France and all-territories rows stay census-based: their note says another basis."""
    for level, code in note_codes.FLORES_BENCH.items():
        m = rows & df.level.eq(level)
        df.loc[m, "note_code"] = code
        df.loc[m, "note_args"] = (args_json(n_territories=n_metro, **years) if level == "all_territories"
                                  else args_json(**years))


def _fill_indicator(ind, shares, tid: str, places: dict[str, str], n_metro: int, years: dict[str, str]) -> None:
    rows = ind.indicator_id.eq(INDUSTRY) & ind.territory_id.eq(tid)
    m = rows & ind.level.eq("territory")
    year, args = years["flores_year"], args_json(**years)
    ind.loc[m, ["value", "year", "status", "approx", "note_code", "note_args", "comparable", "source_id"]] = [
        shares["territory"].at[tid, "industry"], year, "ok", True, note_codes.FLORES_TERRITORY, args, False, FLORES]
    ind.loc[m, "rank"] = pd.NA      # n_ranked stays: the count of the census-based values
    for level, geo in places.items():   # the benchmarks on the same basis
        m = rows & ind.level.eq(level)
        ind.loc[m, ["value", "year", "status", "note_code", "note_args", "comparable", "source_id"]] = [
            shares[level].at[geo, "industry"], year, "ok", note_codes.FLORES_SAME_BASIS[level], args, False, FLORES]
    _bench_notes(ind, rows, n_metro, years)


def _fill_sectors(jbs, shares, tid: str, places: dict[str, str], n_metro: int, years: dict[str, str]) -> None:
    jt = jbs.territory_id.eq(tid)
    for level, geo, code in (("territory", tid, note_codes.FLORES_SECTORS),
                             *((lv, geo, note_codes.FLORES_SAME_BASIS[lv]) for lv, geo in places.items())):
        m = jt & jbs.level.eq(level)
        jbs.loc[m, "share"] = jbs.loc[m, "sector_id"].map(shares[level].loc[geo]).to_numpy()
        jbs.loc[m, ["year", "approx", "note_code", "note_args", "source_id", "comparable"]] = [
            years["flores_year"], True, code, args_json(**years), FLORES, False]
    _bench_notes(jbs, jt, n_metro, years)


def _places(shares, tid: str, reg: str) -> dict[str, str]:
    """The territory's same-basis benchmarks that Flores covers: level -> its geo code."""
    places = {}
    for lv in SAME_BASIS[1:]:
        geo = tid if lv.grouping.by == "territory_id" else reg
        if geo in shares[lv.id].index and shares[lv.id].loc[geo].notna().all():
            places[lv.id] = geo
    return places


def overseas_sectors(ind: pd.DataFrame, jbs: pd.DataFrame, shares: dict[str, pd.DataFrame],
                     terr: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where the census-based industry share is missing (overseas: the PTOD EPCI files are
    metropolitan), fill the territory and its region from Flores (``flores_broad_sectors``),
    flagged and explained, unranked (another definition); the France and all-territories rows
    stay census-based and their note says so. Mayotte, without a zone, stays ``nd``."""
    ind, jbs = ind.copy(), jbs.copy()
    jbs["note_code"], jbs["note_args"] = "", ""
    jbs["source_id"] = np.where(jbs.share.notna(), "ptod_epci_exdeco", "")
    jbs["comparable"] = True
    key = ind.indicator_id.eq(INDUSTRY)
    t = ind[key & ind.level.eq("territory") & ind.value.isna()]
    tids = [tid for tid in t.territory_id if tid in shares["territory"].index
            and shares["territory"].loc[tid].notna().all()]
    region_of = dict(zip(terr.territory_id, terr.region_code))
    n_metro = int((~terr.overseas).sum())
    # the notes name both bases' years (note_codes.toml)
    years = {"census_year": sectors_year(), "flores_year": flores_year()}
    for tid in tids:
        places = _places(shares, tid, region_of[tid])
        _fill_indicator(ind, shares, tid, places, n_metro, years)
        _fill_sectors(jbs, shares, tid, places, n_metro, years)
    # what stays missing overseas (Mayotte) says that neither source covers it
    uncovered = set(terr.loc[terr.overseas, "territory_id"]) - set(tids)
    own_levels = [lv.id for lv in SAME_BASIS]
    m = key & ind.value.isna() & ind.territory_id.isin(uncovered) & ind.level.isin(own_levels)
    ind.loc[m, ["note_code", "note_args"]] = [note_codes.MAYOTTE_SECTORS, ""]
    m = jbs.share.isna() & jbs.territory_id.isin(uncovered) & jbs.level.isin(own_levels)
    jbs.loc[m, ["note_code", "note_args"]] = [note_codes.MAYOTTE_SECTORS, ""]
    return ind, jbs
