import pytest

from portraits.blocks import comparison_table
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
    md = comparison_table.comparison_table({"industry_jobs_share": row}, "Guadeloupe")
    cells = [c.strip() for c in md.splitlines()[2].strip("|").split("|")]
    assert cells == ["Part de l'industrie (2023)", "12,3\u202f%", "10,0\u202f%", comparison_table.NOT_COMPARABLE,
                     comparison_table.NOT_COMPARABLE, comparison_table.NOT_RANKED]
    assert "Région : Guadeloupe." in md


def test_every_cell_records_its_evidence():
    from portraits.text import evidence

    row = {"indicator_id": "median_income", "short_label": "Niveau de vie médian", "year": "2021", "unit": "€",
           "signed": False, "territory": 21585.3, "region": 22619.0, "france": 23080.0, "all_territories": 22500.0,
           "territory_approx": True, "region_approx": True, "france_approx": False, "all_territories_approx": True,
           "france_scope": "fm", "comparable": True, "rank": 120, "n_ranked": 181, "source": "Insee, Filosofi 2021"}
    with evidence.recording() as rows:
        md = comparison_table.comparison_table({"median_income": row}, "Centre-Val de Loire")
    cells = [c.strip() for c in md.splitlines()[2].strip("|").split("|")][1:]
    assert [r["words"] for r in rows] == cells and {r["place"] for r in rows} == {"table_cell"}
    territory, region, france, _, rank = rows
    assert territory["asked"] == "Niveau de vie médian (2021) × Territoire" and "« ≈ »" in territory["rule"]
    assert region["benchmark"] == "Région" and region["bench_raw"] == "22619" and region["bench_approx"] == "oui"
    assert france["bench_approx"] == "non" and "(métro.)" in france["rule"]
    assert rank["words"] == "120e/181" and rank["rule"].startswith("rang parmi")


def test_the_table_and_the_text_use_one_name_per_indicator(store):
    """The table's short label names what the long one names: its words are the long label's
    (a documented pair, docs/ARCHITECTURE.md), e.g. « Niveau de vie médian »."""
    import re

    words = lambda s: set(re.split(r"[\s'’()]+", s.lower())) - {""}
    for r in store.catalogue().to_dict("records"):
        assert words(r["short_label"]) <= words(r["label"]), r["id"]


def test_the_columns_follow_the_declared_levels(portrait, monkeypatch):
    """One column per level shown by default, in the declared order; a level asked (``vs``)
    or declared shown adds its column, its header and its cells, with no other change."""
    from portraits.core import levels

    p = portrait.Portrait("ti-8413")
    header = next(ln for ln in p.comparison_table().data.splitlines() if ln.startswith("|"))
    assert header == "| " + " | ".join(["Indicateur", *(lv.label for lv in levels.DEFAULT), "Rang"]) + " |"
    md = p.comparison_table(p.indicator("population"), vs=["region", "region_territories"]).data
    lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert lines[0] == "| Indicateur | Territoire | Région | TI de la région | Rang |"
    assert lines[1].count(":|") == 4          # one alignment per column
    row = p.rows["population"]
    assert lines[2].split(" | ")[3] == fmt.value(row["region_territories"], row["unit"])
    monkeypatch.setattr(levels, "DEFAULT", levels.LEVELS)
    assert " | ".join(["| Indicateur", *(lv.label for lv in levels.LEVELS), "Rang |"]) in p.comparison_table().data
    with pytest.raises(ValueError, match="unknown benchmark 'europe'"):
        p.comparison_table(vs=["europe"])


def test_a_level_not_shown_by_default_changes_no_default_block(portrait):
    """The default blocks of ti-8413 do not read the region's territories: other values there
    give the same table, key figures, sectors chart and "Pour comprendre" (the build of the
    default template was compared before and after the level was added: the same HTML)."""
    def blocks(p):
        ids = ["population", "industry_jobs_share", "jobs", "unemployment_rate", "median_income"]
        figures = [p.indicator(i) for i in ids]
        return (p.comparison_table().data, p.key_figures(*figures).data, p.chart("sectors").chart.alt,
                p.understand().data, [str(x.vs("region", "france")) for x in figures])

    p, q = portrait.Portrait("ti-8413"), portrait.Portrait("ti-8413")
    for row in q.rows.values():
        row["region_territories"], row["region_territories_approx"] = 12345.0, not row["region_territories_approx"]
    assert blocks(p) == blocks(q)
    assert q.indicator("unemployment_rate").at("region_territories") != p.indicator("unemployment_rate").at("region_territories")
