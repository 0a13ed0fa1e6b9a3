"""The benchmarks' words: "en Normandie", "dans les Hauts-de-France", "en France
(métropolitaine)", "la moyenne nationale", "le niveau national"…; the levels' words come from
``portraits.core.levels`` (phrasing.toml [levels])."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Benchmark:
    key: str        # column of the indicators table: region, france, all_territories
    where: str      # "en France"
    average: str    # "la moyenne nationale" (for rates)
    level: str      # "le niveau national" (for levels)


def benchmarks(region_code: str | None = None, france_scope: str | None = None) -> dict[str, Benchmark]:
    """The words of each benchmark level (portraits.core.levels, phrasing.toml [levels]); France's
    depend on what it covers for the indicator (``france_scope``: "fm", metropolitan only)."""
    fr, reg, all_ti = levels.france(france_scope), levels.REGION, levels.ALL_TERRITORIES
    return {
        "region": Benchmark("region", region_in(region_code), reg.average, reg.level),
        "france": Benchmark("france", fr.where, fr.average, fr.level),
        "all_territories": Benchmark("all_territories", all_ti.where, all_ti.average, all_ti.level),
    }
