"""Fixtures of the portrait blocks' tests: the store over the processed data (built when
absent; skipped only without raw data nor mirror), the facade module, and a value formatted as
the store's row says it should be shown."""

import pytest
from _data_support import ensure_processed

from portraits.text import fmt

NB = "\u00a0"


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
    return _shown_value


def _shown_value(row, level="territory"):
    x = row[level]
    if str(row["indicator_id"]).endswith("_growth") and row["unit"] == "%":
        text = fmt.signed_percent(x)
    else:
        text = fmt.value(x, row["unit"], status=row["status"] if level == "territory" else None)
    if row.get(f"{level}_approx", row["approx"]) and not fmt.is_missing(x):  # each level's own flag
        text = f"≈{NB}{text}"
    return text
