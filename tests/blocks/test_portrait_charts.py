import pytest

from portraits.text.typo import french
from portraits.blocks import portrait_charts


def test_charts_carry_svg_and_alt_text(portrait):
    p = portrait.Portrait("ti-8413")
    shown = [p.chart(kind) for kind in ("sectors", "private_jobs", "establishments", "a38", "map")]
    shown.append(p.positions(p.indicator("industry_jobs_share"), p.indicator("median_income")))
    for kind, chart in zip(("sectors", "private_jobs", "establishments", "a38", "map", "positions"), shown):
        data, meta = chart._repr_mimebundle_()
        assert "image/svg+xml" in data, kind
        assert meta["image/svg+xml"]["alt"] == data["text/plain"] and len(data["text/plain"]) > 40


def test_missing_chart_is_a_note(portrait):
    data, meta = portrait.Portrait("ti-0601").chart("sectors")._repr_mimebundle_()
    assert "image/svg+xml" not in data and "non disponible" in data["text/markdown"]


def test_every_chart_name_has_its_function(portrait):
    p = portrait.Portrait("ti-8413")
    assert set(portrait_charts.CHARTS) == {"map", "sectors", "private_jobs", "a38", "establishments"}
    with pytest.raises(ValueError, match="unknown chart 'pie'"):
        portrait_charts.chart("pie", p.territory, p.rows)
    with pytest.raises(ValueError, match=r"takes its figures: p.positions"):
        portrait_charts.chart("positions", p.territory, p.rows)


def test_the_positions_chart_places_the_figures_given_in_their_order(portrait):
    p = portrait.Portrait("ti-8413")
    ids = ["median_income", "population", "unemployment_rate"]
    values = portrait_charts.position_values(ids)
    assert list(dict.fromkeys(values["indicator_id"])) == ids and values["territory_id"].nunique() == 183
    alt = p.positions(*(p.indicator(i) for i in ids)).alt
    assert alt.index("Niveau de vie médian") < alt.index("Population") < alt.index("Taux de chômage")
    with pytest.raises(TypeError, match="needs the indicators"):
        p.positions()


def test_a_metropolitan_sector_chart_keeps_every_benchmark(portrait):
    p = portrait.Portrait("ti-8413")
    sectors, source = portrait_charts.sectors_data(p.territory_id, p.rows)
    assert set(sectors["level"]) == {"territory", "region", "france", "all_territories"}
    assert source.startswith("Source\u202f: Insee, recensement de la population 20")  # producer, millésime


def _source_text(chart):
    return [t.get_text() for t in chart.fig.texts if t.get_text().startswith(("Source", "Sources"))]


def test_the_map_cites_the_polygons_it_draws(portrait, store):
    # the two manifest sources of the map (the regions are of another millésime than the perimeters)
    cites = [store.source_citation(i) for i in ("ti_polygons", "regions_polygons")]
    assert portrait_charts.map_source() == f"Sources\u202f: {cites[0]}\u202f; {cites[1]}"
    assert "2023-2027" in cites[0] and "2025" in cites[1]
    p = portrait.Portrait("ti-8413")
    chart = portrait_charts.chart("map", p.territory, p.rows)
    if chart.fig is not None:  # without raw polygons, the map is a note
        # wrapped to the map's width at plain spaces
        assert [t.replace("\n", " ") for t in _source_text(chart)] == [french(portrait_charts.map_source())]


def test_the_a38_chart_cites_flores_with_its_millesime(portrait, store):
    p = portrait.Portrait("ti-8413")
    chart = portrait_charts.chart("a38", p.territory, p.rows)
    flores = store.source_citation("flores_a38_ze")
    assert _source_text(chart) == [french(f"Source\u202f: {flores}\u202f; traitement ANCT")]
    assert _source_text(chart)[0].startswith("Source\u202f: Insee, Flores 20")
