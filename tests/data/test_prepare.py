"""Raw tables -> commune tables (portraits.data.prepare): weights of the IRIS shares, the merge
table, and the unit whose EPCI-level value each commune receives."""

from __future__ import annotations

import pandas as pd
import pytest

from _data_support import processed_value as val
from portraits.data import prepare, store


def test_prep_iris_weights():
    raw = {"ptod_iris": pd.DataFrame({"code": ["010010000"], "COM": ["01001"], "P22_POP": [200.0],
                                      "dm_0014_pct_22": [20.0], "dm_1524_pct_22": [10.0]})}
    out = prepare.prep_iris(raw)
    assert out.P22_POP15P.iloc[0] == pytest.approx(160.0)
    assert out.P22_POP25P.iloc[0] == pytest.approx(140.0)


def test_ile_de_france_industry_share_counts_each_ept_once(ind):
    """Outside the territories, the communes of the Métropole du Grand Paris get their EPT's
    value (not the Métropole's, which already contains the EPT members of ti-1101, ti-1104 and
    ti-1105): the region's value is then 6.72 %, not 6.97 %. Independent recomputation: jobs
    2018 of each commune of the region times the value of its EPT (PTOD 5k file), else of its
    EPCI (table d'appartenance 2022)."""
    raw = prepare.read_raw()
    k = raw["comparateur_2022"]
    cog = raw["cog_appartenance_2022"].set_index("CODGEO")
    c5 = raw["ptod_communes_5k"].set_index("code")
    ex = raw["ptod_epci_exdeco"].set_index("code").eco_sectindus_pct_22
    k = k[k.CODGEO.map(cog.REG).eq("11")]
    unit = k.CODGEO.map(c5.EPCI_EPT).fillna(k.CODGEO.map(cog.EPCI))
    v = unit.map(ex)
    ok = v.notna() & k.P18_EMPLT.notna()
    expected = (v[ok] * k.P18_EMPLT[ok]).sum() / k.P18_EMPLT[ok].sum()
    got = val(ind, "ti-1101", "industry_jobs_share", "region")
    assert got == pytest.approx(expected, abs=0.01)
    assert 6.70 < got < 6.73


def test_commune_merges_are_counted_once():
    """Real merges. Gouzangrez (95282), a member on the COG 2023, merged on 2024-01-01 into
    95169 (merge table, from the COG 2024): absent from the COG 2024 sources, it is reached
    through its new commune, itself a member, and counted once."""
    merges = prepare.commune_merges()
    assert merges["95282"] == "95169" and merges["08294"] == "08053"
    cov = store.table("coverage")
    c = cov[(cov.territory_id == "ti-1102") & (cov.source_id == "comparateur_2024")].iloc[0]
    assert c.n_merged_2024 == 1 and c.n_matched == c.n_member_communes
    com = store.communes("ti-1102")
    assert {"95282", "95169"} <= set(com.insee_com)
    # no source code is left without a commune of today's geography
    assert (cov.n_source_codes_unmatched == 0).all()


def test_ept_lookup_completes_the_5k_file_with_the_iris_file_and_the_supplement(tmp_path):
    """The 5k file gives the EPT of its communes; a smaller commune of the Métropole takes its EPT
    from the IRIS file (its epci column is the EPT there); Pierrefitte-sur-Seine (93059), in
    neither file, from ept_supplement.csv (Plaine Commune)."""
    c5 = pd.DataFrame({"EPCI": ["200054781", "200054781", "200067213"],
                       "EPCI_EPT": ["200057867", "200058006", "200067213"]},
                      index=pd.Index(["93066", "94033", "67482"], name="code"))
    iris = pd.DataFrame({"COM": ["94047", "94047", "01001"], "epci": ["200058006", "200058006", "200069193"]})
    look = prepare.ept_of_communes(c5, iris)
    assert look["93066"] == "200057867" and "67482" not in look       # outside the Métropole: none
    assert look["94047"] == "200058006" and "01001" not in look       # IRIS: only known EPT
    assert look["93059"] == "200057867"                                # the supplement
    other = tmp_path / "ept.csv"
    other.write_text("insee_com,ept_siren,name\n93066,999999999,x\n")
    assert prepare.ept_of_communes(c5, None, other)["93066"] == "200057867"  # files first


def test_the_median_is_weighted_by_the_population():
    raw = {"statloc_revenus": pd.DataFrame({"Code": ["01001", "75101"], "Nb de ménages fiscaux 2021": [346.0, 9.0],
                                            "Médiane du niveau de vie 2021": [25820.0, 30000.0]})}
    pop = pd.DataFrame({"code": ["01001"], "population_2021": [859.0]})
    out = prepare.prep_revenus(raw, pop)
    assert out.code.tolist() == ["01001"] and out.population_2021.tolist() == [859.0]
    med = store.catalogue().set_index("id").loc["median_income"]
    assert (med.numerator, med.denominator) == ("med21 * population_2021", "population_2021")


def test_ile_de_france_poverty_rate_counts_pierrefitte_in_plaine_commune(ind):
    """Pierrefitte-sur-Seine (32,379 inhabitants) is in no PTOD file: it used to be left out of
    the region (16.196); with Plaine Commune's 36.2 % it counts (16.248)."""
    assert val(ind, "ti-1101", "poverty_rate", "region") == pytest.approx(16.248, abs=0.001)
