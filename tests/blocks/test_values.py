import math

import pandas as pd

from portraits.blocks import values
from portraits.data.store import Territory

NB = "\u00a0"


def _row(**kw):
    row = {"indicator_id": "unemployment_rate", "unit": "%", "signed": False, "status": None,
           "territory": 9.04, "region": 7.5, "approx": False}
    row.update(kw)
    return row


def test_value_text_formats_the_french_way_and_marks_approximations():
    assert values.value_text(_row()) == "9,0\u202f%"
    assert values.value_text(_row(), "region") == "7,5\u202f%"
    assert values.value_text(_row(territory_approx=True)) == f"≈{NB}9,0\u202f%"
    assert values.value_text(_row(territory_approx=True), approx_mark=False) == "9,0\u202f%"
    assert values.value_text(_row(territory=None, status="s", territory_approx=True)) == "s"
    assert values.value_text(None) == "n.d."


def test_row_rules_are_keyed_by_id_with_none_for_missing_values(portrait):
    t = portrait.Portrait("ti-8413").territory
    assert isinstance(t, Territory)
    table = pd.DataFrame({"indicator_id": ["jobs", "poverty_rate"], "territory": [1200.0, math.nan],
                          "status": ["ok", pd.NA]})
    rows = values.indicator_rows(table, t)
    assert list(rows) == ["jobs", "poverty_rate"]
    assert rows["poverty_rate"]["territory"] is None and rows["poverty_rate"]["status"] is None
    assert rows["jobs"]["territory_id"] == "ti-8413" and rows["jobs"]["region_code"] == t.region_code
