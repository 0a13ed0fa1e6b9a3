from portraits.text import ranks
from portraits.text.grammar import Noun

NB = "\u00a0"


def test_rank_words():
    assert ranks.rank_words(12, 183) == f"au 12e rang des 183{NB}Territoires d'industrie"
    assert ranks.rank_words(1, 183).startswith("au 1er rang")
    assert ranks.rank_words(3, 170).endswith("renseignés")
    assert ranks.rank_words(None, 183) is None


def test_extreme_words():
    part = Noun("part", "f")
    assert ranks.extreme_words(3, 183, part) == "parmi les plus élevées"
    assert ranks.extreme_words(19, 183, Noun("taux")) == "parmi les plus élevés"  # ceil(10 % of 183)
    assert ranks.extreme_words(20, 183, Noun("taux")) is None
    assert ranks.extreme_words(180, 183, Noun("taux")) == "parmi les plus faibles"
    assert ranks.extreme_words(90, 183, part) is None
    assert ranks.extreme_words(1, 9, part) is None  # too few territories ranked to say so


def test_extreme_sides():
    assert ranks.extreme(1, 183) == "top" and ranks.extreme(183, 183) == "bottom"
    assert ranks.extreme(92, 183) is None and ranks.extreme(None, 183) is None
