import math

from portraits.text import commentary as c

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
    assert c.field(share_row(), "unit") == "%"
    assert c.field(share_row(), "absent", "x") == "x" and c.field(share_row(status=None), "status", "ok") == "ok"
    assert c.field(None, "unit", "?") == "?"


def test_a_value_on_another_basis_is_compared_with_its_region_only():
    other = share_row(comparable=False)
    assert not c.comparable(other, "france") and not c.comparable(other, "all_territories")
    assert c.comparable(other, "region") and c.comparable(other, "territory")
    assert c.comparable(share_row(), "france") and c.comparable(share_row(comparable=math.nan), "france")


def test_each_level_has_its_own_approximation_flag():
    assert not c.approximate(share_row())
    assert c.approximate(share_row(approx=True))
    assert not c.approximate(share_row(approx=True, territory_approx=False))
    assert c.approximate(share_row(region_approx=True), "region") and not c.approximate(share_row(), "region")
    assert not c.approximate(share_row(approx=math.nan))


def test_shown_values_are_signed_for_changes_and_marked_when_missing():
    assert c.shown(share_row(signed=False)) == f"24,1{NN}%"
    assert c.shown(share_row(signed=False), "france") == f"12,4{NN}%"
    growth = share_row(indicator_id="jobs_growth", signed=True, territory=-0.44)
    assert c.is_change(growth) and c.shown(growth) == f"{M}0,4{NN}%"
    assert c.shown(share_row(signed=False, territory=None, status="s")) == "s"
    assert c.shown(share_row(signed=False, territory=None)) == "n.d."


def test_a_row_without_the_signed_flag_asks_the_catalogue():
    assert c.is_change({"indicator_id": "population_growth"})
    assert not c.is_change({"indicator_id": "unemployment_rate"})
