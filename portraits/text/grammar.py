"""French grammar for the commentary: noun phrases with their gender and number, agreement of
adjectives and participles, elision and contraction (du, des, d', au, aux, qu'), and the noun
of each indicator (``phrasing.toml`` [nouns] and [counts], else its label)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from portraits.core import config
from portraits.text.row_rules import field

_RULES = config.phrasing_rules()


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
        if starts_with_vowel(self.text):
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
                                for key, v in _RULES["counts"].items()}
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
PHRASINGS: dict[str, Phrasing] = {key: _phrasing_of(spec) for key, spec in _RULES["nouns"].items()}

PLURAL_HEADS = ("emplois", "effectifs", "établissements")
HEAD_GENDER = {
    "part": "f", "taux": "m", "population": "f", "densité": "f", "nombre": "m",
    "revenu": "m", "niveau": "m", "évolution": "f", "variation": "f", "indicateur": "m",
    "médiane": "f", "emploi": "m", "emplois": "m", "effectif": "m", "effectifs": "m",
    "indice": "m", "concentration": "f", "solde": "m", "superficie": "f", "établissements": "m",
}


def starts_with_vowel(text: str) -> bool:
    """Whether ``text`` takes elision (l', d', qu'): a vowel or a mute h."""
    return bool(text) and text[0].lower() in "aeiouyéèêàâîïôûh" and not text.lower().startswith("ha")


def phrasing(row_or_id: Mapping[str, Any] | str) -> Phrasing:
    """The phrasing of an indicator: from PHRASINGS, else from its label."""
    if isinstance(row_or_id, str):
        ind_id, label = row_or_id, row_or_id
    else:
        ind_id = str(field(row_or_id, "indicator_id", ""))
        label = str(field(row_or_id, "label", ind_id) or ind_id)
    if ind_id in PHRASINGS:
        return PHRASINGS[ind_id]
    text = label.strip()
    text = text[:1].lower() + text[1:]
    head = re.split(r"[\s'’]", text, maxsplit=1)[0]
    return Phrasing(Noun(text, HEAD_GENDER.get(head, "m"), head in PLURAL_HEADS))


def capitalize(text: str) -> str:
    """The first letter in upper case, the rest untouched ("Une part…")."""
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


def de(phrase: str) -> str:
    """"de" + phrase with French contraction and elision: du, des, d'."""
    for article, contracted in (("le ", "du "), ("les ", "des "), ("Le ", "du "), ("Les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article):]
    return ("d'" if starts_with_vowel(phrase) else "de ") + phrase


def a(phrase: str) -> str:
    """"à" + phrase with contraction: au, aux."""
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article):]
    return "à " + phrase


def que(phrase: str) -> str:
    """"que" + phrase with elision: qu'."""
    return ("qu'" if starts_with_vowel(phrase) else "que ") + phrase

