"""The catalogue's written overview: how the territories compare on one indicator, in French
sentences stating figures computed here, with the distribution and the extremes as small
tables. ``notebooks/national_overview.ipynb`` shows the same sentences as the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from portraits.site.catalogue_data import (DEFAULT_MAP_INDICATOR, CatalogueData, IndicatorMeta, find_meta,
                                           format_value, french_text, load_data)
from portraits.text import fmt


@dataclass
class Overview:
    """How the territories compare on one indicator: sentences and two small tables."""

    indicator: IndicatorMeta
    sentences: list[str]
    distribution: list[tuple[str, str]]  # (statistic, formatted value)
    top: list[dict]  # rank, territory_id, name, region_name, value (formatted)
    bottom: list[dict]


def _territory_count_noun():
    from portraits.text.grammar import CountNoun

    return CountNoun("territoire", "territoires")


def overview(data: CatalogueData | None = None, indicator_id: str = DEFAULT_MAP_INDICATOR, n: int = 5) -> Overview:
    """Rule-based French sentences on the spread of ``indicator_id`` across territories.

    Every sentence states figures computed here (extremes, quartiles, count above France);
    proportions in words come from ``portraits.text.commentary`` and only when a simple fraction
    is close to the true share."""
    data = data or load_data()
    meta = find_meta(data, indicator_id)
    t = data.table
    if indicator_id not in t or t[indicator_id].notna().sum() == 0:
        return Overview(meta, [f"L\u2019indicateur « {meta.label} » n\u2019est disponible pour aucun territoire."],
                        [], [], [])
    rank_col = f"{indicator_id}__rank"
    known = t.dropna(subset=[indicator_id]).copy()
    if rank_col not in known or known[rank_col].isna().any():
        known[rank_col] = known[indicator_id].rank(ascending=False, method="min")
    known = known.sort_values([rank_col, "name"])
    france = data.benchmarks.get("france", {}).get(indicator_id)
    sentences = _sentences(known, indicator_id, meta, france, n_all=len(t))
    distribution = _distribution(known[indicator_id], meta, france)

    def rows(frame: pd.DataFrame) -> list[dict]:
        return [{"rank": int(r[rank_col]), "territory_id": r["territory_id"], "name": r["name"],
                 "region_name": r["region_name"], "value": format_value(r[indicator_id], meta)}
                for r in frame.to_dict("records")]

    return Overview(meta, [french_text(x) for x in sentences], distribution, rows(known.head(n)), rows(known.tail(n)))


def _sentences(known: pd.DataFrame, indicator_id: str, meta: IndicatorMeta, france: float | None,
               n_all: int) -> list[str]:
    """The overview's sentences, from the territories with a value (``known``, highest first)."""
    from portraits.text.grammar import capitalize
    from portraits.text.proportions import proportion_words
    from portraits.text.trends import period_words

    def fv(v: Any) -> str:
        return format_value(v, meta)

    vals = known[indicator_id]
    n_known = len(known)
    label = meta.short_label  # the long label may already carry the millésime
    period = period_words(meta.year)
    q1, med, q3 = (float(vals.quantile(q)) for q in (0.25, 0.5, 0.75))
    first, last = known.iloc[0], known.iloc[-1]
    sentences = [
        capitalize(f"{label} {period} : de {fv(last[indicator_id])} ({last['name']}) à "
                   f"{fv(first[indicator_id])} ({first['name']}), selon le territoire."),
        f"La moitié des {n_known} Territoires d\u2019industrie renseignés dépassent {fv(med)} ; "
        f"un quart dépassent {fv(q3)} et un quart restent sous {fv(q1)}.",
    ]
    if france is not None:
        shown_fr = fmt.rounded(france, meta.digits)
        above = int(sum(fmt.rounded(v, meta.digits) > shown_fr for v in vals))
        words = proportion_words(100 * above / n_known, _territory_count_noun())
        words = f", soit {words}," if words else ""
        sentences.append(f"{above} territoires sur {n_known}{words} dépassent la valeur de la {meta.france} ({fv(france)}).")
    if n_known < n_all:
        missing = n_all - n_known
        sentences.append(f"La valeur n\u2019est pas disponible pour {missing} territoire{'s' if missing > 1 else ''}.")
    return sentences


def _distribution(vals: pd.Series, meta: IndicatorMeta, france: float | None) -> list[tuple[str, str]]:
    """Minimum, quartiles and maximum of the values, then the France value when there is one."""
    q1, med, q3 = (float(vals.quantile(q)) for q in (0.25, 0.5, 0.75))
    distribution = [
        ("Minimum", format_value(vals.min(), meta)),
        ("Premier quartile", format_value(q1, meta)),
        ("Médiane", format_value(med, meta)),
        ("Troisième quartile", format_value(q3, meta)),
        ("Maximum", format_value(vals.max(), meta)),
    ]
    if france is not None:
        distribution.append((meta.france, format_value(france, meta)))
    return distribution
