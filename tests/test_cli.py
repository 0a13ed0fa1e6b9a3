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


# ---------------------------------------------------------------- portraits list

def _listed(proc: subprocess.CompletedProcess) -> dict[str, list[str]]:
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert all(len(r) == 4 for r in rows), rows
    return {r[0]: r[1:] for r in rows}


def test_list_without_query_lists_every_territory():
    proc = _run("list")
    assert proc.returncode == 0, proc.stderr
    rows = _listed(proc)
    assert len(rows) == 183
    name, region, n_communes = rows["ti-8413"]
    assert name == "Plastics Vallée – Oyonnax" and region == "Auvergne-Rhône-Alpes"
    assert int(n_communes) > 0


@pytest.mark.parametrize("query", ["oyonnax", "OYONNAX", "plastics vallee", "8413"])
def test_list_query_ignores_accents_and_case(query):
    proc = _run("list", query)
    assert proc.returncode == 0, proc.stderr
    assert "ti-8413" in _listed(proc)


def test_list_query_matches_communes_and_epci():
    from portraits import store

    communes = store.table("communes")
    row = communes[communes.territory_id == "ti-8413"].iloc[0]
    # A commune's and an EPCI's name, without accents and in capitals.
    for name in (row["name"], row["epci_name"]):
        folded = store._fold(name).upper()
        proc = _run("list", folded)
        assert proc.returncode == 0 and "ti-8413" in _listed(proc), (name, proc.stderr)
    # An accented commune (Béard-Géovreissiat, in ti-8413), typed with or without accents.
    with_accents, without = _listed(_run("list", "Béard-Géovreissiat")), _listed(_run("list", "beard geovreissiat"))
    assert "ti-8413" in with_accents and set(with_accents) == set(without)


def test_list_query_without_match_exits_1_with_a_message():
    proc = _run("list", "zzzz-nowhere")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "no territory matches 'zzzz-nowhere'" in proc.stderr


def test_unknown_territory_points_to_portraits_list(tmp_path):
    proc = _run("build", "zzzzzzzzzz", "--output", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "portraits list" in proc.stderr and "list_territories" not in proc.stderr


def test_list_without_processed_data_says_to_run_portraits_data(tmp_path):
    proc = _run("list", PORTRAITS_PROCESSED_DIR=str(tmp_path / "nothing"))
    assert proc.returncode == 2 and "portraits data" in proc.stderr and "Traceback" not in proc.stderr
