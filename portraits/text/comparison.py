"""Comparison of a territory value ``t`` with a benchmark ``b`` (INSEE house style; thresholds
and words in ``phrasing.toml`` [compare], documented there):

- the values are compared as displayed (rounded to the unit's digits), so the words always
  match the figures printed next to them; equal shown values are a tie ("égal à",
  "comme en France");
- rates (units "%", "%/an": shares, rates, annual growth) are compared in points,
  ``d = t - b``: "proche de" if ``|d| < NEAR_POINTS``, "nettement supérieur/inférieur" if
  ``|d| >= MARKED_POINTS``, otherwise "supérieur/inférieur". Annual growth rates move less:
  their thresholds are ``GROWTH_NEAR_POINTS`` and ``GROWTH_MARKED_POINTS``;
- levels (counts, euros, densities, indices) are compared in percent, ``r = t / b - 1``:
  "proche de" if ``|r| < NEAR_RELATIVE``, "nettement" if ``|r| >= MARKED_RELATIVE``.

A missing value gives no comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from portraits.core import config
from portraits.text import fmt
from portraits.text.grammar import Noun, a, agree, de

_C = config.phrasing_rules()["compare"]
NEAR_POINTS = _C["near_points"]
MARKED_POINTS = _C["marked_points"]
GROWTH_NEAR_POINTS = _C["growth_near_points"]
GROWTH_MARKED_POINTS = _C["growth_marked_points"]
NEAR_RELATIVE = _C["near_relative"]
MARKED_RELATIVE = _C["marked_relative"]
RATIO_WORDS = _C["ratio_words"]
WORDS = _C["words"]


@dataclass(frozen=True)
class Comparison:
    kind: str            # "missing", "equal", "near", "above", "below"
    strong: bool = False
    diff: float | None = None       # points (rates) or relative change (levels, 0.12 = +12 %)
    in_points: bool = True
    ratio: float | None = None      # t / b for levels

    @property
    def available(self) -> bool:
        return self.kind != "missing"


def point_thresholds(unit: str | None) -> tuple[float, float]:
    """(near, marked) in points for a rate unit: annual growth rates have their own."""
    return ((GROWTH_NEAR_POINTS, GROWTH_MARKED_POINTS) if fmt.is_annual(unit)
            else (NEAR_POINTS, MARKED_POINTS))


def compare(t, b, unit: str | None = "%", digits: int | None = None) -> Comparison:
    """Compare a territory value with a benchmark by the rules above."""
    if fmt.is_missing(t) or fmt.is_missing(b):
        return Comparison("missing")
    digits = fmt.unit_digits(unit) if digits is None else digits
    # rules apply to the values as displayed, so that the text matches the figures shown
    t, b = fmt.rounded(t, digits), fmt.rounded(b, digits)
    if t == b:
        return Comparison("equal", diff=0.0, in_points=fmt.is_rate(unit))
    direction = "above" if t > b else "below"
    if fmt.is_rate(unit):
        near, marked = point_thresholds(unit)
        d = fmt.rounded(t - b, digits)
        if abs(d) < near:
            return Comparison("near", diff=d)
        return Comparison(direction, strong=abs(d) >= marked, diff=d)
    if b == 0:
        return Comparison(direction, in_points=False)
    r = t / b - 1
    ratio = t / b if b > 0 and t >= 0 else None
    if abs(r) < NEAR_RELATIVE:
        return Comparison("near", diff=r, in_points=False, ratio=ratio)
    return Comparison(direction, strong=abs(r) >= MARKED_RELATIVE, diff=r, in_points=False,
                      ratio=ratio)


def qualifier(cmp: Comparison, noun: Noun) -> str | None:
    """"nettement supérieure à", "proche de", "égal à"… agreeing with ``noun``; None if missing."""
    if cmp.kind == "missing":
        return None
    if cmp.kind == "equal":
        return agree(WORDS["equal"], noun) + " à"
    if cmp.kind == "near":
        return agree(WORDS["near"], noun) + " de"
    word = agree(WORDS["above"] if cmp.kind == "above" else WORDS["below"], noun)
    return (f"{WORDS['marked']} " if cmp.strong else "") + word + " à"


def qualified(cmp: Comparison, noun: Noun, target: str) -> str:
    """The qualifier with its benchmark: "nettement supérieure à la moyenne nationale"."""
    q = qualifier(cmp, noun)
    if q.endswith(" de"):
        return q[:-3] + " " + de(target)
    return q[:-2] + " " + a(target)


def signed_gap(cmp: Comparison) -> str | None:
    """The gap shown in brackets: "+6,1 points" (rates), "−9 %" (levels), "×2,8" (ratios)."""
    if cmp.kind in ("missing", "equal") or cmp.diff is None:
        return None
    if cmp.in_points:
        return fmt.points(cmp.diff)
    if cmp.ratio and (cmp.ratio >= RATIO_WORDS or cmp.ratio <= 1 / RATIO_WORDS):
        factor = cmp.ratio if cmp.ratio >= 1 else 1 / cmp.ratio
        return f"{fmt.number(factor, 1)} fois {'plus' if cmp.diff > 0 else 'moins'}"
    return fmt.signed_percent(cmp.diff * 100, 0)


def join_versus(parts: list[tuple[str, str]]) -> str | None:
    """[("contre", "a"), ("contre", "b")] -> "contre a et b" (the word is not repeated)."""
    if not parts:
        return None
    out, last = [], None
    for word, text in parts:
        out.append(text if word == last else f"{word} {text}")
        last = word
    return ", ".join(out[:-1]) + (" et " if len(out) > 1 else "") + out[-1]
