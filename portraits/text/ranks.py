"""Ranks in words: 1 = highest value ("au 12e rang des 183 Territoires d'industrie"); the first
or last ``TOP_SHARE`` of the ranked territories are "parmi les plus élevés / faibles"
(``phrasing.toml`` [rank]). The rule is exact: a rank r among n is in the top share when
``r <= TOP_SHARE * n`` (18 of 173 is 10.4 %: not in the top 10 %; 17 is), and in the bottom
share when ``n - r + 1 <= TOP_SHARE * n`` (157 of 173 is, 156 is not)."""

from __future__ import annotations

from portraits.core import config
from portraits.text import fmt
from portraits.text.grammar import Noun, agree

TOP_SHARE = config.phrasing_rules()["rank"]["top_share"]
ALL_TI = "Territoires d'industrie"
N_TERRITORIES = 183


def rank_words(rank, n_ranked) -> str | None:
    """"au 12e rang des 183 Territoires d'industrie" (1 = highest value)."""
    if fmt.is_missing(rank) or fmt.is_missing(n_ranked):
        return None
    rank, n = int(rank), int(n_ranked)
    ordinal = fmt.ordinal(rank)
    who = f"des {n}{fmt.NBSP}{ALL_TI}" if n == N_TERRITORIES else f"des {n}{fmt.NBSP}{ALL_TI} renseignés"
    return f"au {ordinal} rang {who}"


def extreme(rank, n_ranked) -> str | None:
    """"top" or "bottom" when the rank is within the first or last ``TOP_SHARE`` (10 or more
    territories ranked), None otherwise."""
    if fmt.is_missing(rank) or fmt.is_missing(n_ranked) or int(n_ranked) < 10:
        return None
    rank, n = int(rank), int(n_ranked)
    # the share of territories at or above (below) this rank, within TOP_SHARE: r <= 10 % x n
    # (a tolerance for floating point: 18 of 180 is exactly 10 %)
    limit = TOP_SHARE * n + 1e-9
    if rank <= limit:
        return "top"
    if n - rank + 1 <= limit:
        return "bottom"
    return None


def extreme_words(rank, n_ranked, noun: Noun) -> str | None:
    """"parmi les plus élevées" ("élevés", "faibles") for the top/bottom ``TOP_SHARE``."""
    side = extreme(rank, n_ranked)
    if side is None:
        return None
    highest = agree("élevé", Noun(noun.text, noun.gender, plural=True))
    return f"parmi les plus {highest if side == 'top' else 'faibles'}"
