"""benchmarks/bench_build.py on two territories, as `make bench` runs it on all of them, so
that it cannot break unseen: its exit status, every figure line with a number, the JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import benchlib

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("processed")]

FIGURES = ("full_build_s", "speedup_vs_naive", "speedup_vs_naive_parallel", "noop_rebuild_ratio",
           "edit_rebuild_ratio", "edit_rebuild_cpu_ratio", "cpu_s_per_territory", "floor_ratio", "peak_rss_mb", "html_kb_max",
           "review_kb_max", "review_page_s_per_territory", "review_page_share_of_build",
           "review_page_cpu_share")


def test_bench_build_runs_every_step_and_prints_every_figure(tmp_path):
    figures_file = tmp_path / "bench_build.json"
    proc = subprocess.run([sys.executable, str(BENCHMARKS / "bench_build.py"), "--limit", "2", "--sample", "1",
                           "--jobs", "2", "--output", str(tmp_path / "scratch"), "--json", str(figures_file)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    printed = benchlib.parse(proc.stdout)
    missing = [key for key in FIGURES if key not in printed]
    assert not missing, f"missing figure lines {missing}:\n{proc.stdout}"
    assert all(printed[key] > 0 for key in FIGURES if key not in ("noop_rebuild_ratio",)), printed
    assert "edit_rebuild_ratio: " in proc.stdout and "(target ≤ 0.25)" in proc.stdout
    assert json.loads(figures_file.read_text(encoding="utf-8"))["figures"] == printed
    scratch = tmp_path / "scratch"
    # each step made its portraits: the build (then the edit's rebuild), the floor, the naive loop
    for step, n in (("build", 2), ("floor", 2), ("naive", 1)):
        assert len(list((scratch / step / "html").glob("*.html"))) == n, step
    # the template was put back after the edit
    text = (scratch / "template" / "portrait_template.qmd").read_text(encoding="utf-8")
    assert benchlib.SENTENCE in text and "édition" not in text
