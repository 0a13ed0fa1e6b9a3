"""Where one territory's CPU goes in a build worker: kernel set-up, each cell of the template
(each chart, the narrative cells, the other blocks), papermill and nbclient, pandoc and each pass
of its Lua filters, Typst, nbconvert (review page), the writes.

Two territories go through the worker's own steps (``worker.execute_one`` then
``worker.finish_one``, via benchmarks/inprocess.py) in one real warm kernel: the first as a
worker's first territory (imports and caches), then ``--id`` as every next one. Nothing is
copied: the real functions are wrapped where they are looked up, and each call is measured as
the CPU time of this process (``time.process_time``: all its threads, Typst included), of its
finished child processes (pandoc, ``RUSAGE_CHILDREN``) and of the kernel (its process's CPU
times, read before and after each cell). The Lua passes run through benchmarks/lua_stages.lua,
which loads the real lists (common_passes.lua, once per portrait; format_passes.lua, per output)
and times each pass with ``os.clock()`` inside pandoc. ``(other)`` rows are a step's time outside the steps listed under it.

Prints a table and `key: value` lines (territory_cpu_s_first, territory_cpu_s); ``--json FILE``
saves every row; ``--cprofile N`` adds the package's N functions with the most cumulative time when
the template's cells run (cProfile, in an IPython shell in this process: benchmarks/inprocess.py).

    python benchmarks/profile_territory.py [--id ti-8413] [--first ID] [--output DIR] [--json FILE]
                                           [--cprofile N]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import typst
from papermill.engines import NotebookExecutionManager

# this tree's package, here and in the kernel (which inherits PYTHONPATH), as bench_data.py does
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

import benchlib  # noqa: E402 - beside this script
import inprocess  # noqa: E402
from portraits import render  # noqa: E402
from portraits.blocks import data_table  # noqa: E402
from portraits.build import build_report, text_changes, worker  # noqa: E402
from portraits.core import config  # noqa: E402
from portraits.data import store  # noqa: E402
from portraits.execution.execute import WarmKernel  # noqa: E402
from portraits.render import builtin  # noqa: E402

LUA_STAGES = Path(__file__).resolve().parent / "lua_stages.lua"
COLUMNS = ("python", "children", "kernel")  # where CPU time is counted (see the docstring)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class Meter:
    """CPU seconds per step, per pass ("first", "next"); steps nest as "render/PDF/pandoc"."""

    def __init__(self):
        self.kernel: psutil.Process | None = None
        self.passes: dict[str, dict[str, dict]] = {}
        self.pass_name = "set-up"
        self.stack: list[str] = []
        self.cell_start = (0.0, 0.0)

    def kernel_cpu(self) -> float:
        if self.kernel is None:
            return 0.0
        times = self.kernel.cpu_times()
        return times.user + times.system

    def add(self, label: str, **values: float) -> None:
        row = self.passes.setdefault(self.pass_name, {}).setdefault(
            label, {"calls": 0, "wall": 0.0, **{c: 0.0 for c in COLUMNS}})
        for key, value in values.items():
            row[key] += value

    @contextlib.contextmanager
    def span(self, name: str):
        label = "/".join([*self.stack, name])
        self.stack.append(name)
        t0, p0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu(), self.kernel_cpu()
        try:
            yield label
        finally:
            self.stack.pop()
            self.add(label, calls=1, wall=time.perf_counter() - t0, python=time.process_time() - p0,
                     children=_children_cpu() - c0, kernel=self.kernel_cpu() - k0)

    def wrap(self, owner, attr: str, name: str) -> None:
        """Measure every call of ``owner.attr`` (or ``owner[attr]`` for a dict) as step ``name``."""
        is_dict = isinstance(owner, dict)
        real = owner[attr] if is_dict else getattr(owner, attr)

        def measured(*args, **kwargs):
            with self.span(name):
                return real(*args, **kwargs)

        if is_dict:
            owner[attr] = measured
        else:
            setattr(owner, attr, measured)


def cell_name(cell) -> str:
    """A row per chart, one for all the narrative cells, one per other block call."""
    tags = cell.metadata.get("tags", [])
    if "narrative" in tags:
        return "cells: narrative text (inline expressions)"
    if {"parameters", "injected-parameters"} & set(tags):
        return "cells: parameters"
    if m := re.search(r"""p\.chart\(["'](\w+)""", cell.source):
        return f"cells: chart {m.group(1)}"
    if "Portrait(" in cell.source:
        return "cells: set-up (imports, Portrait, figures)"
    m = re.search(r"\bp\.(\w+)\(", cell.source)
    return f"cells: p.{m.group(1)}()" if m else "cells: other"


def instrument(meter: Meter, lua_times: Path) -> None:
    """Wrap the worker's steps where they are looked up (the real functions are called)."""
    meter.wrap(worker, "execute_one", "execute, notebook, data files")
    meter.wrap(worker, "finish_one", "render, review page, extracts")
    meter.wrap(nbformat, "write", "notebook written (.ipynb)")
    meter.wrap(data_table, "write_files", "data files (CSV, XLSX)")
    meter.wrap(worker, "_render", "render")
    meter.wrap(render, "reader_notebook", "reviewers' outputs removed")
    meter.wrap(typst, "compile", "Typst")
    meter.wrap(worker, "_write_review", "review page (nbconvert)")
    meter.wrap(text_changes, "extract_file", "build report: text extract")
    meter.wrap(build_report, "extract", "build report: figures extract")
    # pandoc runs each list of passes through lua_stages.lua, which times each pass of the real one
    os.environ["PORTRAITS_LUA_TIMES"] = str(lua_times)
    for attr in ("COMMON_PASSES", "FORMAT_PASSES"):
        shim = lua_times.parent / f"stages_{attr.lower()}.lua"
        shim.write_text(f"return dofile({str(LUA_STAGES)!r})({str(getattr(builtin, attr))!r})\n", encoding="utf-8")
        setattr(builtin, attr, shim)
    real_pandoc = builtin._run_pandoc

    def pandoc(args, cwd, **options):  # options: its RTS options
        lua_times.write_text("")
        with meter.span("pandoc (HTML page and Typst source, one process)") as label:
            real_pandoc(args, cwd, **options)
        for line in lua_times.read_text().splitlines():
            # "format <tab> index <tab> module.lua: function <tab> s" (lua_stages.lua)
            fmt, _, name, seconds = line.split("\t")
            meter.add(f"{label}/Lua, {fmt or 'all formats'}: {name}", calls=1, children=float(seconds))

    builtin._run_pandoc = pandoc
    real_start, real_complete = NotebookExecutionManager.cell_start, NotebookExecutionManager.cell_complete

    def cell_start(nb_man, cell, cell_index=None, **kwargs):
        meter.cell_start = (meter.kernel_cpu(), time.perf_counter())
        return real_start(nb_man, cell, cell_index, **kwargs)

    def cell_complete(nb_man, cell, cell_index=None, **kwargs):
        k0, t0 = meter.cell_start
        if cell.cell_type == "code":
            meter.add("/".join([*meter.stack, cell_name(cell)]), calls=1,
                      kernel=meter.kernel_cpu() - k0, wall=time.perf_counter() - t0)
        return real_complete(nb_man, cell, cell_index, **kwargs)

    NotebookExecutionManager.cell_start, NotebookExecutionManager.cell_complete = cell_start, cell_complete


def profile(first: str, tid: str, out: Path, meter: Meter) -> None:
    """Set-up, then two territories in one warm kernel: ``first`` as a worker's first one, then
    ``tid`` as every next one (another territory, so that no cache holds its own results)."""
    with meter.span("template read (qmd to notebook)"):
        job = inprocess.make_job(config.template_path(), out, tid)
    kernel = WarmKernel(cwd=job.template_path.parent)
    with meter.span("kernel set-up") as label:
        kernel.start()
        meter.kernel = psutil.Process(kernel.pid)
    meter.add(label, kernel=meter.kernel_cpu())  # the kernel's CPU before it answered
    with meter.span("review page set-up (nbconvert, in a thread while the kernel starts)"):
        worker._warm_review()
    meter.wrap(kernel, "execute", "execute")
    try:
        for name, territory in (("first", first), ("next", tid)):
            meter.pass_name = name
            with meter.span("territory"):
                outcome = inprocess.run_territory(kernel, job, territory)
            if outcome["status"] != "ok":
                raise SystemExit(f"{territory} failed: {outcome['error']}")
    finally:
        kernel.shutdown()


# What a step's CPU outside its listed sub-steps is, by where it was counted.
OTHER = {"execute": {"python": "papermill and nbclient (the worker's side)",
                     "kernel": "kernel: reset between territories, messages"},
         "pandoc (HTML page and Typst source, one process)":
             {"children": "pandoc: start, reading the notebook, writers, the document to and from Lua"}}


def _with_other(rows: dict[str, dict]) -> dict[str, dict]:
    """The rows in order, each step followed by its sub-steps, and ``(other)`` rows (split by
    where the CPU was counted) where a step's CPU is not all in the sub-steps listed."""
    ordered: dict[str, dict] = {}

    def visit(label: str) -> None:
        ordered[label] = rows[label]
        subs = [k for k in rows if "/" in k and k.rsplit("/", 1)[0] == label]
        for sub in subs:
            visit(sub)
        if not subs:
            return
        names = OTHER.get(label.rsplit("/", 1)[-1], {})
        for col in COLUMNS:
            rest = rows[label][col] - sum(rows[k][col] for k in subs)
            if rest > 0.005:
                name = names.get(col, f"(other, {'worker process' if col == 'python' else col})")
                ordered[f"{label}/{name}"] = {"calls": rows[label]["calls"], "wall": 0.0,
                                              **{c: rest if c == col else 0.0 for c in COLUMNS}}

    for label in [k for k in rows if "/" not in k]:
        visit(label)
    return ordered


def table(meter: Meter) -> tuple[list[str], dict[str, dict[str, dict]]]:
    """Every step in order, and its rows per pass."""
    passes = {name: _with_other(rows) for name, rows in meter.passes.items()}
    order: list[str] = []
    for rows in passes.values():  # a row only one pass has goes after its predecessor there
        previous = None
        for label in rows:
            if label not in order:
                order.insert(order.index(previous) + 1 if previous in order else len(order), label)
            previous = label
    return order, passes


def print_table(order: list[str], passes: dict[str, dict[str, dict]]) -> None:
    empty = {"calls": 0, "wall": 0.0, **{c: 0.0 for c in COLUMNS}}
    print(f"{'step':<70} {'CPU s':>7} {'first':>7} {'next':>7} {'kernel':>7} {'child':>7}")
    print(f"{'':<70} {'set-up':>7} {'terr.':>7} {'terr.':>7} {'(next)':>7} {'(next)':>7}")
    for label in order:
        depth = label.count("/")
        name = ("  " * depth + label.rsplit("/", 1)[-1])[:70]
        cells = [sum(passes.get(p, {}).get(label, empty)[c] for c in COLUMNS) for p in ("set-up", "first", "next")]
        nxt = passes.get("next", {}).get(label, empty)
        print(f"{name:<70} " + " ".join(f"{v:7.3f}" if v else f"{'':>7}" for v in cells)
              + f" {nxt['kernel']:7.3f} {nxt['children']:7.3f}")


def cprofile_cells(tid: str, out: Path, top: int) -> list[dict]:
    """The template's cells for ``tid`` under cProfile (second run in a warm in-process shell):
    the ``top`` functions by cumulative time."""
    job = inprocess.make_job(config.template_path(), out, tid)
    shell = inprocess.InProcessShell(job.template_path.parent)
    shell.execute(job.template, {"territory": tid})
    prof = cProfile.Profile()
    prof.enable()
    shell.execute(job.template, {"territory": tid})
    prof.disable()
    stats = pstats.Stats(prof)
    package = str(config.PACKAGE_DIR)
    # the package's own functions (the wrappers of IPython and matplotlib would fill the list)
    rows = [{"function": f"{Path(file).relative_to(package)}:{line} {func}", "calls": nc,
             "tottime_s": round(tt, 4), "cumtime_s": round(ct, 4)}
            for (file, line, func), (_, nc, tt, ct, _) in stats.stats.items() if file.startswith(package)]
    rows.sort(key=lambda r: -r["cumtime_s"])
    return rows[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--id", default="ti-8413")
    parser.add_argument("--first", metavar="ID", help="the worker's first territory, before --id "
                        "(default: the first of the list but --id)")
    parser.add_argument("--output", help="where the territory's outputs go (default: a temp dir)")
    parser.add_argument("--json", metavar="FILE", help="also write every row to FILE (JSON)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="also list the N functions with most cumulative time in the cells")
    args = parser.parse_args()
    out = Path(args.output or tempfile.mkdtemp(prefix="profile-territory-"))
    out.mkdir(parents=True, exist_ok=True)
    figures = benchlib.Figures("profile_territory", {"id": args.id, "first": args.first, "cprofile": args.cprofile})
    first = args.first or next(t for t in store.list_territories().territory_id if t != args.id)
    meter = Meter()
    instrument(meter, out / "lua-times.tsv")
    profile(first, args.id, out, meter)
    order, passes = table(meter)
    print(f"# CPU seconds per step (this process, its child processes and the kernel): {first} as the "
          f"worker's first territory, then {args.id} as the next")
    print_table(order, passes)
    for key, name in (("territory_cpu_s_first", "first"), ("territory_cpu_s", "next")):
        figures.add(key, sum(passes[name]["territory"][c] for c in COLUMNS), 2)
    figures.data.update(territory=args.id, first_territory=first, order=order, passes=passes)
    if args.cprofile:
        figures.data["cprofile"] = cprofile_cells(args.id, out / "cprofile", args.cprofile)
        print(f"# the package's {args.cprofile} functions with most cumulative time in the cells (warm, cProfile; "
              "cumulative s, own s, calls):")
        for row in figures.data["cprofile"]:
            print(f"{row['cumtime_s']:8.3f} {row['tottime_s']:8.3f} {row['calls']:7d}  {row['function']}")
    figures.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
