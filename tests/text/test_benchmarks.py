import pytest

from portraits.core import levels
from portraits.text import benchmarks


@pytest.mark.parametrize("code, words", [
    ("28", "en Normandie"),
    ("32", "dans les Hauts-de-France"),
    ("4", "à La Réunion"),               # codes are zero-padded
    ("44", "dans le Grand Est"),
    (None, "dans la région"),
    ("99", "dans la région"),
])
def test_region_in_has_the_right_preposition_and_article(code, words):
    assert benchmarks.region_in(code) == words


def test_every_region_has_its_words():
    assert benchmarks.REGION_IN["06"] == "à Mayotte" and benchmarks.REGION_IN["52"] == "dans les Pays de la Loire"
    assert benchmarks.REGION_IN["93"] == "en Provence-Alpes-Côte d'Azur" and len(benchmarks.REGION_IN) == 18


def test_benchmark_words_follow_what_france_covers():
    words = benchmarks.benchmarks("28")
    assert list(words) == list(levels.BENCHMARKS) and list(words)[:3] == ["region", "france", "all_territories"]
    assert words["region"].where == "en Normandie" and words["france"].where == "en France"
    assert words["region"].short == "Normandie" and words["region"].average == "la moyenne régionale"
    metro = benchmarks.benchmarks(france_scope="fm")["france"]
    assert metro.where == "en France métropolitaine" and metro.id == "france"


def test_the_region_territories_words_name_no_region():
    pooled = benchmarks.benchmarks("84")["region_territories"]
    assert (pooled.label, pooled.where) == ("TI de la région", "dans les Territoires d'industrie de la région")
    assert pooled.average == "la moyenne des Territoires d'industrie de la région"
