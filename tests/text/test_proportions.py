import pytest

from portraits.text.grammar import EMPLOI, PERSONNE
from portraits.text.proportions import proportion_words


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
    assert proportion_words(share, EMPLOI) == words


def test_proportion_words_feminine():
    assert proportion_words(19.0, PERSONNE) == "près d'une personne sur cinq"


@pytest.mark.parametrize("share, words", [
    (10.46, "plus d'une personne sur dix"),   # shown 10,5: a gap of 0,5 is not exact (ti-9307)
    (10.44, "une personne sur dix"),          # shown 10,4
    (9.54, "près d'une personne sur dix"),    # shown 9,5
    (11.04, "plus d'une personne sur dix"),   # shown 11,0: within the 10 % tolerance (raw: outside)
    (11.06, None),                            # shown 11,1: outside
])
def test_proportion_words_apply_to_the_displayed_share(share, words):
    assert proportion_words(share, PERSONNE) == words
