import pytest

from portraits.blocks import maps, portrait_charts
from portraits.blocks.svg import to_svg
from portraits.data import sources


def _need_polygons():
    # only absent raw files skip: a polygon file that does not read must fail
    manifest = sources.load_sources()
    missing = [i for i in portrait_charts.MAP_SOURCES if not manifest[i].raw_path().is_file()]
    if missing:
        pytest.skip(f"raw polygons absent: {', '.join(missing)}")


@pytest.mark.parametrize("tid, regions, crs", [
    ("ti-8413", ["84"], "EPSG:2154"),
    ("ti-0101", ["01"], "EPSG:5490"),
    ("ti-2703", ["27", "84"], "EPSG:2154"),
])
def test_locator_map(tid, regions, crs):
    _need_polygons()
    assert maps.crs_for(regions[0]) == crs
    chart = maps.locator(tid, regions, name="Test")
    assert chart.fig is not None
    assert chart.alt.startswith("Carte de situation\u202f: le Territoire d’industrie Test")
    if len(regions) > 1:
        assert "les régions" in chart.alt
    svg = to_svg(chart.fig)
    assert "<svg" in svg


def test_layers_are_cached_per_process():
    _need_polygons()
    assert maps.layers("EPSG:2154") is maps.layers("EPSG:2154")


def test_unknown_territory_or_region_gives_no_map():
    _need_polygons()
    assert maps.locator("ti-9999", ["84"]).fig is None
    assert maps.locator("ti-8413", []).fig is None


def test_overseas_projection_keeps_only_nearby_features():
    _need_polygons()
    ti, reg = maps.layers(maps.crs_for("06"))  # Mayotte, UTM 38S
    assert set(reg["region_code"]) == {"06"}
    assert maps.locator("ti-0601", ["06"], name="Mayotte").fig is not None


def test_map_does_not_depend_on_the_maps_drawn_before():
    """The per-process caches (layers, paths) are keyed by projection only: a territory's map
    is the same SVG first in a fresh process, after another region's, after an overseas one."""
    _need_polygons()
    first = to_svg(maps.locator("ti-8413", ["84"], name="A").fig)
    maps.locator("ti-2703", ["27", "84"], name="B")
    maps.locator("ti-0101", ["01"], name="C")
    assert to_svg(maps.locator("ti-8413", ["84"], name="A").fig) == first
    maps._paths.cache_clear()
    assert to_svg(maps.locator("ti-8413", ["84"], name="A").fig) == first


def test_paths_are_converted_once_per_projection():
    _need_polygons()
    paths = maps._paths(maps.METROPOLE_CRS)
    assert paths is maps._paths(maps.METROPOLE_CRS)
    ti, reg = maps.layers(maps.METROPOLE_CRS)
    assert list(paths.territories.index) == list(ti.index)
    assert list(paths.regions.index) == list(reg.index) == list(paths.boundaries.index)
    own = ti.index[ti["territory_id"] == "ti-8413"][0]
    # the whole territory is drawn: its path spans the territory's bounds
    xmin, ymin, xmax, ymax = ti.loc[[own]].total_bounds
    ext = paths.territories[own].get_extents()
    assert (ext.x0, ext.y0, ext.x1, ext.y1) == pytest.approx((xmin, ymin, xmax, ymax))


def test_a_long_source_is_wrapped_under_the_map_within_its_width():
    _need_polygons()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = maps.locator("ti-8413", ["84"], name="A", source=portrait_charts.map_source()).fig
    renderer = FigureCanvasAgg(fig).get_renderer()
    text = next(t for t in fig.texts if t.get_text().startswith("Sources"))
    box = text.get_window_extent(renderer)
    assert "\n" in text.get_text() and box.x1 <= fig.bbox.x1
    assert box.y1 < fig.axes[0].get_window_extent(renderer).y0  # not over the map
