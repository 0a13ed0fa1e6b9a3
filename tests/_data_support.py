"""Shared helpers of the data-layer tests: make sure data/processed exists (built from
data/raw, itself filled from the mirror when PORTRAITS_DATA_MIRROR is set)."""

from __future__ import annotations

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


def processed_value(ind, tid: str, iid: str, level: str = "territory") -> float:
    """The one value of ``iid`` for ``tid`` at ``level`` in the processed indicator table."""
    row = ind[(ind.territory_id == tid) & (ind.indicator_id == iid) & (ind.level == level)]
    assert len(row) == 1, (tid, iid, level)
    return float(row.value.iloc[0])
