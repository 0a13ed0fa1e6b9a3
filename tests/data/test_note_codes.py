"""Note codes of the processed tables (portraits.data.note_codes): every missing value explained by a
code, benchmarks' scope, secrecy and partial members with their parameters, never a sentence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from portraits.data import note_codes, sources, store


def test_codes_only_no_prose(ind):
    jbs = store.table("jobs_by_sector")
    for df in (ind, jbs):
        assert set(df.note_code) <= note_codes.CODES | {""}
        args = df.note_args[df.note_args.ne("")]
        assert all(isinstance(json.loads(a), dict) for a in args)
    assert set(store.table("a38").match_method) == {note_codes.A38_METHOD}


def test_secrecy_counts_the_communes_left_out(ind):
    rows = ind[ind.note_code.eq(note_codes.SECRET_COMMUNES)]
    assert len(rows) > 50 and rows.level.eq("territory").all()
    assert set(rows.indicator_id) == {"median_income"} and rows.value.notna().all()
    for a in rows.note_args.map(json.loads):
        assert 1 <= a["n_missing"] < a["n_communes"]


def test_partial_members_say_which_value_their_communes_received(ind):
    """ti-7506 takes part of the CC Haute-Corrèze Communauté: its 11 communes outside whole EPCI
    have no value of their own and get their whole EPCI's; ti-1105's 24 communes of EPT get their
    EPT's (docs/DATA.md)."""
    def args(tid):
        rows = ind[(ind.territory_id == tid) & ind.note_code.eq(note_codes.PARTIAL_MEMBERS)]
        assert set(rows.indicator_id) == {"industry_jobs_share", "large_establishments_jobs_share",
                                          "poverty_rate"} and rows.level.eq("territory").all()
        assert rows.note_args.nunique() == 1
        return json.loads(rows.note_args.iloc[0])

    assert args("ti-7506") == {"ept": 0, "own": 0, "whole_epci": 11, "epci": ["CC Haute-Corrèze Communauté"]}
    assert args("ti-1105") == {"ept": 24, "own": 0, "whole_epci": 0, "epci": []}


def test_two_region_territory_uses_region_of_its_id(ind):
    terr = store.territory("ti-2404")
    assert terr.regions == ["24", "27"] and terr.region_code == "24"
    row = ind[(ind.territory_id == "ti-2404") & (ind.indicator_id == "population") & (ind.level == "region")]
    assert row.geo_code.iloc[0] == "24"
    assert row.value.iloc[0] == 2573303
    assert row.note_code.iloc[0] == note_codes.TWO_REGIONS


def test_overseas_territory_gets_what_its_sources_allow(ind):
    reunion = ind[(ind.territory_id == "ti-0401") & (ind.level == "territory")].set_index("indicator_id")
    assert reunion.loc["population", "value"] == 127924
    assert reunion.loc["median_income", "status"] == "ok"
    gap = reunion.loc["share_60_plus"]
    assert np.isnan(gap["value"]) and gap["status"] == "nd" and gap["note_code"] == "metro_only"
    mayotte = ind[(ind.territory_id == "ti-0601") & (ind.level == "territory")]
    assert mayotte.value.isna().all()           # never zero: the source's 0 means "no census"
    gaps = {s.overseas_gap for s in sources.covering().values()}   # what its sources declare
    assert (mayotte.status == "nd").all() and mayotte.note_code.isin(gaps | {note_codes.MAYOTTE_SECTORS}).all()


def test_missing_values_are_never_zero_and_always_explained(ind):
    miss = ind[ind.value.isna()]
    assert set(miss.status) <= {"nd", "s"}
    assert miss.note_code.ne("").all()
    assert (ind[ind.value.notna()].status == "ok").all()


def test_the_filosofi_note_names_the_indicators_year(ind):
    f = ind[ind.note_code.eq("filosofi_overseas")]
    assert len(f) and f.indicator_id.eq("median_income").all()
    assert f.note_args.map(json.loads).eq({"year": "2021"}).all()
