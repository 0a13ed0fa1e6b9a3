"""Where things live: every path follows its environment variable, so the tests and CI can point
the package elsewhere; the raw-data mirror has no default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from portraits.core import config

ROOT = Path(__file__).resolve().parents[2]
ENV = ("PORTRAITS_PROJECT_DIR", "PORTRAITS_DATA_DIR", "PORTRAITS_PROCESSED_DIR", "PORTRAITS_OUTPUT_DIR",
       config.MIRROR_ENV, config.QUARTO_SOURCE_ENV)


def _clean(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_under_the_project(monkeypatch):
    _clean(monkeypatch)
    assert config.PACKAGE_DIR == ROOT / "portraits"  # the package, not portraits/core
    assert config.data_dir() == config.PROJECT_DIR / "data"
    assert config.raw_dir() == config.data_dir() / "raw"
    assert config.sources_path() == config.data_dir() / "sources.toml"
    assert config.processed_dir() == (config.data_dir() / "processed").resolve()  # symlinks resolved
    assert config.output_dir() == config.PROJECT_DIR / "output"
    assert config.template_path() == config.PROJECT_DIR / "portrait_template.qmd"
    assert config.mirror_dir() is None  # no default on purpose
    assert config.quarto_source_dir() is None  # idem


def test_quarto_source_follows_its_variable(monkeypatch, tmp_path):
    _clean(monkeypatch)
    monkeypatch.setenv(config.QUARTO_SOURCE_ENV, str(tmp_path / "quarto-cli"))
    assert config.quarto_source_dir() == tmp_path / "quarto-cli"


def test_data_dir_moves_raw_manifest_and_processed(monkeypatch, tmp_path):
    _clean(monkeypatch)
    monkeypatch.setenv("PORTRAITS_DATA_DIR", str(tmp_path / "d"))
    assert config.data_dir() == tmp_path / "d"
    assert config.raw_dir() == tmp_path / "d" / "raw"
    assert config.sources_path() == tmp_path / "d" / "sources.toml"
    assert config.processed_dir() == tmp_path / "d" / "processed"


def test_processed_and_output_dirs_have_their_own_variables(monkeypatch, tmp_path):
    _clean(monkeypatch)
    monkeypatch.setenv("PORTRAITS_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(tmp_path / "p"))
    monkeypatch.setenv("PORTRAITS_OUTPUT_DIR", str(tmp_path / "o"))
    assert config.processed_dir() == tmp_path / "p"
    assert config.raw_dir() == tmp_path / "d" / "raw"  # only processed moved
    assert config.output_dir() == tmp_path / "o"


def test_relative_overrides_are_resolved(monkeypatch, tmp_path):
    _clean(monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORTRAITS_OUTPUT_DIR", "site")
    assert config.output_dir() == tmp_path / "site"


def test_mirror_explicit_wins_over_the_environment(monkeypatch, tmp_path):
    _clean(monkeypatch)
    monkeypatch.setenv(config.MIRROR_ENV, str(tmp_path / "env"))
    assert config.mirror_dir() == tmp_path / "env"
    assert config.mirror_dir(tmp_path / "cli") == tmp_path / "cli"


def test_project_dir_is_read_at_import(tmp_path):
    # PROJECT_DIR is a constant: a fresh interpreter sees the variable
    code = ("import json; from portraits.core import config; "
            "print(json.dumps([str(config.template_path()), str(config.output_dir()), str(config.data_dir())]))")
    env = {k: v for k, v in os.environ.items() if k not in ENV}
    env.update(PYTHONPATH=str(ROOT), PORTRAITS_PROJECT_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [str(tmp_path / "portrait_template.qmd"), str(tmp_path / "output"),
                                      str(tmp_path / "data")]


def test_not_a_directory_finds_the_file_in_the_way(tmp_path):
    (tmp_path / "out").write_text("a file")
    assert config.not_a_directory(tmp_path / "out") == tmp_path / "out"
    assert config.not_a_directory(tmp_path / "out" / "html" / "x") == tmp_path / "out"
    assert config.not_a_directory(tmp_path / "new" / "html") is None  # can be created
    assert config.not_a_directory(tmp_path) is None


def test_phrasing_rules_are_read_once_from_the_text_package():
    assert config.PHRASING_PATH == ROOT / "portraits" / "text" / "phrasing.toml"
    assert config.phrasing_rules() is config.phrasing_rules()
    assert config.phrasing_rules()["levels"]["france"]["label"] == "France"
