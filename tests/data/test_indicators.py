"""Indicator values checked by hand against the raw files, and the aggregation rules.

The expected figures below were computed independently of the package, with awk on the
raw files (data/raw/...), summing the rows of the member communes listed in
ti2023_communes_cog2023_from_groupements.csv. The commands, run from data/raw:

  # comparateur 2024 (RP 2021): COM rows deduplicated (one row per postal code in the file),
  # Marseille/Lyon/Paris counted through their ARM rows (mapped to 13055/69123/75056)
  awk -F, -v t=ti-8413 'NR==FNR{ if($1==t) m[$3]=1; next}
      FNR>1 && ($7=="COM"||$7=="ARM") && !seen[$1]++ { code=($7=="ARM")?$8:$1;
      if(code in m){p+=$12;p15+=$13;a+=$19;ch+=$18;pop1564+=$17;s+=$11}}
      END{print p, p15, a, ch, pop1564, s, 100*ch/a, 100*a/pop1564, 100*(a-ch)/pop1564,
          100*((p/p15)^(1/6)-1), p/s}' \
      territoires-industrie-derived/ti2023_communes_cog2023_from_groupements.csv \
      insee_comparateur_2024_rp2021_subset/communes.csv
  # comparateur 2022 (RP 2018, establishments 2018): columns 19 P18_EMPLT, 20 P18_EMPLT_SAL,
  # 21 P13_EMPLT, 25 ETTOT18, 27 ETBE18, 33 ETTEFP1018
  awk -F'[,;]' -v t=ti-8413 'NR==FNR{ if($1==t) m[$3]=1; next} FNR>1 && ($1 in m){
      e+=$19;e13+=$21;sal+=$20;et+=$25;etb+=$27;et10+=$33}
      END{print e, 100*sal/e, 100*((e/e13)^(1/5)-1), et, 100*etb/et, 100*et10/et}' \
      territoires-industrie-derived/ti2023_communes_cog2023_from_groupements.csv \
      insee_comparateur_2022_rp2018/base_cc_comparateur.csv

Output (quoted):
  ti-8413 pop21=63434 pop15=63408 act=28901 chom=3228 p1564=38599 superf=688.80
          unemp=11.1692 act_rate=74.8750 emp_rate=66.5121 growth=0.006833 dens=92.0935
          jobs18=27447.4674 salshare=89.0519 jobs_growth=-0.717399 est=2244
          ind_est_share=20.8556 est10=20.3209
  ti-7506 (partial EPCI) pop21=115702 unemp=11.1900 act_rate=73.2669 growth=-0.656351
          dens=20.7896 jobs18=42753.0753 est=4004
  ti-2404 (two regions) pop21=193076 unemp=13.8449 jobs18=64247.8044
  ti-0401 (La Réunion) pop21=127924 unemp=33.0747 act_rate=65.3786 emp_rate=43.7548
  ti-9301 (with Marseille's 16 ARM) pop21=1911311 unemp=12.6135
  regions (same awk, keyed on column 2 insee_reg): r24=2573303 r84=8114361 r93=5127840
          FR=67406310; unemployment r84 = 10.2933
  France jobs 2018 (comparateur 2022 without ARM rows): 26599318.0153

Poverty rate (EPCI rates of PTOD, column 113 rev_txpauv_21, weighted by the population of
the member communes, comparateur 2024 column 12; column 14, households, for the old weighting):

  TI=territoires-industrie-derived/ti2023_communes_cog2023_from_groupements.csv
  EP=ptod_observatoire_derive/agg_epci_indicateurs.csv
  CM=insee_comparateur_2024_rp2021_subset/communes.csv
  awk -v t=ti-2404 -v ti=$TI -v ep=$EP 'FILENAME==ti{ if($1==t) e[$3]=$7; next}
      FILENAME==ep{ if(FNR>1) r[$1]=$113; next}
      FNR>1 && ($7=="COM"||$7=="ARM") && !seen[$1]++ { code=($7=="ARM")?$8:$1;
      if(code in e){ p+=$12; s+=$12*r[e[code]]; h+=$14; sh+=$14*r[e[code]]}}
      END{printf "persons=%.6f households=%.6f\n", s/p, sh/h}' FS=, $TI FS=';' $EP FS=, $CM
  -> ti-2404 persons=16.286591 households=16.318909; ti-8413 (one EPCI) 17.700000 both

IRIS shares (IRIS file: 2 COM, 10 P22_POP, 13 dm_0014_pct_22, 14 dm_1524_pct_22,
49 ouvriers, 38 cadres, 62 below-bac, 68 bac+2 or more): socio-professional groups weighted by
the population aged 15+ (P22_POP x (1 - 0-14 share)), diplomas by the population aged 25+
(P22_POP x (1 - 0-14 share - 15-24 share)); the old weighting by P22_POP for comparison:

  IR=ptod_observatoire_derive/iris_indicateurs_rp2022_metro.csv
  awk -v t=ti-8413 -v ti=$TI 'FILENAME==ti{ if($1==t) m[$3]=1; next}
      FNR>1 && ($2 in m) { if($13!=""){w=$10*(1-$13/100); if($49!=""){o+=$49*w; ow+=w}
        if($38!=""){c+=$38*w; cw+=w}}
        if($13!="" && $14!=""){v=$10*(1-($13+$14)/100); if($62!=""){i+=$62*v; iw+=v}
        if($68!=""){s+=$68*v; sw+=v}}
        if($49!=""){o0+=$49*$10; ow0+=$10} }
      END{printf "%.6f %.6f %.6f %.6f %.6f\n", o/ow, c/cw, i/iw, s/sw, o0/ow0}' FS=, $TI FS=';' $IR
  -> ti-8413 ouvriers 21.590751 cadres 5.579007 below-bac 59.925395 bac+2 12.707403
             (ouvriers weighted by P22_POP: 21.754313; PTOD's EPCI 200042935: 21.52, 5.6, 60.01, 12.67)
     ti-2404 ouvriers 15.211598 cadres 5.402232 below-bac 62.658296 bac+2 11.425751

Official values (agg_epci_indicateurs.csv, column 102 rev_med_21, 113 rev_txpauv_21):
  grep -E '^(00FR|200057990);' $EP | awk -F';' '{print $1, $102, $113}'
  -> 00FR 23080.0 14.9 ; 200057990 (EPT Boucle Nord de Seine, ti-1101) 22460.0 21.2

The EPCI-based industry share of ti-2404 was checked with pandas, independently:
sum over its 7 EPCI of eco_sectindus_pct_22 x (sum of P18_EMPLT of the EPCI's member
communes) / sum of P18_EMPLT = 21.508575; eco_eff_grandes_pct_23 weighted by
P18_EMPLT_SAL = 33.701925. ti-8413 is one EPCI (200042935): 34.57 and 24.33 exactly.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _data_support import processed_value as val
from portraits.core.errors import CatalogueError
from portraits.data import indicators, store


HAND = {
    "ti-8413": {"population": 63434, "population_growth": 0.006833, "density": 92.0935,
                "activity_rate": 74.8750, "employment_rate": 66.5121, "unemployment_rate": 11.1692,
                "jobs": 27447.4674, "jobs_growth": -0.717399, "salaried_jobs_share": 89.0519,
                "establishments": 2244, "industry_establishments_share": 20.8556,
                "establishments_10plus_share": 20.3209, "industry_jobs_share": 34.57,
                "large_establishments_jobs_share": 24.33, "poverty_rate": 17.7,
                "workers_share": 21.590751, "managers_share": 5.579007,
                "no_diploma_share": 59.925395, "higher_education_share": 12.707403},
    "ti-7506": {"population": 115702, "unemployment_rate": 11.1900, "activity_rate": 73.2669,
                "population_growth": -0.656351, "density": 20.7896, "jobs": 42753.0753,
                "establishments": 4004},
    "ti-2404": {"population": 193076, "unemployment_rate": 13.8449, "jobs": 64247.8044,
                "industry_jobs_share": 21.508575, "large_establishments_jobs_share": 33.701925,
                "poverty_rate": 16.286591, "workers_share": 15.211598, "managers_share": 5.402232,
                "no_diploma_share": 62.658296, "higher_education_share": 11.425751},
    "ti-1101": {"median_income": 22460.0, "poverty_rate": 21.2},
    "ti-0401": {"population": 127924, "unemployment_rate": 33.0747, "activity_rate": 65.3786,
                "employment_rate": 43.7548},
    "ti-9301": {"population": 1911311, "unemployment_rate": 12.6135},
}


@pytest.mark.parametrize("tid,iid,expected",
                         [(t, i, v) for t, d in HAND.items() for i, v in d.items()])
def test_hand_checked_values(ind, tid, iid, expected):
    # awk printed 4 decimals (6 for the growth rates)
    assert val(ind, tid, iid) == pytest.approx(expected, abs=1e-4 if abs(expected) > 1 else 1e-6)


def test_benchmarks_hand_checked(ind):
    assert val(ind, "ti-8413", "population", "region") == 8114361
    assert val(ind, "ti-8413", "unemployment_rate", "region") == pytest.approx(10.2933, abs=1e-4)
    assert val(ind, "ti-9301", "population", "region") == 5127840          # Marseille via its ARM
    assert val(ind, "ti-8413", "population", "france") == 67406310
    assert val(ind, "ti-8413", "jobs", "france") == pytest.approx(26599318.0153, abs=1e-3)


def test_all_territories_is_the_pooled_sum(ind):
    t = ind[(ind.level == "territory") & (ind.indicator_id == "population")]
    pooled = val(ind, "ti-8413", "population", "all_territories")
    assert pooled == pytest.approx(t.value.sum(skipna=True))
    # a rate of the pool is the ratio of pooled sums, not the mean of the 183 rates
    pooled_rate = val(ind, "ti-8413", "unemployment_rate", "all_territories")
    mean_rate = ind[(ind.level == "territory") & (ind.indicator_id == "unemployment_rate")].value.mean()
    assert not math.isclose(pooled_rate, mean_rate, rel_tol=1e-6)


# The communes of the Territoires d'industrie in Auvergne-Rhône-Alpes, from the raw files with
# pandas (awk splits the quoted commune names that hold a comma), run from the repository:
#   raw = pd.read_csv("data/raw/territoires-industrie-derived/ti2023_communes_cog2023_from_groupements.csv", dtype=str)
#   cp = pd.read_csv("data/raw/insee_comparateur_2024_rp2021_subset/communes.csv", dtype=str)
#   cp = cp[cp.commune_type.isin(["COM", "ARM"])].drop_duplicates("insee_com")
#   cp["code"] = cp.insee_parente.where(cp.commune_type == "ARM", cp.insee_com)
#   s = cp[cp.code.isin(set(raw.loc[raw.insee_reg == "84", "insee_com"]))]
# -> 2277 communes, population_2021 4582839, active 2121678, unemployed 220802 (10.40695 %).
# It is not the sum of the territories whose region is 84 (4464989): a territory over two
# regions counts in each region for its communes there, as the region benchmark does.
def test_region_territories_is_the_pool_of_the_regions_territories(ind):
    for tid in ("ti-8413", "ti-8401", "ti-2703"):   # ti-2703: region 27, not pooled in 84
        row = ind[(ind.territory_id == tid) & (ind.level == "region_territories") & (ind.indicator_id == "population")]
        if tid == "ti-2703":
            assert row.geo_code.item() == "27"
            continue
        assert row.geo_code.item() == "84" and row.value.item() == 4582839
    assert val(ind, "ti-8413", "unemployment_rate", "region_territories") == pytest.approx(10.40695, abs=1e-5)
    # the rate of the pool is the ratio of its pooled sums
    assert val(ind, "ti-8413", "active_population", "region_territories") == 2121678


def test_a_pool_of_approximations_is_an_approximation(ind):
    cat = store.catalogue().set_index("id")
    pooled = ind[ind.level == "region_territories"]
    assert (pooled.approx == pooled.indicator_id.map(cat.approximation).astype(bool)).all()
    # ti-8413 is one whole EPCI: its own median is exact, the pool of its region's is not
    row = ind[(ind.territory_id == "ti-8413") & (ind.indicator_id == "median_income")].set_index("level")
    assert not row.loc["territory", "approx"] and row.loc["region_territories", "approx"]


def test_a_region_with_one_territory_pools_that_territory(ind):
    """Mayotte's one territory is the whole pool: the same values (the census has none for
    Mayotte: missing on both levels, with the same notes)."""
    m = ind[ind.territory_id.eq("ti-0601")].pivot(index="indicator_id", columns="level", values="value")
    assert m["territory"].equals(m["region_territories"])
    notes = ind[ind.territory_id.eq("ti-0601")].pivot(index="indicator_id", columns="level", values="note_code")
    assert notes.loc["population", "region_territories"] == notes.loc["population", "territory"] == "mayotte_census_2021"


def test_every_territory_has_20_indicators_and_four_levels(ind):
    assert ind.territory_id.nunique() == 183
    assert ind.indicator_id.nunique() >= 20
    per = ind.groupby("territory_id").indicator_id.nunique()
    assert (per >= 20).all()
    assert set(ind.level) == set(indicators.LEVELS)
    metro = store.list_territories().query("not overseas").territory_id
    t = ind[(ind.level == "territory") & ind.territory_id.isin(metro)]
    assert t.value.notna().all(), t[t.value.isna()]


def test_poverty_rate_is_weighted_by_persons(ind):
    # awk (module docstring): 16.286591 weighted by population, 16.318909 by households
    assert val(ind, "ti-2404", "poverty_rate") == pytest.approx(16.286591, abs=1e-6)
    assert abs(val(ind, "ti-2404", "poverty_rate") - 16.318909) > 0.03
    assert store.catalogue().set_index("id").loc["poverty_rate", "denominator"] == "population_2021"


def test_iris_shares_weighted_by_population_15_or_25_plus(ind):
    cat = store.catalogue().set_index("id")
    for iid in ["workers_share", "managers_share"]:
        assert cat.loc[iid, "denominator"] == "P22_POP15P"
    for iid in ["no_diploma_share", "higher_education_share"]:
        assert cat.loc[iid, "denominator"] == "P22_POP25P"
    assert cat.loc["share_60_plus", "denominator"] == "P22_POP"     # a share of everyone
    # not the old weighting by the whole population (awk: 21.754313)
    assert abs(val(ind, "ti-8413", "workers_share") - 21.754313) > 0.1


def test_no_diploma_share_says_non_bacheliers():
    c = store.catalogue().set_index("id").loc["no_diploma_share"]
    for field in ("label", "short_label", "definition"):
        assert "non-bachelier" in c[field], field
    assert "sans diplôme" not in c["label"]


# -------------------------------------------------------------- aggregation rules (unit)

def _table():
    return pd.DataFrame({
        "territory_id": ["a", "a", "b", None, None],
        "reg": ["11", "11", "11", "11", "24"],
        "num": [10.0, 30.0, 5.0, 100.0, np.nan],
        "den": [100.0, 100.0, 50.0, 400.0, 10.0],
        "start": [100.0, 100.0, 50.0, 400.0, 10.0],
        "end": [110.0, 121.0, 50.0, 400.0, 12.0],
    })


def test_ratio_of_sums_not_mean_of_ratios():
    ind = {"id": "x", "aggregation": "ratio", "numerator": "num", "denominator": "den", "scale": 100}
    v = indicators.compute(ind, _table())
    assert v["territory"]["a"] == pytest.approx(20.0)        # (10+30)/(100+100), not mean(10,30)
    assert v["region"]["11"] == pytest.approx(100 * 145 / 650)
    assert v["france"]["FR"] == pytest.approx(100 * 145 / 650)  # the row with no numerator is left out of both
    assert math.isnan(v["region"]["24"])                   # no known value: missing, not 0
    assert v["all_territories"]["TI"] == pytest.approx(100 * 45 / 250)


def test_growth_and_change():
    g = {"id": "g", "aggregation": "growth", "numerator": "end", "denominator": "start", "years": 2, "scale": 1}
    v = indicators.compute(g, _table())
    assert v["territory"]["a"] == pytest.approx(((231 / 200) ** 0.5 - 1) * 100)
    c = {"id": "c", "aggregation": "change", "numerator": "end", "denominator": "start", "scale": 1}
    assert indicators.compute(c, _table())["territory"]["b"] == pytest.approx(0.0)


def test_weighted_mean_and_expressions():
    t = _table().assign(share=[10.0, 20.0, np.nan, 5.0, 7.0])
    w = {"id": "w", "aggregation": "weighted", "numerator": "share * den", "denominator": "den", "scale": 1}
    v = indicators.compute(w, t)
    assert v["territory"]["a"] == pytest.approx(15.0)
    assert math.isnan(v["territory"]["b"])                 # its only commune has no value
    e = {"id": "e", "aggregation": "ratio", "numerator": "den - num", "denominator": "den", "scale": 100}
    assert indicators.compute(e, _table())["territory"]["a"] == pytest.approx(80.0)


def test_sum_keeps_missing_as_missing():
    s = {"id": "s", "aggregation": "sum", "numerator": "num", "denominator": "", "scale": 1}
    v = indicators.compute(s, _table())
    assert math.isnan(v["region"]["24"]) and v["region"]["11"] == 145


def test_rank_desc():
    ranks, n = indicators.rank_desc(pd.Series([3.0, np.nan, 5.0, 3.0]))
    assert n == 3
    assert ranks.iloc[0] == 2 and ranks.iloc[2] == 1 and ranks.iloc[3] == 2 and pd.isna(ranks.iloc[1])


def test_catalogue_is_complete():
    cat = indicators.load_catalogue()
    ids = [c["id"] for c in cat]
    for required in ["population", "population_growth", "density", "share_60_plus", "activity_rate",
                     "employment_rate", "unemployment_rate", "workers_share", "managers_share",
                     "no_diploma_share", "jobs", "jobs_growth", "salaried_jobs_share",
                     "employment_concentration", "industry_jobs_share", "private_jobs_growth",
                     "establishments", "industry_establishments_share", "establishments_10plus_share",
                     "large_establishments_jobs_share", "median_income", "poverty_rate"]:
        assert required in ids
    for c in cat:
        assert c["definition"] and c["method"] and c["label"]
        if c["aggregation"] != "sum":
            assert c["denominator"]


def test_population_growth_on_constant_geography(ind):
    """ti-5215 holds Montaigu-Vendée (85146), a commune nouvelle of 2019. The comparateur
    2024 gives its 2015 population on today's geography (19,942); the annual population file
    gives the old commune's (5,180), which would make the growth +7.2 %/year. Same awk as in
    the module docstring with t=ti-5215: pop21=50102 pop15=47742 growth=0.807399."""
    assert val(ind, "ti-5215", "population_growth") == pytest.approx(0.807399, abs=1e-6)


def _catalogue_with(tmp_path, edit) -> Path:
    """A copy of the real catalogue with ``edit`` (text -> text) applied."""
    path = tmp_path / "indicators.toml"
    path.write_text(edit(indicators.CATALOGUE_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_roles_are_the_fields_the_catalogue_declares():
    by_id = {e["id"]: e for e in indicators.load_catalogue()}
    assert {"key_figure", "series"} <= indicators.roles(by_id["private_jobs_growth"])
    assert "breakdown" in indicators.roles(by_id["industry_jobs_share"])
    assert "series" not in indicators.roles(by_id["population"])
    # the site's places come from the catalogue, in the ranks it gives
    columns = indicators.site_indicators("catalogue_column")
    assert [by_id[i]["catalogue_column"] for i in columns] == list(range(1, len(columns) + 1))
    assert indicators.default_map_indicator() in columns + indicators.site_indicators("catalogue_map")


def test_an_entry_is_the_catalogues_read_once():
    by_id = {e["id"]: e for e in indicators.load_catalogue()}
    assert indicators.entry("population") == by_id["population"] and indicators.entry("no_such") == {}
    assert indicators.entry("population") is indicators.entry("population")  # not parsed again


def test_a_role_the_catalogue_does_not_declare_is_a_clear_error():
    assert indicators.require_role("population", "key_figure")["id"] == "population"
    with pytest.raises(CatalogueError, match="population cannot be used as series: indicators.toml "
                                             "declares no series for it"):
        indicators.require_role("population", "series")
    with pytest.raises(CatalogueError, match="unknown indicator 'nope'"):
        indicators.require_role("nope", "key_figure")


def test_without_its_words_an_indicator_is_no_key_figure(tmp_path):
    path = _catalogue_with(tmp_path, lambda t: t.replace('key_figure = "habitants"\n', ""))
    with pytest.raises(CatalogueError, match="population cannot be used as key figure"):
        indicators.require_role("population", "key_figure", path)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("catalogue_column = 2\n", "catalogue_column = 1\n"), "catalogue_column must number"),
    (lambda t: t.replace("catalogue_map = 3\n", "catalogue_map = 3\ncatalogue_map_default = true\n"),
     "catalogue_map_default must be on one indicator"),
    (lambda t: t.replace("catalogue_map_default = true\n", ""), "no indicator has catalogue_map_default"),
])
def test_site_places_are_checked(tmp_path, edit, message):
    with pytest.raises(CatalogueError, match=message):
        indicators.load_catalogue(_catalogue_with(tmp_path, edit))


def test_published_figures_are_declared_in_the_catalogue(tmp_path):
    """The source's own figures (France's national row; a single-unit territory's value) are
    declared per indicator, and each names a column its raw file's schema reads."""
    from portraits.data import schemas

    both, france_only = indicators.published(unit=True), indicators.published(unit=False)
    assert "median_income" in both and "workers_share" in france_only and not set(both) & set(france_only)
    for source, column in {**both, **france_only}.values():
        assert column in schemas.SPECS[source].columns
    with pytest.raises(CatalogueError, match="published needs"):
        indicators.load_catalogue(_catalogue_with(tmp_path, lambda t: t.replace('column = "rev_med_21"', 'col = "x"')))


def test_the_charts_an_indicator_appears_in_are_declared_in_the_catalogue():
    charts = indicators.chart_indicators()
    assert charts["sectors"] == ["industry_jobs_share"] and charts["private_jobs"] == ["private_jobs_growth"]
    assert "chart" in indicators.roles(next(e for e in indicators.load_catalogue() if e["id"] == "establishments"))
