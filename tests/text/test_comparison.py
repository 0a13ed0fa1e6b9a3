import math

import pytest

from portraits.text import comparison
from portraits.text.grammar import Noun

NN = "\u202f"


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
    cmp = comparison.compare(t, b, "%")
    assert (cmp.kind, cmp.strong) == (kind, strong)


@pytest.mark.parametrize("t, b, kind, strong", [
    (21000, 21500, "near", False),      # -2.3 % < NEAR_RELATIVE
    (20000, 21500, "below", False),     # -7 %
    (30000, 21500, "above", True),      # +40 % >= MARKED_RELATIVE
    (21500, 21500, "equal", False),
])
def test_compare_levels_in_percent(t, b, kind, strong):
    cmp = comparison.compare(t, b, "€")
    assert (cmp.kind, cmp.strong) == (kind, strong)
    assert not cmp.in_points


def test_compare_annual_growth_has_its_own_thresholds():
    assert comparison.compare(0.4, 0.3, "%/an").kind == "near"
    assert comparison.compare(0.9, 0.3, "%/an").strong


@pytest.mark.parametrize("t, b", [(None, 12.0), (12.0, None), (math.nan, 1.0)])
def test_compare_missing(t, b):
    cmp = comparison.compare(t, b, "%")
    assert cmp.kind == "missing" and not cmp.available
    assert comparison.qualifier(cmp, Noun("part", "f")) is None


def test_qualifiers_agree_with_the_noun():
    part, taux = Noun("part", "f"), Noun("taux")
    above_strong = comparison.compare(20, 10, "%")
    assert comparison.qualifier(above_strong, part) == "nettement supérieure à"
    assert comparison.qualifier(above_strong, taux) == "nettement supérieur à"
    assert comparison.qualifier(comparison.compare(10, 12, "%"), part) == "inférieure à"
    assert comparison.qualifier(comparison.compare(10.2, 10, "%"), taux) == "proche de"
    assert comparison.qualifier(comparison.compare(10, 10, "%"), part) == "égale à"
    assert comparison.qualifier(comparison.compare(10, 10, "%"), Noun("effectifs", plural=True)) == "égaux à"


def test_signed_gap_in_points_percent_or_times():
    assert comparison.signed_gap(comparison.compare(18.5, 12.4, "%")) == "+6,1\u00a0points"
    assert comparison.signed_gap(comparison.compare(19500, 21500, "€")) == f"\u22129{NN}%"
    assert comparison.signed_gap(comparison.compare(280, 100, "hab/km²")) == "2,8 fois plus"
    assert comparison.signed_gap(comparison.compare(10, 10, "%")) is None


def test_qualified_names_the_benchmark_with_contraction():
    part = Noun("part", "f")
    assert comparison.qualified(comparison.compare(20, 10, "%"), part, "la moyenne nationale") == \
        "nettement supérieure à la moyenne nationale"
    assert comparison.qualified(comparison.compare(10.2, 10, "%"), part, "le niveau national") == \
        "proche du niveau national"


def test_join_versus_does_not_repeat_the_word():
    assert comparison.join_versus([("contre", "a"), ("contre", "b"), ("comme", "c")]) == "contre a, b et comme c"
    assert comparison.join_versus([("contre", "a")]) == "contre a"
    assert comparison.join_versus([]) is None


def test_thresholds_come_from_the_toml_file(tmp_path, monkeypatch):
    """A statistician edits phrasing.toml, not Python: a changed threshold changes the words."""
    import importlib

    from portraits.core import config

    assert comparison.compare(12.9, 12.4, "%").kind == "near"  # 0,5 point < near_points = 1
    edited = tmp_path / "phrasing.toml"
    edited.write_text(config.PHRASING_PATH.read_text(encoding="utf-8").replace(
        "near_points = 1.0", "near_points = 0.2"), encoding="utf-8")
    monkeypatch.setattr(config, "PHRASING_PATH", edited)
    config.phrasing_rules.cache_clear()
    try:
        importlib.reload(comparison)
        assert comparison.NEAR_POINTS == 0.2 and comparison.compare(12.9, 12.4, "%").kind == "above"
    finally:
        monkeypatch.undo()
        config.phrasing_rules.cache_clear()
        importlib.reload(comparison)
    assert comparison.NEAR_POINTS == 1.0


def test_point_thresholds_are_the_growth_ones_for_annual_rates():
    assert comparison.point_thresholds("%/an") == (comparison.GROWTH_NEAR_POINTS, comparison.GROWTH_MARKED_POINTS)
    assert comparison.point_thresholds("%") == (comparison.NEAR_POINTS, comparison.MARKED_POINTS)
    assert comparison.point_thresholds("%/an") != comparison.point_thresholds("%")
