"""French typography: the Python rules (catalogue, build report, data files) and the Lua filter
(portraits, both engines) give the same text."""

import subprocess

import pypandoc
import pytest

from portraits.render import builtin
from portraits.text.typo import NBSP, NNBSP, french

CASES = [
    ("France : +0,3 % · ensemble des TI : 12 %", f"France{NNBSP}: +0,3{NNBSP}% · ensemble des TI{NNBSP}: 12{NNBSP}%"),
    ("Sources: Insee ; Urssaf.", f"Sources{NNBSP}: Insee{NNBSP}; Urssaf."),
    ("zone); 2704 communes", f"zone){NNBSP}; 2704{NBSP}communes"),
    ("5 000 habitants et 60 %", f"5{NNBSP}000{NBSP}habitants et 60{NNBSP}%"),
    ("12,4% des emplois", f"12,4{NNBSP}% des emplois"),
    ("Pourquoi ? Voilà !", f"Pourquoi{NNBSP}? Voilà{NNBSP}!"),
    ("le territoire “Sources de lumière”", f"le territoire «{NNBSP}Sources de lumière{NNBSP}»"),
    ('le "Grand Ouest"', f"le «{NNBSP}Grand Ouest{NNBSP}»"),
    ("« Pour comprendre »", f"«{NNBSP}Pour comprendre{NNBSP}»"),
    ("entre 2013 et 2018", f"entre 2013{NBSP}et 2018"),  # a number is bound to the word after it
    ("voir http://a.b/c?d=1 à 10:30", f"voir http://a.b/c?d=1{NBSP}à 10:30"),
    # one colon rule: a no-break space before : (or ; ! ?) becomes the narrow one
    (f"Sources{NBSP}: Insee", f"Sources{NNBSP}: Insee"),
    (f"Figure{NBSP}1{NBSP}: Carte", f"Figure{NBSP}1{NNBSP}: Carte"),
    ("le Territoire d'industrie", "le Territoire d’industrie"),
    ("a augmenté de 0,4 % par an", f"a augmenté de 0,4{NNBSP}%{NBSP}par an"),
]
# chart labels: runs of spaces (the a38 chart's aligned labels) become one
CHART_CASES = [
    ("1,7  (4,1 % des emplois salariés)", f"1,7 (4,1{NNBSP}% des emplois salariés)"),
    (f"0{NNBSP}{NNBSP}%", f"0{NNBSP}%"),
    (f"entre 2014{NBSP} et", f"entre 2014{NBSP}et"),
]


@pytest.mark.parametrize("text, expected", CHART_CASES)
def test_runs_of_spaces_become_one(text, expected):
    assert french(text) == expected and french(expected) == expected


@pytest.mark.parametrize("text, expected", CASES)
def test_python_rules(text, expected):
    assert french(text) == expected
    assert french(expected) == expected  # idempotent


def test_lua_filter_gives_the_same_text():
    source = "\n\n".join(text for text, _ in CASES)
    proc = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown+smart", "-t", "plain", "--wrap=none",
                           "-L", str(builtin.HERE / "french_typography.lua")],
                          input=source, capture_output=True, text=True, check=True)
    paragraphs = [p for p in proc.stdout.split("\n\n") if p.strip()]
    assert [p.strip() for p in paragraphs] == [expected for _, expected in CASES]


def test_lua_filter_after_emphasis():
    proc = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "plain", "--wrap=none",
                           "-L", str(builtin.HERE / "french_typography.lua")],
                          input="**Secteurs (A38)** : la source", capture_output=True, text=True, check=True)
    assert f"(A38){NNBSP}: la source" in proc.stdout
