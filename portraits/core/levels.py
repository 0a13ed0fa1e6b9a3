"""The benchmark levels, declared once (:data:`LEVELS`): id, how a territory's geography is
found (:class:`Grouping`), chart colour, whether the level is on the territory's own basis,
whether the default tables, charts and data files show it, and the words of sentences and
tables (read from ``phrasing.toml`` [levels], where a statistician edits them).

Every table, chart, data file, sentence and processed table iterates over :data:`LEVELS` (or
:data:`DEFAULT`, the levels shown unless the template asks for others) or looks a level up
here. Adding a level is one entry here, its words in ``phrasing.toml`` and, only for a grouping
of a new kind, its computation in ``portraits.data.indicators.level_sums``.

France has two scopes, per indicator (``france_scope`` of the processed table): ``fr``
(metropolitan France and the overseas departments, as the source allows) and ``fm``
(metropolitan France only); :func:`france` and the ``france_metro`` words say which.
"""

from __future__ import annotations

from dataclasses import dataclass

from portraits.core import config

_WORDS = config.phrasing_rules()["levels"]


@dataclass(frozen=True)
class Grouping:
    """How a level's values are pooled from the commune rows of a source: grouped by ``by``
    (a column of the prepared tables: ``territory_id``, ``reg``; the territory's place is then
    its own id, or its ``region_code``), or all pooled into one place coded ``code`` (``by``
    None); from every commune of the source, or only those of the territories
    (``territories_only``). ``geo_label`` is the place's label in the processed tables,
    ``{name}`` standing for the territory's or the region's name."""
    by: str | None
    territories_only: bool
    code: str = ""
    geo_label: str = "{name}"


@dataclass(frozen=True)
class Level:
    id: str               # value of the ``level`` column, column of the wide indicators table
    grouping: Grouping
    colour: str           # chart colour
    same_basis: bool      # always on the territory's own basis (a value on another basis is
    #                       compared with these levels only: row_rules.comparable)
    default: bool         # shown by the default tables, charts and data files
    label: str            # table header, chart legend
    short: str = ""       # a key figure's benchmark name (narrow card); "{region}": its name
    where: str = ""       # "en France"; "{region_in}": "en Normandie", "dans les Hauts-de-France"
    average: str = ""     # "la moyenne nationale" (rates)
    level: str = ""       # "le niveau national" (counts, euros)


def _level(key: str, grouping: Grouping, colour: str, same_basis: bool, default: bool = True,
           words_key: str | None = None) -> Level:
    w = _WORDS[words_key or key]
    return Level(key, grouping, colour, same_basis, default, w["label"], w.get("short", w["label"]),
                 w.get("where", ""), w.get("average", ""), w.get("level", ""))


LEVELS: tuple[Level, ...] = (
    _level("territory", Grouping("territory_id", True), "#1f4e8c", True),          # strong blue
    _level("region", Grouping("reg", False), "#8d99a6", True),                      # blue-grey
    _level("france", Grouping(None, False, "FR", "France"), "#c3c3c3", False),      # light grey
    _level("all_territories", Grouping(None, True, "TI", "Ensemble des Territoires d'industrie"),
           "#d8b98a", False),                                                        # muted sand
    # the communes of the territories that lie in the territory's region, pooled
    _level("region_territories", Grouping("reg", True, geo_label="Territoires d'industrie de la région {name}"),
           "#7fa37a", True, default=False),                                         # muted green
)
BY_ID = {lv.id: lv for lv in LEVELS}
DEFAULT: tuple[Level, ...] = tuple(lv for lv in LEVELS if lv.default)
TERRITORY, REGION, FRANCE = BY_ID["territory"], BY_ID["region"], BY_ID["france"]
BENCHMARKS = tuple(lv.id for lv in LEVELS if lv is not TERRITORY)  # what a territory is compared with
DEFAULT_BENCHMARKS = tuple(lv.id for lv in DEFAULT if lv is not TERRITORY)
# a value on another basis than some benchmarks is compared with the first same-basis one shown
SAME_BASIS_BENCHMARK = next(lv.id for lv in DEFAULT if lv.same_basis and lv is not TERRITORY)
FRANCE_METRO = _level("france", FRANCE.grouping, FRANCE.colour, False, words_key="france_metro")
METRO_SCOPE = "fm"


def france(scope: str | None) -> Level:
    """The France level of an indicator whose France benchmark covers ``scope``."""
    return FRANCE_METRO if scope == METRO_SCOPE else FRANCE


def get(level_id: str, scope: str | None = None) -> Level:
    """The level ``level_id`` (France's words following ``scope``); KeyError naming the levels."""
    if level_id not in BY_ID:
        raise KeyError(f"unknown level {level_id!r}: choose among {', '.join(BY_ID)}")
    return france(scope) if level_id == FRANCE.id else BY_ID[level_id]


def label(level_id: str, scope: str | None = None) -> str:
    """"Territoire", "Région", "France", "France métropolitaine", "Ensemble des TI"…"""
    return get(level_id, scope).label


def check_benchmark(level_id: str) -> None:
    """ValueError unless ``level_id`` is a benchmark level (what the template's ``vs`` names)."""
    if level_id not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {level_id!r}: choose among {', '.join(BENCHMARKS)}")
