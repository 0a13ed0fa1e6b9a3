"""Unit tests of portraits.site.catalogue: the page (self-contained, accessible, rows, links,
embedded JSON, region filter), writing it, the command, the real data and the notebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portraits.site import catalogue, catalogue_geometry
from portraits.core import config
from portraits.site.catalogue_data import load_data
from portraits.site.catalogue_overview import overview

NNBSP = "\u202f"


@pytest.fixture(scope="module")
def page(fixture_page):
    out, html = fixture_page
    return out, html, BeautifulSoup(html, "html.parser")


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
    assert f"≈\u00a034,6{NNBSP}%" in cells and f"63{NNBSP}434" in cells  # approximate: "≈", as in the portraits
    bastia = soup.find(id="t-ti-9401")
    secret = [a for a in bastia.find_all("abbr") if a.get_text() == "s"]
    assert secret and secret[0]["title"] == "secret statistique"
    assert soup.find(id="t-ti-0101").find("abbr", title="non disponible")


def test_page_marks_values_on_another_basis(page):
    _, _, soup = page
    # Basse-Terre's industry share comes from Flores 2023: marked, its source and year in a
    # title and in a note under the table.
    marked = soup.find(id="t-ti-0101").select(".other-basis")
    assert len(marked) == 1
    assert marked[0].get_text(strip=True) == f"≈\u00a04,2{NNBSP}%*"
    assert "Flores 2023" in marked[0]["title"] and "valeurs 2023" in marked[0]["title"]
    notes = [p.get_text(" ", strip=True) for p in soup.select(".table-notes p")]
    assert notes[0].startswith("≈ : valeur approchée")
    assert len(notes) == 2 and notes[1].startswith("* Autre base") and "Flores 2023" in notes[1]
    assert not soup.find(id="t-ti-8413").select(".other-basis")


def test_page_embedded_json(page):
    _, _, soup = page
    payload = json.loads(soup.find("script", id="catalogue-data").string)
    ids = [t["id"] for t in payload["territories"]]
    assert len(ids) == 6
    ind = [i["id"] for i in payload["indicators"]]
    oyo = payload["territories"][ids.index("ti-8413")]
    assert oyo["t"][ind.index("industry_jobs_share")] == f"≈\u00a034,6{NNBSP}%"
    # A value on another basis: outside the classes (k = -2), its source in the map's text.
    basse_terre = payload["territories"][ids.index("ti-0101")]
    assert basse_terre["k"][ind.index("industry_jobs_share")] == catalogue.OTHER_CLASS
    assert "Flores 2023" in basse_terre["t"][ind.index("industry_jobs_share")]
    assert basse_terre["k"][ind.index("median_income")] == catalogue.MISSING_CLASS
    assert [i["other"] for i in payload["indicators"] if i["id"] == "industry_jobs_share"] == [True]
    assert payload["otherColour"] and payload["otherLabel"]
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


def test_write_catalogue_atomic(tmp_path, fixture_tables):
    path = catalogue.write_catalogue(tmp_path)
    assert path == tmp_path / "index.html" and path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".*.tmp"))
    assert path.stat().st_mode & 0o044 == 0o044  # readable by a web server


def test_cli_catalogue(tmp_path, capsys, fixture_tables):
    from portraits import cli

    assert cli.main(["catalogue", "--output", str(tmp_path)]) == 0
    assert (tmp_path / "index.html").is_file()
    assert "catalogue written" in capsys.readouterr().out


def test_real_catalogue_all_territories_small_page(tmp_path, real_processed, raw_maps):
    html = catalogue.render_catalogue(tmp_path)
    soup = BeautifulSoup(html, "html.parser")
    assert len(soup.select("#catalogue tbody tr")) == 183
    assert len(html.encode("utf-8")) < 1_500_000
    payload = json.loads(soup.find("script", id="catalogue-data").string)
    n_communes = sum(catalogue.count_communes(t["c"]) for t in payload["territories"])
    import pandas as pd

    assert n_communes == len(pd.read_csv(config.processed_dir() / "communes.csv", usecols=["insee_com"]))
    assert len(soup.select("svg.national-map path[data-id]")) == 183


def test_national_overview_notebook_runs(tmp_path, monkeypatch, real_processed, raw_maps):
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
    expected = overview(load_data(), "industry_jobs_share").sentences
    assert markdown and markdown[0] == "\n\n".join(expected)
    html = "".join(o.data["text/html"] for o in outputs if "text/html" in o.get("data", {}))
    assert 'class="national-map"' in html and 'id="nb-map-title"' in html
    # Links, if any portrait is built, point into output/ from notebooks/.
    assert all(h.startswith("../output/html/") for h in re.findall(r'href="([^"]+)"', html))


def test_build_report_linked_only_when_present(tmp_path, fixture_tables):
    html = catalogue.render_catalogue(tmp_path)
    assert "build-report.html" not in html
    (tmp_path / "build-report.html").write_text("<html></html>", encoding="utf-8")
    soup = BeautifulSoup(catalogue.render_catalogue(tmp_path), "html.parser")
    assert soup.select_one("footer a")["href"] == "build-report.html"


def test_page_without_map_when_polygons_missing(tmp_path, monkeypatch, capsys, fixture_tables):
    def missing(cache_dir=None):
        raise FileNotFoundError("ti_polygons missing")

    monkeypatch.setattr(catalogue_geometry, "map_geometry", missing)
    soup = BeautifulSoup(catalogue.render_catalogue(tmp_path), "html.parser")
    assert soup.find("svg", class_="national-map") is None
    assert "La carte n’est pas disponible" in soup.find(id="carte").get_text()
    assert len(soup.select("#catalogue tbody tr")) == 6
    assert "national map left out" in capsys.readouterr().err
