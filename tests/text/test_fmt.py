import math

import pytest

from portraits.text import fmt

NN = "\u202f"
NB = "\u00a0"
M = "\u2212"


def test_number_thousands_and_rounding_half_up():
    assert fmt.number(12345.6) == f"12{NN}346"
    assert fmt.number(1234567) == f"1{NN}234{NN}567"
    assert fmt.number(2.5) == "3"  # half-up, not babel's half-even
    assert fmt.number(12.45, 1) == "12,5"
    assert fmt.number(-1234.5, 1) == f"{M}1{NN}234,5"


def test_percent_uses_narrow_nbsp_and_decimal_comma():
    assert fmt.percent(12.4) == f"12,4{NN}%"
    assert fmt.percent(12.4, 0) == f"12{NN}%"
    assert fmt.percent(0.04) == f"0,0{NN}%"
    assert fmt.percent(-0.04) == f"0,0{NN}%"  # never "-0,0 %"


def test_signed_percent():
    assert fmt.signed_percent(0.4) == f"+0,4{NN}%"
    assert fmt.signed_percent(-1.25) == f"{M}1,3{NN}%"
    assert fmt.signed_percent(0) == f"0,0{NN}%"


@pytest.mark.parametrize("diff, expected", [
    (2.3, f"+2,3{NB}points"),
    (-0.4, f"{M}0,4{NB}point"),
    (1.94, f"+1,9{NB}point"),
    (1.96, f"+2,0{NB}points"),  # the rule applies to the value shown
    (-2.0, f"{M}2,0{NB}points"),
    (0.0, f"0,0{NB}point"),
])
def test_points_singular_below_two(diff, expected):
    assert fmt.points(diff) == expected


def test_points_unsigned():
    assert fmt.points(-3.21, signed=False) == f"3,2{NB}points"


def test_euros():
    assert fmt.euros(21345.4) == f"21{NN}345{NB}€"


@pytest.mark.parametrize("x", [None, float("nan"), math.inf, "abc"])
def test_missing_values_show_nd(x):
    assert fmt.number(x) == "n.d."
    assert fmt.percent(x) == "n.d."
    assert fmt.points(x) == "n.d."
    assert fmt.euros(x) == "n.d."
    assert fmt.value(x, "%") == "n.d."


def test_secret_status_shows_s():
    assert fmt.percent(None, status="s") == "s"
    assert fmt.value(float("nan"), "€", status="s") == "s"
    assert fmt.value(float("nan"), "€", status="nd") == "n.d."


def test_pandas_na_is_missing():
    pd = pytest.importorskip("pandas")
    assert fmt.is_missing(pd.NA)
    assert fmt.number(pd.NA) == "n.d."


def test_value_dispatches_on_unit():
    assert fmt.value(12.44, "%") == f"12,4{NN}%"
    assert fmt.value(0.43, "%/an") == f"+0,4{NN}%{NB}par an"
    assert fmt.value(0.43, "%/an", with_unit=False) == f"+0,4{NN}%"
    assert fmt.value(21345, "€") == f"21{NN}345{NB}€"
    assert fmt.value(87.26, "hab/km²") == f"87{NB}hab./km²"
    assert fmt.value(45210, "nombre") == f"45{NN}210"
    assert fmt.value(1.234, "indice") == "1,23"
    assert fmt.value(3.0, "km²") == f"3{NB}km²"  # unknown unit: number + unit


def test_every_catalogue_unit_has_its_format():
    from portraits.data.indicators import catalogue_frame
    assert set(catalogue_frame().unit) <= set(fmt._UNITS)


def test_rate_units_are_compared_in_points():
    assert fmt.is_rate("%") and fmt.is_rate("%/an")
    assert not fmt.is_rate("€") and not fmt.is_rate("nombre") and not fmt.is_rate(None)


def test_ordinal():
    assert fmt.ordinal(1) == "1er"
    assert fmt.ordinal(1, feminine=True) == "1re"
    assert fmt.ordinal(12) == "12e"
