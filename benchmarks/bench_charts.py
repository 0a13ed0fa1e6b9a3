"""Time each chart of a portrait, as the template makes them, in one warm process.

For a sample of real territories spread over the list (``portraits.data.store.list_territories()``),
times ``p.chart(kind)`` (``p.positions(...)`` for positions) (one ``p = Portrait(tid)`` per territory, as in the template) plus the SVG serialisation (``_repr_mimebundle_()``, what
the kernel does when the cell displays the chart), for kind in map, sectors, private_jobs,
a38, establishments, positions. A first territory is drawn untimed (warm-up: imports, data
tables, fonts, map layers), as in a build's warm kernel.

Prints per chart the median and spread (min-max) of wall ms and CPU ms over the sample and the
repetitions, the median SVG size, and the median total per territory.

    python benchmarks/bench_charts.py [--sample 20] [--repeat 3] [--kinds map,sectors]
                                      [--profile KIND] [--json FILE]

``--profile KIND`` runs cProfile over that chart for the sample and prints the top functions
(cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KINDS = ("map", "sectors", "private_jobs", "a38", "establishments", "positions")
# the indicators the template places on its positions chart (p.positions(...), in its order)
POSITIONS = ("industry_jobs_share", "industry_establishments_share", "private_jobs_growth",
             "population_growth", "unemployment_rate", "managers_share", "median_income", "poverty_rate")


def sample_ids(n: int) -> list[str]:
    from portraits.data import store

    ids = sorted(store.list_territories()["territory_id"])
    if n >= len(ids):
        return ids
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def draw(portrait, kind: str) -> int:
    """One chart, built and serialised as in the template (``p.chart(kind)`` displayed);
    returns the SVG size (bytes)."""
    out = portrait.positions(*POSITIONS) if kind == "positions" else portrait.chart(kind)
    data, _ = out._repr_mimebundle_()
    svg = data.get("image/svg+xml", "")
    return len(svg.encode())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3, help="passes over the sample")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--profile", metavar="KIND", help="cProfile this chart over the sample")
    ap.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    args = ap.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]

    from portraits.blocks.portrait import Portrait

    ids = sample_ids(args.sample)
    for kind in KINDS:  # warm-up, untimed: a build's kernel is warm after its first territory
        draw(Portrait(ids[0]), kind)
    # one Portrait per territory, as in the template (its construction is not a chart's time)
    portraits = {tid: Portrait(tid) for tid in ids}

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for tid in ids:
            draw(portraits[tid], args.profile)
        prof.disable()
        s = io.StringIO()
        stats = pstats.Stats(prof, stream=s).sort_stats("cumulative")
        stats.print_stats(45)
        s.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(25)
        print(s.getvalue())
        return 0

    wall = {k: [] for k in kinds}
    cpu = {k: [] for k in kinds}
    size = {k: [] for k in kinds}
    totals = []  # per territory and pass: sum of the charts' wall ms
    for _ in range(args.repeat):
        for tid in ids:
            total = 0.0
            for kind in kinds:
                w0, c0 = time.perf_counter(), time.process_time()
                n = draw(portraits[tid], kind)
                w, c = (time.perf_counter() - w0) * 1e3, (time.process_time() - c0) * 1e3
                wall[kind].append(w)
                cpu[kind].append(c)
                size[kind].append(n)
                total += w
            totals.append(total)

    print(f"territories: {len(ids)} ({ids[0]} … {ids[-1]}), passes: {args.repeat}")
    print(f"{'chart':<15}{'wall_ms med':>12}{'(min-max)':>16}{'cpu_ms med':>12}{'svg_kB med':>12}")
    for kind in kinds:
        w = wall[kind]
        print(f"{kind:<15}{statistics.median(w):>12.1f}{f'({min(w):.0f}-{max(w):.0f})':>16}"
              f"{statistics.median(cpu[kind]):>12.1f}{statistics.median(size[kind]) / 1024:>12.1f}")
    per_pass = [statistics.median(totals[i * len(ids):(i + 1) * len(ids)]) for i in range(args.repeat)]
    print(f"{'total/territory':<15}{statistics.median(totals):>12.1f}"
          f"{f'({min(totals):.0f}-{max(totals):.0f})':>16}"
          f"   medians per pass: {', '.join(f'{x:.0f}' for x in per_pass)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"ids": ids, "wall_ms": wall, "cpu_ms": cpu,
                                               "svg_bytes": size, "total_ms": totals}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
