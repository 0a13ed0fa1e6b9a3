"""The command line as a user meets it: exit status 2 and one clear message for bad input,
and nothing started or written before the input is checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from _data_support import ensure_processed


def _run(*args: str, **env) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "portraits", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


@pytest.fixture(scope="module", autouse=True)
def _processed():
    ensure_processed()


def test_unknown_territory_names_close_matches_and_starts_nothing(tmp_path):
    proc = _run("build", "ti-8431", "--output", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "unknown territory 'ti-8431'" in proc.stderr
    assert "ti-8413 (Plastics Vallée – Oyonnax)" in proc.stderr
    assert "Traceback" not in proc.stderr
    # Refused before any kernel or output: no notebook, no page written.
    assert not list((tmp_path / "out").rglob("*.ipynb")) and not list((tmp_path / "out").rglob("*.html"))


def test_build_without_ids_or_all_is_a_usage_error():
    proc = _run("build")
    assert proc.returncode == 2 and "--all" in proc.stderr


def test_unknown_format_is_a_usage_error():
    proc = _run("build", "ti-8413", "--formats", "html,docx")
    assert proc.returncode == 2 and "docx" in proc.stderr


def test_template_without_parameters_cell_is_refused(tmp_path):
    bad = tmp_path / "bad.qmd"
    bad.write_text("---\ntitle: x\njupyter: python3\n---\n\n```{python}\nterritory = 'ti-8413'\n```\n",
                   encoding="utf-8")
    proc = _run("build", "ti-8413", "--template", str(bad), "--output", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "parameters" in proc.stderr and "Traceback" not in proc.stderr


def test_data_without_mirror_and_empty_raw_dir_is_refused(tmp_path):
    proc = _run("data", PORTRAITS_DATA_DIR=str(tmp_path), PORTRAITS_DATA_MIRROR="")
    assert proc.returncode == 2
    # tmp_path has no sources.toml: the message names the manifest that is missing.
    assert "sources.toml" in proc.stderr
