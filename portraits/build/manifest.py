"""``output/.build/``: the manifest of what was built from which inputs, the build lock, and
the leftovers of a killed build.

The manifest is rewritten atomically after every territory, so a build killed at any moment
(kill -9 included) resumes with only what is missing."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from portraits.build.results import BuildUsageError
from portraits.core import atomic, outputs

MANIFEST_VERSION = 1


def manifest_path(output_dir: Path) -> Path:
    return output_dir / ".build" / "manifest.json"


def load_manifest(output_dir: Path) -> dict[str, Any]:
    path = manifest_path(output_dir)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("version") == MANIFEST_VERSION:
            return manifest
    except (FileNotFoundError, ValueError):
        pass
    return {"version": MANIFEST_VERSION, "territories": {}}


def save_manifest(output_dir: Path, manifest: dict[str, Any]) -> None:
    atomic.write_text(manifest_path(output_dir), json.dumps(manifest, sort_keys=True, default=str))


def clean_leftovers(output_dir: Path) -> int:
    """Temporary files of a killed build (portraits.core.atomic names them .NAME.XXXX.tmp)."""
    count = 0
    for sub in (*outputs.directories(), ".build", ".build/extracts", ".build/text", "."):
        folder = output_dir / sub
        if folder.is_dir():
            for path in folder.glob(".*.tmp"):
                path.unlink(missing_ok=True)
                count += 1
    return count


def acquire_lock(output_dir: Path, lock_timeout: float | None) -> FileLock:
    """``output/.build/lock``: two builds on one output dir would interleave their writes.
    ``lock_timeout``: None waits as long as it takes, 0 refuses at once."""
    build_dir = output_dir / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(build_dir / "lock")
    info_path = build_dir / "lock-owner.json"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        _wait_for_lock(lock, output_dir, _lock_owner(info_path), lock_timeout)
    atomic.write_text(info_path, json.dumps({"pid": os.getpid(), "started": now()}))
    return lock


def _lock_owner(info_path: Path) -> str:
    try:
        owner = json.loads(info_path.read_text())
        return f"pid {owner['pid']}, started {owner['started']}"
    except (OSError, ValueError, KeyError):
        return "another process"


def _wait_for_lock(lock: FileLock, output_dir: Path, who: str, lock_timeout: float | None) -> None:
    if lock_timeout == 0:
        raise BuildUsageError(f"another build is running on {output_dir} ({who}); "
                              "try again when it has finished") from None
    print(f"portraits: another build is running on {output_dir} ({who}); waiting for it to finish...",
          file=sys.stderr, flush=True)
    try:
        lock.acquire(timeout=-1 if lock_timeout is None else lock_timeout)
    except Timeout:
        raise BuildUsageError(f"another build is still running on {output_dir} ({who}) after "
                              f"{lock_timeout:g} s; gave up") from None


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def relative(path: str | Path, output_dir: Path) -> str:
    """How the manifest names an output: relative to the output dir."""
    try:
        return str(Path(path).resolve().relative_to(output_dir))
    except ValueError:
        return str(path)
