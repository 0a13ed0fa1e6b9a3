from portraits.blocks import understand
from portraits.text import notes


def test_understand(portrait):
    p = portrait.Portrait("ti-8413")
    und = p.understand().data
    assert und.startswith("## Pour comprendre") and "### Sources" in und and "≈" in und
    assert "::::: {.understand}" in und  # small, two columns in the PDF


def test_a_missing_value_says_why_and_the_heading_level_is_chosen(portrait, store):
    p = portrait.Portrait("ti-0601")  # Mayotte: census figures not available
    und = understand.understand(p.rows, p.territory, store.a38(p.territory_id), level=3)
    assert und.startswith("### Pour comprendre") and "#### Définitions et méthodes" in und
    line = next(ln for ln in und.splitlines() if ln.startswith("- **Population**"))
    # the indicator's note says why: no generic "non disponible" after it
    assert notes.note_text("mayotte_census_2021") in line     # notes.toml's words
    assert "Non disponible pour ce territoire" not in line


def test_every_approximate_value_shown_is_explained_with_its_size(portrait):
    """ti-8413's own industry share is exact (one whole EPCI) but its region's and all the
    territories' are approximations: « Pour comprendre » says so, and how far off it can be."""
    p = portrait.Portrait("ti-8413")
    p.indicator("industry_jobs_share"), p.indicator("median_income")  # shown: "Pour comprendre" explains what the portrait shows
    row = p.rows["industry_jobs_share"]
    assert not row["territory_approx"] and row["region_approx"] and row["all_territories_approx"]
    line = next(ln for ln in p.understand().data.splitlines() if ln.startswith("- **Part de l'industrie"))
    assert "≈ Valeurs approchées : région, ensemble des TI." in line and "11,69 %" in line
    income = next(ln for ln in p.understand().data.splitlines() if ln.startswith("- **Niveau de vie médian"))
    assert "Valeurs approchées : région, ensemble des TI." in income and "4,2 % au plus" in income
