import math

from portraits.text import row_rules

NN = "\u202f"
M = "\u2212"


def share_row(**kw):
    row = dict(indicator_id="industry_jobs_share", label="Part de l'industrie dans l'emploi",
               unit="%", year="2021", territory=24.13, region=15.2, france=12.4,
               all_territories=18.0, status=None, rank=12, n_ranked=183,
               region_label="Normandie", territory_id="ti-2801", approx=False)
    row.update(kw)
    return row


def test_field_reads_rows_and_falls_back_on_missing_keys():
    assert row_rules.field(share_row(), "unit") == "%"
    assert row_rules.field(share_row(), "absent", "x") == "x" and row_rules.field(share_row(status=None), "status", "ok") == "ok"
    assert row_rules.field(None, "unit", "?") == "?"


def test_a_value_on_another_basis_is_compared_with_its_region_only():
    other = share_row(comparable=False)
    assert not row_rules.comparable(other, "france") and not row_rules.comparable(other, "all_territories")
    assert row_rules.comparable(other, "region") and row_rules.comparable(other, "territory")
    assert row_rules.comparable(share_row(), "france") and row_rules.comparable(share_row(comparable=math.nan), "france")


def test_each_level_has_its_own_approximation_flag():
    assert not row_rules.approximate(share_row())
    assert row_rules.approximate(share_row(approx=True))
    assert not row_rules.approximate(share_row(approx=True, territory_approx=False))
    assert row_rules.approximate(share_row(region_approx=True), "region") and not row_rules.approximate(share_row(), "region")
    assert not row_rules.approximate(share_row(approx=math.nan))


def test_shown_values_are_signed_for_changes_and_marked_when_missing():
    assert row_rules.shown(share_row(signed=False)) == f"24,1{NN}%"
    assert row_rules.shown(share_row(signed=False), "france") == f"12,4{NN}%"
    growth = share_row(indicator_id="jobs_growth", signed=True, territory=-0.44)
    assert row_rules.is_change(growth) and row_rules.shown(growth) == f"{M}0,4{NN}%"
    assert row_rules.shown(share_row(signed=False, territory=None, status="s")) == "s"
    assert row_rules.shown(share_row(signed=False, territory=None)) == "n.d."


def test_a_row_without_the_signed_flag_asks_the_catalogue():
    assert row_rules.is_change({"indicator_id": "population_growth"})
    assert not row_rules.is_change({"indicator_id": "unemployment_rate"})
