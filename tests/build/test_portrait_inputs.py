"""The inputs of a portrait, hashed: what must (and must not) make portraits stale."""

from __future__ import annotations

from pathlib import Path

from portraits.build import portrait_inputs


def _package(tmp_path):
    """A small package: blocks/a.py imports a module of build/ and reads the TOML beside it;
    blocks/unused.py and cli.py are imported by nothing."""
    pkg = tmp_path / "pkg"
    for rel, text in {"__init__.py": "", "cli.py": "B = 1\n", "blocks/__init__.py": "",
                      "blocks/a.py": "def f():\n    from portraits.build import helper\n",
                      "blocks/words.toml": "a = 1\n", "blocks/unused.py": "C = 1\n",
                      "build/__init__.py": "", "build/helper.py": "D = 1\n",
                      "blocks/__pycache__/a.cpython-311.pyc": ""}.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    return pkg


def test_a_portrait_is_made_of_what_its_kernel_imports_wherever_it_lives(tmp_path):
    pkg = _package(tmp_path)
    kernel = [str(pkg / "blocks" / "a.py"), str(pkg / "build" / "helper.py")]  # as a kernel says them
    assert portrait_inputs.portrait_files(kernel, pkg) == ["blocks/a.py", "blocks/words.toml", "build/helper.py"]


def test_package_hash_follows_the_files_a_portrait_is_made_of_only(tmp_path):
    pkg = _package(tmp_path)
    files = portrait_inputs.portrait_files(["blocks/a.py", "build/helper.py"], pkg)
    before = portrait_inputs.package_hash(pkg, files)
    (pkg / "cli.py").write_text("B = 2\n")
    (pkg / "blocks" / "unused.py").write_text("C = 2\n")
    assert portrait_inputs.package_hash(pkg, files) == before
    (pkg / "build" / "helper.py").write_text("D = 2\n")
    assert portrait_inputs.package_hash(pkg, files) != before
    digests = portrait_inputs.file_digests(pkg)
    assert "blocks/__pycache__/a.cpython-311.pyc" not in digests
    assert portrait_inputs.package_hash(pkg, files, digests) == portrait_inputs.package_hash(pkg, files)
    (pkg / "blocks" / "words.toml").unlink()  # a file it was made of is gone: changed
    assert portrait_inputs.package_hash(pkg, files) != portrait_inputs.package_hash(pkg, files, digests)


def test_before_any_kernel_ran_the_inputs_are_what_the_notebook_imports(monkeypatch):
    from portraits.execution import kernel_imports

    monkeypatch.setattr(kernel_imports, "_SEEN", set())  # other tests' kernels ran in this process
    kept = ["text/row_rules.py", "text/phrasing.toml", "data/indicators.toml", "blocks/memo.py",
            "render/quarto_cells.lua", "render/templates/portrait.html", "render/review.py"]
    dropped = ["cli.py", "__main__.py", "preview/server.py", "build/batch.py", "site/catalogue.py",
               "build/templates/report.html", "blocks/__pycache__/charts.cpython-311.pyc"]
    assert [p for p in kept if not portrait_inputs.is_portrait_input(Path(p))] == []
    assert [p for p in dropped if portrait_inputs.is_portrait_input(Path(p))] == []


def test_a_kernel_running_a_portrait_imports_no_more_than_its_entries_import(processed):
    from portraits.core import config, imports
    from portraits.execution.execute import WarmKernel
    from portraits.execution.kernel_imports import imported_so_far
    from portraits.template import reader

    template = config.template_path()
    with WarmKernel(cwd=template.parent, memo_dir=str(config.output_dir() / ".build" / "memo")) as kernel:
        result = kernel.execute(reader.load_template(template, {"territory": "ti-0601"}),
                                {"territory": "ti-0601"}, input_path=str(template))
    assert result.ok and result.imported
    assert set(map(Path, result.imported)) <= imports.closure(portrait_inputs.KERNEL_ENTRIES)
    assert set(result.imported) <= imported_so_far()
    assert "blocks/portrait.py" in portrait_inputs.portrait_files(result.imported)


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
