"""Source lines of a portrait's sections and charts, from the sources its indicator rows cite."""

from __future__ import annotations

from portraits.blocks.chart_style import source_line
from portraits.blocks.display import md_escape
from portraits.text import fmt


def _cited(rows: dict[str, dict], indicator_ids) -> list[str]:
    """The sources of ``indicator_ids``, each once, in order."""
    cites = []
    for ind in indicator_ids:
        cite = (rows.get(ind) or {}).get("source")
        if cite and cite not in cites:
            cites.append(cite)
    return cites


def chart_source(rows: dict[str, dict], indicator_ids) -> str:
    """A chart's source line: "Source : Insee, RP 2021 ; traitement ANCT"; "" when no row cites
    a source (a treatment alone is no source: the chart then names its data's own source)."""
    cites = _cited(rows, indicator_ids)
    return source_line(*cites) if cites else ""


def citations(rows: dict[str, dict], indicator_ids) -> str:
    """"Source : Insee, recensement de la population 2021 (…)." for the given indicators."""
    cites = _cited(rows, indicator_ids)
    if not cites:
        return ""
    label = "Sources" if len(cites) > 1 else "Source"
    return f"{label}{fmt.NNBSP}: " + md_escape(f"{fmt.NNBSP}; ".join(cites)) + "."


# After a producers-only source line: where the full citations are
DETAILS = " (détail dans « Pour comprendre »)"


def producer_names(rows: dict[str, dict], indicator_ids) -> list[str]:
    """The producers of the sources of ``indicator_ids`` ("Insee", "Urssaf"), each once, in order."""
    names = []
    for cite in _cited(rows, indicator_ids):
        producer = cite.split(",")[0].strip()
        if producer and producer not in names:
            names.append(producer)
    return names


def producers(rows: dict[str, dict], indicator_ids) -> str:
    """Short source line naming the producers only (details in "Pour comprendre"), for
    charts mixing many sources: "Sources : Insee ; Urssaf ; traitement ANCT (détail dans …)"."""
    return source_line(*producer_names(rows, indicator_ids)) + DETAILS
