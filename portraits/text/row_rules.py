"""The rules of the commentary (INSEE house style), one module per family, each documenting
its rules: ``comparison`` (a value against a benchmark), ``proportions`` (a share in words),
``trends`` (periods and changes), ``ranks``, with ``grammar`` (agreement, elision, the
indicators' nouns) and ``benchmarks`` (the benchmarks' words). The sentences are written in
portrait_template.qmd; its inline expressions call ``portraits.text.phrasing``, which applies
these rules. Thresholds and words are read from ``phrasing.toml`` (documented there), so a
statistician changes them without Python.

This module says how the rules read an indicator row. A missing value (NaN, status "nd" or
"s") shows its marker, and no comparison, rank or proportion is drawn from it. A value the
data layer marks ``comparable = False`` (e.g. the overseas industry share, from Flores
salaried jobs while France and the territories come from the census) is never compared with
France nor with all the territories (``comparable``): its sentence gives the figure and the
region only; titles fall back to the template's neutral heading.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from portraits.core import levels
from portraits.text import fmt


def field(row: Mapping[str, Any] | Any, key: str, default=None):
    """``row[key]``, or ``default`` when the row lacks it or holds None."""
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError):
        return default
    return default if value is None else value


def comparable(row, key: str) -> bool:
    """False for the benchmarks not on the territory's own basis (``same_basis`` of
    ``portraits.core.levels``: France, all the territories) of a value the data layer marks as
    on another basis (``comparable`` false); the region is then on the value's own basis."""
    if key not in levels.BY_ID or levels.BY_ID[key].same_basis:
        return True
    flag = field(row, "comparable", True)
    return True if flag is None or (isinstance(flag, float) and math.isnan(flag)) else bool(flag)


def approximate(row, level: str = "territory") -> bool:
    """Whether the value of ``level`` is approximate: its own flag (``territory_approx``…)
    where the processed table gives one, else the catalogue's."""
    value = field(row, f"{level}_approx", field(row, "approx", False))
    try:
        return bool(value) and not (isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def is_change(row) -> bool:
    """Changes (the catalogue's ``signed``: growth and change aggregations) are shown signed: "+3,2 %"."""
    signed = field(row, "signed")
    if signed is None:  # a row without the catalogue's flag (tests, older tables): ask the catalogue
        from portraits.data.indicators import signed_ids

        return str(field(row, "indicator_id", "")) in signed_ids()
    return bool(signed)


def shown(row, key: str = "territory", with_unit: bool = True) -> str:
    """The formatted value of one column of an indicator row (n.d./s if missing)."""
    x = field(row, key)
    status = field(row, "status") if key == "territory" else None
    status = status if isinstance(status, str) else None
    unit = field(row, "unit")
    if is_change(row) and (unit or "").strip() == "%":
        return fmt.signed_percent(x, status=status)
    return fmt.value(x, unit, status=status, with_unit=with_unit)
