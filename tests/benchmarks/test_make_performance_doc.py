"""benchmarks/make_performance_doc.py: the page and the README's line come from the JSON files."""

from __future__ import annotations

import json

import benchlib
import make_performance_doc as doc


def _run(tmp_path, script: str, figures: dict[str, float], **extra) -> None:
    run = benchlib.Figures(script, {"limit": 10})
    run.data.update(territories=10, jobs=2)
    for key, value in figures.items():
        run.add(key, value)
    run.data.update(extra)
    run.save(tmp_path / f"{script}.json")


def test_the_page_and_the_readme_line_show_the_files_figures_and_targets(tmp_path, capsys):
    _run(tmp_path, "bench_build", {"full_build_s": 41.5, "edit_rebuild_ratio": 0.9, "cpu_s_per_territory": 2.4})
    _run(tmp_path, "bench_preview", {"preview_sentence_median_s": 0.8})
    _run(tmp_path, "profile_territory", {"territory_cpu_s": 1.3}, territory="ti-8413", first_territory="ti-0101",
         order=["territory", "territory/execute", "territory/execute/cells: chart map"],
         passes={"next": {"territory": {"calls": 1, "wall": 2.0, "python": 0.5, "children": 0.4, "kernel": 0.6},
                          "territory/execute": {"calls": 1, "wall": 1.0, "python": 0.1, "children": 0.0, "kernel": 0.6},
                          "territory/execute/cells: chart map": {"calls": 1, "wall": 0.1, "python": 0.0,
                                                                 "children": 0.0, "kernel": 0.05}}})
    readme = tmp_path / "README.md"
    readme.write_text(f"# R\n\n## Measured\n\n{doc.BEGIN}\nold\n{doc.END}\n\n## Tests\n", encoding="utf-8")
    runs = {s: json.loads((tmp_path / f"{s}.json").read_text(encoding="utf-8")) for s in doc.SCRIPTS
            if (tmp_path / f"{s}.json").exists()}
    page = doc.page(runs)
    assert "| `edit_rebuild_ratio` | 0.9 | ≤ 0.25 | **no** |" in page
    assert "| `preview_sentence_median_s` | 0.8 | ≤ 1 | yes |" in page
    assert "| &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;cells: chart map |" in page
    assert f"{benchlib.machine()['cores']} cores" in page
    line = doc.readme_line(runs)
    assert line.startswith("Measured on ") and "full build 41.5 s (10 territories, 2 workers)" in line
    assert "preview of a sentence edit 0.8 s" in line and "docs/PERFORMANCE.md" in line
