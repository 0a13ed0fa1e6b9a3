"""What the build's tests share: a small data set and template, and builds run on them.

The data layer is replaced by small CSV files (tests/fixtures/build/stubs.py) and the template
by tests/fixtures/build/template.ipynb, whose territories ti-fail (raises in a cell) and
ti-crash (kills its kernel once) fabricate failures; everything else (warm kernels, pool,
manifest) is real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "build"
sys.path.insert(0, str(FIXTURES))
import stubs  # noqa: E402

from portraits.build import batch  # noqa: E402


class BuildEnv:
    """A temporary data set (``data``), template and output dir (``out``)."""

    def __init__(self, tmp: Path):
        self.tmp, self.data, self.out, self.template = tmp, tmp / "data", tmp / "out", tmp / "template.ipynb"

    def build(self, ids: list[str] | None = None, **kw):
        """``run_build`` on the stubs: all their territories unless ``ids``, no renders, 2 workers."""
        kw.setdefault("formats", [])
        kw.setdefault("jobs", 2)
        return batch.run_build(ids=ids or [], all_territories=ids is None, template=self.template,
                               output_dir=self.out, progress=False, **kw)

    def manifest(self) -> dict:
        return json.loads((self.out / ".build" / "manifest.json").read_text())

    def ok_in_manifest(self) -> set[str]:
        try:
            return {t for t, e in self.manifest()["territories"].items() if e["status"] == "ok"}
        except (FileNotFoundError, ValueError):
            return set()

    def driver(self, *ids: str, jobs: int = 1, **popen) -> subprocess.Popen:
        """A build in another process (tests/fixtures/build/driver.py), to kill or to run twice."""
        return subprocess.Popen([sys.executable, str(FIXTURES / "driver.py"), str(self.out), str(self.template),
                                 str(jobs), *ids], env=os.environ.copy(), **popen)

    @staticmethod
    def wait_for(predicate, what: str, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}")
            time.sleep(0.05)


@pytest.fixture
def env(tmp_path, monkeypatch) -> BuildEnv:
    env = BuildEnv(tmp_path)
    stubs.write_data(env.data, stubs.IDS)
    monkeypatch.setenv("PORTRAITS_TEST_DATA", str(env.data))
    monkeypatch.delenv("PORTRAITS_TEST_SLEEP", raising=False)
    stubs.apply(monkeypatch.setattr)
    shutil.copy(stubs.TEMPLATE, env.template)
    return env

