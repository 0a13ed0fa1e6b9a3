"""Periods and trends in words: "en 2021", "entre 2015 et 2021"; "en hausse", "en légère
baisse", "quasi stable". On the change as displayed, an annual change whose absolute value is
below ``STABLE_ANNUAL`` (a total change below ``STABLE_TOTAL``) is "quasi stable"; below
``SLIGHT_ANNUAL`` (``SLIGHT_TOTAL``) it is a "légère" hausse or baisse. Thresholds and words:
``phrasing.toml`` [trend]."""

from __future__ import annotations

import re

from portraits.core import config
from portraits.text import fmt

_T = config.phrasing_rules()["trend"]
STABLE_ANNUAL = _T["stable_annual"]
SLIGHT_ANNUAL = _T["slight_annual"]
STABLE_TOTAL = _T["stable_total"]
SLIGHT_TOTAL = _T["slight_total"]
STABLE = _T["stable"]  # the word of a stable trend ("quasi stable")
UP, DOWN = _T["up"], _T["down"]  # "hausse", "baisse"


def period_words(year: str | None) -> str:
    """"2021" -> "en 2021"; "2015-2021" -> "entre 2015 et 2021"; otherwise "(millésime …)"."""
    text = str(year or "").strip()
    m = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", text)
    if m:
        return f"entre {m.group(1)} et {m.group(2)}"
    if re.fullmatch(r"\d{4}", text):
        return f"en {text}"
    return f"(millésime {text})" if text else ""


def thresholds(annual: bool) -> tuple[float, float]:
    """(stable, slight) for an annual change or a change over the whole period."""
    return (STABLE_ANNUAL, SLIGHT_ANNUAL) if annual else (STABLE_TOTAL, SLIGHT_TOTAL)


def trend_words(rate, annual: bool = True, digits: int = 1) -> str | None:
    """"en hausse", "en légère baisse", "quasi stable"; None if missing. The rate is taken as
    displayed (``digits`` decimals): −0,46 shown "−0,5 %" is a "baisse", not a "légère baisse"."""
    if fmt.is_missing(rate):
        return None
    r = fmt.rounded(rate, digits)
    stable, slight = thresholds(annual)
    if abs(r) < stable:
        return STABLE
    direction = _T["up"] if r > 0 else _T["down"]
    return f"en {_T['slight']} {direction}" if abs(r) < slight else f"en {direction}"
