"""The phrasing API that the template's inline expressions call.

``p.indicator("unemployment_rate")`` gives a :class:`Indicator`: one indicator of one territory.
Its properties and methods return French words (Markdown) decided from the figures by the
rules of ``portraits.text.row_rules`` and its families (thresholds and words in ``phrasing.toml``), always on the
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
| ``x.at("region")`` | a benchmark's value as displayed, "environ …" if approximate |
| ``x.where("region")`` | "en Normandie", "en France", "dans l'ensemble des Territoires d'industrie" |
| ``x.vs("region", "france")`` | "contre 8,0 % en Guadeloupe et 12,1 % en France" ("comme en France" when every benchmark ties; "contre environ …" for an approximate benchmark; missing or non-comparable benchmarks left out) |
| ``x.compared("france")`` | "nettement supérieure à la moyenne nationale" (agrees with the noun) |
| ``x.gap("france")`` | "+6,1 points", "−9 %", "2,8 fois plus" |
| ``x.in_words(", soit ")`` | ", soit près d'un emploi sur quatre", or "" when no fraction is close |
| ``x.rank`` | "au 12e rang des 183 Territoires d'industrie" |
| ``x.extreme("france", " et figure ")`` | " et figure parmi les plus élevées" when the rank r of n is in the top (bottom) 10 %, r ≤ 10 % × n, and the gap to the benchmark points the same way, else "" |
| ``x.change`` | "a augmenté de 0,4 % par an", "est restée quasi stable (+0,0 % par an)" |
| ``x.trend`` | "en légère hausse", "quasi stable" |
| ``x.title("france", otherwise="…")`` | "Un taux de chômage nettement supérieur à la moyenne nationale", else ``otherwise`` |
| ``x.trend_title("france", otherwise="…")`` | "Une population en légère baisse entre 2015 et 2021, à rebours de la tendance nationale", "…, nettement moins marquée qu'en France", "…quasi stable…, contre une hausse en France" |
| ``x.marker`` | "n.d." or "s" |

An approximate value, the territory's or a benchmark's, is written "environ …" (the tables and
key figures write "≈ …": one rule, docs/ARCHITECTURE.md). Each call records what decided its
words (values, benchmark, difference, the rule that chose the outcome, outcome, rank, flags,
source, millésime) as a ``portraits.text.evidence`` row in the evidence of the cell being
evaluated (``evidence.recording``), which ``portraits.template.inline`` shows in the executed notebook.
"""

from __future__ import annotations

from portraits.text import comparison, evidence, fmt, grammar, proportions, ranks, row_rules, trends
from portraits.core.levels import Level
from portraits.text.benchmarks import benchmarks


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


APPROX_WORD = "environ "  # the text's mark of an approximate value, the territory's or a benchmark's


class Indicator:
    """One indicator of one territory, for the template's inline expressions."""

    def __init__(self, row: dict, words: dict[str, Level]):
        self.row = row
        self.id = str(row.get("indicator_id"))
        # France's words follow what France covers for this indicator ("en France métropolitaine")
        self.benchmarks = {**words, "france": benchmarks(france_scope=row.get("france_scope"))["france"]}
        self.unit = row.get("unit")
        self.digits = fmt.unit_digits(self.unit)
        self.phrasing = grammar.phrasing(row)
        self.noun = self.phrasing.noun

    # ---------------------------------------------------------------- evidence
    def _record(self, asked: str, *, benchmark: str | None = None, diff: str = "", rule: str = "",
                outcome: str = "") -> None:
        # which words of the page the row decided is said by the caller (portraits.template.inline)
        evidence.record(evidence.indicator_row(self.row, asked=asked, benchmark=benchmark, diff=diff,
                                               rule=rule, outcome=outcome, shown=self.shown()))

    # ---------------------------------------------------------------- values
    def shown(self, level: str = "territory") -> Text:
        return Text(row_rules.shown(self.row, level))

    @property
    def available(self) -> bool:
        return not fmt.is_missing(self.row.get("territory"))

    def approximate(self, level: str = "territory") -> bool:
        """Whether ``level``'s value is shown and approximate (the text then says "environ")."""
        return not fmt.is_missing(self.row.get(level)) and row_rules.approximate(self.row, level)

    def _marked(self, level: str = "territory") -> str:
        """The value of ``level`` as the text shows it: "environ 13,2 %" when approximate (the
        tables and key figures write "≈ 13,2 %": one rule, docs/ARCHITECTURE.md)."""
        return (APPROX_WORD if self.approximate(level) else "") + self.shown(level)

    def _approx_rule(self, level: str = "territory") -> str:
        return " ; valeur approchée -> « environ »" if self.approximate(level) else ""

    @property
    def value(self) -> Text:
        text = self._marked()
        self._record("valeur", rule="valeur affichée" + self._approx_rule(), outcome=text)
        return Text(text)

    def __str__(self) -> str:
        return str(self.value)

    def _repr_markdown_(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def marker(self) -> Text:
        text = fmt.missing_marker(self.row.get("status"))
        self._record("marker", rule=f"statut « {self.row.get('status') or 'nd'} » -> « {text} » "
                     f"({fmt.MISSING} : non disponible, {fmt.SECRET} : secret statistique)", outcome=text)
        return Text(text)

    @property
    def year(self) -> Text:
        return Text(str(self.row.get("year") or ""))

    @property
    def when(self) -> Text:
        return Text(trends.period_words(self.row.get("year")))

    def at(self, level: str) -> Text:
        self._check_level(level)
        text = self._marked(level)
        self._record(f"at({level!r})", benchmark=level, rule="valeur affichée de la référence"
                     + self._approx_rule(level), outcome=text)
        return Text(text)

    def where(self, level: str) -> Text:
        self._check_level(level)
        return Text(self.benchmarks[level].where)

    def comparable(self, level: str) -> bool:
        return row_rules.comparable(self.row, level)

    def _check_level(self, level: str) -> None:
        if level not in self.benchmarks:
            raise ValueError(f"unknown benchmark {level!r}: choose among {', '.join(self.benchmarks)}")

    # ---------------------------------------------------------------- comparisons
    def _rule(self, cmp: comparison.Comparison) -> str:
        """The comparison rule that chose ``cmp``'s words, with the gap and its threshold."""
        chosen_words = comparison.qualifier(cmp, self.noun).rsplit(" ", 1)[0]  # without its « à »/« de »
        if cmp.kind == "equal":
            return f"valeurs affichées égales -> « {chosen_words} »"
        if fmt.is_rate(self.unit):
            near, marked = comparison.point_thresholds(self.unit)
            gap, unit = f"|d| = {fmt.number(abs(cmp.diff), self.digits)}", " point(s)"
        else:
            near, marked = comparison.NEAR_RELATIVE * 100, comparison.MARKED_RELATIVE * 100
            gap, unit = f"|r| = {fmt.percent(abs(cmp.diff or 0) * 100, 1)}", " %"
        lim = {k: fmt.number(v, 1 if v % 1 else 0) + unit for k, v in (("near", near), ("marked", marked))}
        side = "" if cmp.kind == "near" else " ; territoire au-dessus" if cmp.kind == "above" else " ; territoire en dessous"
        if cmp.kind == "near":
            chosen = f"{gap} < {lim['near']}"
        elif cmp.strong:
            chosen = f"{gap} ≥ {lim['marked']}"
        else:
            chosen = f"{lim['near']} ≤ {gap} < {lim['marked']} (sans « nettement »)"
        chosen += f"{side} -> « {chosen_words} »"
        basis = "écart en points" if fmt.is_rate(self.unit) else "écart relatif"
        return f"{basis} des valeurs affichées : {chosen}".replace(" %", "\u202f%")

    def _compare(self, level: str) -> comparison.Comparison:
        return comparison.compare(self.row.get("territory"), self.row.get(level), self.unit)

    def _diff_text(self, cmp: comparison.Comparison) -> str:
        if cmp.diff is None:
            return ""
        return fmt.points(cmp.diff) if cmp.in_points else fmt.signed_percent(cmp.diff * 100, 1)

    def vs(self, *levels: str) -> Text:
        """"contre 8,0 % en Guadeloupe et 12,1 % en France"; "comme en Guadeloupe et en France" when
        every benchmark ties (a tie among others keeps its value: never "comme" and "contre" in one
        comparison; phrasing.toml [compare])."""
        parts = []
        for level in levels or ("france",):
            self._check_level(level)
            b = self.row.get(level)
            if not self.available or fmt.is_missing(b) or not self.comparable(level):
                why = ("valeur du territoire manquante" if not self.available else
                       "référence manquante" if fmt.is_missing(b) else "autre base : non comparable")
                self._record(f"vs({level!r})", benchmark=level, rule=f"{why} -> référence omise", outcome="omise")
                continue
            parts.append((self._compare(level), level))
        # "comme" only when every benchmark ties: never "comme … et contre …" in one comparison
        word = "comme" if parts and all(cmp.kind == "equal" for cmp, _ in parts) else "contre"
        words = [(word, self.benchmarks[lv].where if word == "comme" else f"{self._marked(lv)} {self.benchmarks[lv].where}")
                 for _, lv in parts]
        for (cmp, level), said in zip(parts, words):
            rule = ("toutes les références nommées égales (valeurs affichées) -> « comme », sans la valeur"
                    if word == "comme" else "une référence nommée au moins différente (valeurs affichées) "
                    "-> « contre » et chaque valeur" + self._approx_rule(level))
            self._record(f"vs({level!r})", benchmark=level, diff=self._diff_text(cmp), rule=rule,
                         outcome=" ".join(said))
        return Text(comparison.join_versus(words) or "")

    def compared(self, level: str = "france", *, value: bool = False, gap: bool = False) -> Text:
        """"nettement supérieure à la moyenne nationale" (rates) / "au niveau national" (levels);
        with ``value`` and ``gap``, the benchmark's value and the gap in brackets:
        "… (18,0 %, soit +6,1 points)" (no gap for a tie, nor for a level "proche de")."""
        words, rule = self._compared(level, value=value, gap=gap)
        self._record(f"compared({level!r}" + (", value=True" if value else "") + (", gap=True" if gap else "")
                     + ")", benchmark=level, diff=self._diff_text(self._compare(level)), rule=rule,
                     outcome=words or "rien")
        return Text(words)

    def _compared(self, level: str, *, value: bool = False, gap: bool = False) -> tuple[str, str]:
        """``compared``'s words and the rule that chose them, recording nothing."""
        self._check_level(level)
        cmp = self._compare(level)
        if not cmp.available or not self.comparable(level):
            return "", ("valeur manquante : pas de comparaison" if not cmp.available
                        else "autre base : pas de comparaison")
        bench = self.benchmarks[level]
        words = comparison.qualified(cmp, self.noun, bench.average if fmt.is_rate(self.unit) else bench.level)
        gap_text = comparison.signed_gap(cmp) if gap and (cmp.kind != "near" or cmp.in_points) else None
        bracket = ", soit ".join(x for x in (self._marked(level) if value else None, gap_text) if x)
        if bracket:
            words += f" ({bracket})"
        return words, self._rule(cmp) + (self._approx_rule(level) if value else "")

    def gap(self, level: str = "france") -> Text:
        """"+6,1 points" (rates), "−9 %" (levels), "2,8 fois plus" (ratios); "" for a tie."""
        self._check_level(level)
        cmp = self._compare(level)
        text = (comparison.signed_gap(cmp) if self.comparable(level) else None) or ""
        if not text:
            rule = "valeurs égales, manquantes ou non comparables : pas d'écart"
        elif cmp.in_points:
            rule = "différence en points des valeurs affichées"
        elif "fois" in text:
            rule = f"rapport des valeurs ≥ {fmt.number(comparison.RATIO_WORDS, 1)} (ou son inverse) -> « N fois »"
        else:
            rule = f"rapport des valeurs < {fmt.number(comparison.RATIO_WORDS, 1)} -> écart relatif en %"
        self._record(f"gap({level!r})", benchmark=level, diff=self._diff_text(cmp), rule=rule, outcome=text)
        return Text(text)

    def in_words(self, prefix: str = "") -> Text:
        """The share in words, after ``prefix`` (", soit "), or "" when no fraction is close."""
        count = self.phrasing.count
        words = None
        if count is not None and self.available and fmt.is_rate(self.unit):
            words = proportions.proportion_words(self.row.get("territory"), count, self.digits)
        near = (f"à moins de {proportions.PROPORTION_TOLERANCE:.0%} d'elle et de "
                f"{fmt.number(proportions.PROPORTION_MAX_GAP, 1 if proportions.PROPORTION_MAX_GAP % 1 else 0)} points").replace("%", "\u202f%")
        self._record("in_words", rule=(f"fraction la plus proche {near} -> dite (« exactement » si l'écart est < "
                                       f"{fmt.number(proportions.PROPORTION_EXACT, 1)})" if words else
                                       f"aucune fraction {near} -> rien"), outcome=words or "rien")
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
        share = f"{ranks.TOP_SHARE:.0%}".replace("%", "\u202f%")
        rule = (f"rang dans les {share} extrêmes et écart de même sens -> dit" if agrees else
                f"rang hors des {share} extrêmes -> rien" if side is None else
                "écart de sens contraire ou non comparable -> rien")
        self._record(f"extreme({level!r})", benchmark=level, rule=rule, outcome=words or "rien")
        return Text(prefix + words if words else "")

    # ---------------------------------------------------------------- changes
    @property
    def _annual(self) -> bool:
        return fmt.is_annual(self.unit)

    def _trend(self, value) -> str | None:
        return trends.trend_words(value, self._annual, self.digits)

    def _trend_rule(self, value=None) -> str:
        """The trend rule that chose the words of ``value`` (the territory's by default)."""
        x = self.row.get("territory") if value is None else value
        if fmt.is_missing(x):
            return "valeur manquante : pas de tendance"
        stable, slight = trends.thresholds(self._annual)
        r, (s_txt, l_txt) = abs(fmt.rounded(x, self.digits)), (fmt.number(v, 1 if v % 1 else 0) for v in (stable, slight))
        a = f"|x| = {fmt.number(r, self.digits)}"
        return "valeur affichée : " + (f"{a} < {s_txt} -> « quasi stable »" if r < stable else
                                       f"{s_txt} ≤ {a} < {l_txt} -> « légère »" if r < slight else
                                       f"{a} ≥ {l_txt} -> « hausse » ou « baisse »")

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
        per_year = f"{fmt.NBSP}par an" if self._annual else ""
        shown = fmt.rounded(t, self.digits)
        trend = self._trend(t)
        if trend == trends.STABLE or shown == 0:
            verb = f"{'sont' if subject.plural else 'est'} {grammar.participle('resté', subject)}"
            words = f"{verb} {grammar.agree(trends.STABLE, subject)} ({fmt.signed_percent(t)}{per_year})"
        else:
            verb = ("ont" if subject.plural else "a") + (" augmenté" if shown > 0 else " diminué")
            approx = "environ " if row_rules.approximate(self.row) else ""
            words = f"{verb} de {approx}{fmt.percent(abs(shown), self.digits)}{per_year}"
        rule = (self._trend_rule() if trend == trends.STABLE or shown == 0 else
                f"valeur affichée {fmt.signed_percent(t)} -> « {'augmenté' if shown > 0 else 'diminué'} »"
                + self._approx_rule())
        self._record("change", rule=rule, outcome=words)
        return Text(words)

    # ---------------------------------------------------------------- titles
    def strong(self, level: str = "france") -> bool:
        """True when the gap to ``level`` is marked ("nettement")."""
        return self.available and self.comparable(level) and self._compare(level).strong

    def title(self, level: str = "france", otherwise: str = "", *, why: str = "") -> Text:
        """"Une part … nettement supérieure à la moyenne …", else ``otherwise``; ``why``: the
        rule that chose this figure for the title (``first_marked``)."""
        words, rule = self._compared(level)
        title = grammar.capitalize(f"{self.noun.indefinite()} {words}") if words else otherwise
        rule = (why + " ; " if why else "") + (rule if words else rule + " -> titre neutre")
        self._record(f"title({level!r})", benchmark=level, diff=self._diff_text(self._compare(level)),
                     rule=rule, outcome=title)
        return Text(title)

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
        near, marked = (f"{x:g}".replace(".", ",") for x in comparison.point_thresholds(self.unit))
        how = "référence non comparable ou sans valeur -> la tendance du territoire seule"
        if bench_trend is not None and self.comparable(level):
            t_sign = 0 if trend == trends.STABLE else (1 if fmt.rounded(t, self.digits) > 0 else -1)
            b_sign = 0 if bench_trend == trends.STABLE else (1 if fmt.rounded(b, self.digits) > 0 else -1)
            cmp = self._compare(level)
            if t_sign == 0 and b_sign == 0:
                title, how = title + f", comme {where}", "les deux quasi stables -> « comme »"
            elif t_sign == 0:
                # no pronoun (it would name the territory's subject) and no tense: a noun
                title += f", contre une {trends.UP if b_sign > 0 else trends.DOWN} {where}"
                how = f"territoire quasi stable -> « contre une {trends.UP if b_sign > 0 else trends.DOWN} »"
            elif b_sign == 0:  # a stable benchmark is no trend to go against
                title += f", contre une quasi-stabilité {where}"
                how = "référence quasi stable -> « contre une quasi-stabilité »"
            elif t_sign != b_sign:
                title += (", à rebours de la tendance nationale" if level == "france"
                          else f", à la différence de la tendance observée {where}")
                how = "sens opposés -> " + ("« à rebours »" if level == "france" else "« à la différence »")
            elif cmp.kind in ("equal", "near"):
                title, how = title + f", comme {where}", f"même sens, |d| < {near} -> « comme »"
            else:
                stronger = abs(fmt.rounded(t, self.digits)) > abs(fmt.rounded(b, self.digits))
                # the gap's size by the comparison thresholds: a marked gap is said so
                gap = f"{comparison.WORDS['marked'] + ' ' if cmp.strong else ''}{'plus' if stronger else 'moins'} marquée"
                title += f", {gap} {grammar.que(where)}"
                how = (f"même sens, |d| ≥ {marked}" if cmp.strong else f"même sens, {near} ≤ |d| < {marked}") + f" -> « {gap} »"
        self._record(f"trend_title({level!r})", benchmark=level, diff=self._diff_text(self._compare(level)),
                     rule=f"territoire : {self._trend_rule()} ; référence : {self._trend_rule(b)} ; {how}", outcome=title)
        return Text(title)
