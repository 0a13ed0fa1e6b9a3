"""The benchmarks' words: "en Normandie", "dans les Hauts-de-France", "en France
(métropolitaine)", "la moyenne nationale", "le niveau national"…; the levels' words come from
``portraits.core.levels`` (phrasing.toml [levels])."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portraits.core import levels


# "in <region>" needs the right preposition and article; no library knows them.
REGION_IN = {
    "01": "en Guadeloupe", "02": "en Martinique", "03": "en Guyane", "04": "à La Réunion",
    "06": "à Mayotte", "11": "en Île-de-France", "24": "en Centre-Val de Loire",
    "27": "en Bourgogne-Franche-Comté", "28": "en Normandie", "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est", "52": "dans les Pays de la Loire", "53": "en Bretagne",
    "75": "en Nouvelle-Aquitaine", "76": "en Occitanie", "84": "en Auvergne-Rhône-Alpes",
    "93": "en Provence-Alpes-Côte d'Azur", "94": "en Corse",
}
_REGION_BY_NAME = {re.sub(r"^(en|à|dans les|dans le) ", "", v).lower(): v for v in REGION_IN.values()}


def region_in(region_label: str | None = None, region_code: str | None = None) -> str:
    """"en Normandie", "dans les Hauts-de-France", "à La Réunion"; "dans la région" otherwise."""
    if region_code and str(region_code).zfill(2) in REGION_IN:
        return REGION_IN[str(region_code).zfill(2)]
    if region_label and str(region_label).strip().lower() in _REGION_BY_NAME:
        return _REGION_BY_NAME[str(region_label).strip().lower()]
    return "dans la région"


@dataclass(frozen=True)
class Benchmark:
    key: str        # column of the indicators table: region, france, all_territories
    where: str      # "en France"
    average: str    # "la moyenne nationale" (for rates)
    level: str      # "le niveau national" (for levels)


def benchmarks(region_label: str | None = None, region_code: str | None = None,
               france_scope: str | None = None) -> dict[str, Benchmark]:
    """The words of each benchmark level (portraits.core.levels, phrasing.toml [levels]); France's
    depend on what it covers for the indicator (``france_scope``: "fm", metropolitan only)."""
    fr, reg, all_ti = levels.france(france_scope), levels.REGION, levels.ALL_TERRITORIES
    return {
        "region": Benchmark("region", region_in(region_label, region_code), reg.average, reg.level),
        "france": Benchmark("france", fr.where, fr.average, fr.level),
        "all_territories": Benchmark("all_territories", all_ti.where, all_ti.average, all_ti.level),
    }
