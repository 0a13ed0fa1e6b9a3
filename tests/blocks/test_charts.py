import numpy as np
import pandas as pd
import pytest

from portraits.blocks import charts

NB = "\u00a0"


def _texts(fig):
    return [t.get_text() for t in fig.texts]


def _store():
    store = pytest.importorskip("portraits.data.store")
    try:
        store.territory("ti-8413")
    except Exception as exc:  # processed data not built on this machine
        pytest.skip(f"processed data unavailable: {exc}")
    return store


def _positions_frame(store, ids=("industry_jobs_share", "unemployment_rate", "median_income")):
    ind = store.table("indicators")
    v = ind[(ind.level == "territory") & ind.indicator_id.isin(ids)]
    v = v[["territory_id", "indicator_id", "value", "unit"]].copy()
    v["short_label"] = v["indicator_id"]
    return v


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_every_chart_builds_with_alt_text_and_source(tid):
    store = _store()
    name = store.territory(tid).name
    built = {
        "sectors": charts.sectors(store.jobs_by_sector(tid), name=name),
        "private_jobs": charts.private_jobs(store.series(tid), name=name),
        "establishments": charts.establishments(store.establishments(tid), name=name),
        "a38": charts.a38(store.a38(tid), name=name),
        "positions": charts.positions(_positions_frame(store), tid, name=name,
                                      source=charts.source_line("Insee")),
    }
    for key, chart in built.items():
        assert chart.alt and len(chart.alt) > 40, key
        if chart.fig is None:
            assert "non disponible" in chart.alt, key
            continue
        assert name in chart.alt or key == "sectors", key
        assert any(t.startswith(("Source" + NB + ":", "Sources" + NB + ":")) for t in _texts(chart.fig)), key
        svg = charts.to_svg(chart.fig)
        assert svg.startswith("<?xml") and "<dc:date>" not in svg


def test_overseas_sectors_missing_for_territory_is_unavailable():
    store = _store()
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
    assert "Source" + NB + ": Insee, RP 2021\u202f; traitement ANCT" in _texts(fig)


@pytest.mark.parametrize("df", [None, pd.DataFrame(columns=["level", "sector_label", "share"])])
def test_missing_data_gives_no_figure_and_says_so(df):
    for fn in (charts.sectors, charts.private_jobs, charts.establishments, charts.a38):
        chart = fn(df)
        assert chart.fig is None and "non disponible" in chart.alt
    assert charts.positions(df, "ti-0000").fig is None


def test_series_without_index_is_indexed_to_first_year():
    df = pd.DataFrame({"level": ["territory"] * 3 + ["france"] * 3,
                       "geo_label": ["T"] * 3 + ["France"] * 3,
                       "year": ["2014", "2015", "2016"] * 2,
                       "value": [200, 210, 220, 1000, 1000, 1100], "index": [np.nan] * 6})
    fig, alt = charts.private_jobs(df, name="T")
    assert fig is not None
    assert "l'indice atteint 110,0 pour T (France 110,0)" in alt


def test_positions_highlight_and_ranks():
    df = pd.DataFrame({"indicator_id": ["x"] * 4, "short_label": ["Part X"] * 4, "unit": ["%"] * 4,
                       "territory_id": ["a", "b", "c", "d"], "value": [10.0, 30.0, 20.0, np.nan]})
    chart = charts.positions(df, "c", name="C")
    assert "Part X 20,0\u202f%, 2e sur 3" in chart.alt
    missing = charts.positions(df, "d", name="D")
    assert "Part X n.d." in missing.alt


def test_a38_keeps_industrial_sectors_only():
    df = pd.DataFrame({"a38": ["CG", "GZ", "CA"], "label": ["Plastique", "Commerce", "Alimentaire"],
                       "jobs": [100.0, 1000.0, 50.0], "share": [10.0, 50.0, 5.0],
                       "specificity": [2.5, 1.0, 0.5], "year": ["2023"] * 3})
    fig, alt = charts.a38(df, name="T")
    assert "Plastique 2,5" in alt and "Alimentaire 0,5" in alt and "Commerce" not in alt


def test_no_pyplot_figure_is_left_open():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    charts.a38(pd.DataFrame({"a38": ["CG"], "label": ["P"], "jobs": [1.0], "share": [1.0],
                             "specificity": [2.0], "year": ["2023"]}))
    assert plt.get_fignums() == before


def test_source_line_typography():
    assert charts.source_line("Insee, RP 2021") == "Source\u00a0: Insee, RP 2021\u202f; traitement ANCT"
    assert charts.source_line("Insee", "Urssaf").startswith("Sources\u00a0:")


def test_same_data_gives_identical_svg():
    df = pd.DataFrame({"a38": ["CG", "CA"], "label": ["Plastique", "Alimentaire"],
                       "jobs": [100.0, 50.0], "share": [10.0, 5.0], "specificity": [2.5, 0.5],
                       "year": ["2023"] * 2})
    first = charts.to_svg(charts.a38(df, name="T").fig)
    assert first == charts.to_svg(charts.a38(df, name="T").fig)


def _a38_frame():
    return pd.DataFrame({"a38": ["CG", "CA"], "label": ["Plastique, caoutchouc", "Alimentaire"],
                         "jobs": [100.0, 50.0], "share": [10.0, 5.0], "specificity": [2.5, 0.5],
                         "year": ["2023"] * 2})


def test_svg_text_is_text_with_the_shipped_font_embedded():
    if not charts._font_faces():
        pytest.skip("shipped font unavailable: glyphs are drawn as paths")
    import html
    import re

    svg = charts.to_svg(charts.a38(_a38_frame(), name="Vallée de l’Arve").fig)
    texts = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
    assert all('xml:space="preserve"' in t for t in re.findall(r"<text\b[^>]*>", svg))
    # labels, values with French spacing (narrow no-break space before %), source line
    assert "Plastique, caoutchouc" in texts and "Alimentaire" in texts
    assert any(t.startswith("Indice de spécificité") for t in texts)
    assert "2,5  (10,0\u202f% des emplois salariés)" in texts, texts  # two spaces kept
    assert any(t.startswith("Source\u00a0: Insee, Flores 2023") for t in texts)
    assert not re.search(r'id="[^"]*-(?:[0-9a-f]{2,4})"', svg)  # matplotlib's glyph ids
    assert "font-family: 'Source Sans Pro'" in svg
    # the font travels with the SVG: an <img> sees neither the page's fonts nor the reader's
    faces = re.findall(r"@font-face\{[^}]*\}", svg)
    assert faces and all("Source Sans Pro" in f and "data:font/woff2;base64," in f for f in faces)
    weights = {re.search(r"font-weight:(\d+)", f).group(1) for f in faces}
    assert weights == {"400"}  # a38 has no semibold text: only the regular face is embedded
    est = pd.DataFrame({"dimension": ["sector"] * 2, "label": ["Industrie", "Autres"],
                        "level": ["territory"] * 2, "share": [30.0, 70.0], "year": ["2022"] * 2})
    svg = charts.to_svg(charts.establishments(est, name="T").fig)
    weights = {re.search(r"font-weight:(\d+)", f).group(1)
               for f in re.findall(r"@font-face\{[^}]*\}", svg)}
    assert weights == {"400", "600"}  # semibold title and territory values
    assert svg.count("<svg") == 1 and svg.rstrip().endswith("</svg>")


def test_sector_chart_names_what_france_covers():
    df = pd.DataFrame({"level": ["territory", "france"], "sector_label": ["Industrie", "Industrie"],
                       "share": [30.0, 12.0], "year": ["2022", "2022"], "geo_label": ["T", "France"]})
    chart = charts.sectors(df, "Source : Insee", "le territoire", france="France métropolitaine")
    assert "France métropolitaine 12,0" in chart.alt.replace("\u202f", " ")
