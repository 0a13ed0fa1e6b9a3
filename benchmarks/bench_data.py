"""Time raw -> processed (the whole data layer) and one territory's read through the store.

Builds into a temporary directory (PORTRAITS_PROCESSED_DIR), so data/processed is not
touched. data/raw must be filled (`portraits data` or `make data`). Prints, e.g.:
    data_build_s: 14.2 (target ≤ 60)
    store_first_load_s: 0.41
    store_territory_ms: 1.9

    python benchmarks/bench_data.py [--limit N] [--json FILE]

``--limit N`` reads only the first N territories through the store; ``--json FILE`` saves the
figures too. Exit status 1 when the data build misses its target.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import benchlib  # noqa: E402 - beside this script


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N territories through the store")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE (JSON)")
    args = parser.parse_args()
    figures = benchlib.Figures("bench_data", vars(args))
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
        ids = list(store.list_territories().territory_id)[: args.limit]
        t0 = time.perf_counter()
        for tid in ids:
            store.territory(tid), store.indicators(tid), store.series(tid), store.a38(tid)
            store.jobs_by_sector(tid), store.establishments(tid), data_table.comparison_frame(tid)
        per = (time.perf_counter() - t0) / len(ids)
    print(summary)
    figures.add("data_build_s", build, 1)
    figures.add("store_first_load_s", first, 2)
    figures.add("store_territory_ms", per * 1000, 1)
    figures.save(args.json)
    return 0 if benchlib.met("data_build_s", build) else 1


if __name__ == "__main__":
    sys.exit(main())
