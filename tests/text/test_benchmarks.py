import pytest

from portraits.text import benchmarks


@pytest.mark.parametrize("label, code, words", [
    ("Normandie", "28", "en Normandie"),
    (None, "32", "dans les Hauts-de-France"),
    (None, "4", "à La Réunion"),               # codes are zero-padded
    ("Grand Est", None, "dans le Grand Est"),  # the name is enough
    ("Atlantide", "99", "dans la région"),
])
def test_region_in_has_the_right_preposition_and_article(label, code, words):
    assert benchmarks.region_in(label, code) == words


def test_benchmark_words_follow_what_france_covers():
    words = benchmarks.benchmarks("Normandie", "28")
    assert list(words) == ["region", "france", "all_territories"]
    assert words["region"].where == "en Normandie" and words["france"].where == "en France"
    metro = benchmarks.benchmarks(france_scope="fm")["france"]
    assert metro.where == "en France métropolitaine" and metro.key == "france"
