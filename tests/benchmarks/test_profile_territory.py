"""benchmarks/profile_territory.py on one territory, as docs/PERFORMANCE.md's table is made, so
that it cannot break unseen (it did once, when the engine's pandoc call took an argument more):
its exit status, its figure lines, the rows its JSON gives for pandoc, Typst and the review page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import benchlib

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("processed")]


def test_profile_territory_runs_and_names_where_the_cpu_goes(tmp_path):
    out = tmp_path / "profile.json"
    proc = subprocess.run([sys.executable, str(BENCHMARKS / "profile_territory.py"), "--id", "ti-8413",
                           "--first", "ti-0101", "--output", str(tmp_path / "out"), "--json", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    printed = benchlib.parse(proc.stdout)
    assert printed["territory_cpu_s"] > 0 and printed["territory_cpu_s_first"] > 0
    rows = json.loads(out.read_text(encoding="utf-8"))["passes"]["next"]
    for part in ("pandoc (HTML page and Typst source", "Typst", "review page", "Lua, html5"):
        assert any(part in name for name in rows), part
