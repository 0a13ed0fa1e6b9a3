"""The benchmark levels' declaration: one order, one id each, a grouping, a colour, a basis and
a default flag each, words read from phrasing.toml, and France's two scopes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from portraits.core import config, levels

ROOT = Path(__file__).resolve().parents[2]


def test_the_levels_in_their_order():
    assert [lv.id for lv in levels.LEVELS] == ["territory", "region", "france", "all_territories",
                                               "region_territories"]
    # the default portrait shows the first four; the region's territories pooled only when asked
    assert [lv.id for lv in levels.DEFAULT] == ["territory", "region", "france", "all_territories"]
    assert levels.BENCHMARKS == ("region", "france", "all_territories", "region_territories")
    assert levels.DEFAULT_BENCHMARKS == ("region", "france", "all_territories")


def test_each_level_says_how_its_place_is_found():
    g = {lv.id: lv.grouping for lv in levels.LEVELS}
    assert (g["territory"].by, g["territory"].territories_only) == ("territory_id", True)
    assert (g["region"].by, g["region"].territories_only) == ("reg", False)
    assert (g["france"].by, g["france"].code) == (None, "FR")
    assert (g["all_territories"].by, g["all_territories"].code, g["all_territories"].territories_only) == (None, "TI", True)
    # the region's territories: the region's grouping, restricted as the all-territories pool is
    assert (g["region_territories"].by, g["region_territories"].territories_only) == ("reg", True)
    assert g["region_territories"].geo_label.format(name="Normandie") == "Territoires d'industrie de la région Normandie"


def test_same_basis_levels_are_the_local_ones():
    # a value on another basis (overseas, Flores) is compared with these only
    assert [lv.id for lv in levels.LEVELS if lv.same_basis] == ["territory", "region", "region_territories"]
    assert levels.SAME_BASIS_BENCHMARK == "region"


def test_each_level_has_its_own_colour():
    colours = [lv.colour for lv in levels.LEVELS]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)


def test_words_come_from_phrasing_toml():
    words = config.phrasing_rules()["levels"]
    for lv in levels.LEVELS:
        w = words[lv.id]
        assert (lv.label, lv.short, lv.where, lv.average, lv.level) == (
            w["label"], w.get("short", w["label"]), w.get("where", ""), w.get("average", ""), w.get("level", ""))
    # built from the region's name by the sentences (portraits.text.benchmarks.words)
    assert (levels.REGION.where, levels.REGION.short) == ("{region_in}", "{region}")


def test_france_has_two_scopes():
    assert levels.france(None) is levels.FRANCE and levels.france("fr") is levels.FRANCE
    assert levels.france(levels.METRO_SCOPE) is levels.FRANCE_METRO
    metro = levels.FRANCE_METRO
    assert (metro.label, metro.where) == ("France métropolitaine", "en France métropolitaine")


@pytest.mark.parametrize("level_id, scope, expected", [
    ("territory", None, "Territoire"), ("region", None, "Région"), ("france", None, "France"),
    ("france", "fr", "France"), ("france", "fm", "France métropolitaine"),
    ("all_territories", None, "Ensemble des TI"), ("region", "fm", "Région"),  # scope: France only
    ("region_territories", None, "TI de la région"),
])
def test_label(level_id, scope, expected):
    assert levels.label(level_id, scope) == expected


def test_unknown_level_is_an_error():
    with pytest.raises(KeyError, match="choose among territory, region, france"):
        levels.label("departement")
    with pytest.raises(ValueError, match="unknown benchmark 'territory'"):
        levels.check_benchmark("territory")
    levels.check_benchmark("region_territories")


def test_a_statistician_edits_the_words_in_phrasing_toml(tmp_path):
    toml = config.PHRASING_PATH.read_text(encoding="utf-8").replace(
        'label = "Ensemble des TI"', 'label = "Tous les TI"')
    (tmp_path / "phrasing.toml").write_text(toml, encoding="utf-8")
    code = ("import json, sys; from pathlib import Path; from portraits.core import config; "
            "config.PHRASING_PATH = Path(sys.argv[1]); from portraits.core import levels; "
            "print(json.dumps([lv.label for lv in levels.LEVELS]))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "phrasing.toml")], check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert json.loads(out.stdout) == [lv.label.replace("Ensemble des TI", "Tous les TI") for lv in levels.LEVELS]
