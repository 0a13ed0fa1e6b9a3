"""The evidence rows (portraits.text.evidence): one format for every block, each row saying which
words of the page it decided."""

import pytest

from portraits.text import evidence, phrasing
from portraits.template import inline
from portraits.text.benchmarks import benchmarks

ROW = dict(indicator_id="median_income", label="Niveau de vie médian", unit="€", year="2021",
           territory=22739.4, region=24120.2, france=23080.0, all_territories=22500.0, status=None,
           rank=40, n_ranked=181, territory_approx=True, region_approx=True, france_approx=False,
           all_territories_approx=True, comparable=True, source="Insee, Filosofi 2021", france_scope="fm")


def test_an_indicator_row_carries_both_approximation_flags_and_its_place():
    row = evidence.indicator_row(ROW, place="key_figure", words="≈ 22 739 €", benchmark="france")
    assert set(row) == set(evidence.COLUMNS)
    assert row["place"] == "key_figure" and row["approx"] == "oui" and row["bench_approx"] == "non"
    assert row["benchmark"] == "France métropolitaine" and row["bench_raw"] == "23080" and row["rank"] == "40/181"
    with pytest.raises(ValueError, match="unknown evidence place"):
        evidence.indicator_row(ROW, place="footnote")


def test_nothing_is_recorded_outside_a_recording_and_the_table_names_places_in_french():
    evidence.record({"words": "x"})  # no recording: ignored
    with evidence.recording() as rows:
        evidence.record(evidence.indicator_row(ROW, place="table_cell", words="≈ 24 120 €", benchmark="region"))
        evidence.record(evidence.indicator_row(ROW, place="table_cell", words="≈ 24 120 €", benchmark="region"))
    table = evidence.table(rows)
    assert len(table) == 1 and table.iloc[0]["Place"] == "cellule"
    data, meta = evidence.bundle(rows, "preuve-tableau")
    assert evidence.from_output(data) == rows and evidence.from_output({"text/html": ""}) == []
    assert 'id="preuve-tableau"' in data["text/html"] and meta["portraits"] == {"role": "evidence",
                                                                               "anchor": "preuve-tableau"}


def test_inline_rows_say_whether_they_decided_a_title_or_a_sentence():
    income = phrasing.Indicator(dict(ROW), benchmarks("84"))
    text, rows = inline.evaluate('## `{python} x.title("france", otherwise="Revenus")`\n\n'
                                 'Il atteint `{python} x` `{python} x.when`, `{python} x.vs("region")`.',
                                 {"x": income})
    assert [r["place"] for r in rows] == ["title", "sentence", "sentence"]
    title = text.splitlines()[0][3:]
    assert rows[0]["words"] == title and rows[0]["asked"] == "title('france')"
    assert rows[1]["words"].startswith("environ 22") and rows[1]["asked"] == "valeur"
    assert rows[2]["words"].startswith("contre environ 24") and rows[2]["bench_approx"] == "oui"


def test_a_key_figure_row_says_which_words_it_decided():
    row = {"indicator_id": "unemployment_rate", "unit": "%", "territory": 11.2, "france": 12.1,
           "rank": 106, "n_ranked": 182, "source": "Insee, RP 2021", "year": "2021", "approx": False}
    r = evidence.indicator_row(row, place="key_figure", words="11,2 % des actifs", asked="valeur et libellé",
                               benchmark="france", outcome="ok")
    assert set(r) == set(evidence.COLUMNS)
    assert r["bench_shown"] == "12,1\u202f%" and r["rank"] == "106/182" and r["benchmark"] == "France"
    table = evidence.table([r, r])
    assert len(table) == 1 and table.iloc[0]["Place"] == "chiffre clé"
