""""Pour comprendre": definitions, sources and millésimes, methods and approximations.

Kept to what a reader needs: one line per indicator (definition, millésime), the method only
where the value is an approximation, the sources grouped."""

from __future__ import annotations

import pandas as pd

from portraits.blocks.display import md_escape
from portraits.blocks.values import APPROX, first_value
from portraits.core import levels
from portraits.data.store import Territory
from portraits.text import describe, fmt, notes, row_rules


def understand(rows: dict[str, dict], territory: Territory, a38: pd.DataFrame, level: int = 2) -> str:
    """The section, its title at heading ``level``; ``a38``: the territory's A38 sub-sectors
    (their employment-zone method is explained when there are any)."""
    h = "#" * level
    # the .understand div lets the PDF set this reference text small, in two columns
    out = [f"{h} Pour comprendre", "", "::::: {.understand}", "",
           "Chaque indicateur est calculé sur le périmètre du territoire (ses communes membres) et "
           "comparé à sa région, à la France et à l'ensemble des 183 Territoires d'industrie "
           "(les 183 territoires pris comme un seul ensemble). Le rang classe les territoires de la valeur la "
           f"plus élevée (1) à la plus faible. {APPROX} signale une valeur approchée, {fmt.MISSING} "
           f"une valeur non disponible, {fmt.SECRET} une valeur couverte par le secret statistique.", "",
           f"{h}# Définitions et méthodes", ""]
    for row in rows.values():
        year = str(row.get("year") or "")
        head = f"- **{md_escape(row.get('short_label') or row.get('label'))}** ({year}) : "
        if not row_rules.comparable(row, "france") and row.get("note"):
            # another source than the catalogue's (overseas industry share): its note is the
            # definition of what is shown, said once; the census definition does not apply
            out.append(f"{head}{APPROX} {md_escape(row['note'])}")
            continue
        text = head + md_escape(row.get("definition") or "")
        if approx := approximated(row):  # a value the page shows approximate, a benchmark's too: say how
            text += f" {APPROX} Valeurs approchées : {', '.join(approx)}. *{md_escape(row.get('method') or '')}*"
        if row.get("note"):
            text += f" {md_escape(row['note'])}"
        if fmt.is_missing(row.get("territory")) and not row.get("note"):  # the note says why
            text += f" Non disponible pour ce territoire ({fmt.missing_marker(row.get('status'))})."
        out.append(text)
    out += _a38_and_perimeter(a38, territory)
    out += ["", f"{h}# Sources", ""]
    out += _sources(rows)
    out += ["", ":::::"]
    return "\n".join(out) + "\n"


def approximated(row: dict) -> list[str]:
    """The levels whose value the page shows approximate ("territoire", "région"…), in order
    (those of the default portrait: ``levels.DEFAULT``)."""
    return [lv.label[:1].lower() + lv.label[1:] if lv.id != "france" else levels.label("france", row.get("france_scope"))
            for lv in levels.DEFAULT
            if row_rules.approximate(row, lv.id) and not fmt.is_missing(row.get(lv.id))
            and row_rules.comparable(row, lv.id)]


def _a38_and_perimeter(a38: pd.DataFrame, territory: Territory) -> list[str]:
    """The approximations beyond the indicators: A38 by employment zone, a partial perimeter."""
    out = []
    if len(a38):
        zones = notes.zones_text(first_value(a38, "zones"))
        # the a38 rows' year is Flores' (the data layer takes it from the manifest)
        method = notes.note_text(first_value(a38, "match_method"), {"flores_year": first_value(a38, "year")})
        out.append(f"- {APPROX} **Secteurs industriels (A38)** : la seule source est par zone "
                   f"d'emploi. {md_escape(method)} Zones d'emploi retenues : {md_escape(zones)}.")
    if perimeter := describe.perimeter(territory):
        out.append(f"- **Périmètre infracommunautaire** : {md_escape(perimeter)}")
    return out


def _sources(rows: dict[str, dict]) -> list[str]:
    """One line per source: the indicators it gives."""
    by_source: dict[str, list[str]] = {}
    for row in rows.values():
        by_source.setdefault(row.get("source") or "Source non précisée", []).append(
            f"{row.get('short_label')}")
    return [f"- {md_escape(source)} : {md_escape(', '.join(inds))}." for source, inds in by_source.items()]
