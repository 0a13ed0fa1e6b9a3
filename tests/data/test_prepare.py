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
