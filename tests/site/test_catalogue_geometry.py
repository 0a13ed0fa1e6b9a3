"""Unit tests of portraits.site.catalogue_geometry: compact SVG paths, every territory and the
overseas insets in the view box, the cache reused."""

from __future__ import annotations

import re

from portraits.site import catalogue_geometry


def test_ring_path_is_compact_and_closed():
    import numpy as np

    d = catalogue_geometry._ring_path(np.array([[0.2, 0.1], [10.4, 0], [10, 10], [0, 10.2], [0, 0]]))
    assert d == "M0 0l10 0 0 10-10 0z"
    # A ring collapsing under one unit disappears instead of producing a dot.
    assert catalogue_geometry._ring_path(np.array([[0, 0], [0.2, 0.1], [0.1, 0.3], [0, 0]])) == ""


def test_map_geometry_all_territories_and_insets(tmp_path, raw_maps):
    geometry = catalogue_geometry.map_geometry(tmp_path)
    assert len(geometry["territories"]) == 183
    assert all(g["d"].startswith("M") for g in geometry["territories"].values())
    assert [i["name"] for i in geometry["insets"]] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    overseas = {tid for tid, g in geometry["territories"].items() if g["inset"]}
    assert len(overseas) == 10 and all(tid[3:5] in {"01", "02", "03", "04", "06"} for tid in overseas)
    # Every coordinate inside the view box.
    for g in list(geometry["territories"].values())[:20]:
        x, y = map(int, re.match(r"M(-?\d+) (-?\d+)", g["d"]).groups())
        assert 0 <= x <= geometry["width"] and 0 <= y <= geometry["height"]


def test_map_geometry_cache_is_reused(tmp_path, monkeypatch, raw_maps):
    first = catalogue_geometry.map_geometry(tmp_path)
    assert len(list(tmp_path.glob("map-geometry-*.json"))) == 1

    def boom():
        raise AssertionError("geometry recomputed although cached")

    monkeypatch.setattr(catalogue_geometry, "compute_map_geometry", boom)
    catalogue_geometry._memo_geometry.cache_clear()
    assert catalogue_geometry.map_geometry(tmp_path) == first
