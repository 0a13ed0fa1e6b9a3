"""benchmarks/benchlib.py: the one-sentence edit of the real template, and the figure lines."""

from __future__ import annotations

import json

import benchlib
from portraits.core import config
from portraits.template import reader


def test_the_edit_rewords_one_sentence_of_the_real_template_and_no_code(tmp_path):
    original = config.template_path().read_text(encoding="utf-8")
    text, words = benchlib.edit_sentence(original, 3)
    assert words == "représente, édition 3," and text.count(words) == 1
    before, after = original.splitlines(), text.splitlines()
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after)) == 1
    edited = tmp_path / "portrait_template.qmd"
    edited.write_text(text, encoding="utf-8")
    old, new = reader.read_qmd(config.template_path()), reader.read_qmd(edited)
    # only one cell differs: the narrative cell that holds the sentence
    differ = [c for c, d in zip(old.cells, new.cells) if c.source != d.source]
    assert len(differ) == 1 and "narrative" in differ[0].metadata.get("tags", [])


def test_figures_print_their_target_and_parse_back(tmp_path, capsys):
    figures = benchlib.Figures("bench_test", {"limit": 2})
    figures.add("edit_rebuild_ratio", 0.1234)
    figures.add("full_build_s", 12.34, 1)
    figures.add("cpu_s_per_territory_baseline", 2.5, 2, note="41a027c")
    out = capsys.readouterr().out
    assert "edit_rebuild_ratio: 0.123 (target ≤ 0.25)\n" in out
    assert "full_build_s: 12.3\n" in out
    assert benchlib.parse(out) == {"edit_rebuild_ratio": 0.123, "full_build_s": 12.3,
                                   "cpu_s_per_territory_baseline": 2.5}
    figures.save(tmp_path / "f.json")
    saved = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert saved["figures"]["edit_rebuild_ratio"] == 0.123 and saved["machine"]["cores"] >= 1


def test_a_missed_target_is_told_apart():
    assert benchlib.met("edit_rebuild_ratio", 0.2) and not benchlib.met("edit_rebuild_ratio", 0.3)
    assert benchlib.met("speedup_vs_naive", 6) and not benchlib.met("speedup_vs_naive", 4)
    assert benchlib.met("full_build_s", 10) is None
