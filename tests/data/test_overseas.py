"""Overseas industry share and sectors: the Flores fallback (docs/DATA.md, "Overseas industry
share and sectors").

The expected figures were computed independently of the package, with awk on the raw files:
each zone d'emploi's Flores 2023 salaried jobs (column 7 eff_23, by column 4 a5) times the share
of the zone's population 2021 (comparateur 2024, COM rows, column 12) that lives in the place;
communes placed in their zone by the table d'appartenance 2022 (column 9 ZE2020). Run from
data/raw, with flores_check.awk:

  FILENAME ~ /groupements/ { split($0, f, ","); if (f[1]==t) m[f[3]]=1; next }
  FILENAME ~ /_COM.csv/ { if (FNR>1) ze[$1]=$9; next }
  FILENAME ~ /communes.csv/ { split($0, f, ",");
    if (FNR>1 && f[7]=="COM" && !seen[f[1]]++ && (f[1] in ze)) {
      zp[ze[f[1]]]+=f[12]; if ((t!="" && f[1] in m) || (r!="" && f[2]==r)) tp[ze[f[1]]]+=f[12] }; next }
  FILENAME ~ /flores/ { if (FNR>1 && ($1 in tp)) { w=tp[$1]/zp[$1]; tot+=w*$7; s[$4]+=w*$7 } }
  END { for (z in tp) printf "zone %s pop_in=%d zone_pop=%d w=%.6f\\n", z, tp[z], zp[z], tp[z]/zp[z];
        for (k in s) printf "%s %.4f %.6f\\n", k, s[k], 100*s[k]/tot; printf "total %.4f\\n", tot }

  awk -F';' -v t=ti-0101 -f flores_check.awk \\
      territoires-industrie-derived/ti2023_communes_cog2023_from_groupements.csv \\
      insee_cog_appartenance_2022/table_appartenance_geo_communes_22_COM.csv \\
      insee_comparateur_2024_rp2021_subset/communes.csv \\
      ptod_observatoire_derive/exdeco_pivot_flores_a38_ze2020.csv
  (then -v r=01 for Guadeloupe, -v t=ti-0401 and -v r=04 for La Réunion)

Output (quoted):
  ti-0101  zone 0105 pop_in=69592 zone_pop=69592 w=1; zone 0101 pop_in=16444 w=1;
           zone 0104 pop_in=68067 zone_pop=232943 w=0.292205
           AZ 1107.6614 2.147384  BE 3426.4039 6.642647  FZ 2501.0832 4.848761
           GU 18888.5294 36.618519  OQ 25658.2260 49.742689  total 51581.9038
  r=01     (zones 0101-0105, all whole) BE 10189 of 127411: 7.996955
  ti-0401  (zone 0401, whole) BE 2153 of 28092: 7.664104
  r=04     (zones 0401-0404) BE 21062 of 283867: 7.419672
i.e. ti-0101 industry share = (1 x BE(0105) + 1 x BE(0101) + 0.292205 x BE(0104))
/ (same weights x all sectors) = 3426.4039 / 51581.9038 = 6.642647 %.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _data_support import processed_row
from portraits.data import note_codes, store

OVERSEAS_WITH_ZONE = ["ti-0101", "ti-0102", "ti-0103", "ti-0201", "ti-0202", "ti-0301", "ti-0302",
                      "ti-0401", "ti-0402"]
IID = "industry_jobs_share"
YEARS = {"census_year": "2022", "flores_year": "2023"}  # the notes name both bases' years


def row(ind, tid, level):
    return processed_row(ind, tid, IID, level)


@pytest.mark.parametrize("tid, level, expected", [
    ("ti-0101", "territory", 6.642647), ("ti-0101", "region", 7.996955),
    ("ti-0401", "territory", 7.664104), ("ti-0401", "region", 7.419672),
])
def test_hand_checked_flores_industry_share(ind, tid, level, expected):
    r = row(ind, tid, level)
    assert r.value == pytest.approx(expected, abs=1e-5)
    assert r.year == "2023" and r.status == "ok" and bool(r.approx)


def test_hand_checked_sector_breakdown_ti_0101(processed):
    j = store.jobs_by_sector("ti-0101")
    t = j[j.level == "territory"].set_index("sector_id")
    expected = {"agriculture": 2.147384, "industry": 6.642647, "construction": 4.848761,
                "services": 36.618519, "public": 49.742689}
    for sid, v in expected.items():
        assert t.loc[sid, "share"] == pytest.approx(v, abs=1e-5), sid
    assert t.share.sum() == pytest.approx(100.0)
    assert (t.year == "2023").all() and t.approx.all()
    assert (t.source_id == "flores_a38_ze").all() and not t.comparable.any()
    assert (t.note_code == note_codes.FLORES_SECTORS).all() and t.note_args.map(json.loads).eq(YEARS).all()
    reg = j[j.level == "region"]
    assert (reg.year == "2023").all() and (reg.source_id == "flores_a38_ze").all()
    assert reg.set_index("sector_id").loc["industry", "share"] == pytest.approx(7.996955, abs=1e-5)
    # the France and all-territories rows stay census-based, and say they are another basis
    bench = j[j.level.isin(["france", "all_territories"])]
    assert (bench.year == "2022").all() and (bench.source_id == "ptod_epci_exdeco").all()
    assert bench.level.map(note_codes.FLORES_BENCH).eq(bench.note_code).all()
    assert bench[bench.level == "all_territories"].note_args.map(json.loads).eq(
        {"n_territories": 173, **YEARS}).all()


@pytest.mark.parametrize("tid", OVERSEAS_WITH_ZONE)
def test_fallback_flags_notes_and_no_rank(ind, tid):
    t = row(ind, tid, "territory")
    assert 0 < t.value < 100
    assert pd.isna(t["rank"]) and t.n_ranked == 173
    assert t.note_code == note_codes.FLORES_TERRITORY and json.loads(t.note_args) == YEARS
    assert not t.comparable  # the flag the portrait reads to compare with the region only
    r = row(ind, tid, "region")
    assert r.status == "ok" and r.year == "2023" and r.note_code == note_codes.FLORES_REGION
    assert t.source_id == r.source_id == "flores_a38_ze"  # each value names its own source
    for level in ("france", "all_territories"):
        b = row(ind, tid, level)
        assert b.year == "2022" and b.note_code == note_codes.FLORES_BENCH[level]
        assert b.source_id == "ptod_epci_exdeco"
        assert b.value == row(ind, "ti-8413", level).value       # unchanged benchmark values


def test_ranks_only_census_values(ind):
    t = ind[(ind.level == "territory") & (ind.indicator_id == IID)]
    ranked = t[t["rank"].notna()]
    assert len(ranked) == 173 and (t.n_ranked == 173).all()
    assert not ranked.territory_id.isin(OVERSEAS_WITH_ZONE).any()
    assert sorted(ranked["rank"].astype(int)) == list(range(1, 174))


def test_mayotte_stays_not_available(ind):
    for level in ("territory", "region"):
        r = row(ind, "ti-0601", level)
        assert np.isnan(r.value) and r.status == "nd" and r.note_code == note_codes.MAYOTTE_SECTORS
    j = store.jobs_by_sector("ti-0601")
    own = j[j.level.isin(["territory", "region"])]
    assert own.share.isna().all() and own.note_code.eq(note_codes.MAYOTTE_SECTORS).all()


def test_catalogue_describes_the_fallback():
    cat = store.catalogue().set_index("id")
    method = cat.loc[IID, "method"]
    assert "Flores 2023" in method and "zone d'emploi" in method and "pas classée" in method


def test_metropolitan_values_unchanged_by_the_fallback(ind):
    """Every metropolitan row of the indicators and sector tables is what the census-based
    computation gives: sector rows are PTOD-based, without note, and the industry share is
    ranked; a reference snapshot, when one is given (PORTRAITS_REF_PROCESSED), is equal."""
    import os

    metro = set(store.list_territories().query("not overseas").territory_id)
    t = ind[(ind.level == "territory") & (ind.indicator_id == IID) & ind.territory_id.isin(metro)]
    assert t.value.notna().all() and t["rank"].notna().all() and (t.year == "2022").all()
    j = store.table("jobs_by_sector")
    jm = j[j.territory_id.isin(metro)]
    assert (jm.year == "2022").all() and (jm.source_id == "ptod_epci_exdeco").all()
    assert jm.note_code.eq("").all() and jm.note_args.eq("").all()
    ref = os.environ.get("PORTRAITS_REF_PROCESSED")
    if ref and (Path(ref) / "indicators.parquet").is_file():
        before = pd.read_parquet(Path(ref) / "indicators.parquet")
        keep = lambda d: d[d.territory_id.isin(metro)].reset_index(drop=True)  # noqa: E731
        pd.testing.assert_frame_equal(keep(before), keep(ind)[list(before.columns)])


def test_the_regions_territories_are_on_the_territorys_basis_overseas(ind):
    """A same-basis level (portraits.core.levels) takes Flores too: the pool of the region's
    territories, with its own note, and not the census (missing overseas)."""
    from portraits.core import levels

    assert levels.BY_ID["region_territories"].same_basis
    rows = ind[ind.territory_id.eq("ti-0101") & ind.indicator_id.eq("industry_jobs_share")].set_index("level")
    pooled = rows.loc["region_territories"]
    assert pooled.source_id == "flores_a38_ze" and pooled.note_code == "flores_region_territories"
    assert pooled.value == pytest.approx(7.819043, abs=1e-6) and not pooled.comparable
    # Guadeloupe's three territories pooled: between the lowest and the highest of their shares
    shares = ind[ind.level.eq("territory") & ind.indicator_id.eq("industry_jobs_share")
                 & ind.territory_id.isin(["ti-0101", "ti-0102", "ti-0103"])].value
    assert shares.min() <= pooled.value <= shares.max()
