"""Evidence: what decided each figure and word a reader sees, shown to reviewers only.

Every block that writes figures or words from the data records one row per decision while a
:func:`recording` is active: the template's inline expressions (``portraits.text.phrasing``),
the comparison table's cells, the key figures, the values and labels drawn on charts. The
executed notebook displays the rows under the cell that made them (:func:`display`, output
role ``evidence``); renderers drop them, the review page shows them.

A row is a dict whose keys are :data:`COLUMNS`. Two of them say which words of the page the
row decided, once:

- ``place``: a key of :data:`PLACES`: ``title`` (a heading), ``sentence`` (running text),
  ``key_figure``, ``table_cell``, ``chart_label`` (a value or label drawn on a chart);
- ``words``: those words, as the page shows them (an expression's output, a cell's text, a
  chart's label); ``asked`` says which expression, cell or chart element gave them.

The others say how: the territory's raw and displayed values, the benchmark (raw, displayed),
the difference, the rule that chose the outcome, the rank, the approximation flags of the
territory's value and of the benchmark's, comparability, source and millésime.
"""

from __future__ import annotations

import contextlib
import contextvars
import html as _html
import math
import os
from typing import Any, Iterator, Mapping

import pandas as pd

from portraits.core import levels, outputs
from portraits.text import fmt, row_rules

PLACES = {  # place key -> what reviewers read
    "title": "titre", "sentence": "phrase", "key_figure": "chiffre clé",
    "table_cell": "cellule", "chart_label": "graphique",
}
COLUMNS = {  # key -> header shown to reviewers
    "place": "Place", "words": "Mots de la page", "indicator": "Indicateur", "asked": "Expression ou élément",
    "raw": "Valeur brute", "shown": "Valeur affichée", "benchmark": "Référence",
    "bench_raw": "Référence brute", "bench_shown": "Référence affichée", "diff": "Écart (affiché)",
    "rule": "Règle appliquée", "outcome": "Résultat", "rank": "Rang/n", "approx": "Approx. (territoire)",
    "bench_approx": "Approx. (référence)", "comparable": "Comparable", "source": "Source", "year": "Millésime",
}

NOTHING = "(rien d'écrit)"  # the words of a decision to write nothing (no fraction close enough…)
JSON_MIME = "application/vnd.portraits.evidence+json"  # the rows as data: {"columns": […], "rows": [[…]]}
_RECORDER: contextvars.ContextVar[list | None] = contextvars.ContextVar("evidence", default=None)


@contextlib.contextmanager
def recording() -> Iterator[list[dict]]:
    """Collect the rows recorded inside the block (nested recordings each get their own)."""
    rows: list[dict] = []
    token = _RECORDER.set(rows)
    try:
        yield rows
    finally:
        _RECORDER.reset(token)


def record(row: Mapping[str, Any]) -> None:
    """Add ``row`` to the active recording (nothing when none is active)."""
    rows = _RECORDER.get()
    if rows is not None:
        rows.append({k: _text(row.get(k)) for k in COLUMNS})


def _text(value: Any) -> str:
    """A cell's text: '' for None and NaN (the rows are JSON in the notebook)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def num(x: Any) -> str:
    """A raw number as reviewers read it (10 significant digits), '' when missing."""
    return "" if fmt.is_missing(x) else f"{float(x):.10g}"


def yes_no(flag: bool) -> str:
    return "oui" if flag else "non"


def indicator_row(row: Mapping[str, Any], *, place: str = "", words: str = "", asked: str = "",
                  benchmark: str | None = None, diff: str = "", rule: str = "", outcome: str = "",
                  shown: str | None = None) -> dict:
    """The evidence row of a decision on one indicator row (``store.indicators`` as a dict):
    its values, the benchmark ``benchmark`` (a level id) and their flags filled from the row."""
    if place and place not in PLACES:
        raise ValueError(f"unknown evidence place {place!r}: choose among {', '.join(PLACES)}")
    rank, n = row.get("rank"), row.get("n_ranked")
    bench = benchmark if benchmark in levels.BY_ID and benchmark != "territory" else None
    return {
        "place": place, "words": words, "indicator": str(row.get("indicator_id") or ""), "asked": asked,
        "raw": num(row.get("territory")), "shown": row_rules.shown(row) if shown is None else shown,
        "benchmark": levels.label(bench, row.get("france_scope")) if bench else "",
        "bench_raw": num(row.get(bench)) if bench else "",
        "bench_shown": row_rules.shown(row, bench) if bench else "",
        "diff": diff, "rule": rule, "outcome": outcome,
        "rank": f"{int(rank)}/{int(n)}" if not (fmt.is_missing(rank) or fmt.is_missing(n)) else "",
        "approx": yes_no(row_rules.approximate(row)),
        "bench_approx": yes_no(row_rules.approximate(row, bench)) if bench else "",
        "comparable": yes_no(row_rules.comparable(row, bench or "france")),
        "source": row.get("source") or "", "year": row.get("year") or "",
    }


def decided(rows: list[dict], place: str, words: str) -> None:
    """Say which words of the page ``rows`` decided, where they do not say it yet (:data:`NOTHING`
    when the decision was to write nothing)."""
    words = words or NOTHING
    for r in rows:
        if not r.get("place"):
            r["place"] = place
        if not r.get("words"):
            r["words"] = words


def shown_rows(rows: list[dict]) -> list[tuple[str, ...]]:
    """The rows as reviewers read them (:data:`COLUMNS` order, text, places in French), each
    decision once, the outcome "=" where it is the page's words. Plain Python: a page holds a
    dozen of these tables, and pandas spent a tenth of a territory's kernel time on them."""
    keys = list(COLUMNS)
    place, outcome, words = keys.index("place"), keys.index("outcome"), keys.index("words")
    seen, out = set(), []
    for r in rows:
        row = tuple(_text(r.get(k)) for k in keys)
        if row in seen:
            continue
        seen.add(row)
        row = list(row)
        row[place] = PLACES.get(row[place], row[place])
        if row[outcome] == row[words]:  # the outcome is the page's words: said once
            row[outcome] = "="
        out.append(tuple(row))
    return out


def table(rows: list[dict]) -> pd.DataFrame:
    """The rows as a table with French headers, each decision once (:func:`shown_rows`)."""
    return pd.DataFrame(shown_rows(rows), columns=list(COLUMNS.values()), dtype=object)


def anchor(line: int | str) -> str:
    """The id of a template cell's evidence on the review page (its template line)."""
    return f"preuve-l{line}"


def html_table(rows: list[tuple[str, ...]]) -> str:
    """:func:`shown_rows` as compact HTML: no indentation, and a value repeated in the consecutive rows
    of one indicator in one cell spanning them (a page holds hundreds of rows: a reviewer reads
    each indicator's facts, its source, a chart's rule once)."""
    esc = _html.escape
    key = list(COLUMNS).index("indicator")

    def continues(n: int, i: int) -> bool:  # row n repeats row n-1 in column i, same indicator
        return n > 0 and rows[n][i] == rows[n - 1][i] and rows[n][key] == rows[n - 1][key]

    lines = []
    for n, row in enumerate(rows):
        cells = []
        for i, v in enumerate(row):
            if continues(n, i):
                continue
            span = 1
            while n + span < len(rows) and continues(n + span, i):
                span += 1
            cells.append(f'<td rowspan="{span}">{esc(v)}</td>' if span > 1 else f"<td>{esc(v)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS.values())
    return f'<table class="evidence"><thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(lines) + "\n</tbody></table>"


def bundle(rows: list[dict], anchor_id: str = "") -> tuple[dict, dict]:
    """The notebook output of ``rows``: an HTML table and the rows as JSON (:data:`JSON_MIME`),
    role ``evidence``, with its anchor."""
    shown = shown_rows(rows)
    body = html_table(shown)
    if anchor_id:
        body = f'<div id="{_html.escape(anchor_id)}">{body}</div>'
    meta = outputs.role_metadata(outputs.EVIDENCE_ROLE)
    if anchor_id:
        meta["portraits"]["anchor"] = anchor_id
    # the rows themselves too, for tools (the page shows the HTML, the notebook keeps both)
    # (the plain text only counts them: the table is the HTML, the data the JSON)
    plain = f"Éléments de preuve : {len(shown)} ligne(s)"
    data = {"columns": list(COLUMNS), "rows": [[r.get(k, "") for k in COLUMNS] for r in rows]}
    return {"text/html": body, "text/plain": plain, JSON_MIME: data}, meta


def from_output(data: Mapping[str, Any]) -> list[dict]:
    """The rows of a notebook output's data (:data:`JSON_MIME`), as dicts; [] for another output."""
    table = data.get(JSON_MIME) or {}
    return [dict(zip(table.get("columns", []), row)) for row in table.get("rows", [])]


def under_quarto() -> bool:
    """True in a kernel that Quarto's ``notebook.py`` started (``quarto render``/``preview``:
    it sets QUARTO_FIG_FORMAT in the kernel's environment, src/resources/jupyter/notebook.py,
    ``set_env_vars``); our build executes with papermill, without it."""
    return "QUARTO_FIG_FORMAT" in os.environ


def display(rows: list[dict], anchor_id: str = "") -> None:
    """Display ``rows`` in the notebook (nothing when there are none, nor under Quarto's own
    execution: Quarto renders every output for readers, and evidence is for reviewers)."""
    if not rows or under_quarto():
        return
    from IPython.display import display as ipy_display

    data, meta = bundle(rows, anchor_id)
    ipy_display(data, raw=True, metadata=meta)


def chart_row(chart: str, element: str, words: str, raw: Any = None, *, shown: str = "",
              benchmark: str = "", bench_raw: Any = None, bench_shown: str = "", rule: str = "",
              source: str = "", year: Any = "", approx: bool | None = None,
              bench_approx: bool | None = None, comparable: bool | None = None) -> None:
    """Record what a chart draws: ``element`` of ``chart`` (a bar, a line's end, a label; an
    author's chart names its figure instead), the words drawn (``words``), its value and a
    benchmark it is drawn against, with both approximation flags when known."""
    def flag(value: bool | None) -> str:
        return "" if value is None else yes_no(value)

    record({"place": "chart_label", "words": words, "indicator": chart, "asked": element,
            "raw": num(raw), "shown": shown or words, "benchmark": benchmark, "bench_raw": num(bench_raw),
            "bench_shown": bench_shown, "rule": rule, "outcome": words, "approx": flag(approx),
            "bench_approx": flag(bench_approx) if benchmark else "", "comparable": flag(comparable),
            "source": source or "", "year": _year(year)})


def _year(year: Any) -> str:
    """A millésime as given ("2022", "2014-2024"), '' when missing."""
    if isinstance(year, str):
        return year.strip()
    return "" if fmt.is_missing(year) else f"{float(year):.0f}"
