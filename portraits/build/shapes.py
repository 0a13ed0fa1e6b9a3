"""The shape of a text change, so that the build report shows the same edit once across
territories whose figures differ: « 6 territoires : « … est supérieur à … » → « … est nettement
supérieur à … » ».

A block's text (``output/.build/text/ID.json``) is cut into tokens: numbers in French format
(``722 579``, ``34,6``, ``+0,4``, ``−9``; what ``portraits.text.fmt`` writes), words and
punctuation. Numbers compare as one placeholder, so two territories' sentences that differ only
by their figures have the same tokens. The edit is the span from the first to the last token
that differs, with one word of context on each side; what is left out is "…". An edit that only
changes figures keeps that shape too, flagged ``figures_only``.

A title's subject is the indicator it states a finding about. The rendered heading does not
carry it and the evidence the notebook shows is a table for reviewers, not data; so it is found
by the catalogue: each indicator's subject phrase, as ``portraits.text.phrasing`` starts its
titles with it (``grammar.phrasing(row).noun.indefinite()`` for ``title``, its ``subject`` for
``trend_title``), is matched against the start of the title, the longest first. A title whose
subject changes (or that gains or loses one: a neutral heading) is flagged in the report, with
both subjects as the titles write them.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from functools import lru_cache

PLACEHOLDER = "‹n›"
# a sign only at the start of a number (2023-2027 is two numbers and a hyphen); thousands
# grouped by a (narrow) no-break space, decimals after a comma
NUMBER = re.compile(r"(?:(?<![\w])[+\-−±])?\d{1,3}(?:[\u202f\u00a0]\d{3})+(?:,\d+)?"
                    r"|(?:(?<![\w])[+\-−±])?\d+(?:,\d+)?")
_TOKEN = re.compile(NUMBER.pattern + r"|[^\W\d_]+(?:['’\-][^\W\d_]+)*|[\w]+|\S")
ELLIPSIS = "…"


@dataclasses.dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    number: bool

    @property
    def norm(self) -> str:
        return PLACEHOLDER if self.number else self.text

    @property
    def word(self) -> bool:
        return not self.number and self.text[:1].isalnum()


def tokens(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end(), bool(NUMBER.fullmatch(m.group(0))))
            for m in _TOKEN.finditer(text)]


def placeholders(text: str) -> str:
    """The text with its numbers replaced by the placeholder."""
    return NUMBER.sub(PLACEHOLDER, text)


def _shown(text: str, toks: list[Token], i: int, j: int) -> str:
    if i >= j:
        return ELLIPSIS if toks else ""
    piece = placeholders(text[toks[i].start:toks[j - 1].end])
    return f"{ELLIPSIS} " * (i > 0) + piece + f" {ELLIPSIS}" * (j < len(toks))


def _widen(a: list[Token], i1: int, i2: int, j1: int, j2: int) -> tuple[int, int, int, int]:
    """One word of context on each side (and the punctuation between), taken from the equal
    tokens around the edit (the same on both sides)."""
    while i1 > 0 and j1 > 0:
        i1, j1 = i1 - 1, j1 - 1
        if a[i1].word:
            break
    while i2 < len(a):
        i2, j2 = i2 + 1, j2 + 1
        if a[i2 - 1].word:
            break
    return i1, i2, j1, j2


def edit(before: str, after: str) -> dict:
    """``{"before", "after", "figures_only"}``: the changed span of each text, figures as
    placeholders, with one word of context and "…" for the rest."""
    a, b = tokens(before), tokens(after)
    sm = difflib.SequenceMatcher(a=[t.norm for t in a], b=[t.norm for t in b], autojunk=False)
    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
    figures_only = not ops
    if figures_only:  # same shape: the span of the figures that changed
        differ = [k for k, (x, y) in enumerate(zip(a, b)) if x.text != y.text] or [0]
        i1 = j1 = differ[0]
        i2 = j2 = differ[-1] + 1
    else:
        i1, j1, i2, j2 = ops[0][1], ops[0][3], ops[-1][2], ops[-1][4]
    i1, i2, j1, j2 = _widen(a, i1, i2, j1, j2) if a and b else (0, len(a), 0, len(b))
    return {"before": _shown(before, a, i1, i2), "after": _shown(after, b, j1, j2), "figures_only": figures_only}


# ---------------------------------------------------------------------------- titles' subjects
def _norm(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


@lru_cache(maxsize=1)
def _subjects() -> tuple[str, ...]:
    """Every indicator's subject phrase, longest first ("Une population" is the subject of both
    the population's and its change's titles: one subject)."""
    from portraits.data.indicators import load_catalogue
    from portraits.text import grammar

    found = set()
    for entry in load_catalogue():
        phrasing = grammar.phrasing({"indicator_id": entry["id"], "label": entry["label"]})
        for noun in {phrasing.noun, phrasing.subject or phrasing.noun}:
            found.add(_norm(grammar.capitalize(noun.indefinite())))
    return tuple(sorted(found, key=lambda phrase: (-len(phrase), phrase)))


def title_subject(title: str | None) -> str | None:
    """The subject a title states a finding about, as its titles write it ("Une part des
    établissements industriels"); None for a neutral heading ("Tissu productif")."""
    if not title:
        return None
    text = _norm(title)
    return next((phrase for phrase in _subjects() if text == phrase or text.startswith(phrase + " ")), None)


def subject_change(kind: str, before: str | None, after: str | None) -> dict | None:
    """``{"before", "after"}`` (the subjects, None for a neutral heading) when a title's subject
    changed, else None."""
    if kind != "titre" or before is None or after is None:
        return None
    old, new = title_subject(before), title_subject(after)
    return None if old == new else {"before": old, "after": new}
