import numpy as np
import pandas as pd
import pytest

from portraits.blocks import charts
from portraits.blocks.svg import to_svg

NB = "\u00a0"
NN = "\u202f"


def _texts(fig):
    return [t.get_text() for t in fig.texts]


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_every_chart_builds_with_alt_text_and_source(tid, store):
    name = store.territory(tid).name
    built = {
        "sectors": charts.sectors(store.jobs_by_sector(tid), name=name),
        "private_jobs": charts.private_jobs(store.series(tid), name=name),
        "establishments": charts.establishments(store.establishments(tid), name=name),
        "a38": charts.a38(store.a38(tid), name=name),
    }
    for key, chart in built.items():
        assert chart.alt and len(chart.alt) > 40, key
        if chart.fig is None:
            assert "non disponible" in chart.alt, key
            continue
        assert name in chart.alt or key == "sectors", key
        assert any(t.startswith(("Source" + NN + ":", "Sources" + NN + ":")) for t in _texts(chart.fig)), key
        svg = to_svg(chart.fig)
        assert svg.startswith("<?xml") and "<dc:date>" not in svg


def test_overseas_sectors_missing_for_territory_is_unavailable(store):
    chart = charts.sectors(store.jobs_by_sector("ti-0101"))
    if store.jobs_by_sector("ti-0101").query("level == 'territory'")["share"].notna().any():
        assert chart.fig is not None
    else:
        assert chart.fig is None and "non disponible" in chart.alt


def test_sectors_alt_text_carries_the_figures():
    df = pd.DataFrame({
        "level": ["territory", "territory", "france", "france"],
        "geo_label": ["T", "T", "France", "France"],
        "sector_id": ["industry", "services", "industry", "services"],
        "sector_label": ["Industrie", "Services", "Industrie", "Services"],
        "share": [24.13, 75.87, 12.4, 87.6], "year": ["2021"] * 4,
    })
    fig, alt = charts.sectors(df, name="Vallée test")
    assert fig is not None
    assert "Industrie 24,1\u202f% (France 12,4\u202f%)" in alt
    assert "Source" + NN + ": Insee, RP 2021\u202f; traitement ANCT" in _texts(fig)


@pytest.mark.parametrize("df", [None, pd.DataFrame(columns=["level", "sector_label", "share"])])
def test_missing_data_gives_no_figure_and_says_so(df):
    for fn in (charts.sectors, charts.private_jobs, charts.establishments, charts.a38):
        chart = fn(df)
        assert chart.fig is None and "non disponible" in chart.alt


def test_series_without_index_is_indexed_to_first_year():
    df = pd.DataFrame({"level": ["territory"] * 3 + ["france"] * 3,
                       "geo_label": ["T"] * 3 + ["France"] * 3,
                       "year": ["2014", "2015", "2016"] * 2,
                       "value": [200, 210, 220, 1000, 1000, 1100], "index": [np.nan] * 6})
    fig, alt = charts.private_jobs(df, name="T")
    assert fig is not None
    assert "l’indice atteint 110,0\u00a0pour T (France 110,0)" in alt


def test_a38_keeps_industrial_sectors_only():
    df = pd.DataFrame({"a38": ["CG", "GZ", "CA"], "industry": [True, False, True],
                       "label": ["Plastique", "Commerce", "Alimentaire"],
                       "jobs": [100.0, 1000.0, 50.0], "share": [10.0, 50.0, 5.0],
                       "specificity": [2.5, 1.0, 0.5], "year": ["2023"] * 3})
    fig, alt = charts.a38(df, name="T")
    assert "Plastique 2,5" in alt and "Alimentaire 0,5" in alt and "Commerce" not in alt


def test_no_pyplot_figure_is_left_open():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.a38(pd.DataFrame({"a38": ["CG"], "industry": [True], "label": ["P"], "jobs": [1.0],
                             "share": [1.0], "specificity": [2.0], "year": ["2023"]}))
    assert plt.get_fignums() == before


def test_sector_chart_names_what_france_covers():
    df = pd.DataFrame({"level": ["territory", "france"], "sector_label": ["Industrie", "Industrie"],
                       "share": [30.0, 12.0], "year": ["2022", "2022"], "geo_label": ["T", "France"]})
    chart = charts.sectors(df, "Source : Insee", "le territoire", france="France métropolitaine")
    assert "France métropolitaine 12,0" in chart.alt.replace("\u202f", " ")


def test_charts_record_what_they_draw():
    """Each bar's label and the benchmarks drawn beside it are evidence rows (place chart_label)."""
    from portraits.text import evidence

    df = pd.DataFrame({"level": ["territory", "france", "territory", "france"],
                       "sector_label": ["Industrie", "Industrie", "Services", "Services"],
                       "share": [31.24, 11.6, 50.0, 70.0], "year": "2022", "geo_label": None})
    with evidence.recording() as rows:
        charts.sectors(df, "Source : Insee, RP 2022", "Plastics Vallée")
    assert [r["place"] for r in rows] == ["chart_label"] * 2
    first = rows[0]
    assert first["indicator"] == "sectors" and first["asked"] == "barres Industrie"
    assert first["words"] == "31,2\u202f%" and first["raw"] == "31.24" and first["bench_raw"] == "11.6"
    assert first["bench_shown"] == "11,6\u202f%" and first["source"] == "Source : Insee, RP 2022" and first["year"] == "2022"


def test_sector_bars_record_each_levels_approximation_flag():
    from portraits.text import evidence

    df = pd.DataFrame({"level": ["territory", "france"], "sector_label": ["Industrie", "Industrie"],
                       "share": [31.24, 11.6], "year": "2022", "geo_label": None, "approx": [True, False]})
    with evidence.recording() as rows:
        charts.sectors(df, "Source : Insee, RP 2022", "Plastics Vallée")
    assert [(r["approx"], r["bench_approx"]) for r in rows] == [("oui", "non")]
