"""Breakdowns (portraits.data.breakdowns): series, sectors and establishments on four levels,
the A38 sectors from Flores with their zones d'emploi, and each source's coverage."""

from __future__ import annotations

import json

import pytest

from portraits.core import levels
from portraits.data import store


pytestmark = pytest.mark.usefixtures("processed")


def test_a38_zones_are_data():
    """The zones of a territory are a JSON list (code, name, shares of populations), most
    populated first; the French sentence is the presentation's (portraits.text.notes)."""
    zones = json.loads(store.a38("ti-8413").zones.iloc[0])
    assert zones[0]["code"] == "8425" and zones[0]["name"]
    shares = [z["pct_of_territory"] for z in zones]
    assert shares == sorted(shares, reverse=True) and sum(shares) == pytest.approx(100.0)
    assert all(0 < z["pct_of_zone"] <= 100 for z in zones)


def test_coverage_table():
    cov = store.coverage("ti-8413")
    assert set(cov.source_id) >= {"comparateur_2024", "comparateur_2022", "urssaf_private_jobs",
                                  "ptod_iris", "statloc_revenus"}
    assert (cov.n_member_communes == 42).all()
    assert (cov.n_matched <= cov.n_member_communes).all()


def test_breakdowns_have_benchmarks():
    s = store.series("ti-8413")
    assert set(s.level) == {lv.id for lv in levels.LEVELS}   # every declared level
    first = s[s.year == s.year.min()]
    assert (first["index"] == 100).all()
    j = store.jobs_by_sector("ti-8413")
    tot = j.groupby("level").share.sum()
    assert ((tot - 100).abs() < 0.2).all()
    a = store.a38("ti-8413")
    cg = a.set_index("a38").loc["CG"]
    assert cg.specificity > 5                           # plastics in the Plastics Vallée
    assert "8425" in cg.zones
    assert abs(a.share.sum() - 100) < 1e-6


def test_the_years_come_from_the_catalogue_and_the_manifest():
    from portraits.data import breakdowns, indicators
    assert breakdowns.flores_year() == "2023"  # the latest of "Flores 2022 and 2023"
    assert breakdowns.flores_jobs_column() == "eff_23"
    assert breakdowns.sectors_year() == indicators.millesime("industry_jobs_share") == "2022"
    assert (store.jobs_by_sector("ti-8413").year == "2022").all()
    assert (store.establishments("ti-8413").year == indicators.millesime("establishments")).all()
