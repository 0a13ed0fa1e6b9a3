import math

import pytest

from portraits import commentary as c

NN = "\u202f"
NB = "\u00a0"
M = "\u2212"


def share_row(**kw):
    row = dict(indicator_id="industry_jobs_share", label="Part de l'industrie dans l'emploi",
               unit="%", year="2021", territory=24.13, region=15.2, france=12.4,
               all_territories=18.0, status=None, rank=12, n_ranked=183,
               region_label="Normandie", territory_id="ti-2801", approx=False)
    row.update(kw)
    return row


# --- comparisons and qualifiers -------------------------------------------------------------
@pytest.mark.parametrize("t, b, kind, strong", [
    (12.4, 12.4, "equal", False),
    (12.44, 12.36, "equal", False),     # equal as displayed (12,4 %)
    (12.9, 12.4, "near", False),        # |d| < NEAR_POINTS
    (13.4, 12.4, "above", False),       # d = 1 point exactly: no longer "proche"
    (17.4, 12.4, "above", True),        # d = MARKED_POINTS
    (7.0, 12.4, "below", True),
    (10.0, 12.4, "below", False),
])
def test_compare_rates_in_points(t, b, kind, strong):
    cmp = c.compare(t, b, "%")
    assert (cmp.kind, cmp.strong) == (kind, strong)


@pytest.mark.parametrize("t, b, kind, strong", [
    (21000, 21500, "near", False),      # -2.3 % < NEAR_RELATIVE
    (20000, 21500, "below", False),     # -7 %
    (30000, 21500, "above", True),      # +40 % >= MARKED_RELATIVE
    (21500, 21500, "equal", False),
])
def test_compare_levels_in_percent(t, b, kind, strong):
    cmp = c.compare(t, b, "€")
    assert (cmp.kind, cmp.strong) == (kind, strong)
    assert not cmp.in_points


def test_compare_annual_growth_has_its_own_thresholds():
    assert c.compare(0.4, 0.3, "%/an").kind == "near"
    assert c.compare(0.9, 0.3, "%/an").strong


@pytest.mark.parametrize("t, b", [(None, 12.0), (12.0, None), (math.nan, 1.0)])
def test_compare_missing(t, b):
    cmp = c.compare(t, b, "%")
    assert cmp.kind == "missing" and not cmp.available
    assert c.qualifier(cmp, c.Noun("part", "f")) is None


def test_qualifiers_agree_with_the_noun():
    part, taux = c.Noun("part", "f"), c.Noun("taux")
    above_strong = c.compare(20, 10, "%")
    assert c.qualifier(above_strong, part) == "nettement supérieure à"
    assert c.qualifier(above_strong, taux) == "nettement supérieur à"
    assert c.qualifier(c.compare(10, 12, "%"), part) == "inférieure à"
    assert c.qualifier(c.compare(10.2, 10, "%"), taux) == "proche de"
    assert c.qualifier(c.compare(10, 10, "%"), part) == "égale à"
    assert c.qualifier(c.compare(10, 10, "%"), c.Noun("effectifs", plural=True)) == "égaux à"


# --- titles ----------------------------------------------------------------------------------
def test_title_states_the_finding():
    assert c.comparison_title(share_row(), "all_territories") == (
        "Une part de l'industrie dans l'emploi nettement supérieure à la moyenne des "
        "Territoires d'industrie")


def test_title_level_uses_contractions():
    row = dict(indicator_id="median_income", unit="€", year="2021", territory=21000,
               france=21300, region=25000, territory_id="ti-8413")
    assert c.comparison_title(row, "france") == "Un niveau de vie médian proche du niveau national"
    assert c.comparison_title(row, "region") == "Un niveau de vie médian inférieur au niveau régional"


def test_title_tie_and_missing():
    assert c.comparison_title(share_row(territory=12.4), "france") == (
        "Une part de l'industrie dans l'emploi égale à la moyenne nationale")
    assert c.comparison_title(share_row(territory=None, status="nd"), "france") is None
    assert c.section_title("jobs", {"industry_jobs_share": share_row(territory=None)}) == (
        "Emploi et secteurs d'activité")


def test_growth_titles():
    g = dict(indicator_id="population_growth", unit="%/an", year="2015-2021",
             territory=0.41, france=0.33)
    assert c.growth_title(g) == "Une population en légère hausse entre 2015 et 2021, comme en France"
    assert c.growth_title(dict(g, territory=-0.6)) == (
        "Une population en baisse entre 2015 et 2021, à rebours de la tendance nationale")
    assert c.growth_title(dict(g, territory=1.2)) == (
        "Une population en hausse entre 2015 et 2021, plus marquée qu'en France")
    assert c.growth_title(dict(g, territory=None)) is None


# --- sentences -------------------------------------------------------------------------------
def test_value_sentence_gives_figure_and_benchmarks():
    text = c.value_sentence(share_row(), ("france", "all_territories"))
    assert text == (f"La part de l'industrie dans l'emploi s'établit à 24,1{NN}% en 2021, soit près "
                    f"d'un emploi sur quatre, contre 12,4{NN}% en France et 18,0{NN}% dans "
                    "l'ensemble des Territoires d'industrie.")


def test_value_sentence_tie_says_comme():
    text = c.value_sentence(share_row(territory=12.4), ("france",))
    assert text.endswith(", comme en France.")
    assert "contre" not in text


def test_value_sentence_region_preposition():
    assert "dans les Hauts-de-France" in c.value_sentence(share_row(territory_id="ti-3205"), ("region",))
    assert "à La Réunion" in c.value_sentence(share_row(territory_id="ti-0401"), ("region",))


@pytest.mark.parametrize("status, marker", [("nd", "n.d."), ("s", "s"), (None, "n.d.")])
def test_missing_value_makes_no_comparison(status, marker):
    text = c.value_sentence(share_row(territory=math.nan, status=status))
    assert text == f"La part de l'industrie dans l'emploi n'est pas disponible pour ce territoire ({marker})."
    for word in ("contre", "supérieur", "inférieur", "proche", "rang", "soit"):
        assert word not in text
    assert c.gap_sentence(share_row(territory=None)) is None


def test_missing_benchmark_is_left_out():
    text = c.value_sentence(share_row(france=None), ("france", "all_territories"))
    assert "en France" not in text
    assert f"contre 18,0{NN}% dans l'ensemble" in text
    assert c.value_sentence(share_row(france=None, all_territories=None, region=None)).endswith("quatre.")


def test_gap_sentence_points_and_rank():
    text = c.gap_sentence(share_row(rank=40), "all_territories")
    assert text == (f"Elle est nettement supérieure à la moyenne des Territoires d'industrie "
                    f"(+6,1{NB}points) ; le territoire se classe au 40e rang des 183{NB}Territoires "
                    "d'industrie.")


def test_gap_sentence_level_in_percent_and_ratio():
    row = dict(indicator_id="median_income", unit="€", year="2021", territory=19500, france=21500,
               rank=None, n_ranked=None)
    assert c.gap_sentence(row) == f"Il est inférieur au niveau national ({M}9{NN}%)."
    dens = dict(indicator_id="density", unit="hab/km²", territory=300, france=106)
    assert "2,8 fois plus" in c.gap_sentence(dens)


def test_approximation_is_flagged_in_sentences():
    row = dict(indicator_id="median_income", unit="€", year="2021", territory=21000, france=23000,
               approx=True)
    assert f"environ 21{NN}000{NB}€" in c.value_sentence(row, ("france",))


def test_growth_sentence():
    g = dict(indicator_id="population_growth", unit="%/an", year="2015-2021", territory=0.41,
             france=0.33, region=-0.1, territory_id="ti-8413")
    assert c.growth_sentence(g, ("france", "region")) == (
        f"La population a augmenté de 0,4{NN}% par an entre 2015 et 2021, contre +0,3{NN}% en "
        f"France et {M}0,1{NN}% en Auvergne-Rhône-Alpes.")
    assert c.growth_sentence(dict(g, territory=-1.23), ("france",)).startswith(
        f"La population a diminué de 1,2{NN}% par an")
    stable = c.growth_sentence(dict(g, territory=0.03), ("france",))
    assert stable.startswith("La population est restée quasi stable entre 2015 et 2021")
    assert c.growth_sentence(dict(g, territory=0.33), ("france",)).endswith(", comme en France.")
    jobs = dict(indicator_id="jobs_growth", unit="%", year="2015-2021", territory=-3.0, france=2.0)
    assert c.growth_sentence(jobs).startswith(f"Le nombre d'emplois a diminué de 3,0{NN}% entre")


# --- proportions, ranks ----------------------------------------------------------------------
@pytest.mark.parametrize("share, words", [
    (20.1, "un emploi sur cinq"),
    (19.2, "près d'un emploi sur cinq"),
    (27.0, "plus d'un emploi sur quatre"),
    (50.2, "la moitié des emplois"),
    (47.0, "près de la moitié des emplois"),
    (66.5, "les deux tiers des emplois"),
    (68.0, "plus des deux tiers des emplois"),
    (74.0, "près des trois quarts des emplois"),
    (40.0, "deux emplois sur cinq"),
    (90.3, "neuf emplois sur dix"),
    (5.0, None),       # below every fraction's tolerance
    (14.0, None),      # between 1/10 and 1/5: no natural wording
    (None, None),
])
def test_proportion_words(share, words):
    assert c.proportion_words(share, c.EMPLOI) == words


def test_proportion_words_feminine():
    assert c.proportion_words(19.0, c.PERSONNE) == "près d'une personne sur cinq"


def test_rank_words():
    assert c.rank_words(12, 183) == f"au 12e rang des 183{NB}Territoires d'industrie"
    assert c.rank_words(1, 183).startswith("au 1er rang")
    assert c.rank_words(3, 170).endswith("renseignés")
    assert c.rank_words(None, 183) is None


def test_extreme_words():
    part = c.Noun("part", "f")
    assert c.extreme_words(3, 183, part) == "parmi les plus élevées"
    assert c.extreme_words(19, 183, c.Noun("taux")) == "parmi les plus élevés"  # ceil(10 % of 183)
    assert c.extreme_words(20, 183, c.Noun("taux")) is None
    assert c.extreme_words(180, 183, c.Noun("taux")) == "parmi les plus faibles"
    assert c.extreme_words(90, 183, part) is None
    assert c.extreme_words(1, 9, part) is None  # too few territories ranked to say so


def test_gap_sentence_says_extreme_only_when_the_gap_agrees():
    top = c.gap_sentence(share_row(rank=3), "all_territories")
    assert f"(+6,1{NB}points) et figure parmi les plus élevées ; le territoire se classe au 3e rang" in top
    # above the benchmark but ranked low (a skewed distribution): no "parmi les plus faibles"
    assert "parmi" not in c.gap_sentence(share_row(rank=180), "all_territories")


def test_period_words():
    assert c.period_words("2021") == "en 2021"
    assert c.period_words("2015-2021") == "entre 2015 et 2021"
    assert c.period_words("") == ""


def test_phrasing_falls_back_on_the_label():
    ph = c.phrasing({"indicator_id": "new_share", "label": "Part des femmes dans l'emploi"})
    assert ph.noun.text == "part des femmes dans l'emploi" and ph.noun.feminine
    assert c.phrasing({"indicator_id": "x", "label": "Taux de quelque chose"}).noun.gender == "m"


def test_section_sentences_are_two_to_four_and_skip_absent_indicators():
    rows = {"industry_jobs_share": share_row(),
            "jobs": dict(indicator_id="jobs", unit="nombre", year="2021", territory=45210.3)}
    sentences = c.section_sentences("jobs", rows)
    assert 2 <= len(sentences) <= 4
    assert sentences[-1] == f"Le territoire compte 45{NN}210{NB}emplois au lieu de travail en 2021."
    assert c.section_sentences("income", {}) == []


def test_growth_title_stable_against_a_moving_benchmark():
    g = dict(indicator_id="population_growth", unit="%/an", year="2015-2021", territory=0.01,
             france=0.33)
    assert c.growth_title(g) == ("Une population quasi stable entre 2015 et 2021, alors qu'elle "
                                 "augmente en France")


def test_unavailable_indicators_are_named_in_one_sentence():
    rows = {"median_income": dict(indicator_id="median_income", unit="€", territory=None, status="nd"),
            "poverty_rate": dict(indicator_id="poverty_rate", unit="%", territory=None, status="s")}
    assert c.section_sentences("income", rows) == [
        "Ne sont pas disponibles pour ce territoire (n.d., s) : le niveau de vie médian et le taux "
        "de pauvreté."]


def test_gap_sentence_can_state_the_benchmark_value():
    text = c.gap_sentence(share_row(), "all_territories", with_rank=False, with_value=True)
    assert text == (f"Elle est nettement supérieure à la moyenne des Territoires d'industrie "
                    f"(18,0{NN}%, soit +6,1{NB}points).")


def test_section_title_prefers_a_marked_difference():
    rows = {
        "unemployment_rate": dict(indicator_id="unemployment_rate", unit="%", territory=11.2, france=12.1),
        "workers_share": dict(indicator_id="workers_share", unit="%", territory=21.8, france=11.7),
    }
    assert c.section_lead("active", rows) == "workers_share"
    assert c.section_title("active", rows) == (
        "Une part des ouvriers parmi les 15 ans ou plus nettement supérieure à la moyenne nationale")
    rows["workers_share"]["territory"] = 12.0  # no marked difference: the first lead
    assert c.section_lead("active", rows) == "unemployment_rate"
    rows["unemployment_rate"]["territory"] = None
    assert c.section_lead("active", rows) == "workers_share"


@pytest.mark.parametrize("phrase, expected", [
    ("Alençon", "d'Alençon"), ("Le Creusot", "du Creusot"), ("les emplois", "des emplois"),
    ("la moyenne", "de la moyenne"), ("Haute Vallée", "de Haute Vallée"), ("Est Réunion", "d'Est Réunion"),
])
def test_de_elision_and_contraction(phrase, expected):
    assert c.de(phrase) == expected


# --- a value on another basis than France (comparable = False) ---------------------------------
def test_not_comparable_value_gives_figure_and_region_only():
    note = ("Outre-mer : part de l'industrie dans l'emploi salarié (Flores 2023) … ; non comparable "
            "à la valeur de la France ni à celle de l'ensemble des Territoires d'industrie.")
    row = share_row(territory=6.64, region=8.0, france=11.7, all_territories=13.2, rank=None,
                    n_ranked=173, year="2023", approx=True, note=note, region_label="Guadeloupe",
                    territory_id="ti-0101", comparable=False)
    assert not c.comparable(row, "france") and not c.comparable(row, "all_territories")
    assert c.comparable(row, "region")
    rows = {"industry_jobs_share": row}
    assert c.section_title("jobs", rows) == "Emploi et secteurs d'activité"
    assert c.comparison_title(row, "all_territories") is None
    sentences = c.section_sentences("jobs", rows)
    text = " ".join(sentences)
    assert sentences[0] == f"La part de l'industrie dans l'emploi s'établit à environ 6,6{NN}% en 2023, " \
                           f"contre 8,0{NN}% en Guadeloupe."
    assert "11,7" not in text and "13,2" not in text and "nettement" not in text and "rang" not in text
    assert "pas comparable" in sentences[1]
    # the flag decides, not the wording of the note: flagged comparable, they are compared as usual
    plain = dict(row, comparable=True)
    assert "France" in c.value_sentence(plain, ("region", "france"))
