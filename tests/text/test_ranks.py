import math

import pytest

from portraits.core import config
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
    assert ranks.extreme_words(18, 183, Noun("taux")) == "parmi les plus élevés"  # 18 <= 18.3
    assert ranks.extreme_words(19, 183, Noun("taux")) is None  # 19 of 183 is 10.4 %
    assert ranks.extreme_words(180, 183, Noun("taux")) == "parmi les plus faibles"
    assert ranks.extreme_words(90, 183, part) is None
    assert ranks.extreme_words(1, 9, part) is None  # too few territories ranked to say so


def test_extreme_sides():
    assert ranks.extreme(1, 183) == "top" and ranks.extreme(183, 183) == "bottom"
    assert ranks.extreme(92, 183) is None and ranks.extreme(None, 183) is None


SHARE = config.phrasing_rules()["rank"]["top_share"]  # the TOML is the rule's source


@pytest.mark.parametrize("n", [173, 182, 183, 180, 10, 11])
def test_top_and_bottom_share_boundaries(n):
    """rank r of n is in the top share when r <= share x n, in the bottom when n - r + 1 <= share x n
    (ti-5305: 18th of 173 is 10.4 %, not among the highest; ti-3206: 156th of 173 is not among the
    lowest, the 157th is)."""
    last = math.floor(SHARE * n + 1e-9)
    assert ranks.extreme(last, n) == "top" and ranks.extreme(last + 1, n) is None
    assert ranks.extreme(n - last + 1, n) == "bottom" and ranks.extreme(n - last, n) is None


def test_the_cases_of_the_review():
    assert ranks.extreme(18, 173) is None and ranks.extreme(17, 173) == "top"
    assert ranks.extreme(156, 173) is None and ranks.extreme(157, 173) == "bottom"
    assert ranks.extreme(18, 180) == "top"  # exactly 10 %
