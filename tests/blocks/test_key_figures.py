import re

import pytest

from portraits.blocks import key_figures
from portraits.text import fmt

# the default template's "L'essentiel"
DEFAULT = ("population", "industry_jobs_share", "jobs", "private_jobs_growth",
           "industry_establishments_share", "unemployment_rate", "median_income", "poverty_rate")


def _key_figures(p, *ids):
    return p.key_figures(*(p.indicator(i) for i in ids))


def _cards(md):
    return re.findall(r"\[([^\]]*)\]\{\.value\} \[([^\]]*)\]\{\.label\} \[([^\]]*)\]\{\.benchmark\}", md)


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101", "ti-0601"])
def test_key_figures_match_store_values_in_the_order_given(store, portrait, tid, shown_value):
    p = portrait.Portrait(tid)
    md = _key_figures(p, *DEFAULT).data
    wide = store.indicators(tid).set_index("indicator_id")
    expected = []
    for ind in DEFAULT:
        row = wide.loc[ind].to_dict()
        row["indicator_id"] = ind
        expected.append(shown_value(row))
    assert [c[0] for c in _cards(md)] == expected
    assert md.count("{.key-figure}") == len(DEFAULT) and md.startswith("::::: {.key-figures}")
    reordered = [c[0] for c in _cards(_key_figures(p, *reversed(DEFAULT)).data)]
    assert reordered == expected[::-1]


def test_labels_and_benchmarks_come_from_the_catalogue(store, portrait):
    p = portrait.Portrait("ti-8413")
    cards = dict((label, (value, bench)) for value, label, bench in _cards(
        _key_figures(p, "unemployment_rate", "employment_rate", "population").data))
    cat = store.catalogue().set_index("id")
    row = store.indicators("ti-8413").set_index("indicator_id").loc["unemployment_rate"]
    unemployment = cards[f"{cat.loc['unemployment_rate', 'key_figure']} en 2021"]
    assert unemployment[1] == f"France : {fmt.percent(row['france'])} · ensemble des TI : {fmt.percent(row['all_territories'])}"
    assert "des 15 à 64 ans en emploi en 2021" in cards
    # population: its change (catalogue key_figure_change) replaces the benchmarks
    assert cards["habitants en 2021"][1].startswith("0,0 % par an entre 2015 et 2021 (France : +0,3 % par an)".replace(" %", "\u202f%").replace("% par", "%\u00a0par"))


def test_the_template_can_change_a_label_and_the_benchmarks(portrait):
    p = portrait.Portrait("ti-8413")
    md = p.key_figures(p.key_figure(p.indicator("unemployment_rate"), label="de chômeurs", vs=["region"])).data
    (value, label, bench), = _cards(md)
    assert label == "de chômeurs en 2021" and bench.startswith("Auvergne-Rhône-Alpes : ")
    with pytest.raises(ValueError, match="unknown benchmark 'europe'"):
        p.key_figures(p.key_figure(p.indicator("unemployment_rate"), vs=["europe"]))


def test_a_rank_is_shown_as_a_value(portrait):
    p = portrait.Portrait("ti-8413")  # industry share: 2nd of the 173 ranked territories
    (value, label, bench), = _cards(p.key_figures(p.key_figure(p.indicator("industry_jobs_share"), rank=True)).data)
    assert value == "2e sur 173"
    assert label == "part de l'industrie dans l'emploi parmi les Territoires d'industrie en 2022"
    assert bench.startswith("34,6\u202f%")


def test_mayotte_names_each_missing_figure_without_a_dangling_comma(portrait):
    p = portrait.Portrait("ti-0601")  # Mayotte: census figures not available
    md = _key_figures(p, "employment_rate", "unemployment_rate", "private_jobs_growth", "population").data
    cards = _cards(md)
    assert [c[0] for c in cards] == ["n.d."] * 4 and "n.d. : non disponible" in md
    assert cards[0][1] == "taux d'emploi en 2021" and cards[1][1] == "taux de chômage en 2021"
    assert cards[2][1] == "évolution de l'emploi salarié privé entre 2014 et 2024"  # the period once
    assert all(not c[1].rstrip().endswith(",") and not c[2].rstrip().endswith(",") for c in cards)
    assert [c[2] for c in cards] == ["valeur non disponible pour ce territoire"] * 3 + ["évolution non disponible"]
    assert "des 15 à 64 ans" not in md
    assert "valeur approchée" not in md  # no value shown carries ≈
    assert p.metadata().meta["available"]["population"] is False


def test_a_change_reads_as_a_change(portrait):
    p = portrait.Portrait("ti-8413")
    (value, label, bench), = _cards(_key_figures(p, "private_jobs_growth").data)
    assert value.startswith("−2,8") and label == "d'évolution de l'emploi salarié privé entre 2014 et 2024"


def test_an_approximate_value_is_marked_and_explained(portrait):
    p = portrait.Portrait("ti-8413")  # workers' share: weighted IRIS shares, an approximation
    md = _key_figures(p, "workers_share").data
    assert _cards(md)[0][0].startswith("≈\u00a0") and "≈ valeur approchée" in md


def test_a_value_on_another_basis_says_so_and_is_compared_with_its_region(portrait):
    p = portrait.Portrait("ti-0101")  # overseas industry share from Flores salaried jobs
    (value, label, bench), = _cards(_key_figures(p, "industry_jobs_share").data)
    assert label.startswith("des emplois salariés dans l'industrie") and bench.startswith("Guadeloupe : ")


def test_france_is_named_by_what_it_covers_in_the_key_figures(portrait):
    p = portrait.Portrait("ti-1105")  # Greater Paris (EPT): poverty rate, metropolitan France only
    md = _key_figures(p, *DEFAULT).data
    block = next(b for b in md.split("::::") if "seuil de pauvreté" in b)
    assert "France métropolitaine :" in block
    unemployment = next(b for b in md.split("::::") if "au chômage" in b)
    assert "France :" in unemployment and "métropolitaine" not in unemployment


def test_each_key_figure_records_its_evidence(portrait):
    p = portrait.Portrait("ti-8413")
    out = _key_figures(p, "unemployment_rate", "population")
    rows = out.evidence
    assert {r["place"] for r in rows} == {"key_figure"}
    words = {r["indicator"]: r["words"] for r in rows if r["asked"] == "valeur et libellé"}
    assert words["unemployment_rate"] == "11,2\u202f% des actifs de 15 à 64 ans au chômage en 2021"
    assert words["population"] == "63\u202f434 habitants en 2021"
    france = next(r for r in rows if r["asked"] == "référence france")
    assert france["bench_shown"] and france["words"].startswith("France : ")
    assert france["rule"].startswith("référence demandée")  # the rule that chose to show it
    assert any(r["indicator"] == "population_growth" for r in rows)  # the change shown with it


def test_key_figures_need_their_figures(portrait):
    p = portrait.Portrait("ti-8413")
    with pytest.raises(TypeError, match=r"p.key_figures\(\) needs the indicators"):
        p.key_figures()
    with pytest.raises(KeyError, match="not an indicator"):
        p.key_figures("no_such_indicator")


def test_a_key_figure_without_its_indicator_is_left_out():
    assert key_figures.key_figure({}, "population", "Normandie") is None


def test_the_catalogue_can_name_the_benchmarks(portrait, monkeypatch):
    words = {"key_figure": "des actifs au chômage", "key_figure_vs": ["region", "all_territories"]}
    monkeypatch.setattr(key_figures, "catalogue_words", lambda i: words)
    p = portrait.Portrait("ti-8413")
    (value, label, bench), = _cards(_key_figures(p, "unemployment_rate").data)
    assert label == "des actifs au chômage en 2021"
    assert bench.startswith("Auvergne-Rhône-Alpes : ") and " · ensemble des TI : " in bench and "France" not in bench


def test_the_catalogue_gives_every_indicator_its_key_figure_words(store):
    cat = store.catalogue()
    assert cat["key_figure"].notna().all()
    changes = cat["key_figure_change"].dropna()
    assert set(changes) <= set(cat["id"]) and {"population", "jobs"} <= set(cat.loc[changes.index, "id"])


def test_a_key_figure_can_name_the_regions_territories(portrait):
    p = portrait.Portrait("ti-8413")
    md = p.key_figures(p.key_figure(p.indicator("unemployment_rate"), vs=["region_territories", "france"])).data
    (value, label, bench), = _cards(md)
    row = p.rows["unemployment_rate"]
    assert bench.startswith(f"TI de la région : {fmt.value(row['region_territories'], '%')}")
    # a value on another basis keeps the same-basis benchmarks asked (the pool is on its basis)
    g = portrait.Portrait("ti-0101")
    md = g.key_figures(g.key_figure(g.indicator("unemployment_rate"), vs=["region_territories"])).data
    assert "TI de la région" in md
