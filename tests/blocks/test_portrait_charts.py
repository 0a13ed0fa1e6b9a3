import pytest

from portraits.blocks import portrait_charts


def test_charts_carry_svg_and_alt_text(report):
    p = report.Portrait("ti-8413")
    for kind in ("sectors", "private_jobs", "establishments", "a38", "positions", "map"):
        data, meta = p.chart(kind)._repr_mimebundle_()
        assert "image/svg+xml" in data, kind
        assert meta["image/svg+xml"]["alt"] == data["text/plain"] and len(data["text/plain"]) > 40
    with pytest.raises(ValueError):
        p.chart("pie")


def test_missing_chart_is_a_note(report):
    data, meta = report.Portrait("ti-0601").chart("sectors")._repr_mimebundle_()
    assert "image/svg+xml" not in data and "non disponible" in data["text/markdown"]


def test_every_chart_name_has_its_function(report):
    assert set(portrait_charts.CHARTS) == {"map", "sectors", "private_jobs", "a38", "establishments", "positions"}
    with pytest.raises(ValueError, match="unknown chart 'pie'"):
        portrait_charts.chart(report.Portrait("ti-8413"), "pie")


def test_a_metropolitan_sector_chart_keeps_every_benchmark(report):
    sectors, source = portrait_charts.sectors_data(report.Portrait("ti-8413"))
    assert set(sectors["level"]) == {"territory", "region", "france", "all_territories"}
    assert source.startswith("Source\u00a0: ")
