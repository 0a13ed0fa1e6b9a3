"""The phrasing API that the template's inline expressions call.

``p.figure("unemployment_rate")`` gives a :class:`Figure`: one indicator of one territory.
Its properties and methods return French words (Markdown) decided from the figures by the
rules of ``portraits.text.commentary`` and its families (thresholds and words in ``phrasing.toml``), always on the
values as displayed. The words around them are the template's::

    Le taux de chômage atteint `{python} chomage` `{python} chomage.when`,
    `{python} chomage.vs("region", "france")`. Il est `{python} chomage.compared("france")`
    (`{python} chomage.gap("france")`).

    -> Le taux de chômage atteint 27,1 % en 2021, contre 26,4 % en Guadeloupe et 12,1 % en
       France. Il est nettement supérieur à la moyenne nationale (+15,0 points).

| expression | gives |
|---|---|
| ``x`` / ``x.value`` | the value as displayed, "environ …" if approximate, "n.d." / "s" if missing |
| ``x.when``, ``x.year`` | "en 2021", "entre 2015 et 2021"; "2021" |
| ``x.at("region")`` | a benchmark's value as displayed |
| ``x.where("region")`` | "en Normandie", "en France", "dans l'ensemble des Territoires d'industrie" |
| ``x.vs("region", "france")`` | "contre 8,0 % en Guadeloupe et 12,1 % en France" ("comme en France" for a tie; missing or non-comparable benchmarks left out) |
| ``x.compared("france")`` | "nettement supérieure à la moyenne nationale" (agrees with the noun) |
| ``x.gap("france")`` | "+6,1 points", "−9 %", "2,8 fois plus" |
| ``x.in_words(", soit ")`` | ", soit près d'un emploi sur quatre", or "" when no fraction is close |
| ``x.rank`` | "au 12e rang des 183 Territoires d'industrie" |
| ``x.extreme("france", " et figure ")`` | " et figure parmi les plus élevées" when the rank is in the top (bottom) 10 % and the gap to the benchmark points the same way, else "" |
| ``x.change`` | "a augmenté de 0,4 % par an", "est restée quasi stable (+0,0 % par an)" |
| ``x.trend`` | "en légère hausse", "quasi stable" |
| ``x.title("france", otherwise="…")`` | "Un taux de chômage nettement supérieur à la moyenne nationale", else ``otherwise`` |
| ``x.trend_title("france", otherwise="…")`` | "Une population en légère baisse entre 2015 et 2021, à rebours de la tendance nationale" |
| ``x.marker`` | "n.d." or "s" |

Each call records what decided its words (raw and displayed values, benchmark, difference,
rule and threshold, outcome, rank, flags, source, millésime) into the evidence of the cell
being evaluated (:func:`recording`), which ``portraits.text.inline`` shows in the executed notebook.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterator

import pandas as pd

from portraits.core import levels
from portraits.text import commentary, comparison, fmt, grammar, proportions, ranks, trends
from portraits.text.benchmarks import Benchmark
from portraits.text.benchmarks import benchmarks as benchmark_words

_RECORDER: contextvars.ContextVar[list | None] = contextvars.ContextVar("evidence", default=None)


class Text(str):
    """Markdown text, what every inline expression must give. Quarto shows an inline value's
    ``text/markdown`` as is, where a plain ``str`` falls back to its ``text/plain`` repr and
    ``None`` reads "None" (src/core/jupyter/jupyter-inline.ts). Texts compose with ``+``
    (``x.when + x.in_words(", soit ")`` is one Text): Quarto never finds two expressions with
    no character between them, and an empty result makes it put the code back, so words that
    may be empty are appended to words that are not."""

    def __add__(self, other: object) -> "Text":
        return Text(str.__add__(self, str(other)))

    def __radd__(self, other: object) -> "Text":
        return Text(str(other) + str(self))

    def _repr_markdown_(self) -> str:
        return str(self)


@contextlib.contextmanager
def recording() -> Iterator[list[dict]]:
    """Collect the evidence of the Figure calls made inside the block."""
    rows: list[dict] = []
    token = _RECORDER.set(rows)
    try:
        yield rows
    finally:
        _RECORDER.reset(token)


EVIDENCE_COLUMNS = {  # key -> header shown to reviewers
    "indicator": "Indicateur", "asked": "Expression", "raw": "Valeur brute", "shown": "Valeur affichée",
    "benchmark": "Référence", "bench_raw": "Référence brute", "bench_shown": "Référence affichée",
    "diff": "Écart (affiché)", "rule": "Règle et seuil", "outcome": "Résultat", "rank": "Rang/n",
    "approx": "Approx.", "comparable": "Comparable", "source": "Source", "year": "Millésime",
}


def evidence_table(rows: list[dict]) -> pd.DataFrame:
    """The evidence as a table, one row per decision, with French headers."""
    df = pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS)).drop_duplicates()
    return df.fillna("").astype(str).rename(columns=EVIDENCE_COLUMNS)


def _num(x: Any) -> str:
    return "" if fmt.is_missing(x) else f"{float(x):.10g}"


class Figure:
    """One indicator of one territory, for the template's inline expressions."""

    def __init__(self, row: dict, benchmarks: dict[str, Benchmark]):
        self.row = row
        self.id = str(row.get("indicator_id"))
        # France's words follow what France covers for this indicator ("en France métropolitaine")
        self.benchmarks = {**benchmarks, "france": benchmark_words(france_scope=row.get("france_scope"))["france"]}
        self.unit = row.get("unit")
        self.digits = fmt.unit_digits(self.unit)
        self.phrasing = grammar.phrasing(row)
        self.noun = self.phrasing.noun

    # ---------------------------------------------------------------- evidence
    def _record(self, asked: str, *, benchmark: str | None = None, diff: str = "", rule: str = "",
                outcome: str = "") -> None:
        rows = _RECORDER.get()
        if rows is None:
            return
        r = self.row
        rank, n = r.get("rank"), r.get("n_ranked")
        rows.append({
            "indicator": self.id, "asked": asked, "raw": _num(r.get("territory")), "shown": self.shown(),
            "benchmark": levels.label(benchmark, r.get("france_scope")) if benchmark in levels.BY_ID else "",
            "bench_raw": _num(r.get(benchmark)) if benchmark else "",
            "bench_shown": self.shown(benchmark) if benchmark else "",
            "diff": diff, "rule": rule, "outcome": outcome,
            "rank": f"{int(rank)}/{int(n)}" if not (fmt.is_missing(rank) or fmt.is_missing(n)) else "",
            "approx": "oui" if commentary.approximate(r) else "non",
            "comparable": "oui" if commentary.comparable(r, benchmark or "france") else "non",
            "source": r.get("source") or "", "year": r.get("year") or "",
        })

    # ---------------------------------------------------------------- values
    def shown(self, level: str = "territory") -> Text:
        return Text(commentary.shown(self.row, level))

    @property
    def available(self) -> bool:
        return not fmt.is_missing(self.row.get("territory"))

    @property
    def value(self) -> Text:
        text = self.shown()
        if self.available and commentary.approximate(self.row):
            text = "environ " + text
        self._record("valeur", rule="valeur affichée" + (" (approchée : « environ »)" if commentary.approximate(self.row) else ""),
                     outcome=text)
        return Text(text)

    def __str__(self) -> str:
        return str(self.value)

    def _repr_markdown_(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def marker(self) -> Text:
        return Text(fmt.missing_marker(self.row.get("status")))

    @property
    def year(self) -> Text:
        return Text(str(self.row.get("year") or ""))

    @property
    def when(self) -> Text:
        return Text(trends.period_words(self.row.get("year")))

    def at(self, level: str) -> Text:
        self._check_level(level)
        text = self.shown(level)
        self._record(f"at({level!r})", benchmark=level, outcome=text)
        return Text(text)

    def where(self, level: str) -> Text:
        self._check_level(level)
        return Text(self.benchmarks[level].where)

    def comparable(self, level: str) -> bool:
        return commentary.comparable(self.row, level)

    def _check_level(self, level: str) -> None:
        if level not in self.benchmarks:
            raise ValueError(f"unknown benchmark {level!r}: choose among {', '.join(self.benchmarks)}")

    # ---------------------------------------------------------------- comparisons
    def _rule(self, cmp: comparison.Comparison) -> str:
        if fmt.is_rate(self.unit):
            near, marked = comparison.point_thresholds(self.unit)
            return f"écart en points : proche si |d| < {near:g}, nettement si |d| ≥ {marked:g}"
        return (f"écart relatif : proche si |r| < {comparison.NEAR_RELATIVE:.0%}, nettement si |r| ≥ "
                f"{comparison.MARKED_RELATIVE:.0%}").replace("%", "\u202f%")

    def _compare(self, level: str) -> comparison.Comparison:
        return comparison.compare(self.row.get("territory"), self.row.get(level), self.unit)

    def _diff_text(self, cmp: comparison.Comparison) -> str:
        if cmp.diff is None:
            return ""
        return fmt.points(cmp.diff) if cmp.in_points else fmt.signed_percent(cmp.diff * 100, 1)

    def vs(self, *levels: str) -> Text:
        """"contre 8,0 % en Guadeloupe et 12,1 % en France"; "comme en France" for a tie."""
        parts = []
        for level in levels or ("france",):
            self._check_level(level)
            b = self.row.get(level)
            if not self.available or fmt.is_missing(b) or not self.comparable(level):
                why = ("valeur du territoire manquante" if not self.available else
                       "référence manquante" if fmt.is_missing(b) else "autre base : non comparable")
                self._record(f"vs({level!r})", benchmark=level, rule="référence omise", outcome=why)
                continue
            cmp = self._compare(level)
            if cmp.kind == "equal":
                parts.append(("comme", self.benchmarks[level].where))
            else:
                parts.append(("contre", f"{self.shown(level)} {self.benchmarks[level].where}"))
            self._record(f"vs({level!r})", benchmark=level, diff=self._diff_text(cmp),
                         rule="égalité des valeurs affichées -> « comme »", outcome=parts[-1][0])
        return Text(comparison.join_versus(parts) or "")

    def compared(self, level: str = "france", *, value: bool = False, gap: bool = False) -> Text:
        """"nettement supérieure à la moyenne nationale" (rates) / "au niveau national" (levels);
        with ``value`` and ``gap``, the benchmark's value and the gap in brackets:
        "… (18,0 %, soit +6,1 points)" (no gap for a tie, nor for a level "proche de")."""
        self._check_level(level)
        cmp = self._compare(level)
        if not cmp.available or not self.comparable(level):
            self._record(f"compared({level!r})", benchmark=level, rule="pas de comparaison",
                         outcome="valeur manquante" if not cmp.available else "non comparable")
            return Text("")
        bench = self.benchmarks[level]
        words = comparison.qualified(cmp, self.noun, bench.average if fmt.is_rate(self.unit) else bench.level)
        gap_text = comparison.signed_gap(cmp) if gap and (cmp.kind != "near" or cmp.in_points) else None
        bracket = ", soit ".join(x for x in (self.shown(level) if value else None, gap_text) if x)
        if bracket:
            words += f" ({bracket})"
        self._record(f"compared({level!r})", benchmark=level, diff=self._diff_text(cmp),
                     rule=self._rule(cmp), outcome=words)
        return Text(words)

    def gap(self, level: str = "france") -> Text:
        """"+6,1 points" (rates), "−9 %" (levels), "2,8 fois plus" (ratios); "" for a tie."""
        self._check_level(level)
        cmp = self._compare(level)
        text = (comparison.signed_gap(cmp) if self.comparable(level) else None) or ""
        self._record(f"gap({level!r})", benchmark=level, diff=self._diff_text(cmp),
                     rule=f"rapport affiché en « N fois » si ≥ {comparison.RATIO_WORDS:g}" if not cmp.in_points else
                     "différence en points des valeurs affichées", outcome=text)
        return Text(text)

    def in_words(self, prefix: str = "") -> Text:
        """The share in words, after ``prefix`` (", soit "), or "" when no fraction is close."""
        count = self.phrasing.count
        words = None
        if count is not None and self.available and fmt.is_rate(self.unit):
            words = proportions.proportion_words(self.row.get("territory"), count, self.digits)
        self._record("in_words", rule=(f"fraction la plus proche si écart ≤ {proportions.PROPORTION_TOLERANCE:.0%} "
                                       f"d'elle et ≤ {proportions.PROPORTION_MAX_GAP:g} points ; exacte si < "
                                       f"{proportions.PROPORTION_EXACT:g}").replace("%", "\u202f%"),
                     outcome=words or "aucune fraction assez proche")
        return Text(prefix + words if words else "")

    # ---------------------------------------------------------------- ranks
    @property
    def rank(self) -> Text:
        words = ranks.rank_words(self.row.get("rank"), self.row.get("n_ranked")) or ""
        self._record("rank", rule="1 = valeur la plus élevée", outcome=words or "non classé")
        return Text(words)

    def extreme(self, level: str = "france", prefix: str = "") -> Text:
        """"parmi les plus élevées" ("faibles") after ``prefix``, said only when the rank is in
        the top (bottom) share and the gap to ``level`` points the same way; else ""."""
        side = ranks.extreme(self.row.get("rank"), self.row.get("n_ranked"))
        cmp = self._compare(level)
        agrees = (side, cmp.kind) in (("top", "above"), ("bottom", "below")) and self.comparable(level)
        words = ranks.extreme_words(self.row.get("rank"), self.row.get("n_ranked"), self.noun) if agrees else None
        self._record(f"extreme({level!r})", benchmark=level,
                     rule=f"rang dans les {ranks.TOP_SHARE:.0%} extrêmes et écart de même sens".replace("%", "\u202f%"),
                     outcome=words or "rien")
        return Text(prefix + words if words else "")

    # ---------------------------------------------------------------- changes
    @property
    def _annual(self) -> bool:
        return fmt.is_annual(self.unit)

    def _trend(self, value) -> str | None:
        return trends.trend_words(value, self._annual, self.digits)

    def _trend_rule(self) -> str:
        stable, slight = trends.thresholds(self._annual)
        return f"valeur affichée : quasi stable si |x| < {stable:g}, légère si |x| < {slight:g}"

    @property
    def trend(self) -> Text:
        words = self._trend(self.row.get("territory")) or ""
        self._record("trend", rule=self._trend_rule(), outcome=words)
        return Text(words)

    @property
    def change(self) -> Text:
        """"a augmenté de 0,4 % par an", "a diminué de 0,5 % par an", "est restée quasi stable
        (+0,0 % par an)" — agreeing with what changes (phrasing.toml ``subject``)."""
        subject = self.phrasing.subject or self.noun
        t = self.row.get("territory")
        if fmt.is_missing(t):
            return Text(self.marker)
        per_year = " par an" if self._annual else ""
        shown = fmt.rounded(t, self.digits)
        trend = self._trend(t)
        if trend == trends.STABLE or shown == 0:
            verb = f"{'sont' if subject.plural else 'est'} {grammar.participle('resté', subject)}"
            words = f"{verb} {grammar.agree(trends.STABLE, subject)} ({fmt.signed_percent(t)}{per_year})"
        else:
            verb = ("ont" if subject.plural else "a") + (" augmenté" if shown > 0 else " diminué")
            approx = "environ " if commentary.approximate(self.row) else ""
            words = f"{verb} de {approx}{fmt.percent(abs(shown), self.digits)}{per_year}"
        self._record("change", rule=self._trend_rule(), outcome=words)
        return Text(words)

    # ---------------------------------------------------------------- titles
    def strong(self, level: str = "france") -> bool:
        """True when the gap to ``level`` is marked ("nettement")."""
        return self.available and self.comparable(level) and self._compare(level).strong

    def title(self, level: str = "france", otherwise: str = "") -> Text:
        """"Une part … nettement supérieure à la moyenne …", else ``otherwise``."""
        words = self.compared(level)
        if not words:
            return Text(otherwise)
        return Text(grammar.capitalize(f"{self.noun.indefinite()} {words}"))

    def trend_title(self, level: str = "france", otherwise: str = "") -> Text:
        """"Une population en légère hausse entre 2015 et 2021, plus marquée qu'en France"."""
        subject = self.phrasing.subject or self.noun
        t, b = self.row.get("territory"), self.row.get(level)
        trend = self._trend(t)
        if trend is None:
            self._record(f"trend_title({level!r})", benchmark=level, rule="titre neutre", outcome=otherwise)
            return Text(otherwise)
        title = f"{grammar.capitalize(subject.indefinite())} {trend} {self.when}".rstrip()
        bench_trend = self._trend(b)
        where = self.benchmarks[level].where
        if bench_trend is not None and self.comparable(level):
            t_sign = 0 if trend == trends.STABLE else (1 if fmt.rounded(t, self.digits) > 0 else -1)
            b_sign = 0 if bench_trend == trends.STABLE else (1 if fmt.rounded(b, self.digits) > 0 else -1)
            cmp = self._compare(level)
            if t_sign == 0 and b_sign == 0:
                title += f", comme {where}"
            elif t_sign == 0:
                title += f", alors qu'{subject.pronoun()} {'augmente' if b_sign > 0 else 'diminue'} {where}"
            elif b_sign == 0 or t_sign != b_sign:
                title += (", à rebours de la tendance nationale" if level == "france"
                          else f", à la différence de la tendance observée {where}")
            elif cmp.kind in ("equal", "near"):
                title += f", comme {where}"
            else:
                stronger = abs(fmt.rounded(t, self.digits)) > abs(fmt.rounded(b, self.digits))
                title += f", {'plus' if stronger else 'moins'} marquée {grammar.que(where)}"
        self._record(f"trend_title({level!r})", benchmark=level, diff=self._diff_text(self._compare(level)),
                     rule=self._trend_rule() + " ; même sens et écart proche -> « comme »", outcome=title)
        return Text(title)


def first_marked(figures: list[Figure], level: str = "france", otherwise: str = "") -> Text:
    """The title of the first figure whose gap to ``level`` is marked, else of the first one
    that can be compared, else ``otherwise``: a title never states what the text does not."""
    usable = [f for f in figures if f.available and f.comparable(level)
              and not fmt.is_missing(f.row.get(level))]
    lead = next((f for f in usable if f.strong(level)), usable[0] if usable else None)
    return lead.title(level, otherwise) if lead else Text(otherwise)

