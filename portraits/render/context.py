"""Page metadata that depends on the territory (title, subtitle, description): pandoc's
metadata and the PDF's. In the package hash (``portraits.build.portrait_inputs``), so editing it
makes the portraits stale."""

from __future__ import annotations

from typing import Any

from portraits.core import outputs
from portraits.data import store
from portraits.text import describe


def render_context(tid: str) -> dict[str, Any]:
    """Page metadata only the build knows (the template's front matter is the same for all)."""
    try:
        terr = store.territory(tid)
    except Exception:  # a fixture or partial data set: the template's own title stays
        return {}
    regions = ", ".join(terr.region_names or [terr.region_name])
    # design/portrait.md: the document title is "Territoire d'industrie — <name>"; the templates
    # show `name` large under a kicker and use `title` for <title> and the PDF metadata.
    title = f"Territoire d'industrie — {terr.name}"
    return {"title": title, "name": terr.name,
            "subtitle": " · ".join(x for x in (regions, str(describe.composition(terr))) if x),
            "pagetitle": title,
            # the reviewers' page, from the portrait's directory: each section, chart and table
            # links to its evidence there (render/evidence_links.lua, HTML only)
            "review": "../" + outputs.BY_ID["review"].relative(tid),
            "description": f"Portrait socio-économique du Territoire d'industrie {terr.name} ({tid})"}
