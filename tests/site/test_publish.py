"""The catalogue after a build: rewritten only when something it shows may have changed, under
the build's lock, and its failure reported like the build's own."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from portraits.build.manifest import load_manifest, save_manifest
from portraits.build.results import BuildResult
from portraits.site import catalogue, publish

FIXTURES = Path(__file__).parents[1] / "fixtures" / "build"


@pytest.fixture
def writes(monkeypatch) -> list[Path]:
    """The catalogue's writes, each an index.html of one line."""
    done = []

    def write_catalogue(output_dir=None):
        (output_dir / "index.html").write_text("catalogue\n")
        done.append(output_dir)
        return output_dir / "index.html"

    monkeypatch.setattr(catalogue, "write_catalogue", write_catalogue)
    return done


def _built(output_dir: Path, outputs: list[str], state: str = "s1") -> None:
    manifest = load_manifest(output_dir)
    manifest["data_state"] = state
    manifest["territories"]["ti-0001"] = {"status": "ok", "outputs": outputs}
    save_manifest(output_dir, manifest)


def test_catalogue_rewritten_only_when_what_it_shows_may_have_changed(tmp_path, writes):
    _built(tmp_path, ["notebooks/ti-0001.ipynb"])
    nothing = BuildResult(ok=True, skipped=["ti-0001"])
    publish.update_catalogue(tmp_path, nothing)
    assert len(writes) == 1 and publish.catalogue_key_path(tmp_path).is_file()
    publish.update_catalogue(tmp_path, nothing)
    assert len(writes) == 1  # a no-op build stays fast
    publish.update_catalogue(tmp_path, BuildResult(ok=True, built=["ti-0001"]))
    assert len(writes) == 2  # a rebuilt portrait
    _built(tmp_path, ["notebooks/ti-0001.ipynb", "pdf/ti-0001.pdf"])
    publish.update_catalogue(tmp_path, nothing)
    assert len(writes) == 3  # a new file to link to
    _built(tmp_path, ["notebooks/ti-0001.ipynb", "pdf/ti-0001.pdf"], state="s2")
    publish.update_catalogue(tmp_path, nothing)
    assert len(writes) == 4  # the data changed
    (tmp_path / "index.html").unlink()
    publish.update_catalogue(tmp_path, nothing)
    assert len(writes) == 5 and (tmp_path / "index.html").is_file()


@pytest.fixture
def stub_env(tmp_path, monkeypatch):
    sys.path.insert(0, str(FIXTURES))
    import stubs

    monkeypatch.setenv("PORTRAITS_TEST_DATA", str(tmp_path / "data"))
    stubs.write_data(tmp_path / "data", stubs.IDS)
    stubs.apply(monkeypatch.setattr)
    shutil.copy(stubs.TEMPLATE, tmp_path / "template.ipynb")
    yield {"template": tmp_path / "template.ipynb", "out": tmp_path / "out"}
    sys.path.remove(str(FIXTURES))


def _build_site(env):
    return publish.build_site(["ti-0001"], formats=[], jobs=1, template=env["template"],
                              output_dir=env["out"], progress=False)


def test_build_site_builds_then_writes_the_catalogue_and_reports_its_failure(stub_env, writes, monkeypatch):
    first = _build_site(stub_env)
    assert first.ok and first.built == ["ti-0001"] and writes == [stub_env["out"]]
    assert _build_site(stub_env).skipped == ["ti-0001"] and len(writes) == 1

    def broken(output_dir=None):
        raise OSError("disk full")

    monkeypatch.setattr(catalogue, "write_catalogue", broken)
    (stub_env["out"] / "index.html").unlink()
    failed = _build_site(stub_env)
    assert not failed.ok and [f.describe() for f in failed.failed] == ["catalogue: catalogue: OSError: disk full"]
    report = json.loads((stub_env["out"] / "build-report.json").read_text())
    assert report["step_failures"] == ["catalogue: catalogue: OSError: disk full"]
