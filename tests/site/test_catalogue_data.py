"""Unit tests of portraits.site.catalogue_data: labels and French display of values, the
table read through the store, the search index, the links to existing files."""

from __future__ import annotations

import pytest

from portraits.data import store
from portraits.site import catalogue_data as cd

NNBSP = "\u202f"


def test_format_value_french_typography(make_meta):
    assert cd.format_value(12.44, make_meta("%")) == f"12,4{NNBSP}%"
    assert cd.format_value(63434, make_meta("hab")) == f"63{NNBSP}434"
    assert cd.format_value(21447.4, make_meta("€")) == f"21{NNBSP}447\u00a0€"
    assert cd.format_value(-0.66, make_meta("%/an", "jobs_growth")) == f"\u22120,7{NNBSP}%\u00a0par an"
    assert cd.format_value(-0.66, make_meta("%/an", "jobs_growth"), compact=True) == f"\u22120,7{NNBSP}%"
    # A change in percent gets its sign even though its unit is a plain "%".
    assert cd.format_value(4.7, make_meta("%", "private_jobs_growth")) == f"+4,7{NNBSP}%"


def test_format_value_missing_markers(make_meta):
    assert cd.format_value(float("nan"), make_meta("%")) == "n.d."
    assert cd.format_value(None, make_meta("%"), status="s") == "s"


def test_labels_use_french_apostrophe():
    meta = cd.indicator_meta("industry_jobs_share")
    assert "'" not in meta.short_label and "\u2019" in meta.short_label


def test_indicator_labels_and_flags_come_from_the_catalogue():
    meta = cd.indicator_meta("no_diploma_share", france_scope="fm")
    assert "non-bacheliers" in meta.label.lower() and meta.france == "France métropolitaine"
    assert cd.indicator_meta("unemployment_rate", france_scope="fr").france == "France"
    assert cd.indicator_meta("private_jobs_growth").signed


def test_load_data_one_row_per_territory(fixture_data):
    data = fixture_data
    t = data.table
    assert list(t["territory_id"]) == sorted(t["territory_id"]) and len(t) == 6
    assert {m.id for m in data.indicators} >= set(cd.TABLE_INDICATORS)
    assert t.set_index("territory_id").at["ti-9401", "median_income__status"] == "s"
    assert "industry_jobs_share" in data.benchmarks["france"]


def test_search_index_lists_communes_by_department_and_members(fixture_tables):
    index = cd.search_index()
    oyonnax = index["ti-8413"]
    assert oyonnax["c"].startswith("01:") and "|Oyonnax|" in oyonnax["c"]
    assert "Bugey Agglomération" in oyonnax["m"]
    # Bourgogne Industrie spans several departments: one group per department.
    assert {p.split(":")[0] for p in index["ti-2703"]["c"].split(";")} >= {"21", "71"}
    assert index["ti-8424"]["c"].count("Saint-Étienne|") >= 1


def test_portrait_links_only_existing_files(tmp_path, fake_portraits):
    fake_portraits(tmp_path, ["ti-8413"], kinds=("html", "pdf"))
    links = cd.portrait_links(tmp_path, ["ti-8413", "ti-0101"])
    assert links["ti-8413"] == {"html": "html/ti-8413.html", "pdf": "pdf/ti-8413.pdf"}
    assert links["ti-0101"] == {}


def test_tables_are_read_through_the_store(tmp_path, monkeypatch):
    """A missing processed table is named by the store's error, not a pandas traceback."""
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(tmp_path))
    store.clear_cache()
    try:
        with pytest.raises(store.ProcessedDataMissing, match="territories.csv is missing"):
            cd.load_data()
        with pytest.raises(store.ProcessedDataMissing, match="communes.csv is missing"):
            cd.search_index()
    finally:
        store.clear_cache()


def test_france_is_metropolitan_where_the_processed_table_says_so():
    """The map's legend and overview say « France métropolitaine » for an indicator whose France
    benchmark covers it only (france_scope ``fm``), « France » otherwise (real processed data)."""
    from _data_support import ensure_processed

    ensure_processed()
    store.clear_cache()
    metas = {m.id: m for m in cd.load_data().indicators}
    assert metas["industry_jobs_share"].france == "France métropolitaine"
    assert metas["population"].france == "France"
