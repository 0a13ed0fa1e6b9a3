"""Unit tests of portraits.site.catalogue: formatting, classes, search index, links, the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portraits.site import catalogue
from portraits.core import config
from portraits.data import sources

FIXTURE = Path(__file__).parents[1] / "fixtures" / "catalogue" / "processed"
NNBSP = "\u202f"


def _raw_maps_present() -> bool:
    try:
        manifest = sources.load_manifest()
        return all(manifest[k].raw_path().is_file() for k in ("ti_polygons", "regions_polygons"))
    except Exception:  # noqa: BLE001
        return False


needs_raw_maps = pytest.mark.skipif(not _raw_maps_present(),
                                    reason="data/raw polygons missing: run `portraits data` first")
needs_processed = pytest.mark.skipif(not (config.processed_dir() / "territories.csv").is_file(),
                                     reason="data/processed missing: run `portraits data` first")


def _fake_portraits(output_dir: Path, ids, kinds=("html", "pdf", "csv", "xlsx", "review", "notebook")) -> None:
    for tid in ids:
        for key, pattern, _ in catalogue.FILE_KINDS:
            if key in kinds:
                path = output_dir / pattern.format(id=tid)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"fake {key} {tid}", encoding="utf-8")


@pytest.fixture(scope="module")
def data():
    return catalogue.load_data(FIXTURE)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("catalogue")
    _fake_portraits(out, ["ti-8413", "ti-8424"])
    _fake_portraits(out, ["ti-2703"], kinds=("pdf",))  # a PDF without its HTML page
    html = catalogue.render_catalogue(out, processed_dir=FIXTURE)
    return out, html, BeautifulSoup(html, "html.parser")


def _meta(unit, ident="x"):
    # the catalogue's flags (signed for the changes) as the page gets them
    return catalogue.IndicatorMeta(id=ident, label="x", short_label="x", unit=unit,
                                   signed=catalogue.indicator_meta(ident).signed)


# ---------------------------------------------------------------- formatting


def test_format_value_french_typography():
    assert catalogue.format_value(12.44, _meta("%")) == f"12,4{NNBSP}%"
    assert catalogue.format_value(63434, _meta("hab")) == f"63{NNBSP}434"
    assert catalogue.format_value(21447.4, _meta("€")) == f"21{NNBSP}447\u00a0€"
    assert catalogue.format_value(-0.66, _meta("%/an", "jobs_growth")) == f"\u22120,7{NNBSP}%\u00a0par an"
    assert catalogue.format_value(-0.66, _meta("%/an", "jobs_growth"), compact=True) == f"\u22120,7{NNBSP}%"
    # A change in percent gets its sign even though its unit is a plain "%".
    assert catalogue.format_value(4.7, _meta("%", "private_jobs_growth")) == f"+4,7{NNBSP}%"


def test_format_value_missing_markers():
    assert catalogue.format_value(float("nan"), _meta("%")) == "n.d."
    assert catalogue.format_value(None, _meta("%"), status="s") == "s"


def test_labels_use_french_apostrophe():
    meta = catalogue.indicator_meta("industry_jobs_share")
    assert "'" not in meta.short_label and "\u2019" in meta.short_label


# ---------------------------------------------------------------- classes


def test_classify_quantiles_and_labels():
    meta = _meta("%")
    values = {f"t{i}": float(i) for i in range(1, 11)}
    values["missing"] = float("nan")
    cls = catalogue.classify(values, meta)
    assert len(cls.labels) == catalogue.N_CLASSES
    assert cls.labels[0].startswith("moins de ") and cls.labels[-1].endswith(" ou plus")
    assert "missing" not in cls.index
    assert cls.index["t1"] == 0 and cls.index["t10"] == catalogue.N_CLASSES - 1
    # Classes never decrease when values increase.
    assert [cls.index[f"t{i}"] for i in range(1, 11)] == sorted(cls.index[f"t{i}"] for i in range(1, 11))


def test_classify_compares_values_as_displayed():
    meta = _meta("%")
    # 15.18 is shown "15,2 %": it must not fall in a class "moins de 15,2 %".
    values = {"a": 10.0, "b": 15.18, "c": 15.2, "d": 20.0, "e": 30.0}
    cls = catalogue.classify(values, meta, k=2)
    assert cls.breaks == [15.2]
    assert cls.index["b"] == cls.index["c"] == 1
    assert cls.labels == [f"moins de 15,2{NNBSP}%", f"15,2{NNBSP}% ou plus"]


def test_classify_ties_and_empty():
    meta = _meta("%")
    assert catalogue.classify({"a": float("nan")}, meta).labels == []
    same = catalogue.classify({"a": 5.0, "b": 5.0, "c": 5.0}, meta)
    assert set(same.index.values()) == {0} and len(same.labels) == 1
    assert len(catalogue.class_colours(1)) == 1 and len(catalogue.class_colours(3)) == 3


def test_classify_changes_diverge_at_zero():
    meta = catalogue.indicator_meta("private_jobs_growth", "%", "2014-2024")
    assert meta.signed
    values = {f"t{i}": v for i, v in enumerate([-9.0, -4.0, -1.5, -0.5, 0.4, 2.0, 3.0, 6.0, 8.0, 12.0])}
    cls = catalogue.classify(values, meta)
    assert 0.0 in cls.breaks  # no class holds both falls and rises
    assert f"à moins de 0{NNBSP}%" in " ".join(cls.labels)  # not "0,0 %"
    falls = cls.breaks.index(0.0) + 1
    assert cls.colours[:falls] == catalogue._spread(catalogue.FALLS, falls)
    assert cls.colours[falls:] == catalogue._spread(catalogue.RISES, len(cls.labels) - falls)
    for tid, v in values.items():
        assert (cls.index[tid] < falls) == (v < 0)
    # only falls, or only rises: one side of the diverging palette
    assert set(catalogue.classify({"a": -3.0, "b": -1.0, "c": -2.0}, meta).colours) <= set(catalogue.FALLS)
    assert set(catalogue.classify({"a": 3.0, "b": 1.0, "c": 2.0}, meta).colours) <= set(catalogue.RISES)
    # levels keep the sequential palette
    level = catalogue.classify({f"t{i}": float(i) for i in range(10)}, _meta("%"))
    assert level.colours == catalogue.class_colours(len(level.labels))


def test_legend_breaks_rounded_for_large_numbers():
    meta = _meta("€")
    cls = catalogue.classify({f"t{i}": 20000 + 137 * i for i in range(20)}, meta)
    assert all(b % 10 == 0 for b in cls.breaks)


# ---------------------------------------------------------------- map encoding


def test_ring_path_is_compact_and_closed():
    import numpy as np

    d = catalogue._ring_path(np.array([[0.2, 0.1], [10.4, 0], [10, 10], [0, 10.2], [0, 0]]))
    assert d == "M0 0l10 0 0 10-10 0z"
    # A ring collapsing under one unit disappears instead of producing a dot.
    assert catalogue._ring_path(np.array([[0, 0], [0.2, 0.1], [0.1, 0.3], [0, 0]])) == ""


# ---------------------------------------------------------------- data


def test_load_data_one_row_per_territory(data):
    t = data.table
    assert list(t["territory_id"]) == sorted(t["territory_id"]) and len(t) == 6
    assert {m.id for m in data.indicators} >= set(catalogue.TABLE_INDICATORS)
    assert t.set_index("territory_id").at["ti-9401", "median_income__status"] == "s"
    assert "industry_jobs_share" in data.benchmarks["france"]


def test_search_index_lists_communes_by_department_and_members():
    index = catalogue.search_index(FIXTURE)
    oyonnax = index["ti-8413"]
    assert oyonnax["c"].startswith("01:") and "|Oyonnax|" in oyonnax["c"]
    assert "Bugey Agglomération" in oyonnax["m"]
    # Bourgogne Industrie spans several departments: one group per department.
    assert {p.split(":")[0] for p in index["ti-2703"]["c"].split(";")} >= {"21", "71"}
    assert index["ti-8424"]["c"].count("Saint-Étienne|") >= 1


def test_portrait_links_only_existing_files(tmp_path):
    _fake_portraits(tmp_path, ["ti-8413"], kinds=("html", "pdf"))
    links = catalogue.portrait_links(tmp_path, ["ti-8413", "ti-0101"])
    assert links["ti-8413"] == {"html": "html/ti-8413.html", "pdf": "pdf/ti-8413.pdf"}
    assert links["ti-0101"] == {}


# ---------------------------------------------------------------- overview


def test_overview_sentences_state_the_figures(data):
    ov = catalogue.overview(data, "industry_jobs_share", n=2)
    text = " ".join(ov.sentences)
    assert f"de 5,1{NNBSP}% (Grand Bastia – Marana-Golo) à 34,6{NNBSP}% (Plastics Vallée – Oyonnax)" in text
    assert "n’est pas disponible pour 1\u00a0territoire." in text  # a number bound to its word
    assert "en 2022" in text
    assert [r["territory_id"] for r in ov.top] == ["ti-8413", "ti-8424"]
    assert [r["rank"] for r in ov.bottom] == [4, 5]
    assert dict(ov.distribution)["Maximum"] == f"34,6{NNBSP}%"
    assert "'" not in text  # French apostrophes only


def test_overview_count_above_france(data):
    ov = catalogue.overview(data, "industry_jobs_share")
    france = data.benchmarks["france"]["industry_jobs_share"]
    above = int((data.table["industry_jobs_share"].round(1) > round(france, 1)).sum())
    assert any(s.replace("\u00a0", " ").startswith(f"{above} territoires sur 5") for s in ov.sentences)


def test_overview_unknown_indicator(data):
    ov = catalogue.overview(data, "no_such_indicator")
    assert ov.distribution == [] and "disponible pour aucun territoire" in ov.sentences[0]


# ---------------------------------------------------------------- the page


def test_page_is_french_self_contained_and_accessible(page):
    _, html, soup = page
    assert soup.html["lang"] == "fr"
    # Self-contained: no external script, stylesheet, image or font.
    for tag in soup.find_all(["script", "link", "img", "iframe"]):
        for attr in ("src", "href"):
            value = tag.get(attr)
            assert not value or value.startswith(("data:", "#")), (tag.name, value)
    assert "http://" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", html)
    assert "https://" not in html
    # Headings in order, one h1, no level skipped.
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    # Every header cell says what it heads.
    for th in soup.find_all("th"):
        assert th.get("scope") in {"col", "row"}, th
    # Form controls are labelled.
    for control in soup.find_all(["input", "select"]):
        assert soup.find("label", attrs={"for": control["id"]}), control


def test_page_rows_and_links(page):
    out, _, soup = page
    rows = soup.select("#catalogue tbody tr")
    assert [r["data-id"] for r in rows] == sorted(r["data-id"] for r in rows) and len(rows) == 6
    row = soup.find(id="t-ti-8413")
    hrefs = [a["href"] for a in row.find_all("a")]
    assert hrefs == ["html/ti-8413.html", "html/ti-8413.html", "pdf/ti-8413.pdf", "data/ti-8413.csv",
                     "data/ti-8413.xlsx", "review/ti-8413.html", "notebooks/ti-8413.ipynb"]
    for href in hrefs:
        assert (out / href).is_file()
    # "Notebook" opens the review page in the browser; the .ipynb beside it is a download.
    notebook = row.find("a", class_="file-review")
    assert notebook["href"] == "review/ti-8413.html" and not notebook.has_attr("download")
    assert notebook.get_text(" ", strip=True).startswith("Notebook")
    ipynb = row.find("a", class_="file-notebook")
    assert ipynb["href"] == "notebooks/ti-8413.ipynb" and ipynb.has_attr("download")
    # Not built: no link, a plain statement.
    basse_terre = soup.find(id="t-ti-0101")
    assert basse_terre.find("a") is None and "Portrait en préparation" in basse_terre.get_text()
    # Only what exists: a PDF alone gives a PDF link and no page link.
    bourgogne = soup.find(id="t-ti-2703")
    assert [a["href"] for a in bourgogne.find_all("a")] == ["pdf/ti-2703.pdf"]
    assert "Bourgogne-Franche-Comté et Auvergne-Rhône-Alpes" in bourgogne.get_text(" ", strip=True)


def test_page_cells_formatted_and_markers(page):
    _, _, soup = page
    cells = [td.get_text(strip=True) for td in soup.find(id="t-ti-8413").find_all("td", class_="num")]
    assert f"34,6{NNBSP}%" in cells and f"63{NNBSP}434" in cells
    bastia = soup.find(id="t-ti-9401")
    secret = [a for a in bastia.find_all("abbr") if a.get_text() == "s"]
    assert secret and secret[0]["title"] == "secret statistique"
    assert soup.find(id="t-ti-0101").find("abbr", title="non disponible")


def test_page_embedded_json(page):
    _, _, soup = page
    payload = json.loads(soup.find("script", id="catalogue-data").string)
    ids = [t["id"] for t in payload["territories"]]
    assert len(ids) == 6
    ind = [i["id"] for i in payload["indicators"]]
    oyo = payload["territories"][ids.index("ti-8413")]
    assert oyo["t"][ind.index("industry_jobs_share")] == f"34,6{NNBSP}%"
    assert oyo["html"] == "html/ti-8413.html"
    assert "Oyonnax" in oyo["c"] and oyo["reg"] == ["84"]
    bourgogne = payload["territories"][ids.index("ti-2703")]
    assert bourgogne["reg"] == ["27", "84"] and bourgogne["html"] == ""
    for item in payload["indicators"]:
        assert len(item["colours"]) == len(item["classes"])


def test_json_cannot_close_the_script_element():
    text = catalogue._json_for_script({"name": "</script><script>alert(1)</script>"})
    assert "</script" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_region_filter_options(page):
    _, _, soup = page
    options = {o["value"]: o.get_text() for o in soup.select("#region option")}
    assert options[""] == "Toutes les régions"
    assert options["84"] == "Auvergne-Rhône-Alpes" and options["27"] == "Bourgogne-Franche-Comté"


@needs_raw_maps
def test_map_links_titles_and_missing(page):
    _, _, soup = page
    svg = soup.find("svg", class_="national-map")
    assert svg is not None and svg.find("title")
    link = svg.find("a", href="html/ti-8413.html")
    assert link is not None and link["aria-label"] == f"Plastics Vallée – Oyonnax — 34,6{NNBSP}%"
    assert link.find("path").find("title").get_text() == link["aria-label"]
    # Territory without a built portrait: drawn, not linked.
    basse_terre = svg.find("path", attrs={"data-id": "ti-0101"})
    assert basse_terre.parent.name != "a" and basse_terre["fill"] == catalogue.MISSING_COLOUR
    assert svg.find("path", attrs={"data-id": "ti-8424"}).parent.name == "a"
    # The legend is in the page itself (readable without JS), missing values last.
    items = [li.get_text(strip=True) for li in soup.select("#carte-legende li")]
    assert len(items) >= 3 and items[0].startswith("moins de") and items[-1] == "non disponible"


@needs_raw_maps
def test_map_geometry_all_territories_and_insets(tmp_path):
    geometry = catalogue.map_geometry(tmp_path)
    assert len(geometry["territories"]) == 183
    assert all(g["d"].startswith("M") for g in geometry["territories"].values())
    assert [i["name"] for i in geometry["insets"]] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    overseas = {tid for tid, g in geometry["territories"].items() if g["inset"]}
    assert len(overseas) == 10 and all(tid[3:5] in {"01", "02", "03", "04", "06"} for tid in overseas)
    # Every coordinate inside the view box.
    for g in list(geometry["territories"].values())[:20]:
        x, y = map(int, re.match(r"M(-?\d+) (-?\d+)", g["d"]).groups())
        assert 0 <= x <= geometry["width"] and 0 <= y <= geometry["height"]


@needs_raw_maps
def test_map_geometry_cache_is_reused(tmp_path, monkeypatch):
    first = catalogue.map_geometry(tmp_path)
    assert len(list(tmp_path.glob("map-geometry-*.json"))) == 1

    def boom():
        raise AssertionError("geometry recomputed although cached")

    monkeypatch.setattr(catalogue, "compute_map_geometry", boom)
    catalogue._memo_geometry.cache_clear()
    assert catalogue.map_geometry(tmp_path) == first


def test_write_catalogue_atomic(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(FIXTURE))
    path = catalogue.write_catalogue(tmp_path)
    assert path == tmp_path / "index.html" and path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".*.tmp"))
    assert path.stat().st_mode & 0o044 == 0o044  # readable by a web server


def test_cli_catalogue(tmp_path, monkeypatch, capsys):
    from portraits import cli

    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(FIXTURE))
    assert cli.main(["catalogue", "--output", str(tmp_path)]) == 0
    assert (tmp_path / "index.html").is_file()
    assert "catalogue written" in capsys.readouterr().out


# ---------------------------------------------------------------- real data


@needs_processed
@needs_raw_maps
def test_real_catalogue_all_territories_small_page(tmp_path):
    html = catalogue.render_catalogue(tmp_path)
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("#catalogue tbody tr")) == 183
    assert len(html.encode("utf-8")) < 1_500_000
    payload = json.loads(soup.find("script", id="catalogue-data").string)
    n_communes = sum(catalogue._count_communes(t["c"]) for t in payload["territories"])
    import pandas as pd

    assert n_communes == len(pd.read_csv(config.processed_dir() / "communes.csv", usecols=["insee_com"]))
    assert len(soup.select("svg.national-map path[data-id]")) == 183


@needs_processed
@needs_raw_maps
def test_national_overview_notebook_runs(tmp_path, monkeypatch):
    """The hand-written notebook runs top to bottom and shows the same sentences as the page."""
    import nbclient
    import nbformat

    monkeypatch.setenv("PORTRAITS_OUTPUT_DIR", str(tmp_path))  # map cache out of output/
    path = Path(__file__).resolve().parents[2] / "notebooks" / "national_overview.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    markdown = [o.data["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    expected = catalogue.overview(catalogue.load_data(), "industry_jobs_share").sentences
    assert markdown and markdown[0] == "\n\n".join(expected)
    html = "".join(o.data["text/html"] for o in outputs if "text/html" in o.get("data", {}))
    assert 'class="national-map"' in html and 'id="nb-map-title"' in html
    # Links, if any portrait is built, point into output/ from notebooks/.
    assert all(h.startswith("../output/html/") for h in re.findall(r'href="([^"]+)"', html))


def test_build_report_linked_only_when_present(tmp_path):
    html = catalogue.render_catalogue(tmp_path, processed_dir=FIXTURE)
    assert "build-report.html" not in html
    (tmp_path / "build-report.html").write_text("<html></html>", encoding="utf-8")
    soup = BeautifulSoup(catalogue.render_catalogue(tmp_path, processed_dir=FIXTURE), "html.parser")
    assert soup.select_one("footer a")["href"] == "build-report.html"


def test_page_without_map_when_polygons_missing(tmp_path, monkeypatch, capsys):
    def missing(cache_dir=None):
        raise FileNotFoundError("ti_polygons missing")

    monkeypatch.setattr(catalogue, "map_geometry", missing)
    soup = BeautifulSoup(catalogue.render_catalogue(tmp_path, processed_dir=FIXTURE), "html.parser")
    assert soup.find("svg", class_="national-map") is None
    assert "La carte n’est pas disponible" in soup.find(id="carte").get_text()
    assert len(soup.select("#catalogue tbody tr")) == 6
    assert "national map left out" in capsys.readouterr().err


def test_indicator_labels_and_flags_come_from_the_catalogue():
    meta = catalogue.indicator_meta("no_diploma_share", france_scope="fm")
    assert "non-bacheliers" in meta.label.lower() and meta.france == "France métropolitaine"
    assert catalogue.indicator_meta("unemployment_rate", france_scope="fr").france == "France"
    assert catalogue.indicator_meta("private_jobs_growth").signed
