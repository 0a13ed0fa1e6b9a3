import numpy as np
import pandas as pd
import pytest

from portraits.blocks import positions
from portraits.blocks.chart_style import source_line
from portraits.blocks.svg import to_svg

NB = "\u00a0"


def _positions_frame(store, ids=("industry_jobs_share", "unemployment_rate", "median_income")):
    ind = store.table("indicators")
    v = ind[(ind.level == "territory") & ind.indicator_id.isin(ids)]
    v = v[["territory_id", "indicator_id", "value", "unit"]].copy()
    v["short_label"] = v["indicator_id"]
    return v


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_positions_build_from_the_store_with_alt_text_and_source(tid, store):
    name = store.territory(tid).name
    chart = positions.positions(_positions_frame(store), tid, name=name, source=source_line("Insee"))
    assert chart.fig is not None and name in chart.alt and len(chart.alt) > 40
    assert any(t.get_text().startswith("Source\u202f:") for t in chart.fig.texts)
    assert to_svg(chart.fig).startswith("<?xml")


def test_missing_values_give_no_figure():
    assert positions.positions(None, "ti-0000").fig is None
    assert positions.positions(pd.DataFrame(columns=["level", "sector_label", "share"]), "ti-0000").fig is None


def test_positions_highlight_and_ranks():
    df = pd.DataFrame({"indicator_id": ["x"] * 4, "short_label": ["Part X"] * 4, "unit": ["%"] * 4,
                       "territory_id": ["a", "b", "c", "d"], "value": [10.0, 30.0, 20.0, np.nan]})
    chart = positions.positions(df, "c", name="C")
    assert "Part X 20,0\u202f%, 2e sur 3" in chart.alt
    missing = positions.positions(df, "d", name="D")
    assert "Part X n.d." in missing.alt




def test_unranked_value_is_labelled_but_not_placed():
    df = pd.DataFrame({"indicator_id": ["x"] * 3, "short_label": ["Part X"] * 3, "unit": ["%"] * 3,
                       "territory_id": ["a", "b", "c"], "value": [10.0, 30.0, 20.0],
                       "ranked": [True, True, False]})
    chart = positions.positions(df, "c", name="C")
    assert "Part X 20,0\u202f%, non classé (autre définition)" in chart.alt
    assert "parmi les 2\u00a0Territoires" in chart.alt
