"""Proportions in words (``proportion_words``): a share ``s`` (in %) is put into words with the
nearest fraction ``f`` of ``FRACTIONS`` (the share as displayed) when
``|s - f| <= PROPORTION_TOLERANCE * f`` and ``|s - f| <= PROPORTION_MAX_GAP`` points: "un emploi
sur cinq" if ``|s - f| < PROPORTION_EXACT``, otherwise "près d'un emploi sur cinq" (below) or
"plus d'un emploi sur cinq" (above). Thresholds and words: ``phrasing.toml`` [proportion]."""

from __future__ import annotations

from portraits.core import config
from portraits.text import fmt
from portraits.text.grammar import CountNoun, de

_P = config.phrasing_rules()["proportion"]
PROPORTION_EXACT = _P["exact"]
PROPORTION_TOLERANCE = _P["tolerance"]
PROPORTION_MAX_GAP = _P["max_gap"]

# (share in %, numerator word or article form, denominator word)
FRACTIONS: list[tuple[float, str, str | None]] = [
    (10.0, "un", "dix"), (20.0, "un", "cinq"), (25.0, "un", "quatre"), (30.0, "trois", "dix"),
    (100 / 3, "un", "trois"), (40.0, "deux", "cinq"), (50.0, "la moitié", None),
    (60.0, "trois", "cinq"), (200 / 3, "les deux tiers", None), (75.0, "les trois quarts", None),
    (80.0, "quatre", "cinq"), (90.0, "neuf", "dix"),
]


def proportion_words(share, count: CountNoun, digits: int = 1) -> str | None:
    """``19.2`` -> "près d'un emploi sur cinq"; ``50.2`` -> "la moitié des emplois";
    ``68`` -> "plus des deux tiers des emplois"; None when no fraction is close enough."""
    if fmt.is_missing(share):
        return None
    s = fmt.rounded(share, digits)  # the share as displayed beside the words
    f, num, den = min(FRACTIONS, key=lambda fr: abs(s - fr[0]))
    gap = s - f
    if abs(gap) > PROPORTION_TOLERANCE * f or abs(gap) > PROPORTION_MAX_GAP:
        return None
    adverb = "" if abs(gap) < PROPORTION_EXACT else (_P["below"] if gap < 0 else _P["above"])
    if den is None:  # article forms: la moitié, les deux tiers, les trois quarts
        phrase = f"{num} {de('les ' + count.plural)}"
        return f"{adverb} {de(phrase)}" if adverb else phrase
    if num == "un":
        num = "une" if count.gender == "f" else "un"
        noun = count.singular
    else:
        noun = count.plural
    core = f"{num} {noun} sur {den}"
    return f"{adverb} {de(core)}" if adverb else core
