"""Unit tests of portraits.site.catalogue_overview: the sentences state the figures, the
extremes and the count above France."""

from __future__ import annotations

from portraits.site import catalogue_overview

NNBSP = "\u202f"


def test_overview_sentences_state_the_figures(fixture_data):
    data = fixture_data
    ov = catalogue_overview.overview(data, "industry_jobs_share", n=2)
    text = " ".join(ov.sentences)
    # Basse-Terre's 4,2 % (Flores 2023, another basis) is not the minimum: it is not compared.
    assert f"de 5,1{NNBSP}% (Grand Bastia – Marana-Golo) à 34,6{NNBSP}% (Plastics Vallée – Oyonnax)" in text
    assert "en 2022" in text and "disponible" not in text
    assert [r["territory_id"] for r in ov.top] == ["ti-8413", "ti-8424"]
    assert [r["rank"] for r in ov.bottom] == [4, 5]
    assert dict(ov.distribution)["Maximum"] == f"34,6{NNBSP}%"
    assert dict(ov.distribution)["Minimum"] == f"5,1{NNBSP}%"
    assert ov.top[0]["value"] == f"≈\u00a034,6{NNBSP}%"  # approximate, marked as in the portraits
    assert "'" not in text  # French apostrophes only


def test_overview_counts_missing_values(fixture_data):
    text = " ".join(catalogue_overview.overview(fixture_data, "median_income").sentences)
    assert "n’est pas disponible pour 2\u00a0territoires." in text  # a number bound to its word


def test_overview_leaves_other_basis_out_and_says_so(fixture_data):
    sentences = catalogue_overview.overview(fixture_data, "industry_jobs_share").sentences
    aside = [s for s in sentences if "autre base" in s]
    assert len(aside) == 1
    # the source and the year come from the row (Flores, 2023), not from the indicator's 2022
    assert aside[0].startswith("Le territoire d’outre-mer mesuré sur une autre base (Insee, Flores 2023")
    assert "valeurs 2023" in aside[0] and "n’est pas compté" in aside[0]


def test_overview_real_data_compares_comparable_values_only():
    """On the real data, the 9 overseas shares from Flores 2023 are left out of the census 2022
    comparison (173 territories), and named."""
    from _data_support import ensure_processed

    from portraits.data import store
    from portraits.site.catalogue_data import load_data

    ensure_processed()
    store.clear_cache()
    data = load_data()
    t = data.table
    comparable = t[t["industry_jobs_share__comparable"] & t["industry_jobs_share"].notna()]
    others = t[~t["industry_jobs_share__comparable"] & t["industry_jobs_share"].notna()]
    assert len(others) and others["overseas"].all() and set(others["industry_jobs_share__year"]) == {"2023"}
    text = " ".join(catalogue_overview.overview(data, "industry_jobs_share").sentences).replace("\u00a0", " ")
    n = len(comparable)
    assert f"La moitié des {n} Territoires" in text and f" sur {n}," in text
    low = comparable.loc[comparable["industry_jobs_share"].idxmin(), "name"]
    assert f"({catalogue_overview.french_text(low)}) à" in text
    assert f"Les {len(others)} territoires d’outre-mer mesurés sur une autre base (Insee, Flores 2023" in text


def test_overview_count_above_france(fixture_data):
    data = fixture_data
    ov = catalogue_overview.overview(data, "industry_jobs_share")
    france = data.benchmarks["france"]["industry_jobs_share"]
    t = data.table[data.table["industry_jobs_share__comparable"]]
    above = int((t["industry_jobs_share"].round(1) > round(france, 1)).sum())
    assert any(s.replace("\u00a0", " ").startswith(f"{above} territoires sur 5") for s in ov.sentences)


def test_overview_unknown_indicator(fixture_data):
    data = fixture_data
    ov = catalogue_overview.overview(data, "no_such_indicator")
    assert ov.distribution == [] and "disponible pour aucun territoire" in ov.sentences[0]
