"""Indicators on four levels (portraits.data.compute): ranks, approximation flags, the source's own
figures where it publishes them (single-unit territories, France's national row), the France
scope codes, and the expansion of level tables into benchmark rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from _data_support import processed_value as val
from portraits.core import levels
from portraits.data import compute, indicators, store


def test_benchmark_rows_repeat_each_level_for_every_territory():
    terr = pd.DataFrame({"territory_id": ["ti-a", "ti-b"], "region_code": ["84", "11"], "name": ["A", "B"]})
    places = {"territory_id": ["ti-a", "ti-b"], "reg": ["84", "11"]}   # each grouping's places
    per = {lv.id: pd.DataFrame({"v": [10.0 * k + 1, 10.0 * k + 2][:len(places.get(lv.grouping.by, [0]))]},
                               index=places.get(lv.grouping.by, [lv.grouping.code]))
           for k, lv in enumerate(levels.LEVELS)}
    out = compute.benchmark_rows(terr, per)
    assert len(out) == 2 * len(levels.LEVELS)
    b = out[out.territory_id == "ti-b"].set_index("level")
    assert b.v.to_dict() == {lv.id: per[lv.id].v.iloc[-1] for lv in levels.LEVELS}
    assert b.loc["territory", "v"] == 2.0 and b.loc["region", "v"] == 12.0 and b.loc["france", "v"] == 21.0
    assert b.loc["region", "geo_label"] == "Île-de-France" and b.loc["france", "geo_label"] == "France"
    assert (b.loc["region_territories", "geo_code"], b.loc["region_territories", "geo_label"]) == (
        "11", "Territoires d'industrie de la région Île-de-France")


def test_ranks(ind):
    t = ind[(ind.level == "territory") & (ind.indicator_id == "industry_jobs_share")]
    # the overseas values (Flores, another basis) are not ranked: see tests/data/test_overseas.py
    assert t.n_ranked.iloc[0] == t["rank"].notna().sum() == t.value.notna().sum() - 9
    top = t.loc[t.value.idxmax()]
    assert top["rank"] == 1
    assert t["rank"].max() <= t.n_ranked.iloc[0]
    assert t[t.value.isna()]["rank"].isna().all()
    assert ind[ind.level != "territory"]["rank"].isna().all()


# territories made of one whole EPCI or EPT: the source's value for that unit is exact
SINGLE_UNIT = {"ti-8413", "ti-1101", "ti-5215"}


OFFICIAL = ["industry_jobs_share", "large_establishments_jobs_share", "median_income", "poverty_rate"]


def test_approximations_are_flagged(ind):
    cat = store.catalogue().set_index("id")
    for iid in OFFICIAL + ["workers_share", "employment_concentration"]:
        assert cat.loc[iid, "approximation"]
        rows = ind[(ind.indicator_id == iid) & ind.territory_id.isin(SINGLE_UNIT | {"ti-2404"})]
        exact = pd.Series(False, index=rows.index)
        if iid in OFFICIAL:
            # the France row is the source's national row; a single-unit territory, its unit's value
            exact = rows.level.eq("france") | (rows.level.eq("territory") & rows.territory_id.isin(SINGLE_UNIT))
        if iid in compute.NATIONAL_ONLY:  # the IRIS shares: France from 00FR only
            exact = rows.level.eq("france")
        assert not rows[exact].approx.any(), iid
        assert rows[~exact].approx.all(), iid
    assert not ind[ind.indicator_id == "unemployment_rate"].approx.any()


def test_single_epci_median_is_the_official_one(ind):
    """ti-1101 is the EPT Boucle Nord de Seine alone: its median is the EPCI file's
    (22,460 €), not the household-weighted mean of its commune medians (23,609 €)."""
    row = ind[(ind.territory_id == "ti-1101") & (ind.indicator_id == "median_income")
              & (ind.level == "territory")].iloc[0]
    assert row.value == 22460.0 and not row.approx and row.source_id == "ptod_epci"
    assert row.note_code == "" and row.note_args == ""  # no commune is left out of an official median
    t = ind[(ind.indicator_id == "median_income") & (ind.level == "territory")]
    single = t[~t.approx]
    assert len(single) == 36                   # 34 single-EPCI + 2 single-EPT metropolitan territories
    assert set(single.source_id) == {"ptod_epci"}
    # the ranks include the replaced values
    expected, n = indicators.rank_desc(t.value.reset_index(drop=True))
    assert t["rank"].reset_index(drop=True).equals(expected) and (t.n_ranked == n).all()
    # a territory of several EPCI keeps the weighted mean of commune medians, flagged
    multi = t[t.territory_id == "ti-2404"].iloc[0]
    assert multi.approx and multi.source_id == "statloc_revenus"


def test_france_is_the_national_row_where_the_source_has_one(ind):
    """PTOD's 00FR row: median 23,080 € (the mean of commune medians gave 23,332 €),
    poverty 14.9 %, industry share 11.62 %, jobs in establishments of 100+ 41.5 %."""
    for iid, expected in [("median_income", 23080.0), ("poverty_rate", 14.9),
                          ("industry_jobs_share", 11.62), ("large_establishments_jobs_share", 41.5)]:
        rows = ind[(ind.indicator_id == iid) & (ind.level == "france")]
        assert (rows.value == expected).all(), iid
        assert not rows.approx.any() and (rows.france_scope == "fm").all(), iid
    jbs = store.table("jobs_by_sector")
    fr = jbs[(jbs.territory_id == "ti-8413") & (jbs.level == "france")].set_index("sector_id").share
    assert fr["industry"] == 11.62 and fr.sum() == pytest.approx(100.0)


FRANCE_SCOPE = {  # fr = metropolitan France and the overseas departments, fm = metropolitan only
    "fr": ["population", "population_growth", "density", "active_population", "activity_rate",
           "employment_rate", "unemployment_rate", "jobs", "jobs_growth", "salaried_jobs_share",
           "employment_concentration", "private_jobs", "private_jobs_growth", "establishments",
           "industry_establishments_share", "establishments_10plus_share"],
    "fm": ["share_60_plus", "workers_share", "managers_share", "no_diploma_share",
           "higher_education_share", "industry_jobs_share", "large_establishments_jobs_share",
           "median_income", "poverty_rate"],
}


def test_france_scope_codes(ind):
    assert set(ind.france_scope) == {"fr", "fm"}
    # one code per indicator, on every row
    assert (ind.groupby("indicator_id").france_scope.nunique() == 1).all()
    code = ind.drop_duplicates("indicator_id").set_index("indicator_id").france_scope
    assert set(code.index) == {i for ids in FRANCE_SCOPE.values() for i in ids}
    for scope, ids in FRANCE_SCOPE.items():
        for iid in ids:
            assert code[iid] == scope, iid
    # an fr France includes the overseas departments: more than the metropolitan population
    assert val(ind, "ti-8413", "population", "france") == 67406310
    w = store.indicators("ti-8413").set_index("indicator_id")
    assert w.loc["median_income", "france_scope"] == "fm" and w.loc["population", "france_scope"] == "fr"
    assert not w.loc["median_income", "france_approx"] and w.loc["median_income", "region_approx"]


@pytest.mark.parametrize("iid, national", [("workers_share", 11.64), ("managers_share", 10.79),
                                           ("no_diploma_share", 48.6), ("higher_education_share", 22.17)])
def test_iris_shares_take_france_from_the_national_row(ind, iid, national):
    row = ind[(ind.indicator_id == iid) & ind.level.eq("france")].iloc[0]
    assert row.value == pytest.approx(national) and not row.approx and row.source_id == "ptod_epci"


def test_the_pooled_median_says_it_includes_overseas_territories(ind):
    row = ind[(ind.indicator_id == "median_income") & ind.level.eq("all_territories")].iloc[0]
    assert row.note_code == "all_territories_with_overseas"
    assert json.loads(row.note_args) == {"n_territories": 177, "n_overseas": 4}
