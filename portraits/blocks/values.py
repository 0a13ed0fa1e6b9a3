"""A portrait's indicator rows and their values as shown: French formatting, "n.d."/"s" when
missing, "≈" when approximate (see "Pour comprendre")."""

from __future__ import annotations

import pandas as pd

from portraits.data.store import Territory
from portraits.text import fmt, notes, row_rules

APPROX = "≈"  # marks an approximated value (see "Pour comprendre")


def indicator_rows(indicators: pd.DataFrame, territory: Territory) -> dict[str, dict]:
    """The territory's indicators keyed by id, as plain dicts with None for missing values
    (what commentary expects)."""
    rows: dict[str, dict] = {}
    for rec in indicators.to_dict("records"):
        rec["territory_id"] = territory.id
        rec["region_code"] = territory.region_code
        rec = {k: (None if _na(v) else v) for k, v in rec.items()}
        rec["note"] = notes.row_note(rec)  # the row holds a note code and its parameters: say it in French
        rows[rec["indicator_id"]] = rec
    return rows


def value_text(row: dict | None, level: str = "territory", approx_mark: bool = True) -> str:
    """An indicator's value formatted the French way ("n.d."/"s" if missing, "≈" if approximate)."""
    if row is None:
        return fmt.MISSING
    text = row_rules.shown(row, level)
    if approx_mark and row_rules.approximate(row, level) and not fmt.is_missing(row.get(level)):
        text = f"{APPROX}{fmt.NBSP}{text}"
    return text


def first_value(df: pd.DataFrame, col: str):
    """The first non-missing value of ``col`` (None when there is none)."""
    if col not in df:
        return None
    vals = df[col].dropna()
    return vals.iloc[0] if len(vals) else None


def _na(v) -> bool:
    try:
        return v is None or (not isinstance(v, str) and bool(pd.isna(v)))
    except (TypeError, ValueError):
        return False
