"""French commentary in INSEE house style, generated from the indicators by stated rules.

Every rule below is a module constant so that a statistician can read and change it:

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
nearest fraction ``f`` of ``FRACTIONS`` when ``|s - f| <= PROPORTION_TOLERANCE * f`` and
``|s - f| <= PROPORTION_MAX_GAP`` points: "un emploi sur cinq" if ``|s - f| < PROPORTION_EXACT``,
otherwise "près d'un emploi sur cinq" (below) or "plus d'un emploi sur cinq" (above).

Trends (``trend_words``): an annual change whose absolute value is below ``STABLE_ANNUAL``
(a total change below ``STABLE_TOTAL``) is "quasi stable"; below ``SLIGHT_ANNUAL``
(``SLIGHT_TOTAL``) it is a "légère" hausse or baisse.

A missing value (NaN, status "nd" or "s") is said to be unavailable with its marker, and no
comparison, rank or proportion is drawn from it. Ranks: 1 = highest value (``rank_words``).

A value the data layer marks ``comparable = False`` (e.g. the overseas industry share, from
Flores salaried jobs while France and the territories come from the census) is
never compared with France nor with all the territories (``comparable``): its sentence gives
the figure and the region only, and says why; titles fall back to the neutral heading.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from . import fmt

# --- thresholds (see the module docstring) --------------------------------------------------
NEAR_POINTS = 1.0
MARKED_POINTS = 5.0
GROWTH_NEAR_POINTS = 0.2
GROWTH_MARKED_POINTS = 0.5
NEAR_RELATIVE = 0.05
MARKED_RELATIVE = 0.20
RATIO_WORDS = 2.0          # a level at least twice (half) the benchmark is said "N fois plus (moins)"
PROPORTION_EXACT = 0.5     # points
PROPORTION_TOLERANCE = 0.10  # relative to the fraction
PROPORTION_MAX_GAP = 3.0   # points
STABLE_ANNUAL = 0.1        # % per year
SLIGHT_ANNUAL = 0.5
STABLE_TOTAL = 0.5         # % over the period
SLIGHT_TOTAL = 2.0
TOP_SHARE = 0.10           # rank within the first (last) 10 % -> "parmi les plus élevé(e)s (faibles)"


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


EMPLOI = CountNoun("emploi", "emplois")
ETABLISSEMENT = CountNoun("établissement", "établissements")
HABITANT = CountNoun("habitant", "habitants")
PERSONNE = CountNoun("personne", "personnes", "f")
PERSONNE_15 = CountNoun("personne de 15 ans ou plus", "personnes de 15 ans ou plus", "f")
SALARIE = CountNoun("salarié", "salariés")


@dataclass(frozen=True)
class Phrasing:
    noun: Noun                      # "part de l'industrie dans l'emploi" (f)
    count: CountNoun | None = None  # for proportions in words
    subject: Noun | None = None     # what grows, for growth indicators ("population")


# Nouns of the catalogue's indicators. Indicators absent here get their noun from the label
# (gender from the head word, see HEAD_GENDER).
PHRASINGS: dict[str, Phrasing] = {
    "population": Phrasing(Noun("population", "f")),
    "population_growth": Phrasing(Noun("évolution annuelle de la population", "f"),
                                  subject=Noun("population", "f")),
    "density": Phrasing(Noun("densité de population", "f")),
    "share_60_plus": Phrasing(Noun("part des 60 ans ou plus dans la population", "f"), HABITANT),
    "activity_rate": Phrasing(Noun("taux d'activité des 15-64 ans")),
    "employment_rate": Phrasing(Noun("taux d'emploi des 15-64 ans")),
    "unemployment_rate": Phrasing(Noun("taux de chômage des 15-64 ans")),
    "workers_share": Phrasing(Noun("part des ouvriers parmi les 15 ans ou plus", "f"), PERSONNE_15),
    "managers_share": Phrasing(Noun("part des cadres parmi les 15 ans ou plus", "f"), PERSONNE_15),
    # the population is "non-scolarisés de 15 ans ou plus": no proportion in words, too long
    "no_diploma_share": Phrasing(Noun("part des personnes sans diplôme de niveau bac", "f")),
    "higher_education_share": Phrasing(Noun("part des diplômés du supérieur (bac+2 ou plus)", "f")),
    "active_population": Phrasing(Noun("population active de 15 à 64 ans", "f")),
    "private_jobs": Phrasing(Noun("nombre d'emplois salariés privés")),
    "jobs": Phrasing(Noun("nombre d'emplois")),
    "jobs_growth": Phrasing(Noun("évolution de l'emploi", "f"), subject=Noun("nombre d'emplois")),
    "salaried_jobs_share": Phrasing(Noun("part de l'emploi salarié", "f"), EMPLOI),
    "employment_concentration": Phrasing(Noun("indicateur de concentration d'emploi")),
    "industry_jobs_share": Phrasing(Noun("part de l'industrie dans l'emploi", "f"), EMPLOI),
    "private_jobs_growth": Phrasing(Noun("évolution de l'emploi salarié privé", "f"),
                                    subject=Noun("emploi salarié privé")),
    "establishments": Phrasing(Noun("nombre d'établissements")),
    "industry_establishments_share": Phrasing(Noun("part des établissements industriels", "f"),
                                              ETABLISSEMENT),
    "establishments_10plus_share": Phrasing(
        Noun("part des établissements de 10 salariés ou plus", "f"), ETABLISSEMENT),
    "large_establishments_jobs_share": Phrasing(
        Noun("part des salariés dans les établissements de 100 salariés ou plus", "f"), SALARIE),
    "median_income": Phrasing(Noun("niveau de vie médian")),
    "poverty_rate": Phrasing(Noun("taux de pauvreté")),
}

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


def benchmarks(region_label: str | None = None, region_code: str | None = None) -> dict[str, Benchmark]:
    return {
        "france": Benchmark("france", "en France", "la moyenne nationale", "le niveau national"),
        "region": Benchmark("region", region_in(region_label, region_code),
                            "la moyenne régionale", "le niveau régional"),
        "all_territories": Benchmark("all_territories", f"dans l'ensemble des {ALL_TI}",
                                     f"la moyenne des {ALL_TI}", f"l'ensemble des {ALL_TI}"),
    }


def _row_benchmarks(row) -> dict[str, Benchmark]:
    code = _field(row, "region_code")
    if code is None:
        tid = str(_field(row, "territory_id", "") or "")
        m = re.match(r"ti-(\d\d)\d\d$", tid)
        code = m.group(1) if m else None
    return benchmarks(_field(row, "region_label"), code)


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
        growth = (unit or "").strip().lower() in ("%/an", "% par an", "%/year")
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
        return agree("égal", noun) + " à"
    if cmp.kind == "near":
        return agree("proche", noun) + " de"
    word = agree("supérieur" if cmp.kind == "above" else "inférieur", noun)
    return ("nettement " if cmp.strong else "") + word + " à"


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


def proportion_words(share, count: CountNoun) -> str | None:
    """``19.2`` -> "près d'un emploi sur cinq"; ``50.2`` -> "la moitié des emplois";
    ``68`` -> "plus des deux tiers des emplois"; None when no fraction is close enough."""
    if fmt.is_missing(share):
        return None
    s = float(share)
    f, num, den = min(FRACTIONS, key=lambda fr: abs(s - fr[0]))
    gap = s - f
    if abs(gap) > PROPORTION_TOLERANCE * f or abs(gap) > PROPORTION_MAX_GAP:
        return None
    adverb = "" if abs(gap) < PROPORTION_EXACT else ("près" if gap < 0 else "plus")
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


def trend_words(rate, annual: bool = True) -> str | None:
    """"en hausse", "en légère baisse", "quasi stable"; None if missing."""
    if fmt.is_missing(rate):
        return None
    r = float(rate)
    stable, slight = (STABLE_ANNUAL, SLIGHT_ANNUAL) if annual else (STABLE_TOTAL, SLIGHT_TOTAL)
    if abs(r) < stable:
        return "quasi stable"
    direction = "hausse" if r > 0 else "baisse"
    return f"en légère {direction}" if abs(r) < slight else f"en {direction}"


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


def _approx(row) -> bool:
    value = _field(row, "approx", False)
    try:
        return bool(value) and not (isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def is_change(row) -> bool:
    """Changes (ids ``*_growth``) are shown signed: "+3,2 %"."""
    return str(_field(row, "indicator_id", "")).endswith("_growth")


def shown(row, key: str = "territory", with_unit: bool = True) -> str:
    """The formatted value of one column of an indicator row (n.d./s if missing)."""
    x = _field(row, key)
    status = _field(row, "status") if key == "territory" else None
    status = status if isinstance(status, str) else None
    unit = _field(row, "unit")
    if is_change(row) and (unit or "").strip() == "%":
        return fmt.signed_percent(x, status=status)
    return fmt.value(x, unit, status=status, with_unit=with_unit)


def versus(row, keys=("france", "all_territories")) -> str | None:
    """"contre 10,2 % en France et 18,0 % dans l'ensemble des Territoires d'industrie";
    "comme en France" for a tie. Missing benchmarks are left out."""
    t = _field(row, "territory")
    if fmt.is_missing(t):
        return None
    unit = _field(row, "unit")
    benches = _row_benchmarks(row)
    parts = []
    for key in keys:
        b = _field(row, key)
        if fmt.is_missing(b) or not comparable(row, key):
            continue
        cmp = compare(t, b, unit)
        if cmp.kind == "equal":
            parts.append(("comme", benches[key].where))
        else:
            parts.append(("contre", f"{shown(row, key)} {benches[key].where}"))
    return _join_versus(parts)


def _join_versus(parts: list[tuple[str, str]]) -> str | None:
    """[("contre", "a"), ("contre", "b")] -> "contre a et b" (the word is not repeated)."""
    if not parts:
        return None
    out, last = [], None
    for word, text in parts:
        out.append(text if word == last else f"{word} {text}")
        last = word
    return ", ".join(out[:-1]) + (" et " if len(out) > 1 else "") + out[-1]


def missing_sentence(row) -> str:
    noun = phrasing(row).noun
    marker = shown(row)
    return (f"{capitalize(noun.definite())} n'est pas {'disponible' if not noun.plural else 'disponibles'} "
            f"pour ce territoire ({marker}).")


def value_sentence(row, keys=("france", "all_territories"), with_proportion: bool = True) -> str:
    """Figure + benchmarks: "La part de l'industrie dans l'emploi s'établit à 24,1 % en 2021,
    soit près d'un emploi sur quatre, contre 12,4 % en France et …"."""
    if fmt.is_missing(_field(row, "territory")):
        return missing_sentence(row)
    ph = phrasing(row)
    value = shown(row)
    if _approx(row):
        value = "environ " + value
    when = period_words(_field(row, "year"))
    text = f"{capitalize(ph.noun.definite())} s'établit à {value}" + (f" {when}" if when else "")
    if with_proportion and ph.count is not None and fmt.is_rate(_field(row, "unit")):
        words = proportion_words(_field(row, "territory"), ph.count)
        if words:
            text += f", soit {words}"
    vs = versus(row, keys)
    if vs:
        text += f", {vs}"
    return text + "."


def gap_sentence(row, key: str = "france", with_rank: bool = True,
                 with_value: bool = False) -> str | None:
    """"Elle est nettement supérieure à la moyenne nationale (+6,1 points) ; le territoire se
    classe au 12e rang des 183 Territoires d'industrie." None when nothing can be said."""
    t, b, unit = _field(row, "territory"), _field(row, key), _field(row, "unit")
    if fmt.is_missing(t):
        return None
    ph = phrasing(row)
    if not comparable(row, key):
        return (f"{capitalize(agree('établi', ph.noun))} sur une autre base que les valeurs de la France "
                f"et de l'ensemble des {ALL_TI}, {ph.noun.pronoun()} "
                f"{'ne leur sont' if ph.noun.plural else 'ne leur est'} pas {agree('comparable', ph.noun)} "
                f"(voir « Pour comprendre »).")
    bench = _row_benchmarks(row)[key]
    cmp = compare(t, b, unit)
    parts = []
    if cmp.available:
        target = bench.average if fmt.is_rate(unit) else bench.level
        clause = f"{capitalize(ph.noun.pronoun())} {'sont' if ph.noun.plural else 'est'} " \
                 f"{_qualified(cmp, ph.noun, target)}"
        gap = signed_gap(cmp)
        if not (gap and (cmp.kind != "near" or cmp.in_points)):
            gap = None
        if with_value:  # the benchmark's own value, when no earlier sentence gave it
            gap = shown(row, key) + (f", soit {gap}" if gap else "")
        if gap:
            clause += f" ({gap})"
        parts.append(clause)
    if with_rank:
        rank = rank_words(_field(row, "rank"), _field(row, "n_ranked"))
        side = extreme(_field(row, "rank"), _field(row, "n_ranked"))
        if parts and (side, cmp.kind) in (("top", "above"), ("bottom", "below")):
            # said only when the gap points the same way: "supérieure … et figure parmi les plus élevées"
            parts[-1] += f" et figure {extreme_words(_field(row, 'rank'), _field(row, 'n_ranked'), ph.noun)}"
        if rank:
            subject = "le territoire se classe" if parts else "Le territoire se classe"
            parts.append(f"{subject} {rank}")
    if not parts:
        return None
    return " ; ".join(parts) + "."


def growth_sentence(row, keys=("france",)) -> str:
    """"La population a augmenté de 0,4 % par an entre 2015 et 2021, contre +0,3 % en France."."""
    ph = phrasing(row)
    subject = ph.subject or ph.noun
    t = _field(row, "territory")
    unit = _field(row, "unit")
    when = period_words(_field(row, "year"))
    if fmt.is_missing(t):
        return missing_sentence(row)
    annual = (unit or "").strip().lower() in ("%/an", "% par an", "%/year")
    per_year = " par an" if annual else ""
    r = float(t)
    pl = subject.plural
    approx = "environ " if _approx(row) else ""
    if trend_words(r, annual) == "quasi stable" or fmt.rounded(r, 1) == 0:
        verb = f"{'sont' if pl else 'est'} {participle('resté', subject)}"
        text = (f"{capitalize(subject.definite())} {verb} {agree('quasi stable', subject)} {when} "
                f"({fmt.signed_percent(r)}{per_year})")
    else:
        verb = ("ont" if pl else "a") + (" augmenté" if r > 0 else " diminué")
        text = (f"{capitalize(subject.definite())} {verb} de {approx}{fmt.percent(abs(r))}{per_year} "
                f"{when}")
    benches = _row_benchmarks(row)
    parts = []
    for key in keys:
        b = _field(row, key)
        if fmt.is_missing(b):
            continue
        if compare(t, b, unit).kind == "equal":
            parts.append(("comme", benches[key].where))
        else:
            parts.append(("contre", f"{fmt.signed_percent(b)} {benches[key].where}"))
    if parts:
        text += ", " + _join_versus(parts)
    return text.rstrip() + "."


# --- titles ----------------------------------------------------------------------------------
def comparison_title(row, key: str = "france") -> str | None:
    """"Une part de l'industrie dans l'emploi nettement supérieure à la moyenne des
    Territoires d'industrie". None if the value or the benchmark is missing."""
    t, b, unit = _field(row, "territory"), _field(row, key), _field(row, "unit")
    cmp = compare(t, b, unit)
    if not cmp.available or not comparable(row, key):
        return None
    noun = phrasing(row).noun
    bench = _row_benchmarks(row)[key]
    target = bench.average if fmt.is_rate(unit) else bench.level
    return capitalize(f"{noun.indefinite()} {_qualified(cmp, noun, target)}")


def growth_title(row, key: str = "france") -> str | None:
    """"Une population en légère hausse entre 2015 et 2021, plus marquée qu'en France"."""
    ph = phrasing(row)
    subject = ph.subject or ph.noun
    t, b, unit = _field(row, "territory"), _field(row, key), _field(row, "unit")
    annual = (unit or "").strip().lower() in ("%/an", "% par an", "%/year")
    trend = trend_words(t, annual)
    if trend is None:
        return None
    title = f"{capitalize(subject.indefinite())} {trend} {period_words(_field(row, 'year'))}".rstrip()
    bench_trend = trend_words(b, annual)
    if bench_trend is None:
        return title
    where = _row_benchmarks(row)[key].where
    cmp = compare(t, b, unit)
    t_sign = 0 if trend == "quasi stable" else (1 if float(t) > 0 else -1)
    b_sign = 0 if bench_trend == "quasi stable" else (1 if float(b) > 0 else -1)
    if t_sign == 0 and b_sign == 0:
        return title + f", comme {where}"
    if t_sign == 0:
        verb = "augmente" if b_sign > 0 else "diminue"
        pronoun = subject.pronoun()
        return title + f", alors qu'{pronoun} {verb} {where}"
    if b_sign == 0 or t_sign != b_sign:
        return title + (", à rebours de la tendance nationale" if key == "france"
                        else f", à la différence de la tendance observée {where}")
    if cmp.kind in ("equal", "near"):
        return title + f", comme {where}"
    stronger = abs(float(t)) > abs(float(b))
    return title + f", {'plus' if stronger else 'moins'} marquée {que(where)}"


def count_sentence(row, word: str, qualifier: str = "") -> str:
    """"Le territoire compte 123 456 habitants en 2021." (missing -> not available)."""
    if fmt.is_missing(_field(row, "territory")):
        return missing_sentence(row)
    value = fmt.number(_field(row, "territory"))
    if _approx(row):
        value = "environ " + value
    when = period_words(_field(row, "year"))
    return f"Le territoire compte {value}{fmt.NBSP}{word}{qualifier} {when}".rstrip() + "."


# --- sections --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A portrait section. Its title states a finding: the first of ``leads`` whose
    comparison with ``lead_benchmark`` is marked ("nettement"), else the first lead with a
    value; the neutral ``heading`` when none has one. Leads are indicators the section's
    sentences mention, so the title never states something the text does not support."""
    id: str
    heading: str                    # neutral title, used when no finding can be stated
    leads: tuple[str, ...]          # candidate indicators for the title
    lead_benchmark: str             # france, region or all_territories
    growth_lead: bool = False       # the leads are changes: title by trend_words
    indicators: tuple[str, ...] = ()  # every indicator the sentences cite (for source notes)


SECTIONS: dict[str, Section] = {
    "population": Section("population", "Population", ("population_growth",), "france", True,
                          ("population", "population_growth", "density", "share_60_plus")),
    "jobs": Section("jobs", "Emploi et secteurs d'activité", ("industry_jobs_share",), "all_territories",
                    False, ("industry_jobs_share", "jobs", "jobs_growth")),
    "private_jobs": Section("private_jobs", "Emploi salarié privé", ("private_jobs_growth",), "france",
                            True, ("private_jobs_growth",)),
    "industry": Section("industry", "Tissu productif", ("industry_establishments_share",
                        "establishments_10plus_share"), "france", False,
                        ("establishments", "industry_establishments_share",
                         "establishments_10plus_share", "large_establishments_jobs_share")),
    "active": Section("active", "Population active", ("unemployment_rate", "workers_share",
                      "activity_rate"), "france", False,
                      ("activity_rate", "unemployment_rate", "workers_share")),
    "income": Section("income", "Revenus", ("median_income", "poverty_rate"), "france", False,
                      ("median_income", "poverty_rate")),
}


def section_lead(section_id: str, rows: Mapping[str, Any]) -> str | None:
    """The indicator the section title is about (see :class:`Section`)."""
    section = SECTIONS[section_id]
    available = [i for i in section.leads
                 if i in rows and not fmt.is_missing(_field(rows[i], "territory"))
                 and not fmt.is_missing(_field(rows[i], section.lead_benchmark))
                 and comparable(rows[i], section.lead_benchmark)]
    if section.growth_lead:
        return available[0] if available else None
    for ind in available:
        row = rows[ind]
        if compare(row["territory"], row[section.lead_benchmark], _field(row, "unit")).strong:
            return ind
    return available[0] if available else None


def section_title(section_id: str, rows: Mapping[str, Any]) -> str:
    """A title stating a finding from the section's lead indicator, else the neutral heading."""
    section = SECTIONS[section_id]
    lead = section_lead(section_id, rows)
    title = None
    if lead is not None:
        row = rows[lead]
        title = (growth_title(row, section.lead_benchmark) if section.growth_lead
                 else comparison_title(row, section.lead_benchmark))
    return title or section.heading


def _sentences_population(rows) -> list[str]:
    out = []
    if "population" in rows:
        out.append(count_sentence(rows["population"], "habitants"))
    if "population_growth" in rows:
        out.append(growth_sentence(rows["population_growth"], ("france", "region")))
    if "density" in rows:
        out.append(value_sentence(rows["density"], ("france",)))
    if "share_60_plus" in rows:
        out.append(value_sentence(rows["share_60_plus"], ("france",)))
    return out


def _sentences_jobs(rows) -> list[str]:
    out = []
    if "industry_jobs_share" in rows:
        row = rows["industry_jobs_share"]
        out.append(value_sentence(row, ("region", "france")))
        gap = gap_sentence(row, "all_territories", with_value=True)
        if gap:
            out.append(gap)
    if "jobs" in rows:
        out.append(count_sentence(rows["jobs"], "emplois", " au lieu de travail"))
    if "jobs_growth" in rows:
        out.append(growth_sentence(rows["jobs_growth"], ("france",)))
    return out


def _sentences_private_jobs(rows) -> list[str]:
    return [growth_sentence(rows["private_jobs_growth"], ("region", "france"))] \
        if "private_jobs_growth" in rows else []


def _sentences_industry(rows) -> list[str]:
    out = []
    if "establishments" in rows:
        out.append(count_sentence(rows["establishments"], "établissements actifs"))
    for ind in ("industry_establishments_share", "establishments_10plus_share"):
        if ind in rows:
            out.append(value_sentence(rows[ind], ("france",)))
    if "large_establishments_jobs_share" in rows:
        out.append(value_sentence(rows["large_establishments_jobs_share"], ("france",)))
    return out


def _sentences_active(rows) -> list[str]:
    out = []
    for ind in ("activity_rate", "unemployment_rate"):
        if ind in rows:
            out.append(value_sentence(rows[ind], ("region", "france")))
    if "unemployment_rate" in rows:
        gap = gap_sentence(rows["unemployment_rate"], "france", with_rank=False)
        if gap:
            out.append(gap)
    if "workers_share" in rows:
        out.append(value_sentence(rows["workers_share"], ("france",)))
    return out


def _sentences_income(rows) -> list[str]:
    out = []
    for ind in ("median_income", "poverty_rate"):
        if ind in rows:
            out.append(value_sentence(rows[ind], ("region", "france")))
    return out


_SENTENCES = {
    "population": _sentences_population, "jobs": _sentences_jobs,
    "private_jobs": _sentences_private_jobs, "industry": _sentences_industry,
    "active": _sentences_active, "income": _sentences_income,
}


_MISSING_SENTENCE = re.compile(r"^(.*) n'(?:est|sont) pas disponibles? pour ce territoire \(([^)]*)\)\.$")


def _merge_missing(sentences: list[str]) -> list[str]:
    """Several "X n'est pas disponible…" sentences become one listing the indicators."""
    missing = [(i, _MISSING_SENTENCE.match(s)) for i, s in enumerate(sentences)]
    missing = [(i, m) for i, m in missing if m]
    if len(missing) < 2:
        return sentences
    subjects = [m.group(1)[:1].lower() + m.group(1)[1:] for _, m in missing]
    markers = sorted({m.group(2) for _, m in missing})
    merged = (f"Ne sont pas disponibles pour ce territoire ({', '.join(markers)}) : "
              f"{', '.join(subjects[:-1])} et {subjects[-1]}.")
    first = missing[0][0]
    drop = {i for i, _ in missing}
    return [merged if i == first else s for i, s in enumerate(sentences) if i == first or i not in drop]


def section_sentences(section_id: str, rows: Mapping[str, Any]) -> list[str]:
    """Two to four sentences for a section, from the indicator rows (keyed by indicator id);
    unavailable indicators are named together in one sentence."""
    return _merge_missing(_SENTENCES[section_id](rows))[:4]
