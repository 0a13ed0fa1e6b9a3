"""The build report's pieces: warnings by kind, grouped across territories; sentences compared."""

from __future__ import annotations

import pandas as pd

from portraits.build import report as rb


def test_table_warnings_name_the_indicators():
    # the flags of store.indicators: codes and booleans, not the data file's French headers
    table = pd.DataFrame({"label": ["Emplois", "Taux de pauvreté", "Revenu médian"],
                          "territory": [10.0, None, 21000.0],
                          "territory_approx": [False, True, True]})
    assert rb._table_warnings(table) == {"missing": ["Taux de pauvreté"],
                                         "approximate": ["Taux de pauvreté", "Revenu médian"]}
    assert rb._table_warnings(None) == {}


def test_normalize_warnings_orders_kinds_and_reads_older_lists():
    assert list(rb.normalize_warnings({"python": ["w"], "approximate": ["a"], "missing": ["m"]})) == [
        "missing", "approximate", "python"]
    assert rb.normalize_warnings({"missing": []}) == {}
    # manifests written before warnings had kinds hold a list of lines
    assert rb.normalize_warnings(["8 missing value(s): x"]) == {"other": ["8 missing value(s): x"]}
    assert rb.normalize_warnings(None) == {}


def test_warnings_summary_singular_and_plural():
    assert rb.warnings_summary({"missing": ["a"], "approximate": ["a", "b"]}) == (
        "1 valeur manquante, 2 valeurs approchées")
    assert rb.warnings_summary({}) == ""


def test_warnings_by_item_groups_territories_most_frequent_first():
    territories = [
        {"territory": "ti-1", "warnings": {"missing": ["Taux de pauvreté"], "approximate": ["Revenu"]}},
        {"territory": "ti-2", "warnings": {"missing": ["Taux de pauvreté", "Densité"]}},
        {"territory": "ti-3", "warnings": {}},
    ]
    rows = rb.warnings_by_item(territories)
    assert [(r["kind"], r["item"], r["territories"]) for r in rows] == [
        ("missing", "Taux de pauvreté", ["ti-1", "ti-2"]),
        ("missing", "Densité", ["ti-2"]),
        ("approximate", "Revenu", ["ti-1"]),
    ]
    assert rows[0]["n"] == 2 and rows[0]["kind_label"] == "valeur manquante"


def test_sentences_of_splits_paragraphs_lists_and_tables():
    text = ("La part s'établit à 34,6 %. Elle est supérieure.\n\n- un point\n\n"
            "| Indicateur | Territoire |\n|---|---|\n| Emplois | 10 |\n")
    assert rb.sentences_of(text) == ["La part s'établit à 34,6 %.", "Elle est supérieure.", "un point",
                                     "Indicateur | Territoire", "Emplois | 10"]
