"""French number formatting for the portraits, through babel (locale fr_FR).

All functions take plain numbers (or None/NaN for a missing value) and return text ready
for Markdown. Conventions:

- percentages are given in percent units (12.4 means 12,4 %), as in the processed tables;
- rounding is half-up on the decimal value as written (12.45 -> "12,5"), what a reader
  checking a figure by hand expects (babel's default is half-even);
- a narrow no-break space (U+202F) separates thousands and precedes "%" (French
  typography, ``portrait.md``); a no-break space precedes "€" and unit words;
- signed values use the true minus sign U+2212;
- a missing value prints as ``MISSING`` ("n.d."), a value under statistical secrecy as
  ``SECRET`` ("s"); no function ever invents a value.
"""

from __future__ import annotations

import decimal
import functools
import math

from babel import Locale
from babel.numbers import parse_pattern

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space: thousands separator, before % (babel's fr group symbol)
NBSP = "\u00a0"   # no-break space: before €, between a number and its unit word
MINUS = "\u2212"
MISSING = "n.d."
SECRET = "s"


def is_missing(x) -> bool:
    """True for None, NaN, pandas NA/NaT and anything that is not a finite number."""
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def missing_marker(status: str | None = None) -> str:
    """The marker shown in place of a value: "s" for secrecy, otherwise "n.d."."""
    return SECRET if (status or "").strip().lower() == "s" else MISSING


def _decimal(x) -> decimal.Decimal:
    # repr() gives the shortest decimal that round-trips: 12.45 stays 12.45, not 12.4499…
    if isinstance(x, decimal.Decimal):
        return x
    return decimal.Decimal(repr(float(x)))


def _pattern(digits: int, signed: bool = False) -> str:
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    if signed:
        return f"+{body};{MINUS}{body}"
    return f"{body};{MINUS}{body}"


def rounded(x, digits: int = 0) -> float:
    """``x`` rounded half-up to ``digits`` decimals, as displayed (for rules on shown values)."""
    q = decimal.Decimal(1).scaleb(-digits)
    return float(_decimal(x).quantize(q, rounding=decimal.ROUND_HALF_UP))


# A portrait formats about 600 numbers, and the same benchmarks (France, its region) on every
# portrait: each (value, digits, sign) formatted once per process.
@functools.lru_cache(maxsize=8192)
def _format(x, digits: int, signed: bool = False) -> str:
    value = rounded(x, digits)
    if value == 0:
        value = 0.0  # no "-0,0" nor "+0,0": zero has no sign
        signed = False
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        return _number_pattern(digits, signed).apply(_decimal(value), _locale())


@functools.cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


@functools.cache
def _number_pattern(digits: int, signed: bool):
    # what babel.numbers.format_decimal does, with the parsed pattern kept (hundreds of calls
    # per portrait)
    return parse_pattern(_pattern(digits, signed))


def number(x, digits: int = 0, status: str | None = None) -> str:
    """``12345.6`` -> ``"12 346"`` (U+202F as thousands separator)."""
    if is_missing(x):
        return missing_marker(status)
    return _format(x, digits)


def percent(x, digits: int = 1, status: str | None = None) -> str:
    """``12.4`` (percent units) -> ``"12,4 %"`` with U+202F before %."""
    if is_missing(x):
        return missing_marker(status)
    return _format(x, digits) + NNBSP + "%"


def signed_percent(x, digits: int = 1, status: str | None = None) -> str:
    """``0.4`` -> ``"+0,4 %"``, ``-1.25`` -> ``"−1,3 %"``, ``0`` -> ``"0,0 %"``."""
    if is_missing(x):
        return missing_marker(status)
    return _format(x, digits, signed=True) + NNBSP + "%"


def point_word(diff, digits: int = 1) -> str:
    """French agreement: "point" when the shown absolute value is below 2, else "points"."""
    return "point" if abs(rounded(diff, digits)) < 2 else "points"


def points(diff, digits: int = 1, signed: bool = True, status: str | None = None) -> str:
    """``2.3`` -> ``"+2,3 points"``, ``-0.4`` -> ``"−0,4 point"`` (singular below 2)."""
    if is_missing(diff):
        return missing_marker(status)
    text = _format(diff, digits, signed=signed) if signed else _format(abs(diff), digits)
    return text + NBSP + point_word(diff, digits)


def euros(x, digits: int = 0, status: str | None = None) -> str:
    """``21345`` -> ``"21 345 €"`` (no-break space before €)."""
    if is_missing(x):
        return missing_marker(status)
    return _format(x, digits) + NBSP + "€"


def ordinal(n: int, feminine: bool = False) -> str:
    """``1`` -> ``"1er"`` (``"1re"``), ``12`` -> ``"12e"``. CLDR/babel has no French ordinal
    abbreviations, hence these two lines."""
    n = int(n)
    if n == 1:
        return "1re" if feminine else "1er"
    return f"{n}e"


# Catalogue unit -> (formatter, default digits, suffix after the number). Units are matched
# case-insensitively after stripping; unknown units fall back to a plain number plus the unit.
_UNITS: dict[str, tuple[str, int, str]] = {
    # the catalogue's units (portraits/data/indicators.toml), then "nombre" and "indice"
    "%": ("percent", 1, ""),
    "%/an": ("signed_percent", 1, f"{NBSP}par an"),
    "€": ("euros", 0, ""),
    "hab/km²": ("number", 0, f"{NBSP}hab./km²"),
    "hab": ("number", 0, ""),
    "actifs": ("number", 0, ""),
    "emplois": ("number", 0, ""),
    "étab.": ("number", 0, ""),
    "pour 100": ("number", 1, ""),
    "nombre": ("number", 0, ""),
    "indice": ("number", 2, ""),
}


def unit_digits(unit: str | None) -> int:
    """Default number of decimals shown for a catalogue unit."""
    spec = _UNITS.get((unit or "").strip().lower())
    return spec[1] if spec else 0


def is_annual(unit: str | None) -> bool:
    """Annual rates ("%/an"): trends and comparisons use their own thresholds."""
    spec = _UNITS.get((unit or "").strip().lower())
    return bool(spec) and spec[0] == "signed_percent" and "par an" in spec[2]


def is_rate(unit: str | None) -> bool:
    """Rates (shares, %/year) are compared in points; levels in percent."""
    spec = _UNITS.get((unit or "").strip().lower())
    return bool(spec) and spec[0] in ("percent", "signed_percent")


def value(x, unit: str | None = None, digits: int | None = None, status: str | None = None,
          with_unit: bool = True) -> str:
    """Format ``x`` according to its catalogue ``unit`` ("%", "%/an", "€", "hab/km²"…).

    ``with_unit=False`` drops trailing unit words (kept for %, € which are part of the number).
    """
    key = (unit or "").strip().lower()
    kind, default_digits, suffix = _UNITS.get(key, ("number", 0, ""))
    if digits is None:
        digits = default_digits
    if is_missing(x):
        return missing_marker(status)
    text = {
        "percent": percent,
        "signed_percent": signed_percent,
        "euros": euros,
        "number": number,
    }[kind](x, digits)
    if with_unit:
        if key not in _UNITS and unit and kind == "number":
            suffix = NBSP + unit.strip()
        text += suffix
    return text


