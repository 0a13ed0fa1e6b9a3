"""Benchmark of `portraits preview`: from saving the template to the new HTML being served.

Starts `portraits preview ID --port 0` (the CLI, as a user does) on a temporary copy of
portrait_template.qmd, with the real data, waits for the first version, listens to /events
like the page does, then edits the template several times. Each edit is timed from the moment
the file is saved to the moment GET / returns a page containing the new text (after the
`reload` event). Two kinds of edit:

- Markdown (a section heading): no code changed, so the server reuses the last outputs and only
  renders the page (pandoc): printed as preview_refresh_s (the issue's figure);
- code (a new cell printing a line, added before that heading): the template runs again in the
  warm kernel, then is rendered: printed as preview_refresh_execute_s;
- sentence: words added to a sentence that holds inline expressions (no code changed, but the
  text cell must be evaluated again): printed as preview_sentence_median_s.

Prints per edit the time measured here and the server's own split (execute or reuse, render),
the load average (the machine may be shared), then `key: value` lines (the issue's target in
parentheses where there is one):

- preview_first_page_s: from starting the command to the first portrait served (kernel start,
  first run, render);
- preview_sentence_median_s (and _max_s): a sentence that holds inline expressions reworded
  (benchlib.edit_sentence): its text cell runs again in the warm kernel, then the page is
  rendered;
- preview_refresh_s (and _max_s): the Markdown edit; preview_refresh_execute_s (and _max_s):
  the code edit;
- preview_multi_first_page_s: `portraits preview ID ID ID` (``--multi``, one warm kernel per
  territory, ``--multi-jobs`` rebuilt at a time): from starting the command to every pane's
  first portrait served; ``--multi ''`` skips it.

    python benchmarks/bench_preview.py [--id ti-8413] [--edits 7] [--pause 0.5]
        [--multi "ti-8413 ti-0601 ti-1105"] [--multi-jobs N] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import benchlib  # beside this script

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## L'essentiel"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read().decode("utf-8")


def status(url: str) -> dict:
    return json.loads(get(url + "status"))


def listen(port: int, since: int) -> queue.Queue:
    """/events as the page listens to it: every `reload` event's version, in a queue."""
    reloads: queue.Queue = queue.Queue()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", f"/events?since={since}")
    resp = conn.getresponse()

    def read() -> None:
        event = None
        try:
            for raw in resp:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "reload":
                    reloads.put(int(line[6:]))
        except (OSError, ValueError):
            pass

    threading.Thread(target=read, daemon=True).start()
    return reloads


def timed_edit(path: Path, text: str, marker: str, url: str, reloads: queue.Queue, timeout: float = 120) -> float:
    """Save ``text`` and return the seconds until GET / serves a page containing ``marker``."""
    start = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    deadline = start + timeout
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"{marker!r} not served within {timeout:g} s")
        reloads.get(timeout=remaining)
        if marker in get(url):
            return time.perf_counter() - start


# the kinds of edit, in the order they are timed: (kind, figure's name)
KINDS = (("markdown", "preview_refresh_s"), ("sentence", "preview_sentence_median_s"),
         ("code", "preview_refresh_execute_s"))


def edited(original: str, kind: str, i: int) -> tuple[str, str]:
    """The template after edit ``i`` of ``kind``, and the text the new page must contain."""
    if kind == "markdown":
        marker = f"L'essentiel, édition {i}"
        return original.replace(HEADING, f"## {marker}", 1), marker.replace("'", "’")
    if kind == "sentence":
        return benchlib.edit_sentence(original, i)
    marker = f"Cellule ajoutée, édition {i}"
    cell = f'```{{python}}\n#| output: asis\nprint("{marker}")\n```\n\n'
    return original.replace(HEADING, cell + HEADING, 1), marker


def start(cmd: list[str], log: list[str]) -> tuple[subprocess.Popen, str, int, float]:
    """Start the preview; returns the process, its URL and port, and the seconds from the start
    of the command to the first portrait served."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=ROOT)
    first = proc.stdout.readline()
    m = re.search(r"(http://127\.0\.0\.1:(\d+)/)", first)
    if not m:
        proc.kill()
        raise SystemExit(f"preview did not start: {first}{proc.stdout.read()}")
    url = m.group(1)
    threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True).start()
    printed = time.perf_counter()
    while (st := status(url))["generation"] < 1:
        time.sleep(0.05)
    if not st["ok"]:
        raise SystemExit(f"first version failed: {st['error']}")
    get(url)
    first_page = time.perf_counter() - t0
    print(f"# first page {first_page:.1f} s after the command started, {time.perf_counter() - printed:.1f} s "
          f"after the URL was printed (kernel start and first run: "
          f"{json.dumps({k: round(v, 2) for k, v in st['timings'].items()})})", flush=True)
    return proc, url, int(m.group(2)), first_page


def multi_first_page(ids: list[str], template: Path, jobs: int | None, log: list[str]) -> float:
    """Seconds from starting ``portraits preview ID…`` to every pane's first portrait served."""
    cmd = [sys.executable, "-m", "portraits", "preview", *ids, "--port", "0", "--template", str(template)]
    cmd += ["--jobs", str(jobs)] if jobs else []
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=ROOT)
    try:
        first = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", first)
        if not m:
            raise SystemExit(f"preview did not start: {first}{proc.stdout.read()}")
        threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True).start()
        pending = set(ids)
        while pending:
            for tid in sorted(pending):
                st = json.loads(get(f"{m.group(1)}status?territory={tid}"))
                if st["generation"] >= 1:
                    if not st["ok"]:
                        raise SystemExit(f"first version of {tid} failed: {st['error']}")
                    print(f"# multi: {tid} served after {time.perf_counter() - t0:.1f} s "
                          f"({json.dumps({k: round(v, 2) for k, v in st['timings'].items()})})", flush=True)
                    pending.discard(tid)
            time.sleep(0.05)
        return time.perf_counter() - t0
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--id", default="ti-8413")
    parser.add_argument("--edits", "--limit", type=int, default=7, help="edits of each kind (default 7)")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two edits")
    parser.add_argument("--multi", default="ti-8413 ti-0601 ti-1105",
                        help="territories previewed side by side for preview_multi_first_page_s ('' to skip)")
    parser.add_argument("--multi-jobs", type=int, default=None, help="their rebuilds at a time (default: cores)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE (JSON)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    template = scratch / "portrait_template.qmd"
    original = (ROOT / "portrait_template.qmd").read_text(encoding="utf-8")
    assert HEADING in original, "the template changed: update HEADING"
    template.write_text(original, encoding="utf-8")
    cmd = [sys.executable, "-m", "portraits", "preview", args.id, "--port", "0", "--template", str(template)]
    figures = benchlib.Figures("bench_preview", vars(args))
    log: list[str] = []
    proc = None
    try:
        proc, url, port, first_page = start(cmd, log)
        reloads = listen(port, status(url)["generation"])
        results: dict[str, list[float]] = {name: [] for _, name in KINDS}
        for kind, name in KINDS:
            for i in range(1, args.edits + 1):
                time.sleep(args.pause)
                text, marker = edited(original, kind, i)
                seconds = timed_edit(template, text, marker, url, reloads)
                split = ", ".join(f"{k} {v:.2f}" for k, v in status(url)["timings"].items())
                print(f"# {kind} edit {i}: {seconds:.3f} s (server: {split})", flush=True)
                results[name].append(seconds)
        load = os.getloadavg()
        print(f"# load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
              f"({os.cpu_count()} cores; other processes slow every figure down)")
        figures.add("preview_first_page_s", first_page, 2)
        for _, name in KINDS:
            values = results[name]
            figures.add(name, statistics.median(values), note=f"median of {len(values)}")
            figures.add(name.removesuffix("_s").removesuffix("_median") + "_max_s", max(values))
        if args.multi.split():
            proc.send_signal(signal.SIGINT)  # one preview at a time: the machine has 2 cores
            proc.wait(30)
            template.write_text(original, encoding="utf-8")
            figures.add("preview_multi_first_page_s",
                        multi_first_page(args.multi.split(), template, args.multi_jobs, log), 2,
                        note=f"{len(args.multi.split())} territories, {args.multi_jobs or os.cpu_count()} at a time")
        figures.save(args.json)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
