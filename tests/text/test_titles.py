"""Section titles led by the figure with the largest gap (portraits.text.titles)."""

from portraits.core import config
from portraits.text import phrasing, titles
from portraits.text.benchmarks import benchmarks

COMPARE = config.phrasing_rules()["compare"]  # the TOML is the rules' source


def test_first_marked_prefers_a_marked_difference():
    chomage = phrasing.Indicator(dict(indicator_id="unemployment_rate", unit="%", territory=11.2, france=12.1),
                              benchmarks())
    ouvriers = phrasing.Indicator(dict(indicator_id="workers_share", unit="%", territory=21.8, france=11.7),
                               benchmarks())
    assert titles.first_marked([chomage, ouvriers], "france", "Population active") == (
        "Une part des ouvriers parmi les 15 ans ou plus nettement supérieure à la moyenne nationale")
    ouvriers.row["territory"] = 12.0
    assert titles.first_marked([chomage, ouvriers], "france", "x").startswith("Un taux de chômage")
    chomage.row["territory"] = None
    ouvriers.row["territory"] = None
    assert titles.first_marked([chomage, ouvriers], "france", "Population active") == "Population active"


def test_a_section_title_takes_its_largest_gap():
    """ti-4420: the industrial share ties with France, the 10-or-more share is above it: the
    title reports the gap, never "égale à la moyenne nationale" over a section holding one."""
    def share(iid, t, f):
        return phrasing.Indicator(dict(indicator_id=iid, unit="%", territory=t, france=f), benchmarks())
    tie = share("industry_establishments_share", 8.2, 8.2)
    above = share("establishments_10plus_share", 22.2, 18.1)
    near = share("establishments_10plus_share", 18.5, 18.1)
    assert titles.first_marked([tie, above], "france") == (
        "Une part des établissements de 10 salariés ou plus supérieure à la moyenne nationale")
    assert titles.first_marked([tie, near], "france").startswith(
        "Une part des établissements de 10 salariés ou plus proche")
    assert titles.first_marked([tie, tie], "france").startswith("Une part des établissements industriels égale")
    marked = share("industry_establishments_share", 8.2, 8.2 + COMPARE["marked_points"])
    assert titles.first_marked([above, marked], "france").startswith(
        "Une part des établissements industriels nettement inférieure")
