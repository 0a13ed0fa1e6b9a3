"""Section titles led by one of several figures: the title of the figure with the largest
gap to a benchmark (``p.first_marked([x, y], "france", otherwise=…)`` in the template)."""

from __future__ import annotations

from portraits.text import evidence, fmt
from portraits.text.phrasing import Indicator, Text


# The strength of a gap, for the title of a section: marked > above/below > near > equal
GAP_STRENGTH = {"equal": 0, "near": 1, "above": 2, "below": 2}


def _gap_strength(f: Indicator, level: str) -> int:
    cmp = f._compare(level)
    return GAP_STRENGTH.get(cmp.kind, -1) + (1 if cmp.strong else 0)


def first_marked(figures: list[Indicator], level: str = "france", otherwise: str = "") -> Text:
    """The title of the figure with the largest gap to ``level`` (a marked gap, then a gap, then
    "proche", then a tie; the first of the list among equals), else ``otherwise``: a title never
    reports no gap while its section holds one."""
    usable = [f for f in figures if f.available and f.comparable(level)
              and not fmt.is_missing(f.row.get(level))]
    lead = max(usable, key=lambda f: _gap_strength(f, level), default=None)  # max keeps the first
    names = ", ".join(f.id for f in figures)
    if lead is None:
        evidence.record({"indicator": names, "asked": f"first_marked({level!r})", "outcome": otherwise,
                         "rule": f"aucun indicateur comparable parmi {names} -> titre neutre"})
        return Text(otherwise)
    why = f"écart le plus fort parmi {names} (marqué > écart > proche > égalité ; le premier à égalité)"
    return lead.title(level, otherwise, why=why)

