"""The build report: what each territory's build did and what changed since the previous one.

After a territory is executed, ``extract`` keeps what a reviewer compares: the commentary
(Markdown outputs, split into sentences), the figures (the comparison table also written to
output/data/ID.csv) and the warnings (missing values, approximations, Python warnings). The
previous extract lives in output/.build/extracts/ID.json; ``save_extract`` diffs and replaces it.
``write_report`` writes output/build-report.json and build-report.html (jinja2), so a template
edit can be reviewed across 183 portraits at a glance.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import nbformat

from portraits.core import atomic
from portraits import render
from portraits.build import shapes, text_changes
from portraits.text import fmt

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\s])")
_MARKUP = re.compile(r"[*_`]+|<[^>]+>")
MAX_LISTED = 40  # per territory and kind of change, in the report (counts are always complete)


# ----------------------------------------------------------------------------------------------
# Extract

def sentences_of(markdown: str) -> list[str]:
    """Comparable items of a Markdown text: sentences of paragraphs, headings and list items
    on their own, one item per table row (separator rows and column padding ignored)."""
    items: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        text = " ".join(_MARKUP.sub("", " ".join(paragraph)).split())
        items.extend(s for s in _SENTENCE_END.split(text) if s)
        paragraph.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            flush()
            cells = [" ".join(c.split()) for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                items.append(" | ".join(cells))
        elif not stripped or re.match(r"(?:[-*+]|\d+\.|#+)\s", stripped):
            flush()
            if stripped:
                paragraph.append(re.sub(r"^(?:[-*+]|\d+\.|#+)\s+", "", stripped))
                flush()
        else:
            paragraph.append(stripped)
    flush()
    return items


def _markdown_outputs(nb: nbformat.NotebookNode) -> list[str]:
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if render.hidden_output(output):  # reviewers' evidence and metadata: not portrait text
                continue
            if output.output_type in ("display_data", "execute_result") and "text/markdown" in output.data:
                texts.append(output.data["text/markdown"])
            elif (output.output_type == "stream" and output.name == "stdout"
                  and "output: asis" in cell.source):
                texts.append(output.text)
    return texts


def _python_warnings(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                for line in output.text.splitlines():
                    if "Warning" in line and line.strip() not in found:
                        found.append(line.strip())
    return found


def _plain(value: Any) -> Any:
    """JSON-friendly scalar; NaN becomes None (a missing value)."""
    if hasattr(value, "item"):
        value = value.item()
    if value is not None and type(value).__name__ == "NAType":  # pandas' missing integer
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _figures(table) -> dict[str, Any]:
    """Rows keyed by their label (first text column, or all text columns if not unique)."""
    if table is None or not hasattr(table, "columns"):
        return {"key_columns": [], "rows": {}}
    import pandas as pd

    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    keys = text[:1] if text and table[text[0]].is_unique else text
    rows: dict[str, dict[str, Any]] = {}
    for record in table.to_dict("records"):
        key = " | ".join(str(_plain(record[c])) for c in keys) or str(len(rows))
        if key in rows:  # duplicate labels: keep rows apart
            key = f"{key} #{sum(k.startswith(key) for k in rows) + 1}"
        rows[key] = {str(c): _plain(record[c]) for c in table.columns if c not in keys}
    return {"key_columns": [str(k) for k in keys], "rows": rows}


# Warnings read the flags of store.indicators (one row per indicator: territory value, its own
# approximation flag), or a long table of one territory's rows; never the French data file.
_VALUE_COLUMNS = ("territory", "value")
_APPROX_COLUMNS = ("territory_approx", "approx")
_LABEL_COLUMNS = ("label", "indicator_id")


def _first(columns, candidates):
    return next((c for c in candidates if c in columns), None)


WARNING_KINDS = {  # kind -> how the report (in French) names it, singular and plural
    "missing": ("valeur manquante", "valeurs manquantes"),
    "approximate": ("valeur approchée", "valeurs approchées"),
    "python": ("avertissement Python", "avertissements Python"),
    "other": ("avertissement", "avertissements"),
}


def _table_warnings(table) -> dict[str, list[str]]:
    """The indicators whose territory value is missing, or approximate."""
    found: dict[str, list[str]] = {}
    if table is None or not hasattr(table, "columns"):
        return found
    if "level" in table.columns:
        table = table[table["level"] == "territory"]
    label = _first(table.columns, _LABEL_COLUMNS)
    names = lambda rows: [str(v) for v in rows[label]] if label else [str(i) for i in rows.index]  # noqa: E731
    value = _first(table.columns, _VALUE_COLUMNS)
    if value:
        missing = table[table[value].isna()]
        if len(missing):
            found["missing"] = names(missing)
    approx = _first(table.columns, _APPROX_COLUMNS)
    if approx:
        flags = table[approx].fillna(False).astype(bool)
        if flags.any():
            found["approximate"] = names(table[flags])
    return found


def _kind_rank(kind: str) -> int:
    """Report order of the kinds of warning (unknown kinds last)."""
    order = list(WARNING_KINDS)
    return order.index(kind) if kind in order else len(order)


def normalize_warnings(warnings: Any) -> dict[str, list[str]]:
    """Warnings as {kind: [items]}; a list (what builds before this format recorded) is 'other'."""
    if not warnings:
        return {}
    if isinstance(warnings, dict):
        return {k: list(warnings[k]) for k in sorted(warnings, key=_kind_rank) if warnings[k]}
    return {"other": [str(w) for w in warnings]}


def _kind_label(kind: str, n: int = 1) -> str:
    one, many = WARNING_KINDS.get(kind, (kind, kind))
    return many if n > 1 else one


def warnings_summary(warnings: dict[str, list[str]]) -> str:
    """One line for a territory: '8 valeurs manquantes, 9 valeurs approchées'."""
    return ", ".join(f"{len(items)} {_kind_label(kind, len(items))}" for kind, items in warnings.items())


def extract(nb: nbformat.NotebookNode, table=None, flags=None, *, sentences: bool = True) -> dict[str, Any]:
    """What a reviewer compares between two builds of one territory: the sentences, the figures
    of ``table`` (the data file), the warnings from ``flags`` (``store.indicators``).

    ``sentences=False`` when the rendered page's text is compared instead (``changes``): the
    same edit is then reported, and counted, once."""
    sentences = [s for text in _markdown_outputs(nb) for s in sentences_of(text)] if sentences else None
    warnings = _table_warnings(flags)
    if python := _python_warnings(nb):
        warnings["python"] = python
    return {"sentences": sentences, "figures": _figures(table), "warnings": warnings}


# ----------------------------------------------------------------------------------------------
# Diff

def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def diff_extracts(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    if before is None:
        return {"first_build": True, "values_changed": [], "n_values_changed": 0, "rows_added": [],
                "rows_removed": [], "sentences_added": [], "sentences_removed": [], "n_changes": 0}
    old_rows = before.get("figures", {}).get("rows", {})
    new_rows = after.get("figures", {}).get("rows", {})
    changed = []
    for key in new_rows.keys() & old_rows.keys():
        for col, value in new_rows[key].items():
            if not _same(old_rows[key].get(col), value):
                changed.append({"row": key, "column": col, "before": old_rows[key].get(col), "after": value})
    changed.sort(key=lambda c: (c["row"], c["column"]))
    added_rows = sorted(new_rows.keys() - old_rows.keys())
    removed_rows = sorted(old_rows.keys() - new_rows.keys())
    s_added, s_removed = [], []
    if before.get("sentences") is not None and after["sentences"] is not None:  # None: not extracted
        sm = difflib.SequenceMatcher(a=before["sentences"], b=after["sentences"], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "equal":
                s_removed += before["sentences"][i1:i2]
                s_added += after["sentences"][j1:j2]
    n = len(changed) + len(added_rows) + len(removed_rows) + len(s_added) + len(s_removed)
    return {"first_build": False, "n_values_changed": len(changed), "values_changed": changed[:MAX_LISTED],
            "rows_added": added_rows[:MAX_LISTED], "rows_removed": removed_rows[:MAX_LISTED],
            "n_sentences_added": len(s_added), "n_sentences_removed": len(s_removed),
            "sentences_added": s_added[:MAX_LISTED], "sentences_removed": s_removed[:MAX_LISTED],
            "n_changes": n}


def extract_path(output_dir: Path, tid: str) -> Path:
    return output_dir / ".build" / "extracts" / f"{tid}.json"


def save_extract(output_dir: Path, tid: str,
                 new: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Diff ``new`` against the previous build's extract, then make it the reference."""
    if new is None:
        return {}, {}
    changes = diff_extracts(text_changes.swap_reference(extract_path(output_dir, tid), new), new)
    return changes, normalize_warnings(new.get("warnings"))


# ----------------------------------------------------------------------------------------------
# Report files

STATUS_LABELS = {"built": "reconstruit", "failed": "échec", "up to date": "à jour"}
STAGE_LABELS = {"execute": "exécution", "data": "fichiers de données", "render": "rendu",
                "review": "page de relecture", "extract": "extraction", "worker": "processus",
                "catalogue": "catalogue"}
ENGINE_LABELS = {"builtin": "intégré (pandoc + Typst)", "quarto": "Quarto", "none": "aucun"}
REASON_LABELS = {"forced": "forcé (--force)", "new": "nouveau", "template": "modèle", "package": "code",
                 "engine": "moteur de rendu", "data": "données", "failed last time": "échec précédent",
                 "outputs missing": "fichiers manquants"}


def fr_number(value: Any, digits: int = 2) -> str:
    """12345.678 -> '12 345,68' (the portraits' number format); '' when there is no value."""
    return "" if value is None or value == "" else fmt.number(value, digits)


def fr_datetime(value: Any) -> str:
    """ISO time -> '30/11/2026 à 10 h 20 (UTC)'."""
    import datetime as dt

    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(str(value)).astimezone(dt.timezone.utc)
    except ValueError:
        return str(value)
    return when.strftime("%d/%m/%Y à %H h %M (UTC)")


def _shape(text: str) -> markupsafe.Markup:
    """An edit's shape, its figures' placeholders marked (they differ from one territory to another)."""
    return markupsafe.Markup(markupsafe.escape(text).replace(
        shapes.PLACEHOLDER, markupsafe.Markup(f'<span class="ph" title="un nombre, propre à chaque territoire">'
                                              f'{shapes.PLACEHOLDER}</span>')))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("portraits.build", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(fr=text_changes.french, quote=text_changes.quote, num=fr_number, date=fr_datetime,
                       status=lambda s: STATUS_LABELS.get(s, s), reason=lambda r: REASON_LABELS.get(r, r),
                       stage=lambda s: STAGE_LABELS.get(s, s), engine=lambda e: ENGINE_LABELS.get(e, e),
                       territories=text_changes.territories_phrase, warning_kind=_kind_label,
                       shape=_shape, subject=lambda s: text_changes.french(text_changes.subject_phrase(s)))
    env.globals["S"] = text_changes.NNBSP
    return env


def warnings_by_item(territories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same warning across territories, once: kind, item (an indicator, a Python warning),
    and the territories it concerns; most frequent first."""
    groups: dict[tuple[str, str], list[str]] = {}
    for t in territories:
        for kind, items in t["warnings"].items():
            for item in items:
                groups.setdefault((kind, item), []).append(t["territory"])
    rows = [{"kind": kind, "kind_label": _kind_label(kind), "item": item,
             "n": len(tids), "territories": tids} for (kind, item), tids in groups.items()]
    rows.sort(key=lambda r: (_kind_rank(r["kind"]), -r["n"], r["item"]))
    return rows


def write_report(output_dir: Path, *, tids: list[str], plan: dict, manifest: dict, outcomes: dict,
                 result, previous_build: dict, context: dict) -> Path:
    """output/build-report.json and build-report.html for the territories of this build."""
    territories = []
    for tid in tids:
        entry = manifest["territories"].get(tid, {})
        if tid in outcomes:
            status = "built" if outcomes[tid]["status"] == "ok" else "failed"
            changes = outcomes[tid].get("changes") or {} if status == "built" else {}
        else:
            status, changes = "up to date", {}
        warnings = normalize_warnings(entry.get("warnings"))
        territories.append({
            "territory": tid, "status": status,
            "reasons": plan[tid]["reasons"] if tid in outcomes else [],
            # for an up-to-date territory: when and how long its last build took
            "last_built": entry.get("finished"),
            "durations": {k: round(v, 3) for k, v in (entry.get("durations") or {}).items()},
            "warnings": warnings, "warnings_summary": warnings_summary(warnings),
            "error": entry.get("error") if status == "failed" else None,
            "kernel_restarted": entry.get("kernel_restarted", False) if tid in outcomes else False,
            "changes": changes,
        })
    built = [t for t in territories if t["status"] == "built"]
    text_groups = text_changes.group_changes((t["territory"], t["changes"].get("text")) for t in built)
    for t in built:  # the report lists a bounded number per territory; the counts stay complete
        text = t["changes"].get("text")
        if text and text.get("changes"):
            t["changes"]["text"] = {**text, "by_kind": text_changes.count_by_kind(text["changes"]),
                                    "changes": text["changes"][:text_changes.MAX_CHANGES]}
    totals = [t["durations"].get("total", 0.0) for t in territories if t["territory"] in outcomes]
    report = {
        "finished": manifest.get("last_build", {}).get("finished"),
        "previous_build": previous_build or None,
        "wall_s": round(result.wall_s, 2),
        "context": context,
        "counts": {"built": len(result.built), "failed": sum(t["status"] == "failed" for t in territories),
                   "up_to_date": len(result.skipped), "total": len(tids)},
        "summary": {
            "territories_with_changes": sum(bool(t["changes"].get("n_changes")) for t in built),
            "values_changed": sum(t["changes"].get("n_values_changed", 0) for t in built),
            "sentences_added": sum(t["changes"].get("n_sentences_added", 0) for t in built),
            "sentences_removed": sum(t["changes"].get("n_sentences_removed", 0) for t in built),
            "text_changes": sum((t["changes"].get("text") or {}).get("n", 0) for t in built),
            "text_change_groups": len(text_groups),
            "text_compared": sum(bool((t["changes"].get("text") or {}).get("available")) for t in built),
            "with_warnings": sum(bool(t["warnings"]) for t in territories),
            "territory_seconds": round(sum(totals), 2),
        },
        "step_failures": [f.describe() for f in result.failed if f.is_step],
        "text_changes_grouped": text_groups[:text_changes.MAX_GROUPS],
        "warnings_by_item": warnings_by_item(territories),
        "territories": territories,
    }
    atomic.write_text(output_dir / "build-report.json",
                      json.dumps(report, indent=1, ensure_ascii=False, default=str))
    html_path = output_dir / "build-report.html"
    atomic.write_text(html_path, _environment().get_template("report.html.j2").render(report=report))
    return html_path
