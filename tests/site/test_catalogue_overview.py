"""Unit tests of portraits.site.catalogue_overview: the sentences state the figures, the
extremes and the count above France."""

from __future__ import annotations

from portraits.site import catalogue_overview as co

NNBSP = "\u202f"


def test_overview_sentences_state_the_figures(fixture_data):
    data = fixture_data
    ov = co.overview(data, "industry_jobs_share", n=2)
    text = " ".join(ov.sentences)
    assert f"de 5,1{NNBSP}% (Grand Bastia – Marana-Golo) à 34,6{NNBSP}% (Plastics Vallée – Oyonnax)" in text
    assert "n’est pas disponible pour 1\u00a0territoire." in text  # a number bound to its word
    assert "en 2022" in text
    assert [r["territory_id"] for r in ov.top] == ["ti-8413", "ti-8424"]
    assert [r["rank"] for r in ov.bottom] == [4, 5]
    assert dict(ov.distribution)["Maximum"] == f"34,6{NNBSP}%"
    assert "'" not in text  # French apostrophes only


def test_overview_count_above_france(fixture_data):
    data = fixture_data
    ov = co.overview(data, "industry_jobs_share")
    france = data.benchmarks["france"]["industry_jobs_share"]
    above = int((data.table["industry_jobs_share"].round(1) > round(france, 1)).sum())
    assert any(s.replace("\u00a0", " ").startswith(f"{above} territoires sur 5") for s in ov.sentences)


def test_overview_unknown_indicator(fixture_data):
    data = fixture_data
    ov = co.overview(data, "no_such_indicator")
    assert ov.distribution == [] and "disponible pour aucun territoire" in ov.sentences[0]
