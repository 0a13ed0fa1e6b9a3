"""The territory's figures as the data files show them (output/data/ID.csv and .xlsx): one row
per indicator with its benchmarks, French headers, raw numbers (no rounding, no marks)."""

from __future__ import annotations

import pandas as pd

from pathlib import Path

from portraits.core import atomic, levels
from portraits.data import store
from portraits.text import notes


def comparison_frame(tid: str) -> pd.DataFrame:
    """Indicateur | Unité | Territoire | Région | France | Ensemble des TI | Champ de la France |
    Rang | Sur | Millésime | Source | Approximation Territoire | … Région | … France | … Ensemble des
    TI (each level's flag: oui where that value is approximate) | Note (the territory row's note,
    in French). One value and one flag per level of ``levels.DEFAULT``: the data files show
    what the default portrait shows."""
    w = store.indicators(tid)
    return pd.DataFrame({
        "Indicateur": w.label,
        "Unité": w.unit,
        **{lv.label: w[lv.id] for lv in levels.DEFAULT},
        "Champ de la France": w.france_scope.map(lambda sc: levels.france(sc).label),
        "Rang": w["rank"],
        "Sur": w.n_ranked,
        "Millésime": w.year,
        "Source": w.source,
        **{approx_header(lv.id): w[f"{lv.id}_approx"].map({True: "oui", False: "non"}) for lv in levels.DEFAULT},
        "Note": [notes.note_text(code, args) for code, args in zip(w.note_code, w.note_args)],
    })


def approx_header(level: str) -> str:
    """The header of a level's approximation flag: "Approximation Région"."""
    return f"Approximation {levels.label(level)}"


def write_files(tid: str, csv_path: Path, xlsx_path: Path) -> pd.DataFrame:
    """Write output/data/ID.csv and .xlsx (each atomically: a reader never sees half a file);
    returns the table."""
    table = comparison_frame(tid)
    with atomic.atomic_path(csv_path) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    with atomic.atomic_path(xlsx_path) as tmp:
        table.to_excel(tmp, index=False, engine="openpyxl", sheet_name=tid[:31])
    return table
