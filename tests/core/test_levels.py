"""The benchmark levels' registry: one order, one id each, words read from phrasing.toml, and
France's two scopes."""

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


def test_the_four_levels_in_their_order():
    assert [lv.id for lv in levels.LEVELS] == ["territory", "region", "france", "all_territories"]


def test_each_level_has_its_own_colour():
    colours = [lv.colour for lv in levels.LEVELS]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)


def test_words_come_from_phrasing_toml():
    words = config.phrasing_rules()["levels"]
    for lv in levels.LEVELS:
        w = words[lv.id]
        assert (lv.label, lv.where, lv.average, lv.level) == (
            w["label"], w.get("where", ""), w.get("average", ""), w.get("level", ""))
    assert levels.REGION.where == ""  # built from the region's name by the sentences


def test_france_has_two_scopes():
    assert levels.france(None) is levels.FRANCE and levels.france("fr") is levels.FRANCE
    assert levels.france(levels.METRO_SCOPE) is levels.FRANCE_METRO
    metro = levels.FRANCE_METRO
    assert (metro.label, metro.where) == ("France métropolitaine", "en France métropolitaine")


@pytest.mark.parametrize("level_id, scope, expected", [
    ("territory", None, "Territoire"), ("region", None, "Région"), ("france", None, "France"),
    ("france", "fr", "France"), ("france", "fm", "France métropolitaine"),
    ("all_territories", None, "Ensemble des TI"), ("region", "fm", "Région"),  # scope: France only
])
def test_label(level_id, scope, expected):
    assert levels.label(level_id, scope) == expected


def test_unknown_level_is_an_error():
    with pytest.raises(KeyError):
        levels.label("departement")


def test_a_statistician_edits_the_words_in_phrasing_toml(tmp_path):
    toml = config.PHRASING_PATH.read_text(encoding="utf-8").replace(
        'label = "Ensemble des TI"', 'label = "Tous les TI"')
    (tmp_path / "phrasing.toml").write_text(toml, encoding="utf-8")
    code = ("import json, sys; from pathlib import Path; from portraits.core import config; "
            "config.PHRASING_PATH = Path(sys.argv[1]); from portraits.core import levels; "
            "print(json.dumps([lv.label for lv in levels.LEVELS]))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "phrasing.toml")], check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert json.loads(out.stdout) == ["Territoire", "Région", "France", "Tous les TI"]
