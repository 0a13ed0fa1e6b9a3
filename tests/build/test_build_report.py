"""The build report's pieces: warnings by kind, grouped across territories; sentences compared;
and the report of real builds: what changed, in French."""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import stubs

from portraits.build import build_report


def test_table_warnings_name_the_indicators():
    # the flags of store.indicators: codes and booleans, not the data file's French headers
    table = pd.DataFrame({"label": ["Emplois", "Taux de pauvreté", "Revenu médian"],
                          "territory": [10.0, None, 21000.0],
                          "territory_approx": [False, True, True]})
    assert build_report._table_warnings(table) == {"missing": ["Taux de pauvreté"],
                                         "approximate": ["Taux de pauvreté", "Revenu médian"]}
    assert build_report._table_warnings(None) == {}


def test_normalize_warnings_orders_kinds_and_reads_older_lists():
    assert list(build_report.normalize_warnings({"python": ["w"], "approximate": ["a"], "missing": ["m"]})) == [
        "missing", "approximate", "python"]
    assert build_report.normalize_warnings({"missing": []}) == {}
    # manifests written before warnings had kinds hold a list of lines
    assert build_report.normalize_warnings(["8 missing value(s): x"]) == {"other": ["8 missing value(s): x"]}
    assert build_report.normalize_warnings(None) == {}


def test_warnings_summary_singular_and_plural():
    assert build_report.warnings_summary({"missing": ["a"], "approximate": ["a", "b"]}) == (
        "1 valeur manquante, 2 valeurs approchées")
    assert build_report.warnings_summary({}) == ""


def test_warnings_by_item_groups_territories_most_frequent_first():
    territories = [
        {"territory": "ti-1", "warnings": {"missing": ["Taux de pauvreté"], "approximate": ["Revenu"]}},
        {"territory": "ti-2", "warnings": {"missing": ["Taux de pauvreté", "Densité"]}},
        {"territory": "ti-3", "warnings": {}},
    ]
    rows = build_report.warnings_by_item(territories)
    assert [(r["kind"], r["item"], r["territories"]) for r in rows] == [
        ("missing", "Taux de pauvreté", ["ti-1", "ti-2"]),
        ("missing", "Densité", ["ti-2"]),
        ("approximate", "Revenu", ["ti-1"]),
    ]
    assert rows[0]["n"] == 2 and rows[0]["kind_label"] == "valeur manquante"


def test_sentences_of_splits_paragraphs_lists_and_tables():
    text = ("La part s'établit à 34,6 %. Elle est supérieure.\n\n- un point\n\n"
            "| Indicateur | Territoire |\n|---|---|\n| Emplois | 10 |\n")
    assert build_report.sentences_of(text) == ["La part s'établit à 34,6 %.", "Elle est supérieure.", "un point",
                                     "Indicateur | Territoire", "Emplois | 10"]


# ----------------------------------------------------------------------------------------------
# The report of real builds (on the test stubs)

def test_report_shows_value_and_sentence_changes(env):
    env.build()
    stubs.write_territory(env.data, "ti-0001", 42)
    env.build()
    report = json.loads((env.out / "build-report.json").read_text())
    [t] = [t for t in report["territories"] if t["territory"] == "ti-0001"]
    assert t["status"] == "built" and t["reasons"] == ["data"]
    assert t["changes"]["values_changed"] == [
        {"row": "Emplois", "column": "Territoire", "before": 10.0, "after": 42.0}]
    assert t["changes"]["sentences_added"] == ["Le territoire ti-0001 compte 42 emplois."]
    assert t["changes"]["sentences_removed"] == ["Le territoire ti-0001 compte 10 emplois."]
    assert t["warnings"] == {"missing": ["Établissements"], "approximate": ["Établissements"]}
    assert t["warnings_summary"] == "1 valeur manquante, 1 valeur approchée"
    assert {"kind": "missing", "kind_label": "valeur manquante", "item": "Établissements", "n": len(stubs.IDS),
            "territories": stubs.IDS} in report["warnings_by_item"]
    assert report["summary"]["territories_with_changes"] == 1
    html = (env.out / "build-report.html").read_text()
    assert "<ins>Le territoire ti-0001 compte 42 emplois.</ins>" in html


def test_report_after_noop_keeps_last_durations_and_groups_warnings(env):
    env.build()
    first = {t["territory"]: t for t in json.loads((env.out / "build-report.json").read_text())["territories"]}
    env.build()
    report = json.loads((env.out / "build-report.json").read_text())
    assert report["counts"]["up_to_date"] == len(stubs.IDS) and report["summary"]["territory_seconds"] == 0
    for t in report["territories"]:
        assert t["status"] == "up to date"
        assert t["durations"] == first[t["territory"]]["durations"] and t["durations"]["total"] > 0
        assert t["last_built"] == first[t["territory"]]["last_built"] is not None
    # one row per warning, not one per territory
    assert [(w["kind"], w["item"], w["n"]) for w in report["warnings_by_item"]] == [
        ("missing", "Établissements", 3), ("approximate", "Établissements", 3)]
    html = (env.out / "build-report.html").read_text()
    # the two grouped rows, then each territory's details
    assert html.count("Établissements") == 2 + 2 * len(stubs.IDS)
    assert html.index("valeur manquante\u202f: Établissements") < html.index("valeur approchée\u202f: Établissements")


def test_report_groups_a_heading_edit_across_territories_in_french(env):
    from bs4 import BeautifulSoup
    from french import bad_typography

    ids = ["ti-0001", "ti-0002"]
    assert env.build(ids=ids, formats=["html"], engine="builtin").ok
    nb = nbformat.read(env.template, as_version=4)
    assert nb.cells[0].source == "# Portrait test"
    nb.cells[0].source = "# Portrait essai"
    nbformat.write(nb, env.template)
    result = env.build(ids=ids, formats=["html"], engine="builtin")
    assert sorted(result.built) == ids
    report = json.loads((env.out / "build-report.json").read_text())
    [group] = report["text_changes_grouped"]
    assert (group["kind"], group["before"], group["after"], group["n"], group["territories"]) == (
        "titre", "Portrait test", "Portrait essai", 2, ids)
    assert group["line"] == "2 territoires\u202f: titre «\u202fPortrait test\u202f» → «\u202fPortrait essai\u202f»"
    assert report["summary"]["text_changes"] == 2 and report["summary"]["territories_with_changes"] == 2
    for t in report["territories"]:
        assert t["changes"]["text"]["changes"] == [{"kind": "titre", "before": "Portrait test",
                                                    "after": "Portrait essai"}]
    assert (env.out / ".build" / "text" / "ti-0001.json").is_file()

    soup = BeautifulSoup((env.out / "build-report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "fr"
    # Shown once, the territories one click away.
    [item] = soup.select("ul.groups > li")
    summary = re.sub(r"[ \n]+", " ", item.find("details").find("summary").get_text()).strip()  # keeps U+202F
    assert summary.startswith("2 territoires\u202f:") and "Portrait test" in summary and "Portrait essai" in summary
    assert item.find("details").find("p").get_text() == "ti-0001, ti-0002"
    text = soup.get_text()
    assert "Rapport de construction" in text and "Ce qui a changé dans le texte des portraits" in text
    assert not re.search(r"\b(Build report|built|up to date|failed|territories|Warnings)\b", text), text
    assert not bad_typography(text), bad_typography(text)



def test_a_text_change_is_counted_once_when_the_page_is_rendered(env):
    ids = ["ti-0001"]
    assert env.build(ids=ids, formats=["html"], engine="builtin").ok
    stubs.write_territory(env.data, "ti-0001", 42)
    assert env.build(ids=ids, formats=["html"], engine="builtin").ok
    report = json.loads((env.out / "build-report.json").read_text())
    [t] = [t for t in report["territories"] if t["territory"] == "ti-0001"]
    changes = t["changes"]
    # the rendered page's text is compared; the notebook's Markdown sentences are not, a second time
    assert [c["kind"] for c in changes["text"]["changes"]] == ["cellule", "phrase"]
    assert changes["n_sentences_added"] == changes["n_sentences_removed"] == 0
    assert changes["n_changes"] == changes["n_values_changed"] + changes["text"]["n"] == 3
    assert report["summary"]["sentences_added"] == 0 and report["summary"]["text_changes"] == 2


def test_report_shows_an_edit_once_by_its_shape_with_each_territory_one_click_away(tmp_path):
    from bs4 import BeautifulSoup
    from french import bad_typography

    from portraits.build.results import BuildResult

    ids = ["ti-0001", "ti-0002", "ti-1105"]
    title = "Une part des établissements industriels inférieure à la moyenne nationale"
    texts = {tid: {"available": True, "n": 1, "changes": [
        {"kind": "phrase", "before": f"Il atteint {k},5\u202f%\u202f: il est supérieur à la moyenne.",
         "after": f"Il atteint {k},5\u202f%\u202f: il est nettement supérieur à la moyenne."}]} for k, tid in enumerate(ids)}
    texts["ti-1105"]["changes"].append({"kind": "titre", "before": title, "after": (
        "Une part des établissements de 10\u00a0salariés ou plus nettement supérieure à la moyenne nationale")})
    outcomes = {tid: {"status": "ok", "changes": {"n_changes": len(texts[tid]["changes"]), "text": texts[tid]}}
                for tid in ids}
    html_path = build_report.write_report(tmp_path, tids=ids, plan={tid: {"reasons": ["package"]} for tid in ids},
                                manifest={"territories": {}}, outcomes=outcomes,
                                result=BuildResult(ok=True, built=ids, wall_s=1.0), previous_build={},
                                context={"jobs": 1, "engine": "builtin", "formats": ["html"]})
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    [sentence, heading] = soup.select("ul.groups > li")
    def flat(el):
        return re.sub(r"[ \n]+", " ", el.get_text()).strip()  # keeps U+202F

    summary = flat(sentence.find("summary"))
    assert summary == "3 territoires\u202f: phrase «\u202f… est supérieur …\u202f» → «\u202f… est nettement supérieur …\u202f»"
    # each territory: a link to its own details, and its own sentence
    assert [a["href"] for a in sentence.select("p.who a")] == ["#t-ti-0001", "#t-ti-0002", "#t-ti-1105"]
    assert all(soup.find("details", id=f"t-{tid}") is not None for tid in ids)
    assert "Il atteint 1,5\u202f%\u202f: il est nettement supérieur à la moyenne." in sentence.select("ul.examples li")[1].get_text()
    # the placeholder of a figure is marked; the changed subject of a title is flagged
    assert heading.select_one("span.ph").get_text() == "‹n›"
    assert flat(heading.select_one("span.flag")) == (
        "sujet du titre changé\u202f: «\u202fUne part des établissements industriels\u202f» → "
        "«\u202fUne part des établissements de 10\u00a0salariés ou plus\u202f»")  # French typography
    assert not bad_typography(soup.select_one("ul.groups").get_text())
