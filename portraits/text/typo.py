"""French typography for the text readers see (the rules of the Imprimerie nationale that
INSEE follows). No library applies them (babel formats numbers only), hence this module; the
portraits get the same rules from the Lua filter ``render/french_typography.lua``, run by
both engines on the document's text, and ``tests/text/test_typo.py`` checks that both agree.

Rules, on plain text (never on Markdown or HTML source):
- a narrow no-break space (U+202F) before ; : ! ? and %, replacing a space or added when
  missing ("zone); 2704" -> "zone) ; 2704"); not inside a URL or between digits (10:30);
- narrow no-break spaces inside « »; English quotes “…” and "…" become « … »;
- a narrow no-break space between groups of thousands ("5 000" -> "5 000");
- a no-break space (U+00A0) between a number and the word or unit after it ("12 communes").
"""

from __future__ import annotations

import re

NNBSP = "\u202f"
NBSP = "\u00a0"
_SPACES = " \u00a0\u202f"

_BEFORE_PUNCT = re.compile(rf"(?<=[^\s{_SPACES}])[{_SPACES}]?([;:!?])(?=[\s{_SPACES}]|$)")
_PERCENT = re.compile(rf"(?<=\d)[{_SPACES}]?%")
_OPEN_GUILLEMET = re.compile(rf"«[{_SPACES}]*")
_CLOSE_GUILLEMET = re.compile(rf"[{_SPACES}]*»")
_ENGLISH_QUOTES = re.compile(r"[“\"]([^”\"\n]+)[”\"]")
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")
_NUMBER_WORD = re.compile(r"(?<=\d) (?=[^\W\d_]|€)")


def french(text: str) -> str:
    """``text`` with French typographic spaces and quotes (idempotent)."""
    if not text:
        return text
    text = _ENGLISH_QUOTES.sub(lambda m: f"«{NNBSP}{m.group(1).strip()}{NNBSP}»", text)
    text = _OPEN_GUILLEMET.sub("«" + NNBSP, text)
    text = _CLOSE_GUILLEMET.sub(NNBSP + "»", text)
    text = _BEFORE_PUNCT.sub(lambda m: NNBSP + m.group(1), text)
    text = _PERCENT.sub(NNBSP + "%", text)
    text = _THOUSANDS.sub(NNBSP, text)
    return _NUMBER_WORD.sub(NBSP, text)
