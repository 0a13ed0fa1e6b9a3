"""Fixtures shared by the data-layer tests."""

from __future__ import annotations

import shutil

import pytest

from _data_support import use_processed
from portraits.core import config
from portraits.data import store


@pytest.fixture
def processed_copy(tmp_path, processed):
    """A copy of data/processed that the test may edit, read by the store instead."""
    copy = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), copy)
    with use_processed(copy):
        yield copy


@pytest.fixture(scope="module")
def ind(processed):
    """The processed indicator table (long: territory x level x indicator)."""
    return store.table("indicators")
