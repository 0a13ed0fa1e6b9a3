import tomllib

import pytest

from portraits.core import config
from portraits.text import trends


def test_period_words():
    assert trends.period_words("2021") == "en 2021"
    assert trends.period_words("2015-2021") == "entre 2015 et 2021"
    assert trends.period_words("") == ""


# The thresholds and words are phrasing.toml's [trend], read here (not copied): each case sits
# just below or just at a threshold AS DISPLAYED (one decimal, half-up).
T = tomllib.loads(config.PHRASING_PATH.read_text(encoding="utf-8"))["trend"]
STABLE, UP, DOWN = T["stable"], f"en {T['up']}", f"en {T['down']}"
SLIGHT_UP, SLIGHT_DOWN = f"en {T['slight']} {T['up']}", f"en {T['slight']} {T['down']}"


def _just_below(threshold):   # shown one tenth below
    return threshold - 0.051


def _reached(threshold):      # below the threshold, but shown equal to it
    return threshold - 0.04


@pytest.mark.parametrize("rate, words", [
    (_just_below(T["stable_annual"]), STABLE),
    (_reached(T["stable_annual"]), SLIGHT_UP),        # the raw value is below the threshold
    (-_reached(T["slight_annual"]), DOWN),            # not "légère" (ti-2706)
    (-_just_below(T["slight_annual"]), SLIGHT_DOWN),
    (T["slight_annual"] - 0.05, UP),                  # half-up
    (T["slight_annual"] - 0.051, SLIGHT_UP),
])
def test_trend_words_apply_to_the_displayed_annual_rate(rate, words):
    assert trends.trend_words(rate, annual=True) == words


@pytest.mark.parametrize("change, words", [
    (_reached(T["stable_total"]), SLIGHT_UP),         # not "quasi stable" (ti-3217)
    (_just_below(T["stable_total"]), STABLE),
    (_reached(T["slight_total"]), UP),
    (_just_below(T["slight_total"]), SLIGHT_UP),
])
def test_trend_words_apply_to_the_displayed_total_change(change, words):
    assert trends.trend_words(change, annual=False) == words


def test_other_periods_are_named_as_millesimes():
    assert trends.period_words("2023T2") == "(millésime 2023T2)"
    assert trends.trend_words(None) is None


def test_thresholds_are_the_annual_or_the_total_ones():
    assert trends.thresholds(True) == (trends.STABLE_ANNUAL, trends.SLIGHT_ANNUAL)
    assert trends.thresholds(False) == (trends.STABLE_TOTAL, trends.SLIGHT_TOTAL)
