"""The portrait's opening paragraph: generation, id, region(s), composition (the page title and
subtitle come from the build's render context)."""

from __future__ import annotations

from portraits.blocks.display import md_escape
from portraits.data.store import Territory
from portraits.text import describe
from portraits.text.benchmarks import region_in


def header(t: Territory) -> str:
    """One paragraph: where the territory lies and what it groups."""
    names = t.region_names or [t.region_name]
    if len(names) > 1:
        where = (f"à cheval sur les régions {' et '.join(names)} (les comparaisons régionales "
                 f"portent sur sa région de rattachement, {t.region_name})")
    else:
        where = region_in(t.region_code)
    text = (f"Territoire d'industrie de la génération 2023-2027 (identifiant {t.id}) situé "
            f"{where}. Il regroupe {md_escape(describe.composition(t).sentence())}.")
    if perimeter := describe.perimeter(t):
        text += " " + md_escape(perimeter)
    return text + "\n"
