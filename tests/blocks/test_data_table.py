"""The data files' table (portraits.blocks.data_table): French headers, raw numbers, the notes in
French from their codes."""

from __future__ import annotations

import pytest

from portraits.blocks import data_table
from portraits.blocks.data_table import comparison_frame
from portraits.data import sources, store
from portraits.text import notes


pytestmark = pytest.mark.usefixtures("processed")


def test_the_columns_follow_the_declared_default_levels(monkeypatch):
    from portraits.core import levels

    pooled = levels.BY_ID["region_territories"]
    assert pooled.label not in comparison_frame("ti-8413").columns     # not shown by default
    monkeypatch.setattr(levels, "DEFAULT", (*levels.DEFAULT, pooled))
    t = comparison_frame("ti-8413")
    assert [c for c in t.columns if c in {lv.label for lv in levels.LEVELS}] == [lv.label for lv in levels.DEFAULT]
    assert t.columns[-2] == "Approximation TI de la région"
    long = store.indicators_long("ti-8413")
    pop = long[(long.level == "region_territories") & (long.indicator_id == "population")].value.item()
    assert t.loc[t.Indicateur == "Population municipale", "TI de la région"].item() == pop


def test_comparison_frame():
    t = comparison_frame("ti-8413")
    assert list(t.columns) == ["Indicateur", "Unité", "Territoire", "Région", "France", "Ensemble des TI",
                               "Champ de la France", "Rang", "Sur", "Millésime", "Source",
                               "Approximation Territoire", "Approximation Région", "Approximation France",
                               "Approximation Ensemble des TI", "Note"]
    assert len(t) == len(store.indicators("ti-8413"))
    assert t.Territoire.dtype.kind == "f"
    assert t.loc[t.Indicateur == "Population municipale", "Territoire"].iloc[0] == 63434
    assert set(t["Approximation Territoire"]) == {"oui", "non"}
    assert set(t["Champ de la France"]) == {"France", "France métropolitaine"}


def test_notes_are_french_sentences():
    """ti-2404 (secret medians), ti-0101 (Flores), ti-0601 (Mayotte): each row's note in French."""
    med = comparison_frame("ti-2404").set_index("Indicateur").Note
    # the words are notes.toml's (a note reworded there is reworded here)
    assert notes.note_text("secret_communes", {"n_missing": 7, "n_communes": 145}) in set(med)
    flores = comparison_frame("ti-0101").set_index("Indicateur")
    share = flores.loc[flores.index.str.contains("industrie dans l'emploi"), "Note"].iloc[0]
    assert share == notes.note_text("flores_overseas", {"flores_year": "2023", "census_year": "2022"})
    mayotte = comparison_frame("ti-0601")
    # each missing value says what its source leaves out overseas (data/sources.toml)
    gaps = {notes.note_text(s.overseas_gap, {"year": "2021"}) for s in sources.covering().values() if s.overseas_gap}
    assert mayotte.Note.isin(gaps | {notes.note_text("mayotte_sectors")}).all()
    assert comparison_frame("ti-8413").Note.eq("").all()      # a metropolitan, whole-EPCI territory


def test_write_files_writes_the_csv_and_the_workbook(tmp_path):
    import pandas as pd

    table = data_table.write_files("ti-8413", tmp_path / "t.csv", tmp_path / "t.xlsx")
    assert pd.read_csv(tmp_path / "t.csv").shape == table.shape
    assert pd.read_excel(tmp_path / "t.xlsx", sheet_name="ti-8413").shape == table.shape
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.xlsx"]  # no temporaries left


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101", "ti-2404"])
def test_each_level_has_its_approximation_flag_from_the_processed_rows(tid, tmp_path):
    """The CSV's flag of each level shown by default is that level's ``approx`` in the processed
    indicators table."""
    import pandas as pd

    from portraits.core import levels

    data_table.write_files(tid, tmp_path / "t.csv", tmp_path / "t.xlsx")
    csv = pd.read_csv(tmp_path / "t.csv").set_index("Indicateur")
    long = store.indicators_long(tid)
    labels = store.catalogue().set_index("id")["label"]
    for lv in levels.DEFAULT:
        rows = long[long.level == lv.id].set_index("indicator_id")["approx"].astype(bool)
        expected = {labels[i]: "oui" if a else "non" for i, a in rows.items()}
        assert csv[data_table.approx_header(lv.id)].to_dict() == expected, lv.id
    # the benchmarks' flags are not the territory's: some level differs from it somewhere
    assert (csv["Approximation Ensemble des TI"] == "oui").any()
