"""The notes' French (portraits.text.notes and notes.toml): every code of portraits.data.note_codes has
its template, and each reads exactly as the sentence the data layer used to write (the expected
texts below are those sentences, copied from portraits/data/processing.py before the codes)."""

from __future__ import annotations

import json

import pytest

from portraits.data import note_codes
from portraits.text import notes

# the years of both bases of the Flores notes, as the data layer writes them in note_args
_YEARS = {"census_year": "2022", "flores_year": "2023"}
# code -> (args, today's sentence)
EXPECTED = {
    "metro_only": ({}, "Non disponible outre-mer : la source (indicateurs Insee par IRIS ou par EPCI) "
                       "ne couvre que la France métropolitaine."),
    "mayotte_census_2021": ({}, "Non disponible à Mayotte : le recensement n'y est pas annuel et le comparateur "
                                "ne publie pas de chiffres 2021 pour ses communes."),
    "mayotte_census_2018": ({}, "Non disponible à Mayotte : le comparateur 2022 ne publie pas de chiffres "
                                "2018 pour ses communes."),
    "mayotte_urssaf": ({}, "Non disponible à Mayotte : la série URSSAF ne couvre pas ce département."),
    "filosofi_overseas": ({"year": "2021"}, "Non diffusé : Filosofi 2021 ne publie pas de médiane pour les communes de ce "
                              "département (Guadeloupe, Guyane, Mayotte)."),
    "secret": ({}, "Non diffusé : secret statistique (communes trop petites)."),
    "not_in_source": ({}, "Non disponible dans la source pour ce territoire."),
    "mayotte_sectors": ({}, "Non disponible à Mayotte : les parts par secteur du recensement n'existent que "
                            "pour la France métropolitaine et le fichier Flores par zone d'emploi n'a pas de "
                            "zone à Mayotte."),
    "secret_communes": ({"n_missing": 7, "n_communes": 145},
                        "Médiane non diffusée (secret statistique) pour 7 communes sur 145, exclues du calcul."),
    "partial_members": ({"ept": 0, "own": 0, "whole_epci": 11, "epci": ["CC Haute-Corrèze Communauté"]},
                        "Membres hors EPCI entiers : 11 communes avec la valeur de leur EPCI entier "
                        "(CC Haute-Corrèze Communauté), faute de donnée communale."),
    "two_regions": ({}, "Territoire sur deux régions : la région de référence est celle de son identifiant."),
    "france_metro": ({}, "France métropolitaine (la source ne couvre pas l'outre-mer)."),
    "all_territories_metro": ({"n_territories": 173}, "Les 173 territoires de France métropolitaine (la source "
                                                      "ne couvre pas l'outre-mer)."),
    "all_territories_with_overseas": ({"n_territories": 177, "n_overseas": 4}, "Les 177 territoires dont la "
                                      "médiane est publiée, dont 4 d'outre-mer (Martinique, La Réunion), alors "
                                      "que la valeur de la France est celle de la France métropolitaine."),
    "france_without_mayotte": ({}, "France métropolitaine et départements d'outre-mer, hors Mayotte."),
    "france_urssaf": ({}, "France entière publiée par l'URSSAF (hors Mayotte)."),
    "flores_overseas": (_YEARS, "Outre-mer : part dans l'emploi salarié (Flores 2023) estimée par zones d'emploi, faute "
                                 "de recensement par secteur ; non comparable à la France ni à l'ensemble des Territoires "
                                 "d'industrie (tous emplois, recensement 2022), donc non classée."),
    "flores_overseas_sectors": (_YEARS, "Outre-mer : répartition de l'emploi salarié (Flores 2023), estimée à partir "
                                         "des zones d'emploi, faute de données du recensement par secteur ; non comparable "
                                         "à la France ni à l'ensemble des Territoires d'industrie (tous emplois, "
                                         "recensement 2022)."),
    "flores_region": (_YEARS, "Même base que le territoire : emploi salarié Flores 2023 des zones d'emploi de la "
                               "région, au prorata de leur population qui réside dans la région."),
    "flores_region_territories": (_YEARS, "Même base que le territoire : emploi salarié Flores 2023 des zones "
                                           "d'emploi de la région, au prorata de leur population qui réside dans "
                                           "les Territoires d'industrie de la région."),
    "flores_france": (_YEARS, "France métropolitaine, recensement 2022 (tous emplois) : pas la même base que la valeur "
                               "de ce territoire d'outre-mer (emploi salarié Flores 2023), non comparable."),
    "flores_all_territories": ({"n_territories": 173, **_YEARS},
                               "Les 173 territoires de France métropolitaine, recensement 2022 (tous emplois) : "
                               "pas la même base que la valeur de ce territoire d'outre-mer (emploi salarié "
                               "Flores 2023), non comparable."),
    "a38_ze_population": ({"flores_year": "2023"}, "Emplois salariés Flores 2023 des zones d'emploi 2020 ventilés au prorata de la "
                              "part de la population de chaque zone (RP 2021) qui réside dans le territoire ; "
                              "communes rattachées aux zones par la table d'appartenance Insee 2022."),
}


def test_every_code_has_its_template_and_no_more():
    assert set(note_codes.CODES) | {note_codes.A38_METHOD, "a38_zones"} == set(notes.templates())
    assert set(EXPECTED) == set(note_codes.CODES) | {note_codes.A38_METHOD}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_code_reads_as_before(code):
    args, text = EXPECTED[code]
    assert notes.note_text(code, args) == text
    # as stored: the JSON of note_args ("" when the note has no parameters)
    assert notes.note_text(code, note_codes.args_json(**args) if args else "") == text


@pytest.mark.parametrize("n_missing, text", [
    (1, "Médiane non diffusée (secret statistique) pour 1 commune sur 41, exclue du calcul."),
    (3, "Médiane non diffusée (secret statistique) pour 3 communes sur 41, exclues du calcul."),
])
def test_secret_communes_agree_in_number(n_missing, text):
    assert notes.note_text("secret_communes", {"n_missing": n_missing, "n_communes": 41}) == text


@pytest.mark.parametrize("args, text", [
    ({"ept": 24, "own": 0, "whole_epci": 0, "epci": []},
     "Membres hors EPCI entiers : 24 communes d'EPT comptées avec la valeur de leur EPT."),
    ({"ept": 1, "own": 1, "whole_epci": 1, "epci": ["CC Bazois Loire Morvan"]},
     "Membres hors EPCI entiers : 1 commune d'EPT comptée avec la valeur de leur EPT ; 1 commune de 5 000 "
     "habitants ou plus avec leur propre valeur ; 1 commune avec la valeur de leur EPCI entier "
     "(CC Bazois Loire Morvan), faute de donnée communale."),
    ({"ept": 0, "own": 2, "whole_epci": 4, "epci": ["CC A", "CC B"]},
     "Membres hors EPCI entiers : 2 communes de 5 000 habitants ou plus avec leur propre valeur ; 4 communes "
     "avec la valeur de leur EPCI entier (CC A, CC B), faute de donnée communale."),
])
def test_partial_members_lists_only_what_applies(args, text):
    assert notes.note_text("partial_members", args) == text


def test_zones_of_the_a38_sectors():
    zones = [{"code": "8425", "name": "Oyonnax", "pct_of_territory": 93.4, "pct_of_zone": 45.5},
             {"code": "8401", "name": "Ambérieu-en-Bugey", "pct_of_territory": 6.6, "pct_of_zone": 2.49}]
    assert notes.zones_text(json.dumps(zones)) == (
        "8425 Oyonnax (93 % de la population du territoire, 46 % de celle de la zone); "
        "8401 Ambérieu-en-Bugey (7 % de la population du territoire, 2 % de celle de la zone)")
    assert notes.zones_text("") == ""


def test_no_note_and_missing_parameters():
    assert notes.note_text("") == "" and notes.note_text(None, None) == ""
    assert notes.row_note({"note_code": "two_regions", "note_args": ""}) == EXPECTED["two_regions"][1]
    assert notes.row_note({"france_note_code": "france_metro", "france_note_args": ""}, "france") == \
        EXPECTED["france_metro"][1]
    with pytest.raises(KeyError):
        notes.note_text("no_such_code")
    with pytest.raises(Exception, match="n_communes"):   # a parameter missing fails, never prints nothing
        notes.note_text("secret_communes", {"n_missing": 2})
