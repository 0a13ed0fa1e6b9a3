"""What the benchmark scripts share: their targets, the figures printed as ``key: value`` lines
(``key: value (target ≤ Y)`` where there is a target) and saved as JSON (``--json FILE``, read
by ``make_performance_doc.py``), the machine they ran on, and the one-sentence edit of the
template that bench_build.py and bench_preview.py time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import sys
from pathlib import Path
from typing import Any

# key -> (comparison, bound). The targets; a figure without one is printed bare.
TARGETS: dict[str, tuple[str, float]] = {
    "speedup_vs_naive": ("≥", 5),
    "noop_rebuild_ratio": ("≤", 0.05),
    "floor_ratio": ("≤", 1.5),
    "edit_rebuild_ratio": ("≤", 0.25),
    "cpu_ratio_vs_baseline": ("≤", 0.8),
    "peak_rss_mb": ("≤", 2048),
    "peak_rss_ratio_vs_baseline": ("≤", 1.0),
    "html_kb_max": ("≤", 300),
    "review_kb_max": ("≤", 400),
    "review_page_cpu_share": ("≤", 0.10),
    "preview_refresh_s": ("≤", 1.5),
    "preview_sentence_median_s": ("≤", 1.0),
    "preview_first_page_s": ("≤", 8),
    "data_build_s": ("≤", 60),
}
# What each figure is (docs/PERFORMANCE.md shows these beside the figures).
DESCRIPTIONS: dict[str, str] = {
    "full_build_s": "full build (`build --force`), wall s",
    "speedup_vs_naive": "naive pipeline (papermill CLI, then pandoc and Typst, one territory after another) / full build",
    "speedup_vs_naive_parallel": "the same with as many naive loops as the build has workers",
    "noop_rebuild_ratio": "no-op rebuild / full build",
    "edit_rebuild_ratio": "rebuild after a one-sentence edit of the template / full build",
    "edit_rebuild_cpu_ratio": "the same in CPU time (less disturbed by other work on the machine)",
    "cpu_s_per_territory": "CPU s per territory of the full build (whole process tree)",
    "cpu_s_per_territory_baseline": "the same, built with the baseline revision's code",
    "cpu_ratio_vs_baseline": "CPU per territory, this code / baseline",
    "floor_ratio": "full build / floor (the build's steps with the kernel replaced by an in-process shell)",
    "peak_rss_mb": "peak memory of the build, summed PSS of its process tree, MB",
    "peak_rss_mb_baseline": "the same, baseline revision",
    "peak_rss_ratio_vs_baseline": "peak memory, this code / baseline",
    "html_kb_max": "largest portrait page (HTML), kB",
    "review_kb_max": "largest review page (HTML with code), kB",
    "review_page_s_per_territory": "review page per territory, s",
    "review_page_share_of_build": "review pages' time / workers / full build (upper bound)",
    "review_page_cpu_share": "review pages' CPU / the build's CPU",
    "preview_first_page_s": "`portraits preview`: from the command's start to the first page, s",
    "preview_refresh_s": "preview, Markdown edit (heading) to new page served, median s",
    "preview_refresh_max_s": "the same, slowest",
    "preview_sentence_median_s": "preview, sentence with inline expressions reworded to new page served, median s",
    "preview_sentence_max_s": "the same, slowest",
    "preview_refresh_execute_s": "preview, code edit (new cell) to new page served, median s",
    "preview_refresh_execute_max_s": "the same, slowest",
    "preview_multi_first_page_s": "`portraits preview` of 3 territories side by side: from the command's start to every pane's first page, s",
    "data_build_s": "raw files to processed tables, s",
    "store_first_load_s": "first read of the processed tables, s",
    "store_territory_ms": "one territory's data through the store, ms",
    "territory_cpu_s_first": "one territory, first of a worker (imports, caches), CPU s",
    "territory_cpu_s": "one territory, every next one, CPU s",
}
# A figure line: `key: number`, then anything (the target, a revision) in parentheses.
LINE = re.compile(r"^([a-z][a-z0-9_]*): (-?\d+(?:\.\d+)?)(?: \((.*)\))?$")

# The sentence edited, in the template's narrative (it holds inline expressions); the edit
# adds words to it, so the text changes and no code does.
SENTENCE = "L'industrie représente `{python} industry_share` des ["


def edit_sentence(text: str, n: int) -> tuple[str, str]:
    """The template with its one sentence reworded (edit number ``n``) and the words added, as
    the rendered page shows them."""
    if SENTENCE not in text:
        raise SystemExit(f"the template no longer has the sentence {SENTENCE!r}: update benchlib.SENTENCE")
    words = f"représente, édition {n},"
    return text.replace(SENTENCE, SENTENCE.replace("représente", words), 1), words


def target_text(key: str) -> str | None:
    if key not in TARGETS:
        return None
    op, bound = TARGETS[key]
    return f"{op} {bound:g}"


def met(key: str, value: float) -> bool | None:
    if key not in TARGETS:
        return None
    op, bound = TARGETS[key]
    return value >= bound if op == "≥" else value <= bound


class Figures:
    """The figures of one run: printed as they come, saved as JSON at the end."""

    def __init__(self, script: str, args: dict[str, Any]):
        # without the paths of this run (scratch and JSON file): the file describes the figures
        args = {k: v for k, v in args.items() if k not in ("output", "json")}
        self.data: dict[str, Any] = {"script": script, "args": args, "machine": machine(),
                                     "started": _now(), "figures": {}, "notes": {}}

    def add(self, key: str, value: float, digits: int = 3, note: str | None = None) -> None:
        """Print ``key: value`` with its target (or ``note``) in parentheses."""
        value = round(float(value), digits)
        extra = [f"target {t}" for t in [target_text(key)] if t] + ([note] if note else [])
        print(f"{key}: {value:.{digits}f}" + (f" ({'; '.join(extra)})" if extra else ""), flush=True)
        self.data["figures"][key] = value
        if note:
            self.data["notes"][key] = note

    def save(self, path: str | os.PathLike | None) -> None:
        if not path:
            return
        self.data["finished"] = _now()
        self.data["load_average_end"] = os.getloadavg()
        Path(path).write_text(json.dumps(self.data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"# figures written to {path}", flush=True)


def parse(output: str) -> dict[str, float]:
    """The ``key: value`` lines of a benchmark's output."""
    return {m.group(1): float(m.group(2)) for line in output.splitlines() if (m := LINE.match(line))}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict[str, Any]:
    """What the figures depend on: the processor, cores, memory, Python, the load when started."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        memory = None
    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": memory, "system": platform.platform(),
            "python": sys.version.split()[0], "load_average_start": os.getloadavg()}
