"""The inputs of a portrait, hashed: what must (and must not) make portraits stale."""

from __future__ import annotations

from portraits.build import portrait_inputs


def test_package_hash_ignores_modules_that_cannot_change_a_portrait(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "charts.py").write_text("A = 1\n")
    (pkg / "cli.py").write_text("B = 1\n")
    before = portrait_inputs.package_hash(pkg)
    (pkg / "cli.py").write_text("B = 2\n")
    (pkg / "__pycache__" / "charts.cpython-311.pyc").write_bytes(b"\0")
    assert portrait_inputs.package_hash(pkg) == before
    (pkg / "charts.py").write_text("A = 2\n")
    assert portrait_inputs.package_hash(pkg) != before



def test_engine_fingerprint_names_the_options_and_the_libraries_versions():
    fp = portrait_inputs.engine_fingerprint("builtin", ["pdf", "html"])
    assert fp["engine"] == "builtin" and fp["formats"] == ["html", "pdf"]
    assert set(fp["versions"]) == set(portrait_inputs.ENGINE_PACKAGES) and fp["versions"]["nbconvert"]
    assert fp["_quarto.yml"] == portrait_inputs.quarto_settings_hash()  # both engines read it
    assert "quarto" not in fp  # the Quarto CLI's version only matters to the Quarto engine


def test_quarto_settings_are_hashed_as_read_so_a_comment_changes_nothing(tmp_path, monkeypatch):
    from portraits.core import config

    monkeypatch.setattr(config, "PROJECT_DIR", tmp_path)
    assert portrait_inputs.quarto_settings_hash() is None
    (tmp_path / "_quarto.yml").write_text("lang: fr\ncrossref:\n  tbl-title: Tableau\n")
    before = portrait_inputs.quarto_settings_hash()
    (tmp_path / "_quarto.yml").write_text("# the labels\nlang: fr\ncrossref: {tbl-title: Tableau}\n")
    assert portrait_inputs.quarto_settings_hash() == before
    (tmp_path / "_quarto.yml").write_text("lang: fr\ncrossref:\n  tbl-title: Table\n")
    assert portrait_inputs.quarto_settings_hash() != before


def test_data_state_follows_the_processed_files_but_not_hidden_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(tmp_path))
    (tmp_path / "indicators.csv").write_text("a\n1\n")
    before = portrait_inputs.data_state()
    (tmp_path / ".indicators.csv.a1b2.tmp").write_text("torn")
    (tmp_path / "_cache.json").write_text("{}")
    assert portrait_inputs.data_state() == before
    (tmp_path / "indicators.csv").write_text("a\n2\n")
    assert portrait_inputs.data_state() != before
