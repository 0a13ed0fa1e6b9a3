"""The notes of the processed tables, as codes: why a value is missing, how it was estimated,
what a benchmark covers. A row carries at most one note: ``note_code`` (one of ``CODES``) and
``note_args``, its parameters as a JSON object ("" when it has none). The data layer writes no
sentence: the French text of each code is in ``portraits/text/notes.toml``
(``portraits.text.notes.note_text``), so rewording a note does not rerun ``portraits data``."""

from __future__ import annotations

import json

import pandas as pd

from portraits.core import levels
from portraits.data import sources, territories
from portraits.data.territories import isin

# Missing values (gap_notes): where a source does not cover an overseas place, the note its
# manifest entry declares (data/sources.toml: overseas_gap); otherwise one of these.
SECRET = "secret"                      # statistical secrecy (the region has a value)
NOT_IN_SOURCE = "not_in_source"
YEAR_NOTES = frozenset({"filosofi_overseas"})   # notes that name the indicator's year: {"year"}
SECRET_COMMUNES = "secret_communes"    # median income: {"n_missing", "n_communes"} communes left out
PARTIAL_MEMBERS = "partial_members"    # members not whole EPCI: {"ept", "own", "whole_epci", "epci"}
TWO_REGIONS = "two_regions"            # region row of a territory over two regions
ALL_TERRITORIES_METRO = "all_territories_metro"   # {"n_territories"}: the metropolitan ones
# pooled median income: {"n_territories", "n_overseas"}, the territories with a median, of which
# overseas (Martinique, La Réunion), while the France row is metropolitan
ALL_TERRITORIES_OVERSEAS = "all_territories_with_overseas"
# The overseas industry share and sectors from Flores (portraits.data.overseas), each with
# {"census_year", "flores_year"}: the years of both bases
FLORES_TERRITORY = "flores_overseas"           # indicators: the territory's estimated share
FLORES_SECTORS = "flores_overseas_sectors"     # jobs_by_sector: the territory's estimated shares
FLORES_REGION = "flores_region"                # the region on the same basis
# each benchmark on the territory's basis (portraits.core.levels same_basis): its Flores note,
# flores_<level> ("flores_region", "flores_region_territories"), worded in notes.toml
FLORES_SAME_BASIS = {lv.id: f"flores_{lv.id}" for lv in levels.LEVELS if lv.same_basis and lv is not levels.TERRITORY}
FLORES_BENCH = {"france": "flores_france", "all_territories": "flores_all_territories"}  # other basis
MAYOTTE_SECTORS = "mayotte_sectors"            # neither the census shares nor Flores cover Mayotte
# a38.match_method: how Flores' zones d'emploi are apportioned to a territory
A38_METHOD = "a38_ze_population"


def _manifest_codes() -> set[str]:
    """The notes the source manifest declares (what each source covers)."""
    return {code for s in sources.covering().values() for code in (s.overseas_gap, s.france_note) if code}


CODES = frozenset({SECRET, NOT_IN_SOURCE, SECRET_COMMUNES, PARTIAL_MEMBERS, TWO_REGIONS, ALL_TERRITORIES_METRO,
                   ALL_TERRITORIES_OVERSEAS, FLORES_TERRITORY, FLORES_SECTORS, *FLORES_SAME_BASIS.values(),
                   *FLORES_BENCH.values(), MAYOTTE_SECTORS, *_manifest_codes()})


def args_json(**args) -> str:
    """A note's parameters as stored in ``note_args`` (JSON, readable in the CSV)."""
    return json.dumps(args, ensure_ascii=False, sort_keys=True)


def gap_notes(cat, ind_df: pd.DataFrame, terr: pd.DataFrame) -> pd.DataFrame:
    """Explain every missing value by a code and set its status: ``nd`` when the source does
    not cover the place, ``s`` when it covers it but withholds the value."""
    gap_of = {i["id"]: sources.coverage_of(i["source"]).overseas_gap for i in cat}
    year_of = {i["id"]: str(i["millesime"]) for i in cat}
    overseas = set(terr.loc[terr.overseas, "territory_id"])
    reg_val = ind_df[ind_df.level == "region"].set_index(["territory_id", "indicator_id"]).value
    miss = ind_df.value.isna()
    codes, args, status = [], [], []
    for row in ind_df[miss].itertuples():
        in_overseas = row.territory_id in overseas if row.level == "territory" else (
            row.geo_code in territories.OVERSEAS_REGIONS)
        st = "nd"
        if gap_of[row.indicator_id] and in_overseas:
            code = gap_of[row.indicator_id]
        elif row.level == "territory" and pd.notna(reg_val.get((row.territory_id, row.indicator_id))):
            code, st = SECRET, "s"
        else:
            code = NOT_IN_SOURCE
        codes.append(code)
        # the Filosofi note names the indicator's year
        args.append(args_json(year=year_of[row.indicator_id]) if code in YEAR_NOTES else "")
        status.append(st)
    ind_df.loc[miss, "note_code"] = codes
    ind_df.loc[miss, "note_args"] = args
    ind_df.loc[miss, "status"] = status
    return ind_df


def secrecy_notes(ind_df: pd.DataFrame, rev: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Median income: how many member communes have no published median (excluded)."""
    have = set(rev.loc[rev.med21.notna(), "ref"].astype(str))
    n = communes.groupby("territory_id").size()
    k = communes[~isin(communes.insee_com, have)].groupby("territory_id").size()
    m = ind_df.level.eq("territory") & ind_df.indicator_id.eq("median_income") & ind_df.value.notna()
    for idx in ind_df.index[m]:
        tid = ind_df.at[idx, "territory_id"]
        miss = int(k.get(tid, 0))
        if miss:
            ind_df.at[idx, "note_code"] = SECRET_COMMUNES
            ind_df.at[idx, "note_args"] = args_json(n_missing=miss, n_communes=int(n[tid]))
    return ind_df


def partial_notes(ind_df, src_cols: dict[str, pd.Series], tables: dict[str, pd.DataFrame],
                  communes: pd.DataFrame) -> pd.DataFrame:
    """EPCI-based indicators: for territories whose members are not all whole EPCI, how many of
    their other member communes received their EPT's value (``ept``), their own (``own``) or
    their whole EPCI's (``whole_epci``, those EPCI named in ``epci``)."""
    names = dict(zip(communes.siren_epci.tolist(), communes.epci_name.tolist()))
    for iid, src in src_cols.items():
        tab = tables[iid]
        df = pd.DataFrame({"tid": tab.territory_id, "src": src, "ref": tab.ref, "epci": tab.epci})
        df = df[df.src != ""].drop_duplicates("ref")
        for tid, g in df.groupby("tid"):
            n = g.src.value_counts()
            epci = sorted({names.get(x, x) for x in g.loc[g.src == "epci_entier", "epci"].dropna()})
            m = ind_df.level.eq("territory") & ind_df.territory_id.eq(tid) & ind_df.indicator_id.eq(iid)
            m &= ind_df.value.notna()
            ind_df.loc[m, "note_code"] = PARTIAL_MEMBERS
            ind_df.loc[m, "note_args"] = args_json(ept=int(n.get("ept", 0)), own=int(n.get("commune", 0)),
                                                   whole_epci=int(n.get("epci_entier", 0)), epci=epci)
    return ind_df


def _set_where_empty(ind: pd.DataFrame, m: pd.Series, code: str, args: str = "") -> None:
    m = m & ind.note_code.eq("")
    ind.loc[m, "note_code"] = code
    ind.loc[m, "note_args"] = args


def scope_notes(cat, ind: pd.DataFrame, terr: pd.DataFrame) -> pd.DataFrame:
    """What a benchmark covers, on the rows that have no note yet: the region of a territory
    over two regions, the territories of a metropolitan source, and France as each source's
    manifest entry says (``france_note``)."""
    # the region benchmark of a territory spanning two regions is the region of its id
    two = set(terr.loc[terr.regions.str.contains(";"), "territory_id"])
    _set_where_empty(ind, ind.level.eq("region") & ind.territory_id.isin(two), TWO_REGIONS)
    fr_metro = {i["id"] for i in cat if sources.coverage_of(i["source"]).metropolitan_only}
    n_metro = int((~terr.overseas).sum())
    _set_where_empty(ind, ind.level.eq("all_territories") & ind.indicator_id.isin(fr_metro),
                     ALL_TERRITORIES_METRO, args_json(n_territories=n_metro))
    # (median income: the France row is the national row of PTOD, metropolitan France, said
    # by france_scope); its pooled territories include the overseas ones that have a median
    med = ind.level.eq("territory") & ind.indicator_id.eq("median_income") & ind.value.notna()
    with_value = set(ind.loc[med, "territory_id"])
    n_over = len(with_value & set(terr.loc[terr.overseas, "territory_id"]))
    if n_over:
        _set_where_empty(ind, ind.level.eq("all_territories") & ind.indicator_id.eq("median_income"),
                         ALL_TERRITORIES_OVERSEAS, args_json(n_territories=len(with_value), n_overseas=n_over))
    for i in cat:
        if code := sources.coverage_of(i["source"]).france_note:
            _set_where_empty(ind, ind.level.eq("france") & ind.indicator_id.eq(i["id"]), code)
    return ind
