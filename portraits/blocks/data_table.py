"""The territory's figures as the data files show them (output/data/ID.csv and .xlsx): one row
per indicator with its benchmarks, French headers, raw numbers (no rounding, no marks)."""

from __future__ import annotations

import pandas as pd

from portraits.core import levels
from portraits.data import store
from portraits.text import notes


def comparison_frame(tid: str) -> pd.DataFrame:
    """Indicateur | Unité | Territoire | Région | France | Ensemble des TI | Champ de la France |
    Rang | Sur | Millésime | Source | Approximation | Note (the territory row's note, in French)."""
    w = store.indicators(tid)
    approx = w["territory_approx"] if "territory_approx" in w else w.approx
    scope = w["france_scope"] if "france_scope" in w else pd.Series(None, index=w.index)
    return pd.DataFrame({
        "Indicateur": w.label,
        "Unité": w.unit,
        **{lv.label: w[lv.id] for lv in levels.LEVELS},
        "Champ de la France": scope.map(lambda sc: levels.france(sc).label),
        "Rang": w["rank"],
        "Sur": w.n_ranked,
        "Millésime": w.year,
        "Source": w.source,
        "Approximation": approx.map({True: "oui", False: "non"}),
        "Note": [notes.note_text(code, args) for code, args in zip(w.note_code, w.note_args)],
    })
