"""Reading data/processed (portraits.data.processed_tables): a damaged or missing table names the file
and the fix."""

from __future__ import annotations

import pytest

from portraits.data import store


pytestmark = pytest.mark.usefixtures("processed")


@pytest.mark.parametrize("name, damage", [
    ("indicators.parquet", lambda b: b[: len(b) // 3]),          # truncated
    ("indicators.parquet", lambda b: b"PAR1" + b"\0" * 64),       # not Parquet any more
    ("members.csv", lambda b: b""),                               # emptied
    ("communes.csv", lambda b: b"\xff\xfe\x00\x01" * 10),         # not UTF-8 text
    ("coverage.csv", lambda b: b"a,b\n1,2\n"),                    # not a processed table
])
def test_a_damaged_processed_table_names_the_file_and_the_fix(processed_copy, name, damage):
    from portraits.core.errors import ProcessedDataError

    path = processed_copy / name
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ProcessedDataError) as exc:
        store.fingerprint("ti-8413")
    assert name in str(exc.value) and "run `portraits data --force`" in str(exc.value)
    assert exc.value.exit_code == 2


def test_a_missing_processed_table_says_run_data(processed_copy):
    (processed_copy / "a38.csv").unlink()
    with pytest.raises(store.ProcessedDataMissing, match="a38.csv is missing: run `portraits data`"):
        store.a38("ti-8413")
