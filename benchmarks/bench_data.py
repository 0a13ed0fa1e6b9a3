"""Time raw -> processed (the whole data layer) and one territory's read through the store.

Builds into a temporary directory (PORTRAITS_PROCESSED_DIR), so data/processed is not
touched. data/raw must be filled (`portraits data` or `make data`). Prints, e.g.:
    data_build_s: 14.2
    store_first_load_s: 0.41
    store_territory_ms: 1.9
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        os.environ["PORTRAITS_PROCESSED_DIR"] = str(Path(tmp) / "processed")
        from portraits.data import processing, store
        from portraits.blocks import data_table

        t0 = time.perf_counter()
        summary = processing.build_processed(force=True)
        build = time.perf_counter() - t0
        store.clear_cache()
        t0 = time.perf_counter()
        store.indicators("ti-8413")
        first = time.perf_counter() - t0
        ids = list(store.list_territories().territory_id)
        t0 = time.perf_counter()
        for tid in ids:
            store.territory(tid), store.indicators(tid), store.series(tid), store.a38(tid)
            store.jobs_by_sector(tid), store.establishments(tid), data_table.comparison_frame(tid)
        per = (time.perf_counter() - t0) / len(ids)
    print(summary)
    print(f"data_build_s: {build:.1f}")
    print(f"store_first_load_s: {first:.2f}")
    print(f"store_territory_ms: {per * 1000:.1f}")
    return 0 if build < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
