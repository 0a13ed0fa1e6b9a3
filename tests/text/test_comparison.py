"""The comparison rules (portraits.text.comparison): thresholds and words are read here from
portraits/text/phrasing.toml [compare], the statistician's file, never copied, so editing a
threshold there is a one-file change."""

import math
import re
import tomllib

import pytest

from portraits.core import config
from portraits.text import comparison
from portraits.text.grammar import Noun, agree

NN = "\u202f"
RULES = tomllib.loads(config.PHRASING_PATH.read_text(encoding="utf-8"))["compare"]
WORDS = RULES["words"]
NEAR, MARKED = RULES["near_points"], RULES["marked_points"]
B = 12.4    # a benchmark rate, in %


@pytest.mark.parametrize("d, kind, strong", [
    (0.0, "equal", False),
    (NEAR / 2, "near", False),           # |d| < near_points
    (NEAR, "above", False),              # d = near_points exactly: no longer "proche"
    (MARKED, "above", True),             # d = marked_points: "nettement"
    (-MARKED - 0.6, "below", True),
    (-(NEAR + MARKED) / 2, "below", False),
])
def test_compare_rates_in_points(d, kind, strong):
    cmp = comparison.compare(B + d, B, "%")
    assert (cmp.kind, cmp.strong) == (kind, strong)


def test_equal_as_displayed():
    assert comparison.compare(12.44, 12.36, "%").kind == "equal"     # both shown 12,4 %


@pytest.mark.parametrize("r, kind, strong", [
    (0.0, "equal", False),
    (-RULES["near_relative"] / 2, "near", False),
    (-(RULES["near_relative"] + RULES["marked_relative"]) / 2, "below", False),
    (RULES["marked_relative"] * 2, "above", True),
])
def test_compare_levels_in_percent(r, kind, strong):
    b = 21500
    cmp = comparison.compare(round(b * (1 + r)), b, "€")
    assert (cmp.kind, cmp.strong) == (kind, strong)
    assert not cmp.in_points


def test_compare_annual_growth_has_its_own_thresholds():
    near, marked = RULES["growth_near_points"], RULES["growth_marked_points"]
    assert near < NEAR      # else this test would not tell the two sets apart
    assert comparison.compare(0.3 + near / 2, 0.3, "%/an").kind == "near"
    assert comparison.compare(0.3 + marked, 0.3, "%/an").strong
    assert not comparison.compare(0.3 + marked, 0.3, "%").strong


@pytest.mark.parametrize("t, b", [(None, 12.0), (12.0, None), (math.nan, 1.0)])
def test_compare_missing(t, b):
    cmp = comparison.compare(t, b, "%")
    assert cmp.kind == "missing" and not cmp.available
    assert comparison.qualifier(cmp, Noun("part", "f")) is None


def test_qualifiers_agree_with_the_noun():
    part, taux, effectifs = Noun("part", "f"), Noun("taux"), Noun("effectifs", plural=True)
    above_strong = comparison.compare(B + MARKED, B, "%")
    assert comparison.qualifier(above_strong, part) == f"{WORDS['marked']} {agree(WORDS['above'], part)} à"
    assert comparison.qualifier(above_strong, taux) == f"{WORDS['marked']} {WORDS['above']} à"
    below = comparison.compare(B - (NEAR + MARKED) / 2, B, "%")
    assert comparison.qualifier(below, part) == f"{agree(WORDS['below'], part)} à"
    assert comparison.qualifier(comparison.compare(B + NEAR / 2, B, "%"), taux) == f"{WORDS['near']} de"
    assert comparison.qualifier(comparison.compare(B, B, "%"), part) == f"{agree(WORDS['equal'], part)} à"
    assert comparison.qualifier(comparison.compare(B, B, "%"), effectifs) == f"{agree(WORDS['equal'], effectifs)} à"


def test_agreement_is_french():
    assert agree("supérieur", Noun("part", "f")) == "supérieure"
    assert agree("égal", Noun("effectifs", plural=True)) == "égaux"


def test_signed_gap_in_points_percent_or_times():
    assert comparison.signed_gap(comparison.compare(18.5, 12.4, "%")) == "+6,1\u00a0points"
    assert comparison.signed_gap(comparison.compare(19500, 21500, "€")) == f"\u22129{NN}%"
    factor = RULES["ratio_words"] + 0.8     # at least ratio_words times: said in words
    assert comparison.signed_gap(comparison.compare(100 * factor, 100, "hab/km²")) == \
        f"{factor:.1f}".replace(".", ",") + " fois plus"
    assert comparison.signed_gap(comparison.compare(10, 10, "%")) is None


def test_qualified_names_the_benchmark_with_contraction():
    part = Noun("part", "f")
    assert comparison.qualified(comparison.compare(B + MARKED, B, "%"), part, "la moyenne nationale") == \
        f"{WORDS['marked']} {agree(WORDS['above'], part)} à la moyenne nationale"
    assert comparison.qualified(comparison.compare(B + NEAR / 2, B, "%"), part, "le niveau national") == \
        f"{agree(WORDS['near'], part)} du niveau national"     # de + le -> du


def test_join_versus_does_not_repeat_the_word():
    assert comparison.join_versus([("contre", "a"), ("contre", "b"), ("comme", "c")]) == "contre a, b et comme c"
    assert comparison.join_versus([("contre", "a")]) == "contre a"
    assert comparison.join_versus([]) is None


def test_thresholds_come_from_the_toml_file(tmp_path, monkeypatch):
    """A statistician edits phrasing.toml, not Python: a changed threshold changes the words."""
    import importlib

    from portraits.core import config

    assert comparison.compare(B + NEAR / 2, B, "%").kind == "near"
    edited = tmp_path / "phrasing.toml"
    smaller = NEAR / 5
    text, n = re.subn(r"^near_points = .*$", f"near_points = {smaller}",
                      config.PHRASING_PATH.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert n == 1
    edited.write_text(text, encoding="utf-8")
    monkeypatch.setattr(config, "PHRASING_PATH", edited)
    config.phrasing_rules.cache_clear()
    try:
        importlib.reload(comparison)
        assert comparison.NEAR_POINTS == smaller and comparison.compare(B + NEAR / 2, B, "%").kind == "above"
    finally:
        monkeypatch.undo()
        config.phrasing_rules.cache_clear()
        importlib.reload(comparison)
    assert comparison.NEAR_POINTS == NEAR


def test_point_thresholds_are_the_growth_ones_for_annual_rates():
    assert comparison.point_thresholds("%/an") == (comparison.GROWTH_NEAR_POINTS, comparison.GROWTH_MARKED_POINTS)
    assert comparison.point_thresholds("%") == (comparison.NEAR_POINTS, comparison.MARKED_POINTS)
    assert comparison.point_thresholds("%/an") != comparison.point_thresholds("%")
