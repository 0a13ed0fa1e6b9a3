"""Shared helpers of the tests that read processed tables: make sure data/processed exists
(built from data/raw, itself filled from the mirror when PORTRAITS_DATA_MIRROR is set), and
point the store at another directory for a while."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from portraits.core import config
from portraits.data import processing, sources, store


def ensure_processed() -> None:
    if (config.processed_dir() / "indicators.parquet").is_file():
        return
    try:
        sources.verify()
    except sources.SourceError:
        mirror = config.mirror_dir()
        if mirror is None:
            pytest.skip("data/raw is not filled and PORTRAITS_DATA_MIRROR is not set")
        sources.fetch(mirror)
    processing.build_processed()
    store.clear_cache()


@contextlib.contextmanager
def use_processed(directory: Path) -> Iterator[Path]:
    """The store reads ``directory`` inside the block (also for fixtures wider than a test)."""
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PORTRAITS_PROCESSED_DIR", str(directory))
            store.clear_cache()
            yield directory
    finally:
        store.clear_cache()  # after the variable is restored: nothing cached from ``directory``


def processed_row(ind, tid: str, iid: str, level: str = "territory"):
    """The one row of ``iid`` for ``tid`` at ``level`` in the processed indicator table."""
    row = ind[(ind.territory_id == tid) & (ind.indicator_id == iid) & (ind.level == level)]
    assert len(row) == 1, (tid, iid, level)
    return row.iloc[0]


def processed_value(ind, tid: str, iid: str, level: str = "territory") -> float:
    """The one value of ``iid`` for ``tid`` at ``level`` in the processed indicator table."""
    return float(processed_row(ind, tid, iid, level).value)
