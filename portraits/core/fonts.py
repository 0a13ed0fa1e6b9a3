"""The portraits' typeface, shipped by the project (PyPI `font-source-sans-pro`, SIL OFL), not
taken from the machine: the same font in the PDF (Typst), the HTML page (embedded subset)
and the charts (matplotlib), whatever is installed on the building machine.

The charts register the files with matplotlib and embed the HTML's @font-face rules in their
SVG (``portraits.blocks.chart_style``); the renderers give Typst the font directory and the HTML
page the same rules (``portraits.render.builtin``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import io
import tempfile
from pathlib import Path

from portraits.core import atomic

_CSS_VERSION = 2

FAMILY = "Source Sans Pro"
_STYLES = {  # file stem -> (CSS weight, CSS style)
    "SourceSansPro-Regular": (400, "normal"),
    "SourceSansPro-It": (400, "italic"),
    "SourceSansPro-Semibold": (600, "normal"),
    "SourceSansPro-Bold": (700, "normal"),
    "SourceSansPro-BoldIt": (700, "italic"),
}
# What French statistical prose needs: Latin-1, œ/Œ, general punctuation (U+202F narrow
# no-break space, typographic quotes, dashes, ellipsis), €, minus sign, ≤ ≥, arrows.
_UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x100), 0x152, 0x153, 0x178, *range(0x2000, 0x2070),
             0x20AC, 0x2212, 0x2264, 0x2265, 0x2190, 0x2191, 0x2192, 0x2193, 0x2022, 0x2122]
# What nearly every page shows (letters and digits, French letters, the typography's spaces,
# quotes and dashes, the signs of figures): pages of different territories share one subset
# (all 183 did when this was measured); a page with another character gets its own.
_PAGE_BASE = frozenset([*range(ord("A"), ord("Z") + 1), *range(ord("a"), ord("z") + 1),
                        *range(ord("0"), ord("9") + 1), *map(ord, " !%'()+,-./:;=?"),
                        *map(ord, "àâçéèêëîïôûùüÿœÉÈÀÇÎ\u00a0\u202f«»’–—…€≈−·²←→")])


def font_family() -> str:
    """The family name to ask for (matplotlib, Typst, CSS)."""
    return FAMILY


@functools.cache
def font_paths() -> list[Path]:
    """The font files (TrueType) of the shipped family, regular, italic, semibold and bold."""
    root = importlib.resources.files("font_source_sans_pro") / "files"
    paths = [Path(str(root / f"{stem}.ttf")) for stem in _STYLES]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"font files missing (reinstall font-source-sans-pro): {missing}")
    return paths


def font_dir() -> Path:
    """The directory holding the font files: what Typst's font_paths wants (it ignores
    single files)."""
    return font_paths()[0].parent


@functools.cache
def html_font_css() -> str:
    """@font-face rules with subset WOFF2 fonts as data URIs (about 100 kB for five styles).

    Subsetting takes about 2 s, so the result is cached per process and on disk (temp dir,
    keyed by the font files and the subset settings)."""
    key = hashlib.sha256(repr((_CSS_VERSION, _UNICODES, sorted(_STYLES.items()),
                               [(p.name, p.stat().st_size) for p in font_paths()])).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"portraits-fonts-{key}.css"
    if cache.is_file():
        return cache.read_text(encoding="ascii")
    css = _build_font_css()
    atomic.write_text(cache, css)
    return css


@functools.cache
def font_faces() -> dict[tuple[str, str], str]:
    """The @font-face rules of :func:`html_font_css` by (CSS weight, style), e.g. ("600",
    "normal"): what a chart's SVG embeds for the faces its text uses."""
    # html_font_css writes one rule per line, in the order of _STYLES
    rules = html_font_css().splitlines()
    return {(str(weight), style): rule for (weight, style), rule in zip(_STYLES.values(), rules)}


def page_font_css(text: str) -> str:
    """@font-face rules for one HTML page, its charts included: the five styles subset to
    the characters of ``text`` (what the page shows) and of _PAGE_BASE. The base set makes
    most pages ask for the same subset, which is cached per process and on disk; a page
    with a rarer letter (a place name's ñ) gets its own, about 0.4 CPU-s once."""
    return _subset_css(tuple(sorted(({ord(c) for c in text} & _font_unicodes()) | _PAGE_BASE)))


@functools.cache
def _font_unicodes() -> frozenset[int]:
    """The characters the family draws (a character it lacks must not change the cache key)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font_paths()[0]), lazy=True) as font:
        return frozenset(font.getBestCmap())


@functools.lru_cache(maxsize=32)
def _subset_css(unicodes: tuple[int, ...]) -> str:
    key = hashlib.sha256(repr((_CSS_VERSION, unicodes, sorted(_STYLES.items()),
                               [(p.name, p.stat().st_size) for p in font_paths()])).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"portraits-fonts-page-{key}.css"
    if cache.is_file():
        return cache.read_text(encoding="ascii")
    css = _build_font_css(unicodes)
    atomic.write_text(cache, css)
    return css


def _build_font_css(unicodes=_UNICODES) -> str:
    rules = []
    for path in font_paths():
        weight, style = _STYLES[path.stem]
        data = base64.b64encode(_woff2(path, unicodes)).decode("ascii")
        rules.append(  # one line per rule: font_faces reads them back by line
            f'@font-face{{font-family:"{FAMILY}";font-weight:{weight};font-style:{style};'
            f'font-display:swap;src:url(data:font/woff2;base64,{data}) format("woff2");}}')
    return "\n".join(rules) + "\n"


def _woff2(path: Path, unicodes) -> bytes:
    from fontTools import subset  # fontTools ships with matplotlib; imported only for HTML

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "lnum", "tnum", "onum", "pnum"]
    options.hinting = False  # screens do without; halves the size
    font = subset.load_font(str(path), options)
    # The name table (copyright and OFL licence notices) is kept whole, outside the subsetter:
    # its pruning walks every table of the font, a third of the subsetting time.
    names = font["name"]
    del font["name"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    names.names = [n for n in names.names if n.isUnicode()]
    font["name"] = names
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    return buf.getvalue()
