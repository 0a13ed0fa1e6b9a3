"""Unit tests of portraits.site.catalogue_data: labels and French display of values, the
table read through the store, the search index, the links to existing files."""

from __future__ import annotations

import pytest

from portraits.data import store
from portraits.site import catalogue_data

NNBSP = "\u202f"


def test_format_value_french_typography(make_meta):
    assert catalogue_data.format_value(12.44, make_meta("%")) == f"12,4{NNBSP}%"
    assert catalogue_data.format_value(63434, make_meta("hab")) == f"63{NNBSP}434"
    assert catalogue_data.format_value(21447.4, make_meta("€")) == f"21{NNBSP}447\u00a0€"
    assert catalogue_data.format_value(-0.66, make_meta("%/an", "jobs_growth")) == f"\u22120,7{NNBSP}%\u00a0par an"
    assert catalogue_data.format_value(-0.66, make_meta("%/an", "jobs_growth"), compact=True) == f"\u22120,7{NNBSP}%"
    # A change in percent gets its sign even though its unit is a plain "%".
    assert catalogue_data.format_value(4.7, make_meta("%", "private_jobs_growth")) == f"+4,7{NNBSP}%"


def test_format_value_missing_markers(make_meta):
    assert catalogue_data.format_value(float("nan"), make_meta("%")) == "n.d."
    assert catalogue_data.format_value(None, make_meta("%"), status="s") == "s"


def test_labels_use_french_apostrophe():
    meta = catalogue_data.indicator_meta("industry_jobs_share")
    assert "'" not in meta.short_label and "\u2019" in meta.short_label


def test_indicator_labels_and_flags_come_from_the_catalogue():
    meta = catalogue_data.indicator_meta("no_diploma_share", france_scope="fm")
    assert "non-bacheliers" in meta.label.lower() and meta.france == "France métropolitaine"
    assert catalogue_data.indicator_meta("unemployment_rate", france_scope="fr").france == "France"
    assert catalogue_data.indicator_meta("private_jobs_growth").signed


def test_load_data_one_row_per_territory(fixture_data):
    data = fixture_data
    t = data.table
    assert list(t["territory_id"]) == sorted(t["territory_id"]) and len(t) == 6
    assert {m.id for m in data.indicators} >= set(catalogue_data.TABLE_INDICATORS)
    assert t.set_index("territory_id").at["ti-9401", "median_income__status"] == "s"
    assert "industry_jobs_share" in data.benchmarks["france"] and set(data.benchmarks) == {"france"}


def test_load_data_keeps_each_value_flags_year_and_source(fixture_data):
    t = fixture_data.table.set_index("territory_id")
    assert not t.at["ti-0101", "industry_jobs_share__comparable"]
    assert t.at["ti-0101", "industry_jobs_share__year"] == "2023"
    assert t.at["ti-0101", "industry_jobs_share__source"] == "flores_a38_ze"
    assert t.at["ti-8413", "industry_jobs_share__comparable"] and t.at["ti-8413", "industry_jobs_share__approx"]
    assert not t.at["ti-8413", "population__approx"]


def test_value_text_marks_approximate_and_other_basis(fixture_data):
    rows = {r["territory_id"]: r for r in fixture_data.table.to_dict("records")}
    share = catalogue_data.find_meta(fixture_data, "industry_jobs_share")
    assert catalogue_data.value_text(rows["ti-8413"], share) == f"≈\u00a034,6{NNBSP}%"
    assert catalogue_data.value_text(rows["ti-8413"], catalogue_data.find_meta(fixture_data, "population")) == f"63{NNBSP}434"
    assert catalogue_data.value_text(rows["ti-9401"], catalogue_data.find_meta(fixture_data, "median_income")) == "s"  # no "≈" on a marker
    assert catalogue_data.other_basis(rows["ti-8413"], share) == ""
    assert catalogue_data.other_basis(rows["ti-0101"], share) == (
        "Insee, Flores 2023, emploi salarié par zone d\u2019emploi et secteur (A38), valeurs 2023")


def test_load_data_without_flag_columns(tmp_path, monkeypatch):
    """A table older than the flags: every value comparable and exact."""
    import shutil
    from pathlib import Path

    import pandas as pd

    for f in (Path(__file__).parents[1] / "fixtures" / "catalogue" / "processed").iterdir():
        shutil.copy(f, tmp_path / f.name)
    ind = pd.read_csv(tmp_path / "indicators.csv", dtype=str)
    ind.drop(columns=["comparable", "approx", "source_id"]).to_csv(tmp_path / "indicators.csv", index=False)
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(tmp_path))
    store.clear_cache()
    try:
        t = catalogue_data.load_data().table
    finally:
        store.clear_cache()
    assert t["industry_jobs_share__comparable"].all() and not t["industry_jobs_share__approx"].any()


def test_search_index_lists_communes_by_department_and_members(fixture_tables):
    index = catalogue_data.search_index()
    oyonnax = index["ti-8413"]
    assert oyonnax["c"].startswith("01:") and "|Oyonnax|" in oyonnax["c"]
    assert "Bugey Agglomération" in oyonnax["m"]
    # Bourgogne Industrie spans several departments: one group per department.
    assert {p.split(":")[0] for p in index["ti-2703"]["c"].split(";")} >= {"21", "71"}
    assert index["ti-8424"]["c"].count("Saint-Étienne|") >= 1


def test_portrait_links_only_existing_files(tmp_path, fake_portraits):
    fake_portraits(tmp_path, ["ti-8413"], kinds=("html", "pdf"))
    links = catalogue_data.portrait_links(tmp_path, ["ti-8413", "ti-0101"])
    assert links["ti-8413"] == {"html": "html/ti-8413.html", "pdf": "pdf/ti-8413.pdf"}
    assert links["ti-0101"] == {}


def test_tables_are_read_through_the_store(tmp_path, monkeypatch):
    """A missing processed table is named by the store's error, not a pandas traceback."""
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(tmp_path))
    store.clear_cache()
    try:
        with pytest.raises(store.ProcessedDataMissing, match="territories.csv is missing"):
            catalogue_data.load_data()
        with pytest.raises(store.ProcessedDataMissing, match="communes.csv is missing"):
            catalogue_data.search_index()
    finally:
        store.clear_cache()


def test_france_is_metropolitan_where_the_processed_table_says_so():
    """The map's legend and overview say « France métropolitaine » for an indicator whose France
    benchmark covers it only (france_scope ``fm``), « France » otherwise (real processed data)."""
    from _data_support import ensure_processed

    ensure_processed()
    store.clear_cache()
    metas = {m.id: m for m in catalogue_data.load_data().indicators}
    assert metas["industry_jobs_share"].france == "France métropolitaine"
    assert metas["population"].france == "France"
