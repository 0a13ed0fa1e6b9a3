""""L'essentiel": the key figures the template lists (``p.key_figures(population, …)``), each
with its benchmarks or its change, as the renderer's ``.key-figures`` fenced div of
``.key-figure`` divs (``[…]{.value}``, ``[…]{.label}``, ``[…]{.benchmark}`` spans, styled as
docs/RENDERING.md says).

A key figure's words come from the catalogue (``portraits/data/indicators.toml``):
``key_figure`` (the words after the value), ``key_figure_other_basis`` (for a value on another
basis than France), ``key_figure_change`` (an indicator whose change replaces the benchmarks),
``key_figure_vs`` (the benchmarks). A missing value reads "n.d." followed by the indicator's
name and period, never by words that need a number before them; an approximate one "≈ …"."""

from __future__ import annotations

from dataclasses import dataclass

from portraits.blocks.chart_style import source_line
from portraits.blocks.display import md_escape
from portraits.text.evidence import indicator_row, record
from portraits.blocks.source_lines import producer_names
from portraits.blocks.values import APPROX, value_text
from portraits.core import levels
from portraits.data import store
from portraits.text import fmt, row_rules
from portraits.text.ranks import ALL_TI
from portraits.text.trends import period_words

DEFAULT_VS = ("france", "all_territories")  # the benchmarks a catalogue entry does not name


@dataclass(frozen=True)
class KeyFigure:
    """One key figure as the template asks for it: an indicator id and what overrides its
    catalogue words (``label``, ``vs``), or ``rank`` to show its rank as the value."""
    indicator_id: str
    label: str | None = None
    vs: tuple[str, ...] | None = None
    rank: bool = False


def catalogue_words(indicator_id: str) -> dict:
    """The catalogue's key-figure fields of ``indicator_id`` (absent ones left out)."""
    entry = store.catalogue_entry(indicator_id)
    return {k: entry[k] for k in ("key_figure", "key_figure_other_basis", "key_figure_change",
                                  "key_figure_vs") if k in entry}


NO_VALUE = "valeur non disponible pour ce territoire"  # a card's benchmark line without a value


def key_figures(items: list[KeyFigure], rows: dict[str, dict], region_name: str) -> str:
    """ "L'essentiel": the key figures in the template's order, as fenced divs, and their note;
    the evidence of each goes to the active ``evidence.recording``."""
    values: list[tuple[dict, str]] = []  # the (row, level) of every value the cards show
    blocks = [key_figure(rows, k, region_name, values) for k in items]
    blocks = [b for b in blocks if b]
    shown = [k.indicator_id for k in items if k.indicator_id in rows]
    changes = [c for i in shown if (c := catalogue_words(i).get("key_figure_change")) in rows]
    notes = [source_line(*producer_names(rows, shown + changes))] if shown else []
    if any(row_rules.approximate(row, level) and not fmt.is_missing(row.get(level)) for row, level in values):
        notes.append(f"{APPROX} valeur approchée (voir « Pour comprendre »)")  # some value shown with "≈"
    if any(fmt.is_missing(rows[i].get("territory")) for i in shown):
        notes.append(f"{fmt.MISSING} : non disponible")
    text = "::::: {.key-figures}\n" + "\n\n".join(blocks) + "\n:::::\n"
    if notes:
        text += "\n::: {.source}\n" + ". ".join(notes) + ".\n:::\n"
    return text


def key_figure(rows: dict[str, dict], item: KeyFigure | str, region_name: str,
               values: list | None = None) -> str | None:
    """One key figure: value, label and benchmark line (None if the indicator is absent);
    its evidence is recorded, the (row, level) of the values it shows added to ``values``."""
    item = KeyFigure(item) if isinstance(item, str) else item
    row = rows.get(item.indicator_id)
    if row is None:
        return None
    values = [] if values is None else values
    values.append((row, "territory"))
    value, label = _value(row, item) if item.rank else (value_text(row), _label(row, item))
    bench = (_rank_line(row) if item.rank
             else " · ".join(_benchmarks(rows, row, item, region_name, values)))
    record(indicator_row(row, place="key_figure", words=f"{value} {label}", asked="valeur et libellé",
                                 rule=_label_rule(row, item) + _approx_rule(row), outcome=f"{value} {label}"))
    return (":::: {.key-figure}\n"
            f"[{md_escape(value)}]{{.value}} [{md_escape(label)}]{{.label}} "
            f"[{bench}]{{.benchmark}}\n"
            "::::")


def _label(row: dict, item: KeyFigure) -> str:
    """The words after the value and its period: the catalogue's, those for another basis,
    or, for a missing value ("n.d." cannot start a phrase), the indicator's short name."""
    words = catalogue_words(item.indicator_id)
    label = item.label or words.get("key_figure")
    if not row_rules.comparable(row, "france") and not item.label:
        label = words.get("key_figure_other_basis", label)
    if fmt.is_missing(row.get("territory")) or not label:
        # the short label: the period follows it, the full label may repeat it
        name = str(row.get("short_label") or row.get("label") or item.indicator_id)
        label = name[:1].lower() + name[1:]
    return f"{label} {period_words(row.get('year'))}".strip()


def _approx_rule(row: dict, level: str = "territory") -> str:
    """The rule that marked a value shown approximate (evidence)."""
    shown = row_rules.approximate(row, level) and not fmt.is_missing(row.get(level))
    return f" ; valeur approchée -> « {APPROX} »" if shown else ""


def _label_rule(row: dict, item: KeyFigure) -> str:
    if item.rank:
        return "rang parmi les territoires renseignés (1 = valeur la plus élevée)"
    if fmt.is_missing(row.get("territory")):
        return "valeur manquante : nom de l'indicateur et période"
    if item.label:
        return "libellé du gabarit"
    return ("libellé du catalogue (autre base)" if not row_rules.comparable(row, "france")
            else "libellé du catalogue (key_figure)")


def _value(row: dict, item: KeyFigure) -> tuple[str, str]:
    """A rank as the value: "2e sur 173", the indicator named after it."""
    name = str(item.label or row.get("short_label") or item.indicator_id)
    label = f"{name[:1].lower() + name[1:]} parmi les {ALL_TI} {period_words(row.get('year'))}".strip()
    rank, n = row.get("rank"), row.get("n_ranked")
    if fmt.is_missing(rank) or fmt.is_missing(n):
        return fmt.missing_marker(row.get("status")), label
    return f"{fmt.ordinal(int(rank))} sur {int(n)}", label


def _rank_line(row: dict) -> str:
    if fmt.is_missing(row.get("territory")):
        text = NO_VALUE
    else:
        text = f"{value_text(row)} (1 = valeur la plus élevée)"
    record(indicator_row(row, place="key_figure", words=text, asked="valeur sous le rang", outcome=text,
                         rule="valeur du territoire sous son rang" + _approx_rule(row)))
    return md_escape(text)


def _benchmarks(rows: dict[str, dict], row: dict, item: KeyFigure, region_name: str,
                values: list) -> list[str]:
    """The benchmark line's parts: the change of the catalogue's ``key_figure_change``, else
    the benchmarks asked (France and all the territories by default; the region only for a
    value on another basis)."""
    words = catalogue_words(item.indicator_id)
    trow = rows.get(words.get("key_figure_change")) if not item.vs else None
    if trow is not None:
        if not fmt.is_missing(trow.get("territory")):  # else "évolution non disponible" alone
            values.extend((trow, lv) for lv in ("territory", "france"))
        return [_change(trow)]
    if fmt.is_missing(row.get("territory")):
        record(indicator_row(row, place="key_figure", words=NO_VALUE, asked="références", outcome=NO_VALUE,
                             rule="valeur du territoire manquante -> aucune référence, la carte le dit"))
        return [NO_VALUE]
    vs = item.vs or tuple(words.get("key_figure_vs") or DEFAULT_VS)
    for level in vs:
        levels.check_benchmark(level)
    if not row_rules.comparable(row, "france"):   # another basis: the same-basis benchmarks only
        vs = tuple(lv for lv in vs if levels.BY_ID[lv].same_basis) or (levels.SAME_BASIS_BENCHMARK,)
    parts = []
    for level in vs:
        name = levels.get(level, row.get("france_scope")).short.format(region=region_name)
        shown = fmt.is_missing(row.get(level)) is False and row_rules.comparable(row, level)
        text = f"{name} : {value_text(row, level)}"
        record(indicator_row(row, place="key_figure", words=text if shown else "", asked=f"référence {level}",
                                     benchmark=level, rule=("référence demandée (gabarit ou key_figure_vs du catalogue) : affichée"
                                           + _approx_rule(row, level) if shown
                                           else "référence manquante ou non comparable : omise"),
                                     outcome=text if shown else "omise"))
        if shown:
            parts.append(md_escape(text))
            values.append((row, level))
    return parts


def _change(trow: dict) -> str:
    """"+0,4 % par an entre 2015 et 2021 (France : +0,3 % par an)"."""
    if fmt.is_missing(trow.get("territory")):
        text = "évolution non disponible"
    else:
        france = levels.label("france", trow.get("france_scope"))
        text = (f"{value_text(trow)} {period_words(trow.get('year'))}"
                + (f" ({france} : {value_text(trow, 'france')})" if not fmt.is_missing(trow.get("france")) else ""))
    record(indicator_row(trow, place="key_figure", words=text, asked="évolution",
                                 benchmark="france", rule="key_figure_change du catalogue" + _approx_rule(trow)
                                 + _approx_rule(trow, "france"), outcome=text))
    return md_escape(text)
