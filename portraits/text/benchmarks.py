"""The benchmarks' words: "en Normandie", "dans les Hauts-de-France", "en France
(métropolitaine)", "la moyenne nationale", "le niveau national"…: the levels of
``portraits.core.levels`` (phrasing.toml [levels]) with the region's name put in."""

from __future__ import annotations

from dataclasses import replace

from portraits.core import levels
from portraits.data.territories import REGION_NAMES


# "in <region>" needs the right preposition and article; no library knows them. "en" unless
# listed here.
_PREPOSITION = {"04": "à", "06": "à", "32": "dans les", "44": "dans le", "52": "dans les"}
REGION_IN = {code: f"{_PREPOSITION.get(code, 'en')} {name}" for code, name in REGION_NAMES.items()}


def region_in(region_code: str | None = None) -> str:
    """"en Normandie", "dans les Hauts-de-France", "à La Réunion"; "dans la région" otherwise."""
    if region_code and str(region_code).zfill(2) in REGION_IN:
        return REGION_IN[str(region_code).zfill(2)]
    return "dans la région"


def words(level: levels.Level, region_code: str | None = None) -> levels.Level:
    """``level`` with the region's name put in its words ("{region_in}", "{region}")."""
    code = str(region_code).zfill(2) if region_code else None
    names = {"region_in": region_in(code), "region": REGION_NAMES.get(code, "la région")}
    return replace(level, **{k: getattr(level, k).format(**names) for k in ("label", "short", "where", "average", "level")})


def benchmarks(region_code: str | None = None, france_scope: str | None = None) -> dict[str, levels.Level]:
    """The benchmark levels with their words (portraits.core.levels, phrasing.toml [levels]):
    the region's built from its name, France's following what it covers for the indicator
    (``france_scope``: "fm", metropolitan only)."""
    return {lv: words(levels.get(lv, france_scope), region_code) for lv in levels.BENCHMARKS}
