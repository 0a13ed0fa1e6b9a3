"""The hand-written notebooks of notebooks/ run top to bottom on the real data (the national
overview is tested with the catalogue it mirrors, in test_catalogue.py)."""

from __future__ import annotations

import re
from pathlib import Path

import nbclient
import nbformat

from _data_support import ensure_processed

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _run(name: str) -> list[nbformat.NotebookNode]:
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _text(outputs) -> str:
    parts = []
    for o in outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif "text/plain" in o.get("data", {}):
            parts.append(o.data["text/plain"])
    return "\n".join(parts)


def test_data_checks_notebook_runs_and_agrees_with_the_source():
    ensure_processed()
    outputs = _run("data_checks.ipynb")
    assert not [o for o in outputs if o.output_type == "error"]
    text = _text(outputs)
    # the industry share of France, ours (job-weighted EPCI shares) against PTOD's own 00FR row
    ptod = float(re.search(r"PTOD France: ([\d.]+)", text).group(1))
    ours = float(re.search(r"ours: ([\d.]+)", text).group(1))
    assert abs(ptod - ours) < 0.5
    # Île-de-France: each EPT counted once (6.72), not the EPT territories twice (6.97)
    assert abs(float(re.search(r"processed region 11: ([\d.]+)", text).group(1)) - 6.715) < 0.01
    # official medians: the approximation's error measured on the 36 single-EPCI/EPT territories
    assert "single-unit territories with an official median: 36" in text
    gap = re.search(r"mean absolute gap: ([\d.]+) % \| max: ([\d.]+) % (ti-\d+)", text)
    # weighted by population (issue #19; by households: 0.88 %, max 5.12 %, France 23332)
    assert abs(float(gap.group(1)) - 0.67) < 0.01 and abs(float(gap.group(2)) - 4.21) < 0.01
    assert gap.group(3) == "ti-1101"
    assert "France: 00FR 23080, mean of commune medians 23323" in text
    # poverty rate: France weighted by persons closer to the national row than by households
    fr = {w: float(v) for w, v in re.findall(r"France weighted by (\w+): ([\d.]+)", text)}
    assert abs(fr["population_2021"] - 14.9) < abs(fr["menages_2021"] - 14.9)
