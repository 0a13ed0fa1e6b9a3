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
    """A chart's source line: "Source : Insee, RP 2021 ; traitement ANCT"."""
    return source_line(*_cited(rows, indicator_ids))


def citations(rows: dict[str, dict], indicator_ids) -> str:
    """"Source : Insee, recensement de la population 2021 (…)." for the given indicators."""
    cites = _cited(rows, indicator_ids)
    if not cites:
        return ""
    label = "Sources" if len(cites) > 1 else "Source"
    return f"{label}{fmt.NBSP}: " + md_escape(f"{fmt.NNBSP}; ".join(cites)) + "."


def producers(rows: dict[str, dict], indicator_ids) -> str:
    """Short source line naming the producers only (details in "Pour comprendre"), for
    charts mixing many sources: "Sources : Insee ; Urssaf ; traitement ANCT"."""
    names = []
    for ind in indicator_ids:
        cite = (rows.get(ind) or {}).get("source") or ""
        producer = cite.split(",")[0].strip()
        if producer and producer not in names:
            names.append(producer)
    return source_line(*names) + " (détail dans « Pour comprendre »)"
