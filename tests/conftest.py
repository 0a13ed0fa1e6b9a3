"""Fixtures shared by every test directory."""

from __future__ import annotations

import pytest

from _data_support import ensure_processed


@pytest.fixture(scope="module")
def processed() -> None:
    """data/processed exists (built from data/raw when missing); the test module is skipped when
    there is neither data/raw nor a mirror. Used as ``pytestmark = pytest.mark.usefixtures("processed")``."""
    ensure_processed()
