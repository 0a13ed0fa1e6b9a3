"""Fixtures of the portrait blocks' tests: the store over the processed data (built when
absent; skipped only without raw data nor mirror), the facade module, and a value formatted as
the store's row says it should be shown (the package's own formatter: one rule, not a copy)."""

import pytest
from _data_support import ensure_processed

from portraits.blocks import values


@pytest.fixture(scope="module")
def store():
    ensure_processed()
    from portraits.data import store
    return store


@pytest.fixture(scope="module")
def portrait(store):
    from portraits.blocks import portrait
    return portrait


@pytest.fixture(scope="session")
def shown_value():
    """row (a store.indicators row), level -> its text: "+3,2 %" for a change, "≈ …" when
    approximate, "n.d."/"s" when missing (portraits.blocks.values.value_text)."""
    return values.value_text
