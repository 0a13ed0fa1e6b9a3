from portraits.blocks import tables
from portraits.text import fmt


def test_comparison_table_has_every_indicator_formatted(store, portrait, shown_value):
    p = portrait.Portrait("ti-8413")
    md = p.comparison_table().data
    lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert lines[0] == "| Indicateur | Territoire | Région | France | Ensemble des TI | Rang |"
    wide = store.indicators("ti-8413")
    assert len(lines) == 2 + len(wide)
    for line, row in zip(lines[2:], wide.to_dict("records")):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[1] == shown_value(row).replace("|", "\\|")
        if not fmt.is_missing(row["rank"]):
            assert cells[5] == f"{fmt.ordinal(row['rank'])}/{int(row['n_ranked'])}"


def test_france_is_named_by_what_it_covers_in_the_table(portrait):
    p = portrait.Portrait("ti-1105")  # Greater Paris (EPT): poverty rate, metropolitan France only
    row = next(ln for ln in p.comparison_table().data.splitlines() if ln.startswith("| Taux de pauvreté"))
    assert "(métro.)" in row.split("|")[4]
    assert "(métro.) : France métropolitaine seulement" in p.comparison_table().data


def test_a_value_on_another_basis_is_not_compared_nor_ranked():
    row = {"indicator_id": "industry_jobs_share", "short_label": "Part de l'industrie", "year": "2023",
           "unit": "%", "signed": False, "territory": 12.3, "region": 10.0, "france": 11.0,
           "all_territories": 15.0, "comparable": False, "rank": None, "n_ranked": None}
    md = tables.comparison_table({"industry_jobs_share": row}, "Guadeloupe")
    cells = [c.strip() for c in md.splitlines()[2].strip("|").split("|")]
    assert cells == ["Part de l'industrie (2023)", "12,3\u202f%", "10,0\u202f%", tables.NOT_COMPARABLE,
                     tables.NOT_COMPARABLE, tables.NOT_RANKED]
    assert "Région : Guadeloupe." in md
