"""The comparison table: Indicateur | Territoire | Région | France | Ensemble des TI | Rang (one
column per level of ``portraits.core.levels.DEFAULT``, or those asked), a pipe table with its
note (what each column covers, the marks)."""

from __future__ import annotations

from portraits.blocks.display import md_escape
from portraits.blocks.values import APPROX, value_text
from portraits.core import levels
from portraits.text import evidence, fmt, row_rules

NOT_COMPARABLE, NOT_RANKED = "non comparable", "non classé"
METRO_MARK = "(métro.)"  # a France cell that covers metropolitan France only


def comparison_table(rows: dict[str, dict], region_name: str, vs: tuple[str, ...] | None = None) -> str:
    """Indicateur | Territoire | Région | France | Ensemble des TI | Rang (pipe table): the
    territory and the benchmarks ``vs`` (default: those of ``levels.DEFAULT``), in the levels' order."""
    shown = table_levels(vs)
    header = ["Indicateur", *(lv.label for lv in shown), "Rang"]
    # dash counts set the relative column widths when pandoc wraps the table
    lines = ["| " + " | ".join(header) + " |",
             "|:" + "-" * 38 + "|" + "|".join(["-" * 11 + ":"] * len(shown)) + "|" + "-" * 8 + ":|"]
    for row in rows.values():
        label = f"{row.get('short_label') or row.get('label')} ({row.get('year')})"
        cells = [md_escape(label)]
        # a value on another basis is compared with its region only: the France and
        # all-territories cells say so, and the value is not ranked
        cells += [_cell(row, lv.id) for lv in shown]
        cells.append(_rank(row))
        _record(row, label, shown, cells[1:])
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    note = (f"\n::: {{.source}}\nRégion : {region_name}. France : France métropolitaine et départements "
            f"d'outre-mer, hors Mayotte ; {METRO_MARK} : France métropolitaine seulement. Rang : 1 = valeur la plus "
            f"élevée parmi les Territoires d'industrie renseignés. {APPROX} : valeur approchée ; "
            f"{fmt.MISSING} : non disponible ; {fmt.SECRET} : secret statistique.\n:::\n")
    return "\n".join(lines) + "\n" + note


def table_levels(vs: tuple[str, ...] | None = None) -> tuple[levels.Level, ...]:
    """The territory and the benchmarks ``vs`` (checked), in the levels' order; ``DEFAULT`` without ``vs``."""
    if vs is None:
        return levels.DEFAULT
    for level in vs:
        levels.check_benchmark(level)
    return tuple(lv for lv in levels.LEVELS if lv is levels.TERRITORY or lv.id in vs)


def _record(row: dict, label: str, shown: tuple[levels.Level, ...], cells: list[str]) -> None:
    """The evidence of one line of the table: each cell's words and what decided them."""
    for lv, text in zip(shown, cells):
        if not row_rules.comparable(row, lv.id):
            rule = "autre base que la valeur du territoire -> « non comparable »"
        elif fmt.is_missing(row.get(lv.id)):
            rule = "valeur manquante -> sa marque (n.d. : non disponible, s : secret)"
        else:
            rule = "valeur affichée" + (f" ; valeur approchée -> « {APPROX} »" if row_rules.approximate(row, lv.id)
                                        else "") + (f" ; France métropolitaine seulement -> « {METRO_MARK} »"
                                                    if METRO_MARK in text else "")
        evidence.record(evidence.indicator_row(row, place="table_cell", words=text, asked=f"{label} × {lv.label}",
                                               benchmark=lv.id, rule=rule, outcome=text))
    rank = cells[-1]
    rule = ("autre base : pas de rang" if rank == NOT_RANKED else "pas de rang" if rank == fmt.MISSING else
            "rang parmi les territoires renseignés, 1 = valeur la plus élevée")
    evidence.record(evidence.indicator_row(row, place="table_cell", words=rank, asked=f"{label} × Rang",
                                           rule=rule, outcome=rank))


def _cell(row: dict, level: str) -> str:
    if not row_rules.comparable(row, level):
        return NOT_COMPARABLE
    text = value_text(row, level)
    if level == "france" and row.get("france_scope") == levels.METRO_SCOPE and not fmt.is_missing(row.get(level)):
        text += f" {METRO_MARK}"  # France here is metropolitan France only (see the note)
    return text


def _rank(row: dict) -> str:
    """"12e/183", "non classé" for a value on another basis, "n.d." without a rank."""
    rank, n = row.get("rank"), row.get("n_ranked")
    if not row_rules.comparable(row, "france") and not fmt.is_missing(row.get("territory")):
        return NOT_RANKED
    return (f"{fmt.ordinal(rank)}/{int(n)}" if not fmt.is_missing(rank) and not fmt.is_missing(n)
            else fmt.MISSING)
