"""output/.build/: the manifest a killed build resumes from, its leftovers, and the lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import nbformat
import pytest
import stubs

from portraits.build import manifest
from portraits.build.results import BuildUsageError


def test_build_killed_with_sigkill_resumes_with_only_what_is_missing(env, monkeypatch):
    ids = stubs.IDS + ["ti-0004", "ti-0005"]
    stubs.write_data(env.data, ids)
    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "0.4")
    proc = env.driver()
    env.wait_for(lambda: len(env.ok_in_manifest()) >= 2, "two territories built")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = env.ok_in_manifest()
    assert done_before < set(ids)
    # Nothing torn: every notebook under its final name is complete.
    for path in (env.out / "notebooks").glob("*.ipynb"):
        nbformat.read(path, as_version=4)
    json.loads((env.out / ".build" / "manifest.json").read_text())

    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "0")
    result = env.build()  # waits for the lock if the orphaned worker still holds anything
    assert result.ok
    assert set(result.built) == set(ids) - done_before
    assert set(result.skipped) == done_before
    assert not list(env.out.rglob(".*.tmp"))


def test_second_concurrent_build_waits_instead_of_interleaving(env, monkeypatch):
    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "0.5")
    first = env.driver(stdout=subprocess.PIPE, text=True)
    env.wait_for(lambda: (env.out / ".build" / "lock-owner.json").exists(), "the first build's lock")
    second = env.driver(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, _ = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0
    assert "another build is running" in err2
    assert "3 built, 0 up to date" in out1
    assert "0 built, 3 up to date" in out2  # it ran after the first, so found everything done


def test_lock_refused_when_asked_not_to_wait(env):
    from filelock import FileLock

    (env.out / ".build").mkdir(parents=True)
    with FileLock(env.out / ".build" / "lock"):
        with pytest.raises(BuildUsageError, match="another build is running"):
            env.build(lock_timeout=0)



def test_manifest_of_another_version_or_torn_is_read_as_empty(tmp_path):
    empty = {"version": manifest.MANIFEST_VERSION, "territories": {}}
    assert manifest.load_manifest(tmp_path) == empty
    manifest.save_manifest(tmp_path, {"version": manifest.MANIFEST_VERSION, "territories": {"ti-0001": {}}})
    assert manifest.load_manifest(tmp_path)["territories"] == {"ti-0001": {}}
    manifest.manifest_path(tmp_path).write_text('{"version": 0, "territories": {"ti-0001": {}}}')
    assert manifest.load_manifest(tmp_path) == empty
    manifest.manifest_path(tmp_path).write_text('{"version": 1, "terr')
    assert manifest.load_manifest(tmp_path) == empty


def test_leftovers_of_a_killed_build_are_removed_and_nothing_else(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / ".ti-0001.ipynb.a1b2.tmp").write_text("torn")
    (tmp_path / "notebooks" / "ti-0001.ipynb").write_text("{}")
    (tmp_path / ".index.html.c3d4.tmp").write_text("torn")
    assert manifest.clean_leftovers(tmp_path) == 2
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["ti-0001.ipynb"]
