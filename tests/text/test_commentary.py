import math

import pytest

from portraits.text import commentary as c

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


def test_period_words():
    assert c.period_words("2021") == "en 2021"
    assert c.period_words("2015-2021") == "entre 2015 et 2021"
    assert c.period_words("") == ""


def test_phrasing_falls_back_on_the_label():
    ph = c.phrasing({"indicator_id": "new_share", "label": "Part des femmes dans l'emploi"})
    assert ph.noun.text == "part des femmes dans l'emploi" and ph.noun.feminine
    assert c.phrasing({"indicator_id": "x", "label": "Taux de quelque chose"}).noun.gender == "m"


@pytest.mark.parametrize("phrase, expected", [
    ("Alençon", "d'Alençon"), ("Le Creusot", "du Creusot"), ("les emplois", "des emplois"),
    ("la moyenne", "de la moyenne"), ("Haute Vallée", "de Haute Vallée"), ("Est Réunion", "d'Est Réunion"),
])
def test_de_elision_and_contraction(phrase, expected):
    assert c.de(phrase) == expected




# --- rules on the values as displayed (boundaries) ------------------------------------------
@pytest.mark.parametrize("rate, words", [
    (0.049, "quasi stable"),        # shown 0,0
    (0.05, "en légère hausse"),     # shown +0,1: STABLE_ANNUAL reached (the raw value is below it)
    (-0.46, "en baisse"),           # shown −0,5: SLIGHT_ANNUAL reached, not "légère" (ti-2706)
    (-0.44, "en légère baisse"),    # shown −0,4
    (0.45, "en hausse"),            # shown +0,5 (half-up)
    (0.449, "en légère hausse"),    # shown +0,4
])
def test_trend_words_apply_to_the_displayed_annual_rate(rate, words):
    assert c.trend_words(rate, annual=True) == words


@pytest.mark.parametrize("change, words", [
    (0.46, "en légère hausse"),     # shown +0,5: STABLE_TOTAL reached, not "quasi stable" (ti-3217)
    (0.44, "quasi stable"),         # shown +0,4
    (1.96, "en hausse"),            # shown +2,0: SLIGHT_TOTAL reached
    (1.94, "en légère hausse"),     # shown +1,9
])
def test_trend_words_apply_to_the_displayed_total_change(change, words):
    assert c.trend_words(change, annual=False) == words


@pytest.mark.parametrize("share, words", [
    (10.46, "plus d'une personne sur dix"),   # shown 10,5: a gap of 0,5 is not exact (ti-9307)
    (10.44, "une personne sur dix"),          # shown 10,4
    (9.54, "près d'une personne sur dix"),    # shown 9,5
    (11.04, "plus d'une personne sur dix"),   # shown 11,0: within the 10 % tolerance (raw: outside)
    (11.06, None),                            # shown 11,1: outside
])
def test_proportion_words_apply_to_the_displayed_share(share, words):
    assert c.proportion_words(share, c.PERSONNE) == words


def test_thresholds_come_from_the_toml_file(tmp_path, monkeypatch):
    """A statistician edits phrasing.toml, not Python: a changed threshold changes the words."""
    import importlib

    from portraits.core import config

    assert c.compare(12.9, 12.4, "%").kind == "near"  # 0,5 point < near_points = 1
    edited = tmp_path / "phrasing.toml"
    edited.write_text(config.PHRASING_PATH.read_text(encoding="utf-8").replace(
        "near_points = 1.0", "near_points = 0.2"), encoding="utf-8")
    monkeypatch.setattr(config, "PHRASING_PATH", edited)
    config.phrasing_rules.cache_clear()
    try:
        importlib.reload(c)
        assert c.NEAR_POINTS == 0.2 and c.compare(12.9, 12.4, "%").kind == "above"
    finally:
        monkeypatch.undo()
        config.phrasing_rules.cache_clear()
        importlib.reload(c)
    assert c.NEAR_POINTS == 1.0
    assert c.PHRASINGS["no_diploma_share"].noun.text.startswith("part des non-bacheliers")
