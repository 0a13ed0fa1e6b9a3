"""The command line as a user meets it: exit status 2 and one clear message for bad input,
and nothing started or written before the input is checked."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portraits import cli


def _run(*args: str, **env) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "portraits", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


pytestmark = pytest.mark.usefixtures("processed")


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
    proc = _run("build", "ti-8413", "--formats", "html,odt")
    assert proc.returncode == 2 and "odt" in proc.stderr and "docx" in proc.stderr  # the known formats are listed


def test_template_without_parameters_cell_is_refused(tmp_path):
    bad = Path(__file__).parent / "fixtures" / "templates" / "no_parameters_cell.qmd"
    proc = _run("build", "ti-8413", "--template", str(bad), "--output", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "parameters" in proc.stderr and "Traceback" not in proc.stderr


def test_data_without_mirror_and_empty_raw_dir_is_refused(tmp_path):
    proc = _run("data", PORTRAITS_DATA_DIR=str(tmp_path), PORTRAITS_DATA_MIRROR="")
    assert proc.returncode == 2
    # tmp_path has no sources.toml: the message names the manifest that is missing.
    assert "sources.toml" in proc.stderr


# ------------------------------------------------------------------ bad input: exit 2, one line

def _one_message(proc: subprocess.CompletedProcess) -> str:
    """The run was refused with status 2 and one line on stderr, no traceback."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("portraits"), proc.stderr
    return lines[0]


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_jobs_below_one_is_refused(tmp_path, value):
    msg = _one_message(_run("build", "ti-8413", "--jobs", value, "--output", str(tmp_path / "out")))
    assert "--jobs" in msg
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["0", "-5", "nan", "soon"])
def test_timeout_not_above_zero_is_refused(tmp_path, value):
    msg = _one_message(_run("build", "ti-8413", "--timeout", value, "--output", str(tmp_path / "out")))
    assert "--timeout" in msg and "seconds" in msg
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["build", "catalogue"])
def test_output_that_is_a_file_is_refused(tmp_path, command):
    target = tmp_path / "out.txt"
    target.write_text("not a directory\n")
    args = ["build", "ti-8413"] if command == "build" else ["catalogue"]
    msg = _one_message(_run(*args, "--output", str(target)))
    assert "out.txt" in msg and "is a file" in msg and "directory" in msg
    assert target.read_text() == "not a directory\n"
    # also below a file
    msg = _one_message(_run(*args, "--output", str(target / "sub")))
    assert "is a file" in msg


def test_build_command_builds_the_site_and_its_status_says_if_anything_failed(monkeypatch):
    from portraits.build.results import BuildResult
    from portraits.site import publish

    calls = []

    def build_site(**kw):
        calls.append(kw)
        return BuildResult(ok=len(calls) == 1)

    monkeypatch.setattr(publish, "build_site", build_site)  # the portraits, then the catalogue
    assert cli.main(["build", "ti-8413", "ti-0101", "--formats", "html, pdf", "--jobs", "2"]) == cli.EXIT_OK
    assert calls[0] == {"ids": ["ti-8413", "ti-0101"], "all_territories": False, "formats": ["html", "pdf"],
                        "engine": "auto", "force": False, "jobs": 2, "timeout": 300.0, "template": None,
                        "output_dir": None}
    assert cli.main(["build", "--all"]) == cli.EXIT_FAILED and calls[1]["all_territories"] is True


def _processed_copy(tmp_path):
    from portraits.core import config

    copy = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), copy)
    return copy


def test_truncated_processed_table_says_run_data_force(tmp_path):
    processed = _processed_copy(tmp_path)
    pq = processed / "indicators.parquet"
    pq.write_bytes(pq.read_bytes()[: pq.stat().st_size // 2])
    msg = _one_message(_run("build", "ti-8413", "--output", str(tmp_path / "out"),
                            PORTRAITS_PROCESSED_DIR=str(processed)))
    assert "indicators.parquet" in msg and "run `portraits data --force`" in msg
    assert not list((tmp_path / "out").rglob("*.ipynb"))


def test_corrupt_processed_csv_says_run_data_force(tmp_path):
    processed = _processed_copy(tmp_path)
    (processed / "territories.parquet").unlink()
    (processed / "territories.csv").write_bytes(b"\xff\xfe\x00garbage")
    msg = _one_message(_run("build", "ti-8413", "--output", str(tmp_path / "out"),
                            PORTRAITS_PROCESSED_DIR=str(processed)))
    assert "territories.csv" in msg and "run `portraits data --force`" in msg


def test_raw_file_altered_in_data_raw_names_the_checksum_and_the_fix(tmp_path):
    content = b"code\n01001\n"
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "one.csv").write_bytes(b"code\n99999\n")  # altered after the copy
    (tmp_path / "sources.toml").write_text(f'''[[source]]
id = "one"
file = "one.csv"
sha256 = "{hashlib.sha256(content).hexdigest()}"
producer = "Insee"
title = "t"
upstream = "u"
licence = "Licence Ouverte"
millesime = "2021"
geography = "COG 2024"
''', encoding="utf-8")
    proc = _run("data", PORTRAITS_DATA_DIR=str(tmp_path), PORTRAITS_DATA_MIRROR="")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "data/raw/one.csv does not match its checksum in sources.toml" in proc.stderr
    assert "portraits data --mirror" in proc.stderr and "is not in data/raw" not in proc.stderr
    # with the mirror, `portraits data` copies it again (and then stops at the processing,
    # which this one-file data set cannot feed)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "one.csv").write_bytes(content)
    _run("data", PORTRAITS_DATA_DIR=str(tmp_path), PORTRAITS_DATA_MIRROR=str(mirror))
    assert (tmp_path / "raw" / "one.csv").read_bytes() == content


@pytest.mark.parametrize("make_error, status", [
    (lambda: __import__("portraits.data.schemas").data.schemas.RawSchemaError("communes: column dep missing"), 2),
    (lambda: __import__("portraits.data.indicators").data.indicators.CatalogueError("indicators.toml: bad"), 2),
    (lambda: __import__("portraits.render").render.RenderError("pandoc failed"), 1),
])
def test_main_maps_any_portraits_error_to_its_status_in_one_line(monkeypatch, capsys, make_error, status):
    from portraits.data import processing, sources

    exc = make_error()

    def boom(*a, **k):
        raise exc

    monkeypatch.setattr(sources, "fetch", lambda mirror: [])
    monkeypatch.setattr(processing, "build_processed", boom)
    assert cli.main(["data"]) == status
    err = capsys.readouterr().err
    assert err == f"portraits: error: {exc}\n"


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
    from portraits.data import store

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
