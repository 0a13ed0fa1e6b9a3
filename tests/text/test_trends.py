import pytest

from portraits.text import trends


def test_period_words():
    assert trends.period_words("2021") == "en 2021"
    assert trends.period_words("2015-2021") == "entre 2015 et 2021"
    assert trends.period_words("") == ""


@pytest.mark.parametrize("rate, words", [
    (0.049, "quasi stable"),        # shown 0,0
    (0.05, "en légère hausse"),     # shown +0,1: STABLE_ANNUAL reached (the raw value is below it)
    (-0.46, "en baisse"),           # shown −0,5: SLIGHT_ANNUAL reached, not "légère" (ti-2706)
    (-0.44, "en légère baisse"),    # shown −0,4
    (0.45, "en hausse"),            # shown +0,5 (half-up)
    (0.449, "en légère hausse"),    # shown +0,4
])
def test_trend_words_apply_to_the_displayed_annual_rate(rate, words):
    assert trends.trend_words(rate, annual=True) == words


@pytest.mark.parametrize("change, words", [
    (0.46, "en légère hausse"),     # shown +0,5: STABLE_TOTAL reached, not "quasi stable" (ti-3217)
    (0.44, "quasi stable"),         # shown +0,4
    (1.96, "en hausse"),            # shown +2,0: SLIGHT_TOTAL reached
    (1.94, "en légère hausse"),     # shown +1,9
])
def test_trend_words_apply_to_the_displayed_total_change(change, words):
    assert trends.trend_words(change, annual=False) == words


def test_other_periods_are_named_as_millesimes():
    assert trends.period_words("2023T2") == "(millésime 2023T2)"
    assert trends.trend_words(None) is None


def test_thresholds_are_the_annual_or_the_total_ones():
    assert trends.thresholds(True) == (trends.STABLE_ANNUAL, trends.SLIGHT_ANNUAL)
    assert trends.thresholds(False) == (trends.STABLE_TOTAL, trends.SLIGHT_TOTAL)
