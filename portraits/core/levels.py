"""The benchmark levels, declared once: id, order, label, chart colour and the words of
sentences (read from ``phrasing.toml`` [levels], where a statistician edits them).

Every table, chart, data file and sentence iterates over :data:`LEVELS` or looks a level up
here. France has two scopes, per indicator (``france_scope`` of the processed table): ``fr``
(metropolitan France and the overseas departments, as the source allows) and ``fm``
(metropolitan France only); :func:`france_label` and the ``france_metro`` words say which.
"""

from __future__ import annotations

from dataclasses import dataclass

from portraits.core import config

_WORDS = config.phrasing_rules()["levels"]


@dataclass(frozen=True)
class Level:
    id: str          # column of the indicators table
    label: str       # table header, chart legend
    colour: str      # chart colour
    where: str = ""  # "en France" (the region's is built from its name)
    average: str = ""
    level: str = ""


def _level(key: str, colour: str, words_key: str | None = None) -> Level:
    w = _WORDS[words_key or key]
    return Level(key, w["label"], colour, w.get("where", ""), w.get("average", ""), w.get("level", ""))


TERRITORY = _level("territory", "#1f4e8c")   # strong blue
REGION = _level("region", "#8d99a6")         # blue-grey
FRANCE = _level("france", "#c3c3c3")         # light grey
ALL_TERRITORIES = _level("all_territories", "#d8b98a")  # muted sand
LEVELS: tuple[Level, ...] = (TERRITORY, REGION, FRANCE, ALL_TERRITORIES)
BY_ID = {lv.id: lv for lv in LEVELS}
FRANCE_METRO = _level("france", FRANCE.colour, "france_metro")
METRO_SCOPE = "fm"


def france(scope: str | None) -> Level:
    """The France level of an indicator whose France benchmark covers ``scope``."""
    return FRANCE_METRO if scope == METRO_SCOPE else FRANCE


def label(level_id: str, scope: str | None = None) -> str:
    """"Territoire", "Région", "France", "France métropolitaine", "Ensemble des TI"."""
    return france(scope).label if level_id == "france" else BY_ID[level_id].label
