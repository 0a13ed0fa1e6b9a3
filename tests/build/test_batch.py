"""run_build, the sequence: the caller's steps after the territories, under the lock and before
the report; a step that fails is reported like a territory, and the portraits are kept."""

from __future__ import annotations

import json

import pytest

from portraits.build import batch
from portraits.build.results import BuildUsageError


def test_steps_run_after_the_territories_and_before_the_report(env):
    seen = {}

    def step(output_dir, result):
        seen.update(built=sorted(result.built), lock=(output_dir / ".build" / "lock-owner.json").is_file(),
                    report=(output_dir / "build-report.json").exists(),
                    manifest=sorted(json.loads((output_dir / ".build" / "manifest.json").read_text())["territories"]))

    result = env.build(ids=["ti-0001", "ti-0002"], steps={"catalogue": step})
    assert result.ok
    assert seen == {"built": ["ti-0001", "ti-0002"], "lock": True, "report": False,
                    "manifest": ["ti-0001", "ti-0002"]}


def test_a_failing_step_is_reported_and_the_portraits_kept(env, capsys):
    def broken(output_dir, result):
        raise OSError("disk full")

    result = env.build(ids=["ti-0001"], steps={"catalogue": broken})
    assert not result.ok and result.built == ["ti-0001"]
    [failure] = result.failed
    assert (failure.territory, failure.stage, failure.ename, failure.is_step) == (
        "catalogue", "catalogue", "OSError", True)
    report = json.loads((env.out / "build-report.json").read_text())
    assert report["step_failures"] == ["catalogue: catalogue: OSError: disk full"]
    assert report["counts"]["failed"] == 0 and report["counts"]["built"] == 1
    out = capsys.readouterr().out
    assert "1 built, 0 up to date, 0 failed" in out and "FAILED catalogue: catalogue: OSError: disk full" in out
    assert env.manifest()["territories"]["ti-0001"]["status"] == "ok"
    again = env.build(ids=["ti-0001"])  # the territory is not rebuilt for a step's failure
    assert again.ok and again.skipped == ["ti-0001"]


def test_no_territory_is_refused(env):
    with pytest.raises(BuildUsageError, match="no territory"):
        batch.run_build(ids=[], template=env.template, output_dir=env.out, progress=False, formats=[])
