"""Benchmark of the batch build, in one run, on this machine and the same territories.

(a) naive: what users script today, for each territory the papermill CLI (fresh kernel), then
    pandoc and Typst for the document; run on a sample (default 20, evenly spread) and
    extrapolated to all territories; serial like a shell loop (also run with as many parallel
    loops as the build has workers: printed as speedup_vs_naive_parallel, for honesty);
(b) `portraits build --all --force` (the CLI, as `make portraits` runs it);
(c) the same command again: a no-op rebuild;
(e) the same command after a one-sentence edit of the template (benchlib.edit_sentence);
(d) the floor: the build's own steps per territory (notebook, data files, renders, review page,
    extracts) in warm processes (as many as the build's workers), the kernel replaced by an
    IPython shell in the same process, so no kernel and no messaging (benchmarks/inprocess.py).

Prints `key: value` lines, with the issue's target in parentheses where there is one:
full_build_s, speedup_vs_naive, noop_rebuild_ratio, edit_rebuild_ratio (e over b) and
edit_rebuild_cpu_ratio (the same in CPU time, which other work on the machine disturbs less),
cpu_s_per_territory, floor_ratio (b over d), peak_rss_mb (summed PSS of the build's process
tree, sampled every 0.2 s), html_kb_max and review_kb_max (the largest portrait and review
page), review_page_s_per_territory, review_page_share_of_build (the review pages' time, summed
over the territories, divided by the workers and by the full build's wall time: an upper bound,
as a page is written while the kernel executes the next territory) and review_page_cpu_share
(their CPU time over the build's: what they add to a build that keeps the cores busy).
With ``--baseline REV``, the same build with git revision REV's package and template, run just
after ours in the same conditions: cpu_s_per_territory_baseline, cpu_ratio_vs_baseline,
peak_rss_mb_baseline and peak_rss_ratio_vs_baseline. ``--json FILE`` saves the figures too.
Everything is written under a temporary directory (or $PORTRAITS_OUTPUT_DIR / --output), never
to output/. The package and the template are first copied there and used from the copy
(PYTHONPATH), so that editing the working tree during the run cannot make the no-op rebuild
rebuild (--no-snapshot to use the tree as is).

    python benchmarks/bench_build.py [--sample 20] [--jobs N] [--limit N] [--output DIR]
                                     [--baseline REV] [--build-only] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

SNAPSHOT_ENV = "PORTRAITS_BENCH_SNAPSHOT"
SAMPLE_EVERY = 0.2  # seconds between two memory samples of the build's process tree


def _snapshot_and_reexec(argv: list[str]) -> None:
    """Copy the package and template to the scratch dir and run this script again on the copy."""
    project = Path(__file__).resolve().parent.parent
    scratch = Path(os.environ.get("PORTRAITS_OUTPUT_DIR") or tempfile.mkdtemp(prefix="bench-build-"))
    for i, arg in enumerate(argv):
        if arg == "--output" and i + 1 < len(argv):
            scratch = Path(argv[i + 1])
        elif arg.startswith("--output="):
            scratch = Path(arg.split("=", 1)[1])
    snap = scratch / "snapshot"
    shutil.rmtree(snap, ignore_errors=True)
    shutil.copytree(project / "portraits", snap / "portraits",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*.tmp"))
    for name in ("portrait_template.qmd", "_quarto.yml"):
        if (project / name).exists():
            shutil.copy2(project / name, snap / name)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(snap), os.environ.get("PYTHONPATH")])),
               PORTRAITS_DATA_DIR=os.environ.get("PORTRAITS_DATA_DIR", str(project / "data")),
               PORTRAITS_PROJECT_DIR=str(snap), **{SNAPSHOT_ENV: str(snap)})
    if "--output" not in " ".join(argv):
        argv = [*argv, "--output", str(scratch)]
    os.execve(sys.executable, [sys.executable, __file__, *argv], env)


if __name__ == "__main__" and SNAPSHOT_ENV not in os.environ and "--no-snapshot" not in sys.argv:
    _snapshot_and_reexec(sys.argv[1:])

import benchlib  # noqa: E402 - beside this script
import inprocess  # noqa: E402
from portraits.build import pool, worker  # noqa: E402
from portraits.render import context  # noqa: E402
from portraits.core import config  # noqa: E402
from portraits.template import reader  # noqa: E402
from portraits.data import store  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class PeakRSS:
    """Peak memory of a process and all its descendants: summed PSS (proportional set size, so
    pages shared by forked workers count once), and summed RSS (shared pages counted per process)."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak = 0
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = total_rss = 0
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    info = proc.memory_full_info()
                    total += getattr(info, "pss", info.rss)
                    total_rss += info.rss
            self.peak = max(self.peak, total)
            self.peak_rss = max(self.peak_rss, total_rss)
            time.sleep(SAMPLE_EVERY)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def run_cli(args: list[str], env: dict | None = None) -> tuple[float, float, float, int]:
    """Wall s, CPU s (process tree), peak RSS MB, exit status of `portraits ARGS`."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    # cwd: `python -m` puts the working directory before PYTHONPATH, so run from the project
    # whose package is measured (else the tree this script was started from would be imported)
    cwd = (env or os.environ).get("PORTRAITS_PROJECT_DIR")
    proc = subprocess.Popen([sys.executable, "-m", "portraits", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd)
    peak = PeakRSS(proc.pid)
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    rss = peak.stop()
    print(f"# memory of the process tree: peak summed PSS {rss:.0f} MB, "
          f"peak summed RSS {peak.peak_rss / 2**20:.0f} MB", flush=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(out)
        raise SystemExit(f"portraits {' '.join(args)} exited with {proc.returncode}")
    last = [line for line in out.splitlines() if line.startswith("portraits:")]
    print(f"# {' '.join(args[:3])}...: {last[-1] if last else out[-200:]}", flush=True)
    return wall, _children_cpu() - cpu0, rss, proc.returncode


# -- (a) naive ---------------------------------------------------------------------------------

def _naive_one(args: tuple[str, Path, Path]) -> float:
    tid, ipynb, out = args
    from portraits import render

    t0 = time.perf_counter()
    nb_out = out / "notebooks" / f"{tid}.ipynb"
    nb_out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(VENV_BIN / "papermill"), str(ipynb), str(nb_out), "-p", "territory", tid,
                    "-k", "python3", "--cwd", str(config.PROJECT_DIR)],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    render.render(nb_out, html=out / "html" / f"{tid}.html", pdf=out / "pdf" / f"{tid}.pdf",
                  engine="builtin", context=context.render_context(tid))
    return time.perf_counter() - t0


def naive(sample: list[str], ipynb: Path, out: Path, processes: int) -> float:
    """Wall time of the naive pipeline over ``sample`` with ``processes`` parallel loops."""
    t0 = time.perf_counter()
    tasks = [(tid, ipynb, out) for tid in sample]
    if processes == 1:
        for task in tasks:
            _naive_one(task)
    else:
        # spawn, not fork: this process has used Typst, whose thread pool does not survive a fork
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            pool.map(_naive_one, tasks, chunksize=1)
    return time.perf_counter() - t0


# -- (d) floor ---------------------------------------------------------------------------------

def floor(tids: list[str], template: Path, out: Path, processes: int) -> float:
    """Wall time once imports are done (one warm-up territory per process, not timed) of the
    build's own steps per territory (benchmarks/inprocess.py), the kernel replaced by an IPython
    shell in a plain process: no kernel, no messaging."""
    ctx = multiprocessing.get_context("spawn")  # see naive(): no fork after Typst ran here
    with ctx.Pool(processes, initializer=inprocess.pool_init, initargs=(str(template), str(out), tids[0])) as pool:
        # with a time limit: a pool whose processes die at start-up would wait for ever
        limit = 120 + 60 * len(tids)
        pool.map_async(inprocess.pool_warm_up, tids[:processes], chunksize=1).get(limit)
        t0 = time.perf_counter()
        outcomes = pool.map_async(inprocess.pool_run, tids, chunksize=1).get(limit)
        seconds = time.perf_counter() - t0
    failed = [f"{o['territory']}: {o['error']}" for o in outcomes if o["status"] != "ok"]
    if failed:  # the floor must do what the build does: a failure here is the benchmark's bug
        raise SystemExit("the floor failed where the build did not:\n" + "\n".join(failed))
    return seconds


def review_cost(report: dict, jobs: int, full_s: float, full_cpu: float) -> tuple[float, float, float]:
    """The review pages' cost: seconds (summed over territories), that time spread over the
    workers as a share of the full build's wall time (an upper bound: a page is written while
    the kernel executes the next territory), and their CPU time as a share of the build's
    (the cores are saturated during a full build, so this is what they add to it)."""
    total = sum(t["durations"].get("review", 0.0) for t in report["territories"])
    cpu = sum(t["durations"].get("review_cpu", 0.0) for t in report["territories"])
    return (total, total / max(1, jobs) / full_s if full_s else 0.0,
            cpu / full_cpu if full_cpu else 0.0)


# -- main --------------------------------------------------------------------------------------

def _baseline_env(rev: str, snap: Path) -> dict:
    """The package and template of git revision ``rev`` in ``snap``, and the environment that
    runs them (same interpreter, data and options)."""
    project = Path(__file__).resolve().parent.parent
    shutil.rmtree(snap, ignore_errors=True)
    snap.mkdir(parents=True)
    # the settings both engines read (_quarto.yml) belong to the revision too, where it has them
    tracked = subprocess.run(["git", "-C", str(project), "ls-tree", "--name-only", rev],
                             capture_output=True, text=True, check=True).stdout.split()
    paths = ["portraits", "portrait_template.qmd", *(f for f in ("_quarto.yml",) if f in tracked)]
    archive = subprocess.run(["git", "-C", str(project), "archive", rev, *paths],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(snap)], input=archive, check=True)
    # its own processed tables, made by its own data code: their columns may differ from ours
    env = dict(os.environ, PYTHONPATH=str(snap), PORTRAITS_PROJECT_DIR=str(snap),
               PORTRAITS_DATA_DIR=str(config.data_dir()), PORTRAITS_PROCESSED_DIR=str(snap / "processed"))
    subprocess.run([sys.executable, "-m", "portraits", "data"], env=env, cwd=snap, check=True,
                   stdout=subprocess.DEVNULL)
    return env


def _edit_rebuild(template: Path, common: list[str]) -> tuple[float, float]:
    """Wall and CPU time of the build after a one-sentence edit of the template (then put back)."""
    original = template.read_text(encoding="utf-8")
    template.write_text(benchlib.edit_sentence(original, 1)[0], encoding="utf-8")
    try:
        return run_cli(common)[:2]
    finally:
        template.write_text(original, encoding="utf-8")


def _sizes(build_out: Path, figures: benchlib.Figures) -> None:
    """The largest portrait page and review page, in kB (the issue's page weight)."""
    for key, sub in (("html_kb_max", "html"), ("review_kb_max", "review")):
        sizes = [p.stat().st_size / 1000 for p in (build_out / sub).glob("*.html")]
        if sizes:
            figures.add(key, max(sizes), 0)


def _baseline(rev: str, scratch: Path, target: list[str], jobs: int) -> tuple[float, float]:
    """CPU s and peak PSS MB of the same build with revision ``rev``'s package and template."""
    base_env = _baseline_env(rev, scratch / "baseline-snapshot")
    base_out = scratch / "baseline-build"
    shutil.rmtree(base_out, ignore_errors=True)
    _, cpu, rss, status = run_cli(["build", *target, "--output", str(base_out), "--jobs", str(jobs), "--force",
                                   "--template", str(scratch / "baseline-snapshot" / "portrait_template.qmd")],
                                  env=base_env)
    if status:  # a territory that fails costs less: the ratio would flatter us
        raise SystemExit(f"the baseline build of {rev} had failures: no ratio (see {base_out})")
    return cpu, rss


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=20, help="territories for the naive pipeline (default 20)")
    parser.add_argument("--jobs", type=int, default=None, help="build workers (default: cores)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N territories (quick check)")
    parser.add_argument("--output", help="scratch directory (default: $PORTRAITS_OUTPUT_DIR or a temp dir)")
    parser.add_argument("--no-snapshot", action="store_true", help="run the working tree, not a copy")
    parser.add_argument("--baseline", metavar="REV",
                        help="also build with the package and template of git revision REV, same "
                             "territories and conditions, and print its cpu_s_per_territory beside ours")
    parser.add_argument("--build-only", action="store_true",
                        help="skip the naive pipeline and the floor (builds and no-op rebuild only)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE (JSON)")
    return parser


def main() -> int:  # long: the run's steps in order, each a call
    args = _parser().parse_args()
    scratch = Path(args.output or os.environ.get("PORTRAITS_OUTPUT_DIR") or tempfile.mkdtemp(prefix="bench-build-"))
    if scratch.resolve() == (config.PROJECT_DIR / "output").resolve():
        raise SystemExit("refusing to benchmark into output/: pass --output or PORTRAITS_OUTPUT_DIR")
    scratch.mkdir(parents=True, exist_ok=True)
    jobs = args.jobs or pool.default_jobs()
    all_ids = list(store.list_territories().territory_id)
    tids = all_ids[: args.limit] if args.limit else all_ids
    n = len(tids)
    step = max(1, n // max(1, args.sample))
    sample = tids[::step][: args.sample]
    # the builds' template: a copy, so that the edit below never touches the working tree's
    template_path = scratch / "template" / "portrait_template.qmd"
    template_path.parent.mkdir(exist_ok=True)
    shutil.copy2(config.template_path(), template_path)
    template = reader.read_qmd(template_path)
    figures = benchlib.Figures("bench_build", vars(args))
    figures.data.update(territories=n, jobs=jobs)
    print(f"# {n} territories, {jobs} worker(s), naive sample {len(sample)}, scratch {scratch}, "
          f"package {Path(worker.__file__).parents[1]}", flush=True)

    # (b) full build, (c) no-op rebuild, (e) rebuild after a one-sentence edit: the CLI, as users run it
    build_out = scratch / "build"
    shutil.rmtree(build_out, ignore_errors=True)
    target = ["--all"] if n == len(all_ids) else tids
    common = ["build", *target, "--output", str(build_out), "--jobs", str(jobs), "--template", str(template_path)]
    full_s, full_cpu, peak_mb, status = run_cli(common + ["--force"])
    noop_s, _, _, _ = run_cli(common)
    report = json.loads((build_out / "build-report.json").read_text())
    review_s, review_share, review_cpu_share = review_cost(report, jobs, full_s, full_cpu)
    if report["counts"]["built"]:  # the tree changed meanwhile (someone edited the package)
        print("# the no-op rebuild rebuilt territories (inputs changed meanwhile); measuring again", flush=True)
        noop_s, _, _, _ = run_cli(common)
    edit_s, edit_cpu = _edit_rebuild(template_path, common)
    base_cpu, base_rss = _baseline(args.baseline, scratch, target, jobs) if args.baseline else (None, None)

    if not args.build_only:
        # (d) the floor, same territories and number of processes
        floor_s = floor(tids, template_path, scratch / "floor", jobs)
        print(f"# floor: {floor_s:.1f} s for {n} territories", flush=True)
        # (a) naive, on the sample, extrapolated to n territories
        ipynb = scratch / "template.ipynb"  # users convert the .qmd once (quarto convert)
        nbformat.write(template, ipynb)
        naive_serial = naive(sample, ipynb, scratch / "naive", 1) / len(sample) * n
        naive_par = naive(sample, ipynb, scratch / "naive-par", jobs) / len(sample) * n
        print(f"# naive (extrapolated from {len(sample)} territories to {n}): serial {naive_serial:.1f} s, "
              f"{jobs} parallel loops {naive_par:.1f} s", flush=True)
    if status:
        print("# warning: the full build had failures (exit 1); timings include them", flush=True)

    figures.add("full_build_s", full_s, 1)
    if not args.build_only:
        figures.add("speedup_vs_naive", naive_serial / full_s, 2)
        figures.add("speedup_vs_naive_parallel", naive_par / full_s, 2)
    figures.add("noop_rebuild_ratio", noop_s / full_s)
    figures.add("edit_rebuild_ratio", edit_s / full_s)
    figures.add("edit_rebuild_cpu_ratio", edit_cpu / full_cpu)  # less sensitive to other load
    figures.add("cpu_s_per_territory", full_cpu / n, 2)
    if base_cpu is not None:
        figures.add("cpu_s_per_territory_baseline", base_cpu / n, 2, note=args.baseline)
        figures.add("cpu_ratio_vs_baseline", full_cpu / base_cpu)
    if not args.build_only:
        figures.add("floor_ratio", full_s / floor_s, 2)
    figures.add("peak_rss_mb", peak_mb, 0)  # summed PSS of the build's process tree, see PeakRSS
    if base_rss is not None:
        figures.add("peak_rss_mb_baseline", base_rss, 0, note=args.baseline)
        figures.add("peak_rss_ratio_vs_baseline", peak_mb / base_rss)
    _sizes(build_out, figures)
    # The review pages (output/review/ID.html, nbconvert): see review_cost().
    figures.add("review_page_s_per_territory", review_s / n)
    figures.add("review_page_share_of_build", review_share)
    figures.add("review_page_cpu_share", review_cpu_share)
    figures.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
