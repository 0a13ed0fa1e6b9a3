"""The notes' French (portraits.text.notes and notes.toml): every code of portraits.data.note_codes
has its template, each renders with the parameters the data layer stores, and the rules of the
templates hold (agreement in number, only the clauses that apply). The words themselves are read
from notes.toml, never copied here: rewording a note is a one-file change."""

from __future__ import annotations

import json
import tomllib

import jinja2
import jinja2.meta
import pytest

from portraits.data import note_codes
from portraits.text import notes

SOURCE = tomllib.loads(notes.NOTES_PATH.read_text(encoding="utf-8"))
_YEARS = {"census_year": "2022", "flores_year": "2023"}
# code -> the parameters the data layer writes in note_args (portraits.data.note_codes)
ARGS = {
    "filosofi_overseas": {"year": "2021"},
    "secret_communes": {"n_missing": 7, "n_communes": 145},
    "partial_members": {"ept": 0, "own": 0, "whole_epci": 11, "epci": ["CC Haute-Corrèze Communauté"]},
    "all_territories_metro": {"n_territories": 173},
    "all_territories_with_overseas": {"n_territories": 177, "n_overseas": 4},
    "flores_overseas": _YEARS, "flores_overseas_sectors": _YEARS,
    **{code: _YEARS for code in note_codes.FLORES_SAME_BASIS.values()},  # one per same-basis level
    "flores_france": _YEARS, "flores_all_territories": {"n_territories": 173, **_YEARS},
    "a38_ze_population": {"flores_year": "2023"},
}
STORED = sorted(note_codes.CODES | {note_codes.A38_METHOD})


def _parameters(code: str) -> set[str]:
    """The names a template of notes.toml uses (Jinja's own analysis of the source)."""
    env = jinja2.Environment()
    env.filters["plural"] = notes.plural
    return jinja2.meta.find_undeclared_variables(env.parse(SOURCE[code])) - {"joiner"}


def test_every_code_has_its_template_and_no_more():
    assert set(note_codes.CODES) | {note_codes.A38_METHOD, "a38_zones"} == set(notes.templates())


@pytest.mark.parametrize("code", STORED)
def test_each_code_takes_the_parameters_the_data_layer_stores(code):
    # a template may leave a stored parameter unused (flores_region names one year of two)
    assert _parameters(code) <= set(ARGS.get(code, {}))


@pytest.mark.parametrize("code", STORED)
def test_each_code_renders_its_toml_text(code):
    args = ARGS.get(code, {})
    text = notes.note_text(code, args)
    if not args:        # no parameter: the sentence of notes.toml, unchanged
        assert text == SOURCE[code]
    assert text and "{" not in text and "}" not in text and text == text.strip()
    for name in _parameters(code):     # every parameter it uses is printed
        value = args[name]
        for v in value if isinstance(value, list) else [value]:
            if v:
                assert str(v) in text
    # as stored: the JSON of note_args ("" when the note has no parameters)
    assert notes.note_text(code, note_codes.args_json(**args) if args else "") == text


@pytest.mark.parametrize("n, one, many", [(0, "commune", "communes"), (1, "commune", "communes"),
                                          (2, "communes", "commune"), (7, "communes", "commune")])
def test_plural_is_french(n, one, many):
    assert notes.plural(n, "commune", "communes") == one
    assert notes.plural(n, "commune", "communes") != many


@pytest.mark.parametrize("n_missing", [1, 3])
def test_secret_communes_agree_in_number(n_missing):
    text = notes.note_text("secret_communes", {"n_missing": n_missing, "n_communes": 41})
    word = notes.plural(n_missing, "commune", "communes")
    assert f" {n_missing} {word} " in text and " 41" in text
    if n_missing > 1:   # the participle agrees too: the singular text is not the plural one
        singular = notes.note_text("secret_communes", {"n_missing": 1, "n_communes": 41})
        assert singular.replace(" 1 commune ", f" {n_missing} communes ") != text


@pytest.mark.parametrize("args, clauses", [
    ({"ept": 24, "own": 0, "whole_epci": 0, "epci": []}, 1),
    ({"ept": 1, "own": 1, "whole_epci": 1, "epci": ["CC Bazois Loire Morvan"]}, 3),
    ({"ept": 0, "own": 2, "whole_epci": 4, "epci": ["CC A", "CC B"]}, 2),
])
def test_partial_members_lists_only_what_applies(args, clauses):
    text = notes.note_text("partial_members", args)
    assert text.count(" ; ") == clauses - 1
    for key in ("ept", "own", "whole_epci"):
        n = args[key]
        if n:
            assert f"{n} {notes.plural(n, 'commune', 'communes')}" in text
    assert all(name in text for name in args["epci"])
    assert ("EPCI entier (" in text) == bool(args["whole_epci"])


def test_zones_of_the_a38_sectors():
    zones = [{"code": "8425", "name": "Oyonnax", "pct_of_territory": 93.4, "pct_of_zone": 45.5},
             {"code": "8401", "name": "Ambérieu-en-Bugey", "pct_of_territory": 6.6, "pct_of_zone": 2.49}]
    text = notes.zones_text(json.dumps(zones))
    # one entry per zone, in order, with its shares rounded to whole percents
    first, second = text.split("; ")
    assert first.startswith("8425 Oyonnax") and "93 %" in first and "46 %" in first
    assert second.startswith("8401 Ambérieu-en-Bugey") and "7 %" in second and "2 %" in second
    assert notes.zones_text("") == ""


def test_no_note_and_missing_parameters():
    assert notes.note_text("") == "" and notes.note_text(None, None) == ""
    assert notes.row_note({"note_code": "two_regions", "note_args": ""}) == SOURCE["two_regions"]
    assert notes.row_note({"france_note_code": "france_metro", "france_note_args": ""}, "france") == \
        SOURCE["france_metro"]
    with pytest.raises(KeyError):
        notes.note_text("no_such_code")
    with pytest.raises(Exception, match="n_communes"):   # a parameter missing fails, never prints nothing
        notes.note_text("secret_communes", {"n_missing": 2})
