"""French typography for everything readers see (the rules of the Imprimerie nationale that
INSEE follows). No library applies them (babel formats numbers only), hence this module; the
portraits get the same rules from the Lua filter ``render/french_typography.lua``, run by
both engines on the document's text, and ``tests/text/test_typo.py`` checks that both agree.
Chart labels and alternative texts, which no filter sees, go through :func:`french` when the
chart is made (``portraits.blocks.chart_style.Chart``): one set of rules for every text.

Rules, on plain text (never on Markdown or HTML source):
- ONE rule for the high punctuation: a narrow no-break space (U+202F) before ; : ! ? and %,
  replacing any space before them (a plain or a no-break space U+00A0: "Sources : ",
  "Figure 1 : " alike) or added when missing ("zone); 2704" -> "zone) ; 2704"); not inside a
  URL or between digits (10:30);
- narrow no-break spaces inside « »; English quotes “…” and "…" become « … »;
- the typographic apostrophe ’ for a straight one between letters ("d'industrie");
- one space where several follow each other ("20,3  (18,8 %" -> "20,3 (18,8 %");
- a narrow no-break space between groups of thousands ("5 000" -> "5 000");
- a no-break space (U+00A0) between a number and the word or unit after it ("12 communes"),
  and between "%" and "par an" ("0,4 % par an": the rate and its period stay on one line).
"""

from __future__ import annotations

import re

NNBSP = "\u202f"
NBSP = "\u00a0"
_SPACES = " \u00a0\u202f"

_BEFORE_PUNCT = re.compile(rf"(?<=[^\s{_SPACES}])[{_SPACES}]?([;:!?])(?=[\s{_SPACES}]|$)")
_PERCENT = re.compile(rf"(?<=\d)[{_SPACES}]?%")
_PER_YEAR = re.compile(r"%[ \u202f]par an\b")
_OPEN_GUILLEMET = re.compile(rf"«[{_SPACES}]*")
_CLOSE_GUILLEMET = re.compile(rf"[{_SPACES}]*»")
_ENGLISH_QUOTES = re.compile(r"[“\"]([^”\"\n]+)[”\"]")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_RUNS = re.compile(rf"[{_SPACES}]{{2,}}")
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")
_NUMBER_WORD = re.compile(r"(?<=\d) (?=[^\W\d_]|€)")


def _one_space(m: re.Match) -> str:
    """A run of spaces becomes one, the strongest it holds (no-break if any was)."""
    run = m.group(0)
    return NBSP if NBSP in run else NNBSP if NNBSP in run else " "


def french(text: str) -> str:
    """``text`` with French typographic spaces, quotes and apostrophes (idempotent)."""
    if not text:
        return text
    text = _RUNS.sub(_one_space, text)
    text = _APOSTROPHE.sub("’", text)
    text = _ENGLISH_QUOTES.sub(lambda m: f"«{NNBSP}{m.group(1).strip()}{NNBSP}»", text)
    text = _OPEN_GUILLEMET.sub("«" + NNBSP, text)
    text = _CLOSE_GUILLEMET.sub(NNBSP + "»", text)
    text = _BEFORE_PUNCT.sub(lambda m: NNBSP + m.group(1), text)
    text = _PERCENT.sub(NNBSP + "%", text)
    text = _PER_YEAR.sub(f"%{NBSP}par an", text)
    text = _THOUSANDS.sub(NNBSP, text)
    return _NUMBER_WORD.sub(NBSP, text)
