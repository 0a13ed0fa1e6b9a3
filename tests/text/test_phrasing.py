"""The phrasing API of the template's inline expressions (portraits.text.phrasing): words decided
from the figures as displayed, and the evidence they record."""

import math

import pytest

from portraits.core import config

from portraits.text.benchmarks import benchmarks
from portraits.text import evidence, phrasing, titles

NN = "\u202f"
NB = "\u00a0"
M = "\u2212"


def fig(**kw):
    row = dict(indicator_id="industry_jobs_share", label="Part de l'industrie dans l'emploi",
               unit="%", year="2021", territory=24.13, region=15.2, france=12.4,
               all_territories=18.0, status=None, rank=12, n_ranked=183, approx=False,
               comparable=True, source="Insee, RP 2021")
    row.update(kw)
    return phrasing.Indicator(row, benchmarks("28"))


def test_value_when_and_benchmarks():
    x = fig()
    assert str(x) == f"24,1{NN}%" and x._repr_markdown_() == str(x)
    assert x.when == "en 2021" and x.year == "2021"
    assert x.vs("region", "france") == f"contre 15,2{NN}% en Normandie et 12,4{NN}% en France"
    assert x.vs("france", "all_territories") == (
        f"contre 12,4{NN}% en France et 18,0{NN}% dans l'ensemble des Territoires d'industrie")
    assert x.in_words(", soit ") == ", soit près d'un emploi sur quatre"


def test_tie_says_comme_and_missing_benchmark_is_left_out():
    assert fig(territory=12.44).vs("france") == "comme en France"
    # "comme" only when every benchmark ties: never "contre … et comme …" (ti-8404)
    assert fig(territory=12.4, region=15.2).vs("region", "france") == (
        f"contre 15,2{NN}% en Normandie et 12,4{NN}% en France")
    assert fig(territory=12.4, region=12.4).vs("region", "france") == "comme en Normandie et en France"
    assert fig(france=None).vs("region", "france") == f"contre 15,2{NN}% en Normandie"
    assert fig(france=None, region=None).vs("region", "france") == ""


def test_regions_take_their_preposition():
    x = phrasing.Indicator(dict(indicator_id="x", unit="%", territory=1.0, region=2.0),
                        benchmarks("32"))
    assert x.vs("region") == f"contre 2,0{NN}% dans les Hauts-de-France"
    assert phrasing.Indicator(dict(indicator_id="x", unit="%", territory=1.0, region=2.0),
                           benchmarks("04")).where("region") == "à La Réunion"


@pytest.mark.parametrize("status, marker", [("nd", "n.d."), ("s", "s"), (None, "n.d.")])
def test_missing_value_draws_nothing(status, marker):
    x = fig(territory=math.nan, status=status)
    assert str(x) == marker and x.marker == marker and not x.available
    assert x.vs("region", "france") == "" and x.compared("france") == "" and x.in_words(", soit ") == ""
    assert x.title("france", otherwise="Emploi") == "Emploi"
    assert x.extreme("france", " et figure ") == ""


def test_compared_agrees_and_gives_gap_and_value():
    x = fig()
    assert x.compared("all_territories") == "nettement supérieure à la moyenne des Territoires d'industrie"
    assert x.compared("all_territories", value=True, gap=True) == (
        f"nettement supérieure à la moyenne des Territoires d'industrie (18,0{NN}%, soit +6,1{NB}points)")
    assert x.gap("france") == f"+11,7{NB}points"
    income = phrasing.Indicator(dict(indicator_id="median_income", unit="€", territory=19500, france=21500),
                             benchmarks())
    assert income.compared("france", gap=True) == f"inférieur au niveau national ({M}9{NN}%)"
    dens = phrasing.Indicator(dict(indicator_id="density", unit="hab/km²", territory=300, france=106),
                           benchmarks())
    assert dens.gap("france") == "2,8 fois plus"
    # a tie has no gap, and the brackets go with it
    assert fig(territory=12.4).compared("france", gap=True) == "égale à la moyenne nationale"


def test_rank_and_extreme_only_when_the_gap_agrees():
    assert fig().rank == f"au 12e rang des 183{NB}Territoires d'industrie"
    assert fig(rank=3).extreme("all_territories", " et figure ") == " et figure parmi les plus élevées"
    assert fig(rank=180).extreme("all_territories", " et figure ") == ""  # above, yet ranked low
    assert fig(rank=90).extreme("all_territories") == ""


def test_approximation_says_environ():
    x = phrasing.Indicator(dict(indicator_id="median_income", unit="€", year="2021", territory=21000,
                             france=23000, approx=True), benchmarks())
    assert str(x) == f"environ 21{NN}000{NB}€"


def test_titles_state_a_finding_or_fall_back():
    assert fig().title("all_territories", otherwise="Emploi") == (
        "Une part de l'industrie dans l'emploi nettement supérieure à la moyenne des Territoires d'industrie")
    income = phrasing.Indicator(dict(indicator_id="median_income", unit="€", territory=21000, france=21300,
                                  region=25000), benchmarks("84"))
    assert income.title("france") == "Un niveau de vie médian proche du niveau national"
    assert income.title("region") == "Un niveau de vie médian inférieur au niveau régional"


def growth(**kw):
    row = dict(indicator_id="population_growth", unit="%/an", year="2015-2021", territory=0.41,
               france=0.33, region=-0.1)
    row.update(kw)
    return phrasing.Indicator(row, benchmarks("84"))


def test_change_and_trend_titles():
    assert growth().change == f"a augmenté de 0,4{NN}%{NB}par an"
    assert growth().vs("region", "france") == (
        f"contre {M}0,1{NN}%{NB}par an en Auvergne-Rhône-Alpes et +0,3{NN}%{NB}par an en France")
    assert growth(territory=-1.23).change == f"a diminué de 1,2{NN}%{NB}par an"
    assert growth(territory=0.03).change == f"est restée quasi stable (0,0{NN}%{NB}par an)"
    assert growth().trend_title() == "Une population en légère hausse entre 2015 et 2021, comme en France"
    assert growth(territory=-0.6).trend_title() == (
        "Une population en baisse entre 2015 et 2021, à rebours de la tendance nationale")
    assert growth(territory=1.2).trend_title() == (
        "Une population en hausse entre 2015 et 2021, nettement plus marquée qu'en France")
    assert growth(territory=0.6).trend_title() == (
        "Une population en hausse entre 2015 et 2021, plus marquée qu'en France")
    # no pronoun (it would name the territory's population) and no tense
    assert growth(territory=0.01).trend_title() == (
        "Une population quasi stable entre 2015 et 2021, contre une hausse en France")
    assert growth(territory=0.01, france=-0.4).trend_title().endswith(", contre une baisse en France")
    # a stable benchmark is no trend to go against ("à rebours" only for opposite signs)
    assert growth(territory=0.6, france=0.04).trend_title().endswith(", contre une quasi-stabilité en France")
    assert growth(territory=0.6, france=-0.3).trend_title().endswith(", à rebours de la tendance nationale")
    assert growth(territory=None).trend_title(otherwise="Population") == "Population"
    jobs = phrasing.Indicator(dict(indicator_id="jobs_growth", unit="%", year="2015-2021", territory=-3.0,
                                france=2.0), benchmarks())
    assert jobs.change == f"a diminué de 3,0{NN}%"


def test_words_and_figures_agree_on_the_displayed_value():
    # ti-2706: −0,46 % par an is shown −0,5 %: a "baisse", not a "légère baisse"
    assert growth(territory=-0.46).trend_title().startswith("Une population en baisse")
    assert growth(territory=-0.46).change == f"a diminué de 0,5{NN}%{NB}par an"
    # ti-9307: 10,46 % shown 10,5 %: "plus d'une personne … sur dix", not "une … sur dix"
    workers = phrasing.Indicator(dict(indicator_id="workers_share", unit="%", territory=10.46), benchmarks())
    # the head noun only: the sentence names the population ("… des personnes de 15 ans ou plus")
    assert workers.in_words() == "plus d'une personne sur dix"


def test_not_comparable_value_is_compared_with_its_region_only():
    x = fig(territory=6.64, region=8.0, france=11.7, all_territories=13.2, rank=None, year="2023",
            approx=True, comparable=False)
    assert x.vs("region", "france", "all_territories") == f"contre environ 8,0{NN}% en Normandie"
    assert x.compared("france") == "" and x.gap("all_territories") == ""
    assert x.title("all_territories", otherwise="Emploi et secteurs d'activité") == "Emploi et secteurs d'activité"
    assert x.extreme("all_territories") == ""


def test_evidence_records_values_rules_and_outcomes():
    x = fig(rank=3)
    with evidence.recording() as rows:
        x.compared("all_territories")
        x.in_words()
        x.vs("france")
    table = evidence.table(rows)
    assert list(table.columns) == list(evidence.COLUMNS.values())
    first = table.iloc[0]
    assert first["Indicateur"] == "industry_jobs_share" and first["Valeur brute"] == "24.13"
    assert first["Valeur affichée"] == f"24,1{NN}%" and first["Référence affichée"] == f"18,0{NN}%"
    assert first["Écart (affiché)"] == f"+6,1{NB}points"
    assert first["Règle appliquée"] == "écart en points des valeurs affichées : |d| = 6,1 ≥ 5 point(s) ; territoire au-dessus -> « nettement supérieure »"
    assert first["Résultat"].startswith("nettement supérieure") and first["Rang/n"] == "3/183"
    assert first["Source"] == "Insee, RP 2021" and first["Millésime"] == "2021"
    assert first["Approx. (territoire)"] == "non" and first["Approx. (référence)"] == "non"
    assert table.iloc[1]["Résultat"] == "près d'un emploi sur quatre"
    # outside a recording, nothing is kept
    assert fig().vs("france")


def test_each_rule_text_states_the_rule_that_chose_the_outcome():
    with evidence.recording() as rows:
        fig().vs("france")                       # 24,1 against 12,4: « contre »
        fig(territory=12.44).vs("france")        # a tie: « comme »
        fig(territory=12.9).compared("france")   # 0,5 point: « proche »
        fig(territory=15.0).compared("france")   # 2,6 points: neither near nor marked
    rules = [r["rule"] for r in rows]
    assert rules[0].startswith("une référence nommée au moins différente (valeurs affichées) -> « contre »") and rows[0]["outcome"].startswith("contre")
    assert rules[1].startswith("toutes les références nommées égales (valeurs affichées) -> « comme »") and rows[1]["outcome"].startswith("comme")
    assert "|d| = 0,5 < 1 point(s) -> « proche »" in rules[2]
    assert "1 point(s) ≤ |d| = 2,6 < 5 point(s)" in rules[3]


def test_a_title_is_recorded_once_as_a_title_row():
    x = fig()
    with evidence.recording() as rows:
        title = x.title("all_territories")
    assert len(rows) == 1 and rows[0]["asked"] == "title('all_territories')" and rows[0]["outcome"] == title
    with evidence.recording() as rows:
        titles.first_marked([fig(territory=18.2), fig(territory=30.0)], "all_territories")
    assert len(rows) == 1 and rows[0]["rule"].startswith("écart le plus fort parmi")


def test_approximate_benchmarks_say_environ_in_the_text():
    x = fig(all_territories=13.205, all_territories_approx=True, region_approx=False, france_approx=False,
            territory=34.57, territory_approx=False)
    assert x.vs("region", "all_territories") == (
        f"contre 15,2{NN}% en Normandie et environ 13,2{NN}% dans l'ensemble des Territoires d'industrie")
    assert x.compared("all_territories", value=True, gap=True).endswith(f"(environ 13,2{NN}%, soit +21,4{NB}points)")
    assert x.at("all_territories") == f"environ 13,2{NN}%" and x.at("region") == f"15,2{NN}%"
    with evidence.recording() as rows:
        x.at("all_territories")
    assert rows[0]["bench_approx"] == "oui" and "« environ »" in rows[0]["rule"]


def test_france_says_metropolitan_where_the_benchmark_covers_it_only():
    metro = fig(indicator_id="poverty_rate", label="Taux de pauvreté", territory=20.9, france=14.9,
                france_scope="fm")
    assert metro.vs("france") == f"contre 14,9{NN}% en France métropolitaine"
    assert metro.compared("france") == "nettement supérieur à la moyenne de la France métropolitaine"
    assert metro.title("france") == ("Un taux de pauvreté nettement supérieur à la moyenne de la "
                                     "France métropolitaine")
    assert fig(france_scope="fr").vs("france") == f"contre 12,4{NN}% en France"


def test_approximation_follows_each_levels_own_flag():
    official = phrasing.Indicator(dict(indicator_id="median_income", unit="€", territory=22460, france=23080,
                                    approx=True, territory_approx=False, france_approx=False),
                               benchmarks())
    assert str(official) == f"22{NN}460{NB}€"  # the official median of a whole EPT: no "environ"


COMPARE = config.phrasing_rules()["compare"]  # the TOML is the rules' source


def private(territory, france, region=None):
    return phrasing.Indicator(dict(indicator_id="private_jobs_growth", unit="%", year="2014-2024",
                                territory=territory, france=france, region=region), benchmarks("32"))


def test_a_marked_gap_between_two_changes_is_said_so():
    """ti-3217: +0,5 % against +13,5 % is "nettement moins marquée", not "moins marquée"."""
    assert private(0.5, 13.5).trend_title() == (
        "Un emploi salarié privé en légère hausse entre 2014 et 2024, nettement moins marquée qu'en France")
    near, marked = COMPARE["near_points"], COMPARE["marked_points"]   # a change in % is compared in points
    base = 10.0
    assert private(base + marked, base).trend_title().endswith(", nettement plus marquée qu'en France")
    assert private(base + marked - 0.1, base).trend_title().endswith(", plus marquée qu'en France")
    assert private(base + near - 0.1, base).trend_title().endswith(", comme en France")
    assert private(base + near, base).trend_title().endswith(", plus marquée qu'en France")


def test_annual_changes_use_the_growth_thresholds():
    marked = COMPARE["growth_marked_points"]
    assert growth(territory=0.3 + marked, france=0.3).trend_title().endswith(", nettement plus marquée qu'en France")
    assert growth(territory=0.3 + marked - 0.1, france=0.3).trend_title().endswith(", plus marquée qu'en France")




def test_the_regions_territories_are_a_benchmark_like_the_others():
    x = fig(region_territories=20.0, region_territories_approx=True)
    assert x.vs("region_territories") == (
        f"contre environ 20,0{NN}% dans les Territoires d'industrie de la région")
    assert x.compared("region_territories").endswith("à la moyenne des Territoires d'industrie de la région")
    # on the territory's basis: a value on another basis is still compared with it
    other = fig(region_territories=20.0, comparable=False)
    assert other.vs("region_territories", "france") == f"contre 20,0{NN}% dans les Territoires d'industrie de la région"
