""""L'essentiel": the portrait's key figures, each with its benchmarks or its change, as the
renderer's ``.key-figures`` fenced div of ``.key-figure`` divs (``[…]{.value}``, ``[…]{.label}``,
``[…]{.benchmark}`` spans, styled as docs/RENDERING.md says)."""

from __future__ import annotations

from portraits.blocks.chart_style import source_line
from portraits.blocks.display import md_escape
from portraits.blocks.sources import producer_names
from portraits.blocks.values import APPROX, value_text
from portraits.core import levels
from portraits.text import commentary, fmt
from portraits.text.trends import period_words

# The key figures of "L'essentiel": (indicator, label after the value)
KEY_FIGURES: list[tuple[str, str]] = [  # each label reads as a phrase after its number
    ("population", "habitants"),
    ("industry_jobs_share", "des emplois dans l'industrie"),
    ("jobs", "emplois au lieu de travail"),
    # a change, not a share: the label names the change ("−2,8 % d'emplois…" read as a share)
    ("private_jobs_growth", "d'évolution de l'emploi salarié privé"),
    ("industry_establishments_share", "des établissements dans l'industrie"),
    ("unemployment_rate", "des actifs de 15 à 64 ans au chômage"),
    ("median_income", "de niveau de vie médian annuel"),
    ("poverty_rate", "des habitants sous le seuil de pauvreté"),
]
# The label of a value on another basis than France (comparable false): Flores counts salaried jobs
KEY_FIGURE_OTHER_BASIS = {"industry_jobs_share": "des emplois salariés dans l'industrie"}
# Key figures whose benchmark line is a change rather than a comparison
KEY_FIGURE_TREND = {"population": "population_growth", "jobs": "jobs_growth"}


def key_figures(rows: dict[str, dict], region_name: str) -> str:
    """ "L'essentiel": the key figures with their benchmarks, as fenced divs, and their note."""
    items = [key_figure(rows, i, lab, region_name) for i, lab in KEY_FIGURES]
    items = [i for i in items if i]
    notes = [source_line(*producer_names(rows, [i for i, _ in KEY_FIGURES]
                                         + list(KEY_FIGURE_TREND.values())))]
    if any(commentary.approximate(row, level) and not fmt.is_missing(row.get(level))
           for i, _ in KEY_FIGURES if i in rows
           for row, level in _shown(rows, i)):  # some value shown with "≈" (ti-0601: none)
        notes.append(f"{APPROX} valeur approchée (voir « Pour comprendre »)")
    if any(fmt.is_missing(rows.get(i, {}).get("territory")) for i, _ in KEY_FIGURES if i in rows):
        notes.append(f"{fmt.MISSING} : non disponible")
    text = "::::: {.key-figures}\n" + "\n\n".join(items) + "\n:::::\n"
    if notes:
        text += "\n::: {.source}\n" + ". ".join(notes) + ".\n:::\n"
    return text


def key_figure(rows: dict[str, dict], indicator_id: str, label: str, region_name: str) -> str | None:
    """One key figure: value, label and benchmark line (None if the indicator is absent)."""
    row = rows.get(indicator_id)
    if row is None:
        return None
    when = period_words(row.get("year"))
    bench_parts = _benchmarks(rows, indicator_id, region_name)
    if not commentary.comparable(row, "france"):
        label = KEY_FIGURE_OTHER_BASIS.get(indicator_id, label)
    if fmt.is_missing(row.get("territory")):  # "n.d." cannot start a phrase: name the indicator
        # the short label: the period follows it (`when`), the full label may repeat it
        name = str(row.get("short_label") or row.get("label") or indicator_id)
        label = name[:1].lower() + name[1:]
    label_text = f"{label} {when}".strip()
    return (":::: {.key-figure}\n"
            f"[{value_text(row)}]{{.value}} [{md_escape(label_text)}]{{.label}} "
            f"[{' · '.join(bench_parts)}]{{.benchmark}}\n"
            "::::")


def _shown(rows: dict[str, dict], indicator_id: str) -> list[tuple[dict, str]]:
    """The (row, level) pairs whose value a key figure shows (as ``_benchmarks`` draws them)."""
    row = rows[indicator_id]
    trow = rows.get(KEY_FIGURE_TREND.get(indicator_id, ""))
    pairs = [(row, "territory")]
    if trow is not None:
        return pairs + [(trow, lv) for lv in ("territory", "france") if not fmt.is_missing(trow.get(lv))]
    if fmt.is_missing(row.get("territory")):
        return pairs
    shown = ("france", "all_territories") if commentary.comparable(row, "france") else ("region",)
    return pairs + [(row, lv) for lv in shown if not fmt.is_missing(row.get(lv))]


def _benchmarks(rows: dict[str, dict], indicator_id: str, region_name: str) -> list[str]:
    """The benchmark line's parts: the change for population and jobs, else France and all
    the territories (the region only for a value on another basis)."""
    row = rows[indicator_id]
    trend_id = KEY_FIGURE_TREND.get(indicator_id)
    if trend_id and trend_id in rows and fmt.is_missing(rows[trend_id].get("territory")):
        return ["évolution non disponible"]
    if trend_id and trend_id in rows:
        trow = rows[trend_id]
        france = levels.label("france", trow.get("france_scope"))
        return [f"{value_text(trow)} {period_words(trow.get('year'))}"
                + (f" ({france} : {value_text(trow, 'france')})"
                   if not fmt.is_missing(trow.get("france")) else "")]
    if fmt.is_missing(row.get("territory")):
        return ["valeur non disponible pour ce territoire"]
    shown = (("france", levels.label("france", row.get("france_scope"))),
             ("all_territories", "ensemble des TI"))
    if not commentary.comparable(row, "france"):   # another basis: its region only
        shown = (("region", region_name),)
    return [f"{name} : {value_text(row, level)}" for level, name in shown
            if not fmt.is_missing(row.get(level))]
