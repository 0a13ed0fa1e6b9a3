"""Unit tests of portraits.preview.cover on evidence cut from three real executed notebooks
(tests/fixtures/preview/cover/: the metadata block and two text cells each), and the command's
error path without a build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portraits.build.results import BuildUsageError
from portraits.preview import cover
from portraits.preview.cover import Item

BUILD = Path(__file__).parents[1] / "fixtures" / "preview" / "cover"


def _items(tid: str) -> set[Item]:
    return cover.territory_items(json.loads((BUILD / "notebooks" / f"{tid}.ipynb").read_text(encoding="utf-8")))


def test_branches_are_the_template_conditions_with_the_value_each_territory_took():
    mayotte, oyonnax = _items("ti-0601"), _items("ti-8413")
    assert Item("branch", "available.industry_jobs_share", "false") in mayotte
    assert Item("branch", "available.industry_jobs_share", "true") in oyonnax
    # the conditions of the text cells kept, nothing else of the metadata (40 indicators)
    assert {i.where for i in oyonnax if i.kind == "branch"} == {i.where for i in mayotte if i.kind == "branch"}
    assert "available.managers_share" not in {i.where for i in oyonnax}


def test_outcomes_are_rules_with_their_figures_as_placeholders():
    outcomes = {i for i in _items("ti-8413") if i.kind == "outcome"}
    assert outcomes and all(i.where.startswith("line ") for i in outcomes)
    marked = [i for i in outcomes if "compared('all_territories'" in i.what]
    assert marked and all("21,4" not in i.what for i in marked)  # the gap of this territory only


def test_greedy_takes_every_item_and_each_pick_says_why():
    items = {t: _items(t) for t in ("ti-8413", "ti-0601", "ti-0101")}
    picked = cover.greedy(items)
    assert set().union(*(items[t] for t in picked)) == set().union(*items.values())
    why = cover.only_by(picked, items)
    assert all(why[t] for t in picked), "a pick that takes nothing of its own"
    lines = cover.explain(picked, items)
    assert lines[0].startswith(f"cover: {len(picked)} territor") and "greedy set cover" in lines[0]
    assert all("that no other pick takes" in line for line in lines[1:])


def test_greedy_starts_from_the_given_ids_and_drops_picks_made_useless():
    a, b, c, d, e, f = (Item("outcome", "line 1", str(n)) for n in range(6))
    items = {"ti-1": {a, b, c, d}, "ti-2": {a, b, e}, "ti-3": {c, d, f}, "ti-4": {a}}
    assert cover.greedy(items) == ["ti-2", "ti-3"]  # ti-1 first, useless once ti-2 and ti-3 are in
    assert cover.greedy(items, ["ti-4"]) == ["ti-4", "ti-2", "ti-3"]  # given: kept
    assert cover.explain(["ti-4", "ti-2", "ti-3"], items, given=["ti-4"])[1] == \
        "  ti-4: given; nothing that the other picks do not take"


def test_no_build_is_a_usage_error_naming_the_command(tmp_path):
    with pytest.raises(BuildUsageError, match=r"portraits build --all --output "):
        cover.read_build(tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portraits", "preview", *args], capture_output=True, text=True,
                          env={**os.environ}, timeout=120)


def test_cli_without_a_build_says_what_to_run_exit_2(tmp_path):
    done = _cli("--cover", "--dry-run", "--output", str(tmp_path))
    assert done.returncode == 2
    assert "holds no executed notebook: run `portraits build --all --output" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_cli_needs_ids_or_cover_and_prints_the_cover(tmp_path):
    done = _cli()
    assert done.returncode == 2 and "or use --cover" in done.stderr and "Traceback" not in done.stderr
    done = _cli("--cover", "ti-0101", "--dry-run", "--output", str(BUILD))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("cover: ") and lines[1].startswith("  ti-0101 (") and "given" in lines[1]
