"""The rules of the commentary (INSEE house style): comparisons, proportions, trends, ranks,
agreement and elision. The sentences are written in portrait_template.qmd; its inline
expressions call ``portraits.text.phrasing``, which applies these rules. Thresholds and words are
read from ``phrasing.toml`` (documented there), so a statistician changes them without Python:

Comparison of a territory value ``t`` with a benchmark ``b``
  - the values are compared as displayed (rounded to the unit's digits), so the words always
    match the figures printed next to them; equal shown values are a tie ("égal à",
    "comme en France");
  - rates (units "%", "%/an": shares, rates, annual growth) are compared in points,
    ``d = t - b``: "proche de" if ``|d| < NEAR_POINTS``, "nettement supérieur/inférieur" if
    ``|d| >= MARKED_POINTS``, otherwise "supérieur/inférieur". Annual growth rates move less:
    their thresholds are ``GROWTH_NEAR_POINTS`` and ``GROWTH_MARKED_POINTS``;
  - levels (counts, euros, densities, indices) are compared in percent, ``r = t / b - 1``:
    "proche de" if ``|r| < NEAR_RELATIVE``, "nettement" if ``|r| >= MARKED_RELATIVE``.

Proportions in words (``proportion_words``): a share ``s`` (in %) is put into words with the
nearest fraction ``f`` of ``FRACTIONS`` (the share as displayed) when ``|s - f| <= PROPORTION_TOLERANCE * f`` and
``|s - f| <= PROPORTION_MAX_GAP`` points: "un emploi sur cinq" if ``|s - f| < PROPORTION_EXACT``,
otherwise "près d'un emploi sur cinq" (below) or "plus d'un emploi sur cinq" (above).

Trends (``trend_words``, on the change as displayed): an annual change whose absolute value is below ``STABLE_ANNUAL``
(a total change below ``STABLE_TOTAL``) is "quasi stable"; below ``SLIGHT_ANNUAL``
(``SLIGHT_TOTAL``) it is a "légère" hausse or baisse.

A missing value (NaN, status "nd" or "s") shows its marker, and no comparison, rank or
proportion is drawn from it. Ranks: 1 = highest value (``rank_words``).

A value the data layer marks ``comparable = False`` (e.g. the overseas industry share, from
Flores salaried jobs while France and the territories come from the census) is
never compared with France nor with all the territories (``comparable``): its sentence gives
the figure and the region only; titles fall back to the template's neutral heading.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from portraits.core import config, levels

# --- thresholds and words: portraits/text/phrasing.toml, documented there ---------------------------
from portraits.text import fmt
RULES = config.phrasing_rules()
_C, _P, _T, _R = RULES["compare"], RULES["proportion"], RULES["trend"], RULES["rank"]
NEAR_POINTS = _C["near_points"]
MARKED_POINTS = _C["marked_points"]
GROWTH_NEAR_POINTS = _C["growth_near_points"]
GROWTH_MARKED_POINTS = _C["growth_marked_points"]
NEAR_RELATIVE = _C["near_relative"]
MARKED_RELATIVE = _C["marked_relative"]
RATIO_WORDS = _C["ratio_words"]
PROPORTION_EXACT = _P["exact"]
PROPORTION_TOLERANCE = _P["tolerance"]
PROPORTION_MAX_GAP = _P["max_gap"]
STABLE_ANNUAL = _T["stable_annual"]
SLIGHT_ANNUAL = _T["slight_annual"]
STABLE_TOTAL = _T["stable_total"]
SLIGHT_TOTAL = _T["slight_total"]
TOP_SHARE = _R["top_share"]
WORDS = _C["words"]


ALL_TI = "Territoires d'industrie"
N_TERRITORIES = 183


# --- nouns and agreement ---------------------------------------------------------------------
@dataclass(frozen=True)
class Noun:
    """A French noun phrase without article, with what agreement needs."""
    text: str
    gender: str = "m"       # "m" or "f"
    plural: bool = False

    @property
    def feminine(self) -> bool:
        return self.gender == "f"

    def definite(self) -> str:
        if self.plural:
            return "les " + self.text
        if _starts_with_vowel(self.text):
            return "l'" + self.text
        return ("la " if self.feminine else "le ") + self.text

    def indefinite(self) -> str:
        if self.plural:
            return "des " + self.text
        return ("une " if self.feminine else "un ") + self.text

    def pronoun(self) -> str:
        if self.plural:
            return "elles" if self.feminine else "ils"
        return "elle" if self.feminine else "il"


@dataclass(frozen=True)
class CountNoun:
    """What a share counts, for proportions in words: "un emploi sur cinq", "une personne…"."""
    singular: str
    plural: str
    gender: str = "m"


COUNTS: dict[str, CountNoun] = {key: CountNoun(v["singular"], v["plural"], v.get("gender", "m"))
                                for key, v in RULES["counts"].items()}
EMPLOI, ETABLISSEMENT, PERSONNE = COUNTS["emploi"], COUNTS["etablissement"], COUNTS["personne"]


@dataclass(frozen=True)
class Phrasing:
    noun: Noun                      # "part de l'industrie dans l'emploi" (f)
    count: CountNoun | None = None  # for proportions in words
    subject: Noun | None = None     # what grows, for growth indicators ("population")


def _phrasing_of(spec: dict) -> "Phrasing":
    subject = spec.get("subject")
    return Phrasing(Noun(spec["noun"], spec.get("gender", "m"), bool(spec.get("plural", False))),
                    COUNTS[spec["counts"]] if spec.get("counts") else None,
                    Noun(subject, spec.get("subject_gender", "m")) if subject else None)


# Nouns of the catalogue's indicators (phrasing.toml [nouns]). Indicators absent there get their
# noun from the label (gender from the head word, see HEAD_GENDER).
PHRASINGS: dict[str, Phrasing] = {key: _phrasing_of(spec) for key, spec in RULES["nouns"].items()}

PLURAL_HEADS = ("emplois", "effectifs", "établissements")
HEAD_GENDER = {
    "part": "f", "taux": "m", "population": "f", "densité": "f", "nombre": "m",
    "revenu": "m", "niveau": "m", "évolution": "f", "variation": "f", "indicateur": "m",
    "médiane": "f", "emploi": "m", "emplois": "m", "effectif": "m", "effectifs": "m",
    "indice": "m", "concentration": "f", "solde": "m", "superficie": "f", "établissements": "m",
}


def _starts_with_vowel(text: str) -> bool:
    return bool(text) and text[0].lower() in "aeiouyéèêàâîïôûh" and not text.lower().startswith("ha")


def _field(row: Mapping[str, Any] | Any, key: str, default=None):
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError):
        return default
    return default if value is None else value


def phrasing(row_or_id: Mapping[str, Any] | str) -> Phrasing:
    """The phrasing of an indicator: from PHRASINGS, else from its label."""
    if isinstance(row_or_id, str):
        ind_id, label = row_or_id, row_or_id
    else:
        ind_id = str(_field(row_or_id, "indicator_id", ""))
        label = str(_field(row_or_id, "label", ind_id) or ind_id)
    if ind_id in PHRASINGS:
        return PHRASINGS[ind_id]
    text = label.strip()
    text = text[:1].lower() + text[1:]
    head = re.split(r"[\s'’]", text, maxsplit=1)[0]
    return Phrasing(Noun(text, HEAD_GENDER.get(head, "m"), head in PLURAL_HEADS))


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def participle(word: str, noun: Noun) -> str:
    """"resté" -> "restée", "restés"… agreeing with ``noun``."""
    return agree(word, noun)


def agree(adjective: str, noun: Noun) -> str:
    """Gender/number agreement of the adjectives used here (regular ones: supérieur, proche…)."""
    word = adjective
    if noun.feminine and not word.endswith("e"):
        word += "e"
    if noun.plural and not word.endswith(("s", "x")):
        word = word[:-2] + "aux" if word.endswith("al") else word + "s"
    return word


# --- benchmarks ------------------------------------------------------------------------------
# "in <region>" needs the right preposition and article; no library knows them.
REGION_IN = {
    "01": "en Guadeloupe", "02": "en Martinique", "03": "en Guyane", "04": "à La Réunion",
    "06": "à Mayotte", "11": "en Île-de-France", "24": "en Centre-Val de Loire",
    "27": "en Bourgogne-Franche-Comté", "28": "en Normandie", "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est", "52": "dans les Pays de la Loire", "53": "en Bretagne",
    "75": "en Nouvelle-Aquitaine", "76": "en Occitanie", "84": "en Auvergne-Rhône-Alpes",
    "93": "en Provence-Alpes-Côte d'Azur", "94": "en Corse",
}
_REGION_BY_NAME = {re.sub(r"^(en|à|dans les|dans le) ", "", v).lower(): v for v in REGION_IN.values()}


def region_in(region_label: str | None = None, region_code: str | None = None) -> str:
    """"en Normandie", "dans les Hauts-de-France", "à La Réunion"; "dans la région" otherwise."""
    if region_code and str(region_code).zfill(2) in REGION_IN:
        return REGION_IN[str(region_code).zfill(2)]
    if region_label and str(region_label).strip().lower() in _REGION_BY_NAME:
        return _REGION_BY_NAME[str(region_label).strip().lower()]
    return "dans la région"


@dataclass(frozen=True)
class Benchmark:
    key: str        # column of the indicators table: region, france, all_territories
    where: str      # "en France"
    average: str    # "la moyenne nationale" (for rates)
    level: str      # "le niveau national" (for levels)


def benchmarks(region_label: str | None = None, region_code: str | None = None,
               france_scope: str | None = None) -> dict[str, Benchmark]:
    """The words of each benchmark level (portraits.core.levels, phrasing.toml [levels]); France's
    depend on what it covers for the indicator (``france_scope``: "fm", metropolitan only)."""
    fr, reg, all_ti = levels.france(france_scope), levels.REGION, levels.ALL_TERRITORIES
    return {
        "region": Benchmark("region", region_in(region_label, region_code), reg.average, reg.level),
        "france": Benchmark("france", fr.where, fr.average, fr.level),
        "all_territories": Benchmark("all_territories", all_ti.where, all_ti.average, all_ti.level),
    }


def de(phrase: str) -> str:
    """"de" + phrase with French contraction and elision: du, des, d'."""
    for article, contracted in (("le ", "du "), ("les ", "des "), ("Le ", "du "), ("Les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article):]
    return ("d'" if _starts_with_vowel(phrase) else "de ") + phrase


def a(phrase: str) -> str:
    """"à" + phrase with contraction: au, aux."""
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article):]
    return "à " + phrase


def que(phrase: str) -> str:
    return ("qu'" if _starts_with_vowel(phrase) else "que ") + phrase


# --- comparisons ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    kind: str            # "missing", "equal", "near", "above", "below"
    strong: bool = False
    diff: float | None = None       # points (rates) or relative change (levels, 0.12 = +12 %)
    in_points: bool = True
    ratio: float | None = None      # t / b for levels

    @property
    def available(self) -> bool:
        return self.kind != "missing"


def compare(t, b, unit: str | None = "%", digits: int | None = None) -> Comparison:
    """Compare a territory value with a benchmark by the rules of the module docstring."""
    if fmt.is_missing(t) or fmt.is_missing(b):
        return Comparison("missing")
    digits = fmt.unit_digits(unit) if digits is None else digits
    # rules apply to the values as displayed, so that the text matches the figures shown
    t, b = fmt.rounded(t, digits), fmt.rounded(b, digits)
    if t == b:
        return Comparison("equal", diff=0.0, in_points=fmt.is_rate(unit))
    direction = "above" if t > b else "below"
    if fmt.is_rate(unit):
        growth = fmt.is_annual(unit)
        near, marked = ((GROWTH_NEAR_POINTS, GROWTH_MARKED_POINTS) if growth
                        else (NEAR_POINTS, MARKED_POINTS))
        d = fmt.rounded(t - b, digits)
        if abs(d) < near:
            return Comparison("near", diff=d)
        return Comparison(direction, strong=abs(d) >= marked, diff=d)
    if b == 0:
        return Comparison(direction, in_points=False)
    r = t / b - 1
    ratio = t / b if b > 0 and t >= 0 else None
    if abs(r) < NEAR_RELATIVE:
        return Comparison("near", diff=r, in_points=False, ratio=ratio)
    return Comparison(direction, strong=abs(r) >= MARKED_RELATIVE, diff=r, in_points=False,
                      ratio=ratio)


def qualifier(cmp: Comparison, noun: Noun) -> str | None:
    """"nettement supérieure à", "proche de", "égal à"… agreeing with ``noun``; None if missing."""
    if cmp.kind == "missing":
        return None
    if cmp.kind == "equal":
        return agree(WORDS["equal"], noun) + " à"
    if cmp.kind == "near":
        return agree(WORDS["near"], noun) + " de"
    word = agree(WORDS["above"] if cmp.kind == "above" else WORDS["below"], noun)
    return (f"{WORDS['marked']} " if cmp.strong else "") + word + " à"


def _qualified(cmp: Comparison, noun: Noun, target: str) -> str:
    q = qualifier(cmp, noun)
    if q.endswith(" de"):
        return q[:-3] + " " + de(target)
    return q[:-2] + " " + a(target)


def signed_gap(cmp: Comparison) -> str | None:
    """The gap shown in brackets: "+6,1 points" (rates), "−9 %" (levels), "×2,8" (ratios)."""
    if cmp.kind in ("missing", "equal") or cmp.diff is None:
        return None
    if cmp.in_points:
        return fmt.points(cmp.diff)
    if cmp.ratio and (cmp.ratio >= RATIO_WORDS or cmp.ratio <= 1 / RATIO_WORDS):
        factor = cmp.ratio if cmp.ratio >= 1 else 1 / cmp.ratio
        return f"{fmt.number(factor, 1)} fois {'plus' if cmp.diff > 0 else 'moins'}"
    return fmt.signed_percent(cmp.diff * 100, 0)


# --- proportions in words ----------------------------------------------------------------
# (share in %, numerator word or article form, denominator word)
FRACTIONS: list[tuple[float, str, str | None]] = [
    (10.0, "un", "dix"), (20.0, "un", "cinq"), (25.0, "un", "quatre"), (30.0, "trois", "dix"),
    (100 / 3, "un", "trois"), (40.0, "deux", "cinq"), (50.0, "la moitié", None),
    (60.0, "trois", "cinq"), (200 / 3, "les deux tiers", None), (75.0, "les trois quarts", None),
    (80.0, "quatre", "cinq"), (90.0, "neuf", "dix"),
]


def proportion_words(share, count: CountNoun, digits: int = 1) -> str | None:
    """``19.2`` -> "près d'un emploi sur cinq"; ``50.2`` -> "la moitié des emplois";
    ``68`` -> "plus des deux tiers des emplois"; None when no fraction is close enough."""
    if fmt.is_missing(share):
        return None
    s = fmt.rounded(share, digits)  # the share as displayed beside the words
    f, num, den = min(FRACTIONS, key=lambda fr: abs(s - fr[0]))
    gap = s - f
    if abs(gap) > PROPORTION_TOLERANCE * f or abs(gap) > PROPORTION_MAX_GAP:
        return None
    adverb = "" if abs(gap) < PROPORTION_EXACT else (_P["below"] if gap < 0 else _P["above"])
    if den is None:  # article forms: la moitié, les deux tiers, les trois quarts
        phrase = f"{num} {de('les ' + count.plural)}"
        return f"{adverb} {de(phrase)}" if adverb else phrase
    if num == "un":
        num = "une" if count.gender == "f" else "un"
        noun = count.singular
    else:
        noun = count.plural
    core = f"{num} {noun} sur {den}"
    return f"{adverb} {de(core)}" if adverb else core


# --- trends and ranks ------------------------------------------------------------------------
def period_words(year: str | None) -> str:
    """"2021" -> "en 2021"; "2015-2021" -> "entre 2015 et 2021"; otherwise "(millésime …)"."""
    text = str(year or "").strip()
    m = re.fullmatch(r"(\d{4})\s*[-–/]\s*(\d{4})", text)
    if m:
        return f"entre {m.group(1)} et {m.group(2)}"
    if re.fullmatch(r"\d{4}", text):
        return f"en {text}"
    return f"(millésime {text})" if text else ""


def trend_words(rate, annual: bool = True, digits: int = 1) -> str | None:
    """"en hausse", "en légère baisse", "quasi stable"; None if missing. The rate is taken as
    displayed (``digits`` decimals): −0,46 shown "−0,5 %" is a "baisse", not a "légère baisse"."""
    if fmt.is_missing(rate):
        return None
    r = fmt.rounded(rate, digits)
    stable, slight = (STABLE_ANNUAL, SLIGHT_ANNUAL) if annual else (STABLE_TOTAL, SLIGHT_TOTAL)
    if abs(r) < stable:
        return _T["stable"]
    direction = _T["up"] if r > 0 else _T["down"]
    return f"en {_T['slight']} {direction}" if abs(r) < slight else f"en {direction}"


def rank_words(rank, n_ranked) -> str | None:
    """"au 12e rang des 183 Territoires d'industrie" (1 = highest value)."""
    if fmt.is_missing(rank) or fmt.is_missing(n_ranked):
        return None
    rank, n = int(rank), int(n_ranked)
    ordinal = fmt.ordinal(rank)
    who = f"des {n}{fmt.NBSP}{ALL_TI}" if n == N_TERRITORIES else f"des {n}{fmt.NBSP}{ALL_TI} renseignés"
    return f"au {ordinal} rang {who}"


def extreme(rank, n_ranked) -> str | None:
    """"top" or "bottom" when the rank is within the first or last ``TOP_SHARE`` (10 or more
    territories ranked), None otherwise."""
    if fmt.is_missing(rank) or fmt.is_missing(n_ranked) or int(n_ranked) < 10:
        return None
    rank, n = int(rank), int(n_ranked)
    if rank <= math.ceil(TOP_SHARE * n):
        return "top"
    if rank > n - math.ceil(TOP_SHARE * n):
        return "bottom"
    return None


def extreme_words(rank, n_ranked, noun: Noun) -> str | None:
    """"parmi les plus élevées" ("élevés", "faibles") for the top/bottom ``TOP_SHARE``."""
    side = extreme(rank, n_ranked)
    if side is None:
        return None
    highest = agree("élevé", Noun(noun.text, noun.gender, plural=True))
    return f"parmi les plus {highest if side == 'top' else 'faibles'}"


# --- sentences -------------------------------------------------------------------------------
def comparable(row, key: str) -> bool:
    """False for the France and all-territories benchmarks of a value the data layer marks as
    on another basis (``comparable`` false); the region is then on the value's own basis."""
    if key not in ("france", "all_territories"):
        return True
    flag = _field(row, "comparable", True)
    return True if flag is None or (isinstance(flag, float) and math.isnan(flag)) else bool(flag)


def approximate(row, level: str = "territory") -> bool:
    """Whether the value of ``level`` is approximate: its own flag (``territory_approx``…)
    where the processed table gives one, else the catalogue's."""
    value = _field(row, f"{level}_approx", _field(row, "approx", False))
    try:
        return bool(value) and not (isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def is_change(row) -> bool:
    """Changes (the catalogue's ``signed``: growth and change aggregations) are shown signed: "+3,2 %"."""
    signed = _field(row, "signed")
    if signed is None:  # a row without the catalogue's flag (tests, older tables): ask the catalogue
        from portraits.data.indicators import signed_ids

        return str(_field(row, "indicator_id", "")) in signed_ids()
    return bool(signed)


def shown(row, key: str = "territory", with_unit: bool = True) -> str:
    """The formatted value of one column of an indicator row (n.d./s if missing)."""
    x = _field(row, key)
    status = _field(row, "status") if key == "territory" else None
    status = status if isinstance(status, str) else None
    unit = _field(row, "unit")
    if is_change(row) and (unit or "").strip() == "%":
        return fmt.signed_percent(x, status=status)
    return fmt.value(x, unit, status=status, with_unit=with_unit)


def _join_versus(parts: list[tuple[str, str]]) -> str | None:
    """[("contre", "a"), ("contre", "b")] -> "contre a et b" (the word is not repeated)."""
    if not parts:
        return None
    out, last = [], None
    for word, text in parts:
        out.append(text if word == last else f"{word} {text}")
        last = word
    return ", ".join(out[:-1]) + (" et " if len(out) > 1 else "") + out[-1]
