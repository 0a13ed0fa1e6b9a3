"""The build report's change review of the rendered text: blocks of a portrait page by kind,
their diff, identical changes grouped across territories, French typography."""

from __future__ import annotations

from french import bad_typography

from portraits.build import text_changes

PAGE = """<!DOCTYPE html><html lang="fr"><head><style>body { color: red }</style></head><body>
<a class="skip-link" href="#c">Aller au contenu</a>
<header><h1>Territoire d’industrie — Test</h1><p class="subtitle">Région · 3 communes</p></header>
<main id="c">
<p>Le territoire compte 42 emplois. L’industrie y est <em>très</em> présente\u202f!</p>
<h2 id="e">L’essentiel</h2>
<div class="key-figures"><div class="key-figure"><p><span class="value">42</span> <span class="label">emplois</span></p></div></div>
<div class="source"><p>Source\u00a0: Insee.</p></div>
<figure><img src="data:image/svg+xml;base64,AAAA" alt=""><figcaption>Figure 1 : Emplois</figcaption></figure>
<table id="tbl"><caption>Tableau 1 : Comparaison</caption>
<thead><tr><th>Indicateur</th><th>Territoire</th></tr></thead>
<tbody><tr><td>Emplois</td><td>42</td></tr><tr><td>Établissements</td><td>n.d.</td></tr></tbody></table>
<ul><li>Population : habitants.</li></ul>
<section class="footnotes"><ol><li>Une note.</li></ol></section>
</main></body></html>"""


def test_blocks_cover_every_kind_in_reading_order():
    blocks = text_changes.extract_blocks(PAGE)
    pairs = [(b["kind"], b["text"]) for b in blocks if b["kind"] != "cellule"]
    assert pairs == [
        ("titre", "Territoire d’industrie — Test"),
        ("phrase", "Région · 3 communes"),
        ("phrase", "Le territoire compte 42 emplois."),
        ("phrase", "L’industrie y est très présente\u202f!"),
        ("titre", "L’essentiel"),
        ("chiffre clé", "42 emplois"),
        ("note", "Source\u00a0: Insee."),
        ("légende", "Figure 1 : Emplois"),
        ("légende", "Tableau 1 : Comparaison"),
        ("phrase", "Population : habitants."),
        ("note", "Une note."),
    ]
    cells = {b["key"]: b["text"] for b in blocks if b["kind"] == "cellule"}
    assert cells["tbl · Emplois · Territoire"] == "42"
    assert cells["tbl · Établissements · Territoire"] == "n.d."
    assert cells["tbl · en-tête · 2"] == "Territoire"
    assert "Aller au contenu" not in str(blocks) and "color" not in str(blocks)


def test_every_word_of_the_page_is_in_a_block():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(PAGE, "html.parser")
    for el in soup(["style", "script"]) + soup.select(".skip-link"):
        el.decompose()
    words = sorted(soup.body.get_text(" ").split())
    assert sorted(" ".join(b["text"] for b in text_changes.extract_blocks(PAGE)).split()) == words


def test_diff_pairs_changes_by_kind_and_cells_by_key():
    before = text_changes.extract_blocks(PAGE)
    after = text_changes.extract_blocks(PAGE.replace("L’essentiel", "En bref").replace("<td>42</td>", "<td>43</td>")
                              .replace("Une note.", "Une autre note."))
    diff = text_changes.diff_blocks(before, after)
    assert diff["available"] and diff["n"] == 3
    assert {"kind": "titre", "before": "L’essentiel", "after": "En bref"} in diff["changes"]
    assert {"kind": "cellule", "key": "tbl · Emplois · Territoire", "before": "42", "after": "43"} in diff["changes"]
    assert {"kind": "note", "before": "Une note.", "after": "Une autre note."} in diff["changes"]
    assert text_changes.diff_blocks(before, before)["n"] == 0
    assert text_changes.diff_blocks(None, before) == {"available": False, "changes": [], "n": 0}
    added = text_changes.diff_blocks(before, text_changes.extract_blocks(PAGE.replace("</main>", "<p>Nouvelle phrase.</p></main>")))
    assert added["changes"] == [{"kind": "phrase", "before": None, "after": "Nouvelle phrase."}]


def test_a_renamed_row_or_column_is_one_change_not_its_whole_row_or_column():
    before = text_changes.extract_blocks(PAGE)
    renamed = text_changes.diff_blocks(before, text_changes.extract_blocks(PAGE.replace("<td>Emplois</td>", "<td>Emplois totaux</td>")))
    assert renamed["changes"] == [{"kind": "cellule", "key": "tbl · Emplois totaux · Indicateur",
                                   "before": "Emplois", "after": "Emplois totaux"}]
    header = text_changes.diff_blocks(before, text_changes.extract_blocks(PAGE.replace("<th>Territoire</th>", "<th>Le territoire</th>")))
    assert header["changes"] == [{"kind": "cellule", "key": "tbl · en-tête · 2",
                                  "before": "Territoire", "after": "Le territoire"}]
    # A row added at the end: its cells are added, the others unchanged.
    more = text_changes.diff_blocks(before, text_changes.extract_blocks(PAGE.replace("</tbody>", "<tr><td>Actifs</td><td>7</td></tr></tbody>")))
    assert [(c["key"], c["before"], c["after"]) for c in more["changes"]] == [
        ("tbl · Actifs · Indicateur", None, "Actifs"), ("tbl · Actifs · Territoire", None, "7")]
    fewer = text_changes.diff_blocks(before, text_changes.extract_blocks(PAGE.replace("<tr><td>Établissements</td><td>n.d.</td></tr>", "")))
    assert [(c["key"], c["before"], c["after"]) for c in fewer["changes"]] == [
        ("tbl · Établissements · Indicateur", "Établissements", None), ("tbl · Établissements · Territoire", "n.d.", None)]


def test_identical_changes_across_territories_are_grouped_once():
    heading = {"kind": "titre", "before": "L’essentiel", "after": "En bref"}
    diffs = [("ti-0001", {"changes": [heading, {"kind": "phrase", "before": "a", "after": "b"}]}),
             ("ti-0002", {"changes": [dict(heading)]}),
             ("ti-0003", {"changes": []})]
    groups = text_changes.group_changes(diffs)
    assert [(g["kind"], g["n"], g["territories"]) for g in groups] == [
        ("titre", 2, ["ti-0001", "ti-0002"]), ("phrase", 1, ["ti-0001"])]
    assert groups[0]["line"] == "2 territoires\u202f: titre «\u202fL’essentiel\u202f» → «\u202fEn bref\u202f»"
    assert groups[1]["line"] == "ti-0001\u202f: phrase «\u202fa\u202f» → «\u202fb\u202f»"


def test_bad_typography_detector():
    assert bad_typography("Total : 3") and bad_typography("«titre\u202f»") and bad_typography("12 %")
    assert not bad_typography("Total\u202f: 3 «\u202ftitre\u202f» 12\u202f% à 10:20")


def test_the_same_edit_with_other_figures_is_one_group_with_its_territories_texts():
    # a threshold lowered in phrasing.toml: six territories' sentences gain "nettement", each
    # with its own figures
    def sentence(rate):
        return f"Le taux de chômage atteint {rate}\u202f% : il est {{}} à la moyenne nationale."
    diffs = [(f"ti-000{k}", {"changes": [{"kind": "phrase", "before": sentence(f"{k},{k}").format("supérieur"),
                                          "after": sentence(f"{k},{k}").format("nettement supérieur")}]})
             for k in range(1, 7)]
    diffs.append(("ti-0007", {"changes": [{"kind": "phrase", "before": "a", "after": "b"}]}))
    groups = text_changes.group_changes(diffs)
    assert [(g["n"], g["before"], g["after"]) for g in groups] == [
        (6, "… est supérieur …", "… est nettement supérieur …"), (1, "a", "b")]
    assert groups[0]["line"] == ("6 territoires\u202f: phrase «\u202f… est supérieur …\u202f» → "
                                 "«\u202f… est nettement supérieur …\u202f»")
    assert groups[0]["territories"] == [f"ti-000{k}" for k in range(1, 7)]
    # each territory's own sentence, one click away in the report
    change = diffs[2][1]["changes"][0]
    assert groups[0]["examples"][2] == {"territory": "ti-0003", "before": change["before"], "after": change["after"]}


def test_a_title_whose_subject_changed_is_flagged():
    before = "Une part des établissements industriels inférieure à la moyenne nationale"
    after = "Une part des établissements de 10\u00a0salariés ou plus nettement supérieure à la moyenne nationale"
    same_subject = {"kind": "titre", "before": before, "after": before.replace("inférieure", "nettement inférieure")}
    groups = text_changes.group_changes([("ti-1105", {"changes": [{"kind": "titre", "before": before, "after": after}]}),
                                         ("ti-8413", {"changes": [same_subject]})])
    [switched] = [g for g in groups if g["territories"] == ["ti-1105"]]
    [kept] = [g for g in groups if g["territories"] == ["ti-8413"]]
    assert switched["subject"] == {"before": "Une part des établissements industriels",
                                   "after": "Une part des établissements de 10 salariés ou plus"}
    assert switched["line"].endswith("(sujet du titre changé\u202f: «\u202fUne part des établissements industriels\u202f» → "
                                     "«\u202fUne part des établissements de 10 salariés ou plus\u202f»)")
    assert kept["subject"] is None and "sujet" not in kept["line"]


def test_added_sentences_with_other_figures_are_one_group_and_figure_updates_say_so():
    added = [(tid, {"changes": [{"kind": "phrase", "before": None, "after": f"Les cadres représentent {v}\u202f%."},
                                {"kind": "cellule", "key": "t · Emplois · Territoire", "before": f"{v}", "after": f"{v}1"}]})
             for tid, v in (("ti-0001", "12,1"), ("ti-0002", "9,8"))]
    [sentence, cell] = text_changes.group_changes(added)
    assert (sentence["n"], sentence["before"], sentence["after"]) == (2, None, "Les cadres représentent ‹n›\u202f%.")
    assert cell["figures_only"] and cell["n"] == 2 and "(chiffres seulement)" in cell["line"]
