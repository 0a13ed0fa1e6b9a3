"""The catalogue's written overview: how the territories compare on one indicator, in French
sentences stating figures computed here, with the distribution and the extremes as small
tables. Only comparable values are compared: a value on another basis (the overseas industry
share, from Flores) is left out, and one sentence says so with its source and year.
``notebooks/national_overview.ipynb`` shows the same sentences as the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from portraits.site.catalogue_data import (DEFAULT_MAP_INDICATOR, CatalogueData, IndicatorMeta, find_meta,
                                           format_value, french_text, is_comparable, load_data, other_basis,
                                           value_text)
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
    proportions in words come from ``portraits.text.row_rules`` and only when a simple fraction
    is close to the true share."""
    data = data or load_data()
    meta = find_meta(data, indicator_id)
    t = data.table
    valued = t.dropna(subset=[indicator_id]) if indicator_id in t else t.iloc[:0]
    comparable = pd.Series([is_comparable(r, meta) for r in valued.to_dict("records")], index=valued.index,
                           dtype=bool)
    known = valued[comparable].copy()
    aside = _other_basis_sentences(valued[~comparable], meta)
    if known.empty:
        return Overview(meta, [f"L\u2019indicateur « {meta.label} » n\u2019est disponible pour aucun territoire.",
                               *map(french_text, aside)], [], [], [])
    rank_col = f"{indicator_id}__rank"
    if rank_col not in known or known[rank_col].isna().any():
        known[rank_col] = known[indicator_id].rank(ascending=False, method="min")
    known = known.sort_values([rank_col, "name"])
    france = data.benchmarks.get("france", {}).get(indicator_id)
    sentences = _sentences(known, indicator_id, meta, france, n_all=len(t) - int((~comparable).sum()), aside=aside)
    distribution = _distribution(known[indicator_id], meta, france)

    def rows(frame: pd.DataFrame) -> list[dict]:
        return [{"rank": int(r[rank_col]), "territory_id": r["territory_id"], "name": r["name"],
                 "region_name": r["region_name"], "value": value_text(r, meta)}
                for r in frame.to_dict("records")]

    return Overview(meta, [french_text(x) for x in sentences], distribution, rows(known.head(n)), rows(known.tail(n)))


def _sentences(known: pd.DataFrame, indicator_id: str, meta: IndicatorMeta, france: float | None,
               n_all: int, aside: list[str]) -> list[str]:
    """The overview's sentences, from the territories with a comparable value (``known``, highest
    first); ``aside`` (the values left out) comes before the count of missing values."""
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
    sentences += aside
    if n_known < n_all:
        missing = n_all - n_known
        sentences.append(f"La valeur n\u2019est pas disponible pour {missing} territoire{'s' if missing > 1 else ''}.")
    return sentences


def _other_basis_sentences(others: pd.DataFrame, meta: IndicatorMeta) -> list[str]:
    """One sentence per other basis (``others``: the territories whose value is on one): how
    many territories it measures, with its source and year, left out of the comparison."""
    out = []
    records = others.to_dict("records")
    for note in dict.fromkeys(other_basis(r, meta) for r in records):
        group = [r for r in records if other_basis(r, meta) == note]
        n = len(group)
        where = "d'outre-mer " if all(r.get("overseas") for r in group) else ""
        if n == 1:
            out.append(f"Le territoire {where}mesuré sur une autre base ({note}) n'est pas compté : "
                       "sa valeur n'est pas comparable.")
        else:
            out.append(f"Les {n} territoires {where}mesurés sur une autre base ({note}) ne sont pas comptés : "
                       "leurs valeurs ne sont pas comparables.")
    return out


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
