"""benchmarks/bench_preview.py in its smallest form (one edit of each kind): its exit status and
every figure line with a number."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import benchlib

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("processed")]

FIGURES = ("preview_first_page_s", "preview_refresh_s", "preview_refresh_max_s",
           "preview_sentence_median_s", "preview_sentence_max_s", "preview_refresh_execute_s",
           "preview_refresh_execute_max_s", "preview_multi_first_page_s")


def test_bench_preview_times_each_kind_of_edit():
    proc = subprocess.run([sys.executable, str(BENCHMARKS / "bench_preview.py"), "--edits", "1", "--pause", "0.2"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    printed = benchlib.parse(proc.stdout)
    assert set(FIGURES) <= set(printed), proc.stdout
    assert all(printed[key] > 0 for key in FIGURES), printed
    assert "preview_sentence_median_s: " in proc.stdout and "(target ≤ 1;" in proc.stdout
