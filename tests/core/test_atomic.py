"""Atomic writes: a reader, or a build killed in the middle, sees the old file or the new one,
never a torn one; leftovers are recognisable; modes follow the umask, not mkstemp's 0600."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portraits.core import atomic

ROOT = Path(__file__).resolve().parents[2]


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def test_write_text_and_bytes_replace_the_target_and_leave_nothing_behind(tmp_path):
    target = tmp_path / "sub" / "page.html"  # missing parents are created
    atomic.write_text(target, "première version")
    atomic.write_text(target, "seconde version")
    assert target.read_text(encoding="utf-8") == "seconde version"
    atomic.write_bytes(tmp_path / "a.bin", b"\x00\x01")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert _leftovers(tmp_path) == [] and _leftovers(target.parent) == []


def test_a_failing_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("ancien", encoding="utf-8")
    with pytest.raises(RuntimeError, match="interrompu"):
        with atomic.atomic_open(target) as fh:
            fh.write("nouveau, à moitié")
            raise RuntimeError("interrompu")
    assert target.read_text(encoding="utf-8") == "ancien"
    assert _leftovers(tmp_path) == []


# The writer dies with SIGKILL (no finally, no cleanup) after writing half of the new content.
_KILLED_WRITER = """
import sys, time
from pathlib import Path
from portraits.core import atomic
with atomic.atomic_open(sys.argv[1], "wb") as fh:
    fh.write(b"x" * 1_000_000)
    fh.flush()
    Path(sys.argv[2]).touch()
    time.sleep(60)
    fh.write(b"y" * 1_000_000)
"""


def test_a_writer_killed_mid_write_leaves_the_old_file_whole(tmp_path):
    target, ready = tmp_path / "portrait.pdf", tmp_path / "ready"
    target.write_bytes(b"old pdf")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target), str(ready)], env=env)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"old pdf"
    # the half-written temporary stays, named so that it is easy to recognise and clean
    (leftover,) = _leftovers(tmp_path)
    assert leftover.startswith(".portrait.pdf.")
    assert (tmp_path / leftover).stat().st_size == 1_000_000


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_mode_follows_the_umask_not_mkstemp(tmp_path, umask, mode):
    # atomic reads the umask once, at import: a fresh interpreter with that umask
    code = (f"import os; os.umask({umask:#o}); from portraits.core import atomic; "
            f"atomic.write_text({str(tmp_path / 'a.html')!r}, 'x')")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == mode  # mkstemp alone gives 0o600


def test_copy_file(tmp_path):
    (tmp_path / "src.pdf").write_bytes(b"%PDF-1.7")
    atomic.copy_file(tmp_path / "src.pdf", tmp_path / "out" / "dst.pdf")
    assert (tmp_path / "out" / "dst.pdf").read_bytes() == b"%PDF-1.7"
    assert _leftovers(tmp_path / "out") == []


def test_replace_dir_swaps_a_staging_directory_into_place(tmp_path):
    target, staging = tmp_path / "site", tmp_path / ".site.staging"
    target.mkdir()
    (target / "old.html").write_text("ancien")
    (tmp_path / ".site.old").mkdir()  # left by an earlier interrupted swap
    staging.mkdir()
    (staging / "index.html").write_text("nouveau")
    atomic.replace_dir(staging, target)
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]
    assert not staging.exists() and not (tmp_path / ".site.old").exists()
    # a first build: nothing to replace
    fresh = tmp_path / ".fresh.staging"
    fresh.mkdir()
    atomic.replace_dir(fresh, tmp_path / "fresh")
    assert (tmp_path / "fresh").is_dir()
