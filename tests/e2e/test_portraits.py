"""End to end: `portraits build ti-8413 ti-0101` as a user runs it, then the outputs read as a
reader and a reviewer would: the HTML parsed, the PDF's text and pages, the executed notebook
and the data files. ti-0101 (Basse-Terre, Guadeloupe) is the overseas case."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from portraits.text import fmt
from portraits.data import store
from portraits.blocks import data_table

pytestmark = pytest.mark.e2e

IDS = ["ti-8413", "ti-0101"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build through the command line (exit status included), not through the Python API."""
    out = tmp_path_factory.mktemp("e2e-site")
    proc = subprocess.run(
        [sys.executable, "-m", "portraits", "build", *IDS, "--output", str(out), "--engine", "builtin"],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def _soup(site, tid) -> BeautifulSoup:
    return BeautifulSoup((site / "html" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")


def _pdf_text(site, tid) -> tuple[PdfReader, str]:
    reader = PdfReader(site / "pdf" / f"{tid}.pdf")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Normalise the spaces French typography uses so that numbers compare as text.
    return reader, re.sub(r"[\u00a0\u202f]", " ", text)


def _norm(s: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", s).strip()


@pytest.mark.parametrize("tid", IDS)
def test_all_outputs_exist(site, tid):
    for rel in (f"notebooks/{tid}.ipynb", f"html/{tid}.html", f"pdf/{tid}.pdf",
                f"data/{tid}.csv", f"data/{tid}.xlsx", f"review/{tid}.html", "index.html",
                "build-report.json"):
        path = site / rel
        assert path.is_file() and path.stat().st_size > 0, rel
    assert not list(site.rglob("*.tmp")), "temporary files left behind"


@pytest.mark.parametrize("tid", IDS)
def test_notebook_has_papermill_parameters_for_this_territory(site, tid):
    nb = json.loads((site / "notebooks" / f"{tid}.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    assert f'territory = "{tid}"' in "".join(injected[0]["source"])
    assert "papermill" in nb["metadata"]
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.parametrize("tid", IDS)
def test_review_page_shows_the_executed_notebook_with_links(site, tid):
    page = BeautifulSoup((site / "review" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "fr" and store.territory(tid).name in page.title.get_text()
    [injected] = page.select(".jp-Cell.celltag_injected-parameters")
    assert f'territory = "{tid}"' in injected.get_text()
    hrefs = [a["href"] for a in page.select("header.review-header a")]
    assert hrefs == [f"../html/{tid}.html", f"../pdf/{tid}.pdf", f"../data/{tid}.csv", f"../data/{tid}.xlsx",
                     f"../notebooks/{tid}.ipynb"]
    assert all((site / "review" / h).resolve().is_file() for h in hrefs)
    assert not page.find("script", src=True)
    # The catalogue's "Notebook" link opens it.
    catalogue = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert catalogue.select_one(f"#t-{tid} a.file-review")["href"] == f"review/{tid}.html"


@pytest.mark.parametrize("tid", IDS)
def test_change_review_covers_every_word_of_the_portrait(site, tid):
    from portraits.build import text_changes

    soup = _soup(site, tid)
    for el in soup(["style", "script", "svg"]) + soup.select(".skip-link"):
        el.decompose()
    blocks = json.loads((site / ".build" / "text" / f"{tid}.json").read_text(encoding="utf-8"))
    assert blocks == text_changes.extract_file(site / "html" / f"{tid}.html")
    assert sorted(" ".join(b["text"] for b in blocks).split()) == sorted(soup.body.get_text("").split())
    kinds = {b["kind"] for b in blocks}
    assert kinds == {"titre", "légende", "chiffre clé", "phrase", "cellule", "note"}


@pytest.mark.parametrize("tid", IDS)
def test_html_reads_as_a_french_portrait(site, tid):
    soup = _soup(site, tid)
    name = store.territory(tid).name
    assert soup.html["lang"] == "fr"
    assert name in soup.title.get_text()
    h1 = soup.find("h1")
    assert h1 is not None and name in h1.get_text()
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert "L’essentiel" in headings or "L'essentiel" in headings
    assert "Pour comprendre" in headings
    # No code is shown to readers: no source cells, no Quarto options, no Python reprs.
    text = soup.get_text(" ")
    assert not soup.select("pre code, div.sourceCode")
    for leak in ("#|", "import portraits", "report.Portrait", "<IPython", "Markdown object", "Traceback"):
        assert leak not in text, leak
    # Nothing fetched from the network: the page is self-contained.
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for el in soup.find_all(tag):
            assert not str(el.get(attr, "")).startswith(("http:", "https:", "//")), el


@pytest.mark.parametrize("tid", IDS)
def test_html_has_at_least_five_figures_with_alt_text(site, tid):
    soup = _soup(site, tid)
    images = soup.find_all("img") + soup.find_all("svg", class_="chart")  # charts are inline SVG
    assert len(images) >= 5
    for img in images:
        alt = (img.get("alt") or img.get("aria-label") or "").strip()
        assert len(alt) > 20, img.get("src", img.get("id", ""))[:60]
        assert img.name == "img" or img.get("role") == "img"


@pytest.mark.parametrize("tid", IDS)
def test_key_figures_and_table_match_the_indicator_table(site, tid):
    soup = _soup(site, tid)
    ind = store.indicators(tid).set_index("indicator_id")
    shown = _norm(soup.get_text(" "))
    # The comparison table shows each indicator's territory value as fmt formats it.
    table = soup.find("table")
    header = [th.get_text(strip=True) for th in table.find("tr").find_all(["th", "td"])]
    assert header[:5] == ["Indicateur", "Territoire", "Région", "France", "Ensemble des TI"]
    rows = {_norm(tr.find_all(["th", "td"])[0].get_text(" ")): [_norm(td.get_text(" ")) for td in tr.find_all(["th", "td"])]
            for tr in table.find_all("tr")[1:]}
    checked = 0
    for iid in ("population", "unemployment_rate", "industry_establishments_share", "establishments"):
        r = ind.loc[iid]
        if pd.isna(r["territory"]):
            continue
        expected = _norm(fmt.value(r["territory"], r["unit"]))
        row = rows[_norm(f"{r['short_label']} ({r['year']})")]
        assert expected in row[1], (iid, expected, row)
        # The same figure appears in the commentary or key figures, not only in the table.
        assert shown.count(expected) >= 2, (iid, expected)
        checked += 1
    assert checked >= 3


def test_commentary_compares_with_benchmarks_metropolitan(site):
    soup = _soup(site, "ti-8413")
    text = _norm(soup.get_text(" "))
    ind = store.indicators("ti-8413").set_index("indicator_id")
    share = _norm(fmt.percent(ind.loc["industry_jobs_share", "territory"]))
    france = _norm(fmt.percent(ind.loc["industry_jobs_share", "france"]))
    # "… s'établit à environ 34,6 % en 2022 …, contre 11,7 % en France"
    sentence = next(s for s in re.split(r"(?<=\.)\s", text) if share in s and "industrie" in s)
    assert france in sentence and "France" in sentence


def test_overseas_portrait_states_gaps_instead_of_inventing(site):
    soup = _soup(site, "ti-0101")
    ind = store.indicators("ti-0101").set_index("indicator_id")
    missing = ind[ind["territory"].isna()]
    assert len(missing) > 0, "Guadeloupe lacks the metropolitan-only IRIS indicators"
    text = soup.get_text(" ")
    assert "n.d." in text
    assert "Guadeloupe" in text


@pytest.mark.parametrize("tid", IDS)
def test_pdf_pages_title_and_key_figures(site, tid):
    reader, text = _pdf_text(site, tid)
    name = store.territory(tid).name
    assert len(reader.pages) >= 3
    assert name in reader.metadata.title
    assert _norm(name) in _norm(text)
    ind = store.indicators(tid).set_index("indicator_id")
    population = _norm(fmt.value(ind.loc["population", "territory"], ind.loc["population", "unit"]))
    assert population in _norm(text)
    assert "Pour comprendre" in text
    assert "Source" in text


@pytest.mark.parametrize("tid", IDS)
def test_data_files_hold_the_figures_with_benchmarks(site, tid):
    csv = pd.read_csv(site / "data" / f"{tid}.csv")
    xlsx = pd.read_excel(site / "data" / f"{tid}.xlsx")
    expected = data_table.comparison_frame(tid)
    assert list(csv.columns) == list(expected.columns)
    assert len(csv) == len(expected) == len(xlsx)
    pop = store.indicators(tid).set_index("indicator_id").loc["population", "territory"]
    assert pop in set(csv["Territoire"]) and pop in set(xlsx["Territoire"])


@pytest.mark.parametrize("tid", IDS)
def test_portrait_and_review_page_link_both_ways(site, tid):
    """Each section, chart and table with evidence links to its evidence table on the review
    page, which links back to it: the same pairs both ways, every target there."""
    portrait = _soup(site, tid)
    review = BeautifulSoup((site / "review" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")
    review_ids = {el["id"] for el in review.find_all(id=True)}
    portrait_ids = {el["id"] for el in portrait.find_all(id=True)}
    forward = set()
    for a in portrait.select("p.evidence-link a"):
        page, _, anchor = a["href"].partition("#")
        assert page == f"../review/{tid}.html" and anchor in review_ids, a["href"]
        target = a.parent.find_previous(lambda el: el.name in ("h2", "h3", "figure", "table") and el.get("id"))
        forward.add((target["id"], anchor))
        assert _norm(a.get_text()).startswith("Éléments de preuve :")  # its end is for screen readers
        assert "\u202f:" in a.get_text()
    backward = set()
    for a in review.select("a.review-to-portrait"):
        page, _, target = a["href"].partition("#")
        assert page == f"../html/{tid}.html" and target in portrait_ids, a["href"]
        backward.add(target)
    assert {t for t, _ in forward} == backward
    linked = {t for t, _ in forward}
    assert "lessentiel" in linked  # the key figures
    charts = {f["id"] for f in portrait.select("figure[id^=fig-]") if f.find("svg")} - {"fig-carte"}
    assert charts and charts <= linked  # every chart but the locator map, which decides no word
    assert {t["id"] for t in portrait.select("table[id^=tbl-]")} <= linked


@pytest.mark.parametrize("tid", IDS)
def test_page_weights(site, tid):
    """#20's targets: a portrait's HTML ≤ 300 KB (charts inline, one font subset), its review
    page ≤ 400 KB (shared stylesheet)."""
    assert (site / "html" / f"{tid}.html").stat().st_size <= 300_000
    assert (site / "review" / f"{tid}.html").stat().st_size <= 400_000
    page = (site / "html" / f"{tid}.html").read_text(encoding="utf-8")
    assert page.count("@font-face") == 5 and "data:image/svg+xml" not in page
