import pytest

from portraits.text import grammar


def test_phrasing_falls_back_on_the_label():
    ph = grammar.phrasing({"indicator_id": "new_share", "label": "Part des femmes dans l'emploi"})
    assert ph.noun.text == "part des femmes dans l'emploi" and ph.noun.feminine
    assert grammar.phrasing({"indicator_id": "x", "label": "Taux de quelque chose"}).noun.gender == "m"


@pytest.mark.parametrize("phrase, expected", [
    ("Alençon", "d'Alençon"), ("Le Creusot", "du Creusot"), ("les emplois", "des emplois"),
    ("la moyenne", "de la moyenne"), ("Haute Vallée", "de Haute Vallée"), ("Est Réunion", "d'Est Réunion"),
])
def test_de_elision_and_contraction(phrase, expected):
    assert grammar.de(phrase) == expected


def test_nouns_come_from_the_toml_file():
    assert grammar.PHRASINGS["no_diploma_share"].noun.text.startswith("part des non-bacheliers")
    assert grammar.phrasing("no_diploma_share") is grammar.PHRASINGS["no_diploma_share"]


def test_articles_and_agreement():
    part, emplois = grammar.Noun("part", "f"), grammar.Noun("emplois", plural=True)
    assert grammar.Noun("industrie", "f").definite() == "l'industrie" and emplois.definite() == "les emplois"
    assert part.indefinite() == "une part" and emplois.pronoun() == "ils"
    assert grammar.agree("supérieur", part) == "supérieure" and grammar.agree("national", emplois) == "nationaux"
    assert grammar.participle("resté", grammar.Noun("populations", "f", plural=True)) == "restées"
    assert grammar.a("le niveau") == "au niveau" and grammar.a("les territoires") == "aux territoires"
    assert grammar.que("en France") == "qu'en France" and grammar.capitalize("une part") == "Une part"
