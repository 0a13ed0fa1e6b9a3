"""French descriptions of a territory from its structured data (``store.Territory``): what
it is made of and which part of an intercommunality it takes. The data layer gives codes,
counts and names; the words are here, on the presentation side.
"""

from __future__ import annotations

from dataclasses import dataclass

from portraits.text import fmt, grammar
from portraits.data.store import Territory

SHOWN_NAMES = {"EPCI": 6, "EPT": 3, "COM": 4}  # names listed per kind of member, then "…"
KINDS = (  # member type -> (one, many)
    ("EPCI", "intercommunalité", "intercommunalités"),
    # an EPT is not an EPCI: name it as such (Greater Paris territories)
    ("EPT", "établissement public territorial", "établissements publics territoriaux"),
    ("COM", "commune isolée", "communes isolées"),
)
# Names of intercommunalities that take an article: "de la CC du Bazois", "de la Métropole du
# Grand Paris"; "Nantes Métropole", "Boucle Nord de Seine" take none ("de Nantes Métropole").
FEMININE_HEADS = ("CC ", "CA ", "CU ", "Métropole ", "Communauté ")


@dataclass(frozen=True)
class Composition:
    groups: list[str]   # "2 intercommunalités (CA …, CC …)"
    communes: str       # "17 communes"

    def __str__(self) -> str:
        """"2 intercommunalités (…), 17 communes" (the page subtitle)."""
        return ", ".join([*self.groups, self.communes])

    def sentence(self) -> str:
        """"17 communes : 2 intercommunalités (…)" (the header: the count first)."""
        return f"{self.communes} : {', '.join(self.groups)}" if self.groups else self.communes


def composition(t: Territory) -> Composition:
    groups = []
    for kind, one, many in KINDS:
        frame = t.members[t.members.type == kind]
        if frame.empty:
            continue
        shown = SHOWN_NAMES[kind]
        names = ", ".join(frame.name.tolist()[:shown]) + (", …" if len(frame) > shown else "")
        groups.append(f"{len(frame)} {one if len(frame) == 1 else many} ({names})")
    n = t.n_communes
    return Composition(groups, f"{fmt.number(n)} commune{'s' if n > 1 else ''}")


def of_epci(name: str) -> str:
    """"de la CC Bazois Loire Morvan", "de la Métropole du Grand Paris", "de Nantes Métropole"."""
    if name.startswith(FEMININE_HEADS):
        return "de la " + name
    return grammar.de(name)


def perimeter(t: Territory) -> str:
    """The partial-intercommunality note ("" when the territory takes whole members only)."""
    if not t.partial_epci:
        return ""
    names = [of_epci(n) for n in (t.partial_epci_names or t.partial_epci)]
    taken = t.members[t.members.partial]
    listed = _and(names)
    return f"Seule une partie des communes {listed} fait partie du territoire : {_taken(taken)}."


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + (" et " if len(items) > 1 else "") + items[-1]


def _taken(taken) -> str:
    """What the territory takes of its partial intercommunalities, by kind of member: "celles de
    l'établissement public territorial Grand-Orly Seine Bièvre", "11 communes prises isolément"
    (each member says how it is taken, instead of one phrase for all kinds)."""
    parts = []
    ept = taken[taken.type == "EPT"].name.tolist()
    if ept:
        kind = "de l'établissement public territorial" if len(ept) == 1 else "des établissements publics territoriaux"
        parts.append(f"celles {kind} {_and(ept)}")
    n = int((taken.type == "COM").sum())
    if n:
        parts.append(f"{fmt.number(n)} {'commune prise' if n == 1 else 'communes prises'} isolément")
    return " et ".join(parts)
