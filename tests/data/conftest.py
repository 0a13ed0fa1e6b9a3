"""Fixtures shared by the data-layer tests."""

from __future__ import annotations

import shutil

import pytest

from _data_support import ensure_processed
from portraits.core import config
from portraits.data import store


@pytest.fixture
def processed_copy(tmp_path, monkeypatch):
    """A copy of data/processed that the test may edit, read by the store instead."""
    copy = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), copy)
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(copy))
    store.clear_cache()
    yield copy
    store.clear_cache()


@pytest.fixture(scope="module")
def ind():
    """The processed indicator table (long: territory x level x indicator)."""
    ensure_processed()
    return store.table("indicators")
