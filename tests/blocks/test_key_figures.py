import re

import pytest

from portraits.blocks import key_figures
from portraits.text import fmt


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101", "ti-0601"])
def test_key_figures_match_store_values(store, portrait, tid, shown_value):
    p = portrait.Portrait(tid)
    md = p.key_figures().data
    values = re.findall(r"\[([^\]]*)\]\{\.value\}", md)
    wide = store.indicators(tid).set_index("indicator_id")
    expected = []
    for ind, _label in key_figures.KEY_FIGURES:
        if ind in wide.index:
            row = wide.loc[ind].to_dict()
            row["indicator_id"] = ind
            expected.append(shown_value(row))
    assert values == expected
    assert 6 <= len(values) <= 8
    assert md.count("{.key-figure}") == len(values)
    assert md.startswith("::::: {.key-figures}")


def test_key_figure_benchmark_is_the_france_value(store, portrait):
    p = portrait.Portrait("ti-8413")
    md = p.key_figures().data
    row = store.indicators("ti-8413").set_index("indicator_id").loc["unemployment_rate"]
    assert f"France : {fmt.percent(row['france'])}" in md


def test_missing_values_show_nd_and_no_comparison(portrait):
    p = portrait.Portrait("ti-0601")  # Mayotte: census figures not available
    md = p.key_figures().data
    assert "[n.d.]{.value}" in md and "n.d. : non disponible" in md
    pop = p.figure("population")
    assert str(pop) == "n.d." and pop.vs("region", "france") == "" and not pop.available
    assert p.metadata().meta["available"]["population"] is False


def test_france_is_named_by_what_it_covers_in_the_key_figures(portrait):
    p = portrait.Portrait("ti-1105")  # Greater Paris (EPT): poverty rate, metropolitan France only
    block = next(b for b in p.key_figures().data.split("::::") if "seuil de pauvreté" in b)
    assert "France métropolitaine :" in block
    unemployment = next(b for b in p.key_figures().data.split("::::") if "au chômage" in b)
    assert "France :" in unemployment and "métropolitaine" not in unemployment


def test_a_key_figure_without_its_indicator_is_left_out():
    assert key_figures.key_figure({}, "population", "habitants", "Normandie") is None


def test_a_missing_key_figure_names_its_indicator_once_with_its_period(portrait):
    # Mayotte has no URSSAF series: the figure reads as a phrase after "n.d.", the period once
    md = portrait.Portrait("ti-0601").key_figures().data
    label = re.search(r"\[n\.d\.\]\{\.value\} \[([^\]]*2014[^\]]*)\]\{\.label\}", md).group(1)
    assert label == "évolution de l'emploi salarié privé entre 2014 et 2024"
    assert "[population en 2021]{.label}" in md


def test_the_approximation_note_only_when_a_shown_value_carries_it(portrait):
    # Mayotte: no key figure has a value, so none carries "≈" (its benchmarks are not shown)
    assert "≈" not in portrait.Portrait("ti-0601").key_figures().data
    md = portrait.Portrait("ti-8413").key_figures().data
    assert ("≈" in md.split("::: {.source}")[0]) == ("≈ valeur approchée" in md)


def test_a_change_reads_as_a_change(portrait):
    md = portrait.Portrait("ti-3217").key_figures().data
    assert "d'évolution de l'emploi salarié privé entre 2014 et 2024" in md
    assert "d'emplois salariés privés" not in md
