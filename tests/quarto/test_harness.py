"""The harness never passes silently without Quarto's files: unset variable → skip with the
reason in a local run, failure in CI; a variable pointing at something else → failure."""

from __future__ import annotations

import pytest

from portraits.core import config

from . import harness

pytestmark = pytest.mark.quarto


def test_unset_variable_skips_locally(monkeypatch):
    monkeypatch.delenv(config.QUARTO_SOURCE_ENV, raising=False)
    monkeypatch.setattr(harness, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="PORTRAITS_QUARTO_SOURCE is not set"):
        harness.quarto_source()


def test_unset_variable_fails_in_ci(monkeypatch):
    monkeypatch.delenv(config.QUARTO_SOURCE_ENV, raising=False)
    monkeypatch.setattr(harness, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="PORTRAITS_QUARTO_SOURCE is not set"):
        harness.quarto_source()


def test_a_wrong_directory_fails(monkeypatch, tmp_path):
    monkeypatch.setenv(config.QUARTO_SOURCE_ENV, str(tmp_path))
    monkeypatch.setattr(harness, "IN_CI", False)
    with pytest.raises(pytest.fail.Exception, match="is not Quarto's source tree: missing src/resources/jupyter/notebook.py"):
        harness.quarto_source()


def test_cli_params_read_values_as_yaml():
    assert harness.cli_params("territory:ti-8413", "n:3") == {"territory": "ti-8413", "n": 3}


def test_the_bundle_lists_what_it_holds(quarto_ts):
    manifest = harness.bundle_manifest(quarto_ts.bundle)
    for name in ("core/jupyter/jupyter.ts", "core/jupyter/jupyter-inline.ts", "core/execute-inline.ts",
                 "core/jupyter/display-data.ts", "core/language.ts"):
        assert name in manifest["bundled"], name
    assert "core/jupyter/kernels.ts" in manifest["shimmed"] and "core/jupyter/kernels.ts" not in manifest["bundled"]
    assert not set(manifest["stubs"]) & set(manifest["bundled"])
