"""French descriptions of a territory, written on the presentation side from structured data."""

import pytest

from portraits.text import describe  # the processed data: `make test` prepares them
from portraits.data import store


def test_composition():
    c = describe.composition(store.territory("ti-8413"))
    assert str(c).startswith("1 intercommunalité (") and str(c).endswith("42 communes")
    assert c.sentence().startswith("42 communes : 1 intercommunalité (")


def test_composition_names_ept_and_single_communes():
    # ti-1101 is one établissement public territorial of Greater Paris, not an EPCI.
    assert str(describe.composition(store.territory("ti-1101"))).startswith(
        "1 établissement public territorial (Boucle Nord de Seine)")
    # ti-7506: 9 EPCI + the 11 Creuse communes of CC Haute-Corrèze Communauté taken one by one.
    c = str(describe.composition(store.territory("ti-7506")))
    assert c.startswith("9 intercommunalités (") and "11 communes isolées (" in c


@pytest.mark.parametrize("name, expected", [
    ("CC Bazois Loire Morvan", "de la CC Bazois Loire Morvan"),
    ("Métropole du Grand Paris", "de la Métropole du Grand Paris"),
    ("Nantes Métropole", "de Nantes Métropole"),
    ("Est Ensemble", "d'Est Ensemble"),
])
def test_articles_before_intercommunalities(name, expected):
    assert describe.of_epci(name) == expected


def test_perimeter_with_articles_and_no_stutter():
    text = describe.perimeter(store.territory("ti-7506"))
    assert text.startswith("Seule une partie des communes de la CC Haute-Corrèze Communauté fait partie")
    assert text.endswith("fait partie du territoire : 11 communes prises isolément.") and "Périmètre" not in text
    # each kind of member says how it is taken (ti-1105: one EPT of the Métropole du Grand Paris)
    assert describe.perimeter(store.territory("ti-1105")) == (
        "Seule une partie des communes de la Métropole du Grand Paris fait partie du territoire : "
        "celles de l'établissement public territorial Grand-Orly Seine Bièvre.")
    assert describe.perimeter(store.territory("ti-8413")) == ""
