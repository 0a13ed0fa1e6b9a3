"""Unit tests of portraits.site.catalogue_map: quantile classes and their colours, the map's
SVG in the page (links, titles, missing values) and its legend."""

from __future__ import annotations

from bs4 import BeautifulSoup

from portraits.site import catalogue_data
from portraits.site import catalogue_map

NNBSP = "\u202f"


def test_classify_quantiles_and_labels(make_meta):
    meta = make_meta("%")
    values = {f"t{i}": float(i) for i in range(1, 11)}
    values["missing"] = float("nan")
    cls = catalogue_map.classify(values, meta)
    assert len(cls.labels) == catalogue_map.N_CLASSES
    assert cls.labels[0].startswith("moins de ") and cls.labels[-1].endswith(" ou plus")
    assert "missing" not in cls.index
    assert cls.index["t1"] == 0 and cls.index["t10"] == catalogue_map.N_CLASSES - 1
    # Classes never decrease when values increase.
    assert [cls.index[f"t{i}"] for i in range(1, 11)] == sorted(cls.index[f"t{i}"] for i in range(1, 11))


def test_classify_compares_values_as_displayed(make_meta):
    meta = make_meta("%")
    # 15.18 is shown "15,2 %": it must not fall in a class "moins de 15,2 %".
    values = {"a": 10.0, "b": 15.18, "c": 15.2, "d": 20.0, "e": 30.0}
    cls = catalogue_map.classify(values, meta, k=2)
    assert cls.breaks == [15.2]
    assert cls.index["b"] == cls.index["c"] == 1
    assert cls.labels == [f"moins de 15,2{NNBSP}%", f"15,2{NNBSP}% ou plus"]


def test_classify_ties_and_empty(make_meta):
    meta = make_meta("%")
    assert catalogue_map.classify({"a": float("nan")}, meta).labels == []
    same = catalogue_map.classify({"a": 5.0, "b": 5.0, "c": 5.0}, meta)
    assert set(same.index.values()) == {0} and len(same.labels) == 1
    assert len(catalogue_map.class_colours(1)) == 1 and len(catalogue_map.class_colours(3)) == 3


def test_classify_changes_diverge_at_zero(make_meta):
    meta = catalogue_data.indicator_meta("private_jobs_growth", "%", "2014-2024")
    assert meta.signed
    values = {f"t{i}": v for i, v in enumerate([-9.0, -4.0, -1.5, -0.5, 0.4, 2.0, 3.0, 6.0, 8.0, 12.0])}
    cls = catalogue_map.classify(values, meta)
    assert 0.0 in cls.breaks  # no class holds both falls and rises
    assert f"à moins de 0{NNBSP}%" in " ".join(cls.labels)  # not "0,0 %"
    falls = cls.breaks.index(0.0) + 1
    assert cls.colours[:falls] == catalogue_map._spread(catalogue_map.FALLS, falls)
    assert cls.colours[falls:] == catalogue_map._spread(catalogue_map.RISES, len(cls.labels) - falls)
    for tid, v in values.items():
        assert (cls.index[tid] < falls) == (v < 0)
    # only falls, or only rises: one side of the diverging palette
    assert set(catalogue_map.classify({"a": -3.0, "b": -1.0, "c": -2.0}, meta).colours) <= set(catalogue_map.FALLS)
    assert set(catalogue_map.classify({"a": 3.0, "b": 1.0, "c": 2.0}, meta).colours) <= set(catalogue_map.RISES)
    # levels keep the sequential palette
    level = catalogue_map.classify({f"t{i}": float(i) for i in range(10)}, make_meta("%"))
    assert level.colours == catalogue_map.class_colours(len(level.labels))


def test_legend_breaks_rounded_for_large_numbers(make_meta):
    meta = make_meta("€")
    cls = catalogue_map.classify({f"t{i}": 20000 + 137 * i for i in range(20)}, meta)
    assert all(b % 10 == 0 for b in cls.breaks)


def test_map_links_titles_and_missing(fixture_page, raw_maps):
    _, html = fixture_page
    soup = BeautifulSoup(html, "html.parser")
    svg = soup.find("svg", class_="national-map")
    assert svg is not None and svg.find("title")
    link = svg.find("a", href="html/ti-8413.html")
    assert link is not None and link["aria-label"] == f"Plastics Vallée – Oyonnax — ≈\u00a034,6{NNBSP}%"
    assert link.find("path").find("title").get_text() == link["aria-label"]
    # Territory without a built portrait: drawn, not linked.
    basse_terre = svg.find("path", attrs={"data-id": "ti-0101"})
    assert basse_terre.parent.name != "a"
    # Its value is on another basis (Flores 2023): painted apart, its source in its title.
    assert basse_terre["fill"] == catalogue_map.OTHER_COLOUR
    assert "Flores 2023" in basse_terre.find("title").get_text()
    assert svg.find("path", attrs={"data-id": "ti-8424"}).parent.name == "a"
    # The legend is in the page itself (readable without JS): other basis, then missing values last.
    items = [li.get_text(strip=True) for li in soup.select("#carte-legende li")]
    assert len(items) >= 4 and items[0].startswith("moins de")
    assert items[-2:] == [catalogue_map.OTHER_LABEL, "non disponible"]


def test_classes_leave_other_basis_out(fixture_data):
    cls = catalogue_map.data_classes(fixture_data, "industry_jobs_share")
    assert "ti-0101" not in cls.index and len(cls.index) == 5
    assert catalogue_map.all_classes(fixture_data)["industry_jobs_share"] == cls
    # an indicator without another basis has no such legend entry
    assert catalogue_map.OTHER_LABEL not in dict(map(reversed, catalogue_map.map_legend("median_income", fixture_data)))


def test_real_map_classes_and_legend():
    """On the real data, the overseas shares from Flores stay out of the census classes."""
    from _data_support import ensure_processed

    from portraits.data import store

    ensure_processed()
    store.clear_cache()
    data = catalogue_data.load_data()
    t = data.table
    others = set(t.loc[~t["industry_jobs_share__comparable"] & t["industry_jobs_share"].notna(), "territory_id"])
    cls = catalogue_map.data_classes(data, "industry_jobs_share")
    assert others and not others & set(cls.index)
    assert len(cls.index) == t["industry_jobs_share"].notna().sum() - len(others)
    legend = catalogue_map.map_legend("industry_jobs_share", data, cls)
    assert legend[-2] == (catalogue_map.OTHER_COLOUR, catalogue_map.OTHER_LABEL)
