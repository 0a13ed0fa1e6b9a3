"""What a portrait shows, as the template asks for it: the indicators its text, key figures,
charts and tables use (so that its sources and "Pour comprendre" follow them, not a fixed
list), and the notebook output of a block with the evidence of what decided its words.

Evidence rows have the keys of :data:`EVIDENCE_KEYS`: ``place`` and ``words`` say which words
of the page a row decided ("chiffre clé", "graphique"), the others how (the values raw and as
shown, the benchmark, the rule, the outcome, the rank, the flags, the source, the millésime),
as the phrasing API records them for the template's inline expressions."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from portraits.core import levels, outputs
from portraits.text import commentary, fmt, phrasing

PLACES = {"key_figure": "chiffre clé", "chart_label": "graphique"}  # place -> what reviewers read
EVIDENCE_KEYS = {"place": "Place", "words": "Mots de la page", **phrasing.EVIDENCE_COLUMNS,
                 "bench_approx": "Approx. (référence)"}


class Shown:
    """The indicators a portrait shows, in the order the template first uses them, and the
    breakdowns its charts draw (``"a38"``…), for the sources and "Pour comprendre"."""

    def __init__(self):
        self.indicators: dict[str, None] = {}
        self.breakdowns: dict[str, None] = {}

    def add(self, indicator_ids: Iterable[str]) -> None:
        for i in indicator_ids:
            self.indicators.setdefault(str(i), None)

    def add_breakdown(self, name: str) -> None:
        self.breakdowns.setdefault(name, None)


def evidence_row(row: Mapping[str, Any], *, place: str, words: str, asked: str,
                 benchmark: str | None = None, rule: str = "", outcome: str = "") -> dict:
    """One decision on an indicator row (``store.indicators`` as a dict), the benchmark
    ``benchmark`` (a level id) and its flags filled from the row."""
    rank, n = row.get("rank"), row.get("n_ranked")
    bench = benchmark if benchmark in levels.BY_ID and benchmark != "territory" else None

    def num(x):
        return "" if fmt.is_missing(x) else f"{float(x):.10g}"
    return {
        "place": place, "words": words, "indicator": str(row.get("indicator_id") or ""), "asked": asked,
        "raw": num(row.get("territory")), "shown": commentary.shown(row),
        "benchmark": levels.label(bench, row.get("france_scope")) if bench else "",
        "bench_raw": num(row.get(bench)) if bench else "",
        "bench_shown": commentary.shown(row, bench) if bench else "",
        "diff": "", "rule": rule, "outcome": outcome,
        "rank": f"{int(rank)}/{int(n)}" if not (fmt.is_missing(rank) or fmt.is_missing(n)) else "",
        "approx": "oui" if commentary.approximate(row) else "non",
        "bench_approx": ("oui" if commentary.approximate(row, bench) else "non") if bench else "",
        "comparable": "oui" if commentary.comparable(row, bench or "france") else "non",
        "source": row.get("source") or "", "year": row.get("year") or "",
    }


def evidence_table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(EVIDENCE_KEYS)).fillna("").astype(str).drop_duplicates()
    df["place"] = df["place"].map(lambda p: PLACES.get(p, p))
    return df.rename(columns=EVIDENCE_KEYS)


class WithEvidence:
    """A block's notebook outputs: its Markdown (what readers see), then the evidence table
    (role ``evidence``: the notebook and the review page show it, the renderers drop it)."""

    def __init__(self, text: str, evidence: list[dict]):
        self.data, self.evidence = text, evidence

    def _ipython_display_(self):
        from IPython.display import display

        display({"text/markdown": self.data, "text/plain": self.data}, raw=True)
        self.display_evidence()

    def display_evidence(self) -> None:
        from IPython.display import display

        if self.evidence:
            table = evidence_table(self.evidence)
            display({"text/html": table.to_html(index=False, border=0, classes="evidence"),
                     "text/plain": table.to_string(index=False)}, raw=True,
                    metadata=outputs.role_metadata(outputs.EVIDENCE_ROLE))

    def _repr_markdown_(self) -> str:  # outside IPython's display machinery (Quarto's inline)
        return self.data


class ChartWithEvidence:
    """A chart's notebook outputs: the chart (``display.FigureOutput``), then the evidence of
    the values and labels it draws (role ``evidence``)."""

    def __init__(self, output, evidence: list[dict]):
        self.output, self.evidence = output, evidence

    @property
    def chart(self):
        return self.output.chart

    @property
    def alt(self) -> str:
        return self.output.alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.output._repr_mimebundle_(include, exclude)

    def _ipython_display_(self):
        from IPython.display import display

        data, metadata = self.output._repr_mimebundle_()
        display(data, raw=True, metadata=metadata)
        WithEvidence("", self.evidence).display_evidence()
