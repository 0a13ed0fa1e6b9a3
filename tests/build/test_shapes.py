"""The shape of an edit: figures in French format as placeholders, one word of context; a title's
subject from the indicator catalogue."""

from __future__ import annotations

from portraits.build import shapes

NN, NB = "\u202f", "\u00a0"


def test_numbers_in_french_format_are_single_tokens():
    text = f"722{NN}579 habitants, +0,4{NN}% par an entre 2015{NB}et 2021, −9{NN}%, 12e rang, 2023-2027, ti-1105"
    numbers = [t.text for t in shapes.tokens(text) if t.number]
    assert numbers == [f"722{NN}579", "+0,4", "2015", "2021", "−9", "12", "2023", "2027", "1105"]
    assert shapes.placeholders(f"contre 14,7{NN}% en 2022") == f"contre ‹n›{NN}% en ‹n›"


def test_the_same_edit_with_other_figures_has_one_shape():
    def sentence(rate, words):
        return f"Le taux de chômage atteint {rate}{NN}% : il est {words} à la moyenne nationale (+1,2 point)."
    a = shapes.edit(sentence("8,1", "supérieur"), sentence("8,1", "nettement supérieur"))
    b = shapes.edit(sentence("12,4", "supérieur"), sentence("12,4", "nettement supérieur"))
    assert a == b == {"before": "… est supérieur …", "after": "… est nettement supérieur …", "figures_only": False}


def test_a_figures_only_change_and_a_whole_block():
    cut = shapes.edit(f"Le territoire compte 722{NN}579 habitants en 2021.", f"Le territoire compte 722{NN}580 habitants en 2021.")
    assert cut == {"before": "… compte ‹n› habitants …", "after": "… compte ‹n› habitants …", "figures_only": True}
    assert shapes.edit("L’essentiel", "En bref") == {"before": "L’essentiel", "after": "En bref", "figures_only": False}


def test_a_title_subject_comes_from_the_catalogue():
    # ti-1105, a threshold lowered: the title's lead figure switched
    before = "Une part des établissements industriels inférieure à la moyenne nationale"
    after = f"Une part des établissements de 10{NB}salariés ou plus nettement supérieure à la moyenne nationale"
    assert shapes.title_subject(before) == "Une part des établissements industriels"
    assert shapes.title_subject(after) == "Une part des établissements de 10 salariés ou plus"
    assert shapes.subject_change("titre", before, after) == {
        "before": "Une part des établissements industriels", "after": "Une part des établissements de 10 salariés ou plus"}
    # typographic apostrophe; a trend title; a neutral heading; a mere change of words
    assert shapes.title_subject("Une part de l’industrie dans l’emploi nettement inférieure") == \
        "Une part de l'industrie dans l'emploi"
    assert shapes.title_subject("Une population en légère baisse entre 2015 et 2021") == "Une population"
    assert shapes.title_subject("Tissu productif") is None
    assert shapes.subject_change("titre", before, "Tissu productif") == {
        "before": "Une part des établissements industriels", "after": None}
    assert shapes.subject_change("titre", before, before.replace("inférieure", "nettement inférieure")) is None
    assert shapes.subject_change("phrase", before, after) is None
