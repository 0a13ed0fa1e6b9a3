"""What the conformance tests read in an HTML page: its narrative (section titles and paragraphs,
outside figures, tables and navigation), its visible text, and the faults Quarto's path can leave
in it (literal inline code, Python reprs, words glued together)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

# Containers whose text is not narrative: captions (compared apart: captions()) and table cells,
# the navigation (a <nav> in our template, a div under Quarto), the page header band of the
# built-in template, the source lines (compared apart: sources(); Quarto's floats hold some).
# A paragraph inside a figure is narrative: a chart's "Graphique non disponible" placeholder sits
# in a float under Quarto, in the text under the built-in engine.
NOT_NARRATIVE = ("table", "nav", "header", "figcaption", "caption", "script", "style")
NOT_NARRATIVE_CLASSES = {"portrait-nav", "source"}
# the built-in engine's links to the review page (render/evidence_links.lua): a build's, not the template's
REVIEWERS_ONLY = {"evidence-link"}
SPACES = re.compile(r"[\s\u00a0\u202f]+")
BREAKING_SPACES = re.compile(r"[ \t\r\n]+")


def normalise(text: str) -> str:
    """Whitespace of any kind (breaking or not) as one space; typographic apostrophe as '."""
    return SPACES.sub(" ", text).replace("\u2019", "'").strip()


def typography(text: str) -> str:
    """Breaking whitespace as one space; no-break spaces (U+00A0, U+202F) and quotes kept."""
    return BREAKING_SPACES.sub(" ", text).strip()


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def narrative(html: str, clean=normalise) -> list[str]:
    """The page's h2/h3 titles and paragraphs, in order, whitespace normalised (not the h1: the
    page title comes from the build's context, not from the template's text)."""
    soup = _soup(html)
    body = soup.find("main") or soup.body or soup
    blocks = []
    for el in body.find_all(["h2", "h3", "p"]):
        if any(parent.name in NOT_NARRATIVE or NOT_NARRATIVE_CLASSES & set(parent.get("class") or ())
               for parent in el.parents) or REVIEWERS_ONLY & set(el.get("class") or ()):
            continue
        text = clean(el.get_text())
        if text:
            blocks.append(f"{el.name}: {text}")
    return blocks


def sources(html: str) -> list[str]:
    """The source lines (div.source) in order, wherever they sit (a float holds some under Quarto)."""
    return [normalise(el.get_text()) for el in _soup(html).find_all(class_="source")]


def captions(html: str) -> list[str]:
    """Figure and table captions in order, label included ("Figure 1 : …")."""
    return [normalise(el.get_text()) for el in _soup(html).find_all(["figcaption", "caption"])]


def visible_text(html: str) -> str:
    soup = _soup(html)
    for el in soup(["script", "style", "head"]):
        el.decompose()
    return normalise(soup.get_text(" "))


INLINE_CODE = re.compile(r"\{python\}")
REPRS = (
    (re.compile(r"<[\w.]+(?: object)? at 0x[0-9a-f]+>"), "an object's repr"),
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\\u[0-9a-f]{4}|\\x[0-9a-f]{2}"), "an escape of a str's repr"),
    (re.compile(r"\\'|\\\""), "an escaped quote of a str's repr"),
    (re.compile(r"(?:^|\s)'[^'\s][^']*'(?=[\s.,;:]|$)"), "a quoted str"),
)


def leftovers(text: str) -> list[str]:
    """Literal inline code and reprs found in ``text``, each with its context."""
    found = [f"literal inline code: …{text[max(0, m.start() - 40):m.end() + 40]}…"
             for m in INLINE_CODE.finditer(text)]
    for pattern, what in REPRS:
        found += [f"{what}: …{text[max(0, m.start() - 40):m.end() + 40]}…" for m in pattern.finditer(text)]
    return found


# a run of letters, or two joined by a punctuation mark, not part of an identifier (x_y.z)
TOKEN = re.compile(r"(?<![\w.])[^\W\d_]+(?:[.;:,][^\W\d_]+)?(?!\w)")


SENTENCE_GLUE = re.compile(r"\S*[.;!?)»][A-ZÀ-Ý][a-zà-ÿ]+")


def glued_words(text: str, reference: str) -> list[str]:
    """Tokens of ``text`` absent from ``reference`` that are two of its tokens run together
    ("emploissalariés", "France.Les"). Give the text as narrative() reads it: get_text(" ")
    would put back the space that a span boundary lost."""
    vocabulary = set(re.findall(r"\w+", reference)) | set(TOKEN.findall(reference))
    glued = []
    for token in set(TOKEN.findall(text)) - vocabulary:
        if re.search(r"[.;:,]", token):
            glued.append(token)
            continue
        if any(token[:i] in vocabulary and token[i:] in vocabulary for i in range(2, len(token) - 1)):
            glued.append(token)
    # a sentence run into the previous one: "(−0,9 point).Les"
    glued += [m.group() for m in SENTENCE_GLUE.finditer(text) if m.group() not in reference]
    return sorted(set(glued))
