"""Links out of a portrait: its data files, the catalogue and the region's other portraits."""

from __future__ import annotations

import pandas as pd

from portraits.blocks.display import md_escape
from portraits.core import outputs
from portraits.data.store import Territory


def downloads(territory_id: str) -> str:
    """Links to the portrait's figures as CSV and XLSX, where the build writes them (the
    portrait is one directory down, in its format's directory)."""
    csv, xlsx = (f"../{outputs.BY_ID[f].relative(territory_id)}" for f in ("csv", "xlsx"))
    return (f"Les chiffres de ce portrait, avec leurs comparaisons, sources et millésimes, sont "
            f"téléchargeables : [CSV]({csv}) · [Excel (XLSX)]({xlsx}).\n")


def navigation(territory: Territory, region_territories: pd.DataFrame) -> str:
    """Links to the catalogue and to the other portraits of the region (HTML only);
    ``region_territories``: the region's territories (``territory_id``, ``name``)."""
    same = region_territories[region_territories["territory_id"] != territory.id]
    links = " · ".join(f"[{md_escape(r.name)}]({r.territory_id}.html)" for r in same.itertuples())
    body = "[← Tous les Territoires d'industrie](../index.html)"
    if links:
        # The catalogue reads its region filter from the address: one click to compare them.
        body += (f" · [Comparer les territoires de la région](../index.html#region={territory.region_code})"
                 f"\n\nAutres territoires de la région {territory.region_name} : {links}")
    return (":::: {.content-visible when-format=\"html\"}\n::: {.portrait-nav}\n"
            f"{body}\n:::\n::::\n")
