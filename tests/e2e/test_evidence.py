"""End to end: every figure a reader sees can be traced (docs/ARCHITECTURE.md, "Evidence"). Four
territories built as a user builds them (ti-8413 metropolitan, ti-0101 overseas with Flores
values, ti-0601 Mayotte with many missing values, ti-2404 secret medians); the portrait's HTML
parsed, the executed
notebook's evidence rows read, the review page weighed and its links followed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import unquote

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from portraits.blocks import data_table
from portraits.blocks.values import APPROX
from portraits.core import levels
from portraits.data import store
from portraits.text import evidence

pytestmark = pytest.mark.e2e

IDS = ["ti-8413", "ti-0101", "ti-0601", "ti-2404"]
WITH_TEXT_VALUES = ["ti-8413", "ti-0101", "ti-2404"]  # Mayotte's text gives no value at all
MAX_REVIEW_BYTES = 400 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("evidence-site")
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *IDS, "--output", str(out),
                           "--engine", "builtin", "--formats", "html"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def _norm(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("’", "'")).strip()


def _rows(site, tid) -> list[dict]:
    nb = nbformat.read(site / "notebooks" / f"{tid}.ipynb", as_version=4)
    return [row for cell in nb.cells for out in cell.get("outputs", [])
            for row in evidence.from_output(out.get("data") or {})]


def _portrait(site, tid) -> BeautifulSoup:
    return BeautifulSoup((site / "html" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("tid", IDS)
def test_every_table_cell_has_its_evidence_row(site, tid):
    rows = _rows(site, tid)
    cells = {(r["asked"], _norm(r["words"])) for r in rows if r["place"] == "table_cell"}
    table = _portrait(site, tid).find(id="tbl-comparaison")
    table = table if table.name == "table" else table.find("table")
    headers = [_norm(th.get_text()) for th in table.find("thead").find_all("th")]
    n = 0
    for tr in table.find("tbody").find_all("tr"):
        texts = [_norm(td.get_text()) for td in tr.find_all("td")]
        for header, text in zip(headers[1:], texts[1:]):
            assert (f"{texts[0]} × {header}", text) in cells, (tid, texts[0], header, text)
            n += 1
    assert n == len(store.indicators(tid)) * (len(levels.LEVELS) + 1)


@pytest.mark.parametrize("tid", IDS)
def test_each_row_says_which_words_it_decided_and_titles_once(site, tid):
    rows = _rows(site, tid)
    assert rows and all(r["place"] in evidence.PLACES for r in rows)
    assert all(r["words"] for r in rows)
    headings = {_norm(h.get_text()) for h in _portrait(site, tid).find_all(["h2", "h3"])}
    titles = [r for r in rows if r["place"] == "title"]
    assert titles and all(_norm(r["words"]) in headings for r in titles)
    # one row per title: a title's comparison is not recorded a second time under it
    assert len({(r["asked"], r["words"]) for r in titles}) == len(titles)
    assert {r["place"] for r in rows} >= {"title", "sentence", "table_cell", "chart_label"}


@pytest.mark.parametrize("tid", WITH_TEXT_VALUES)
def test_text_marks_approximate_values_as_the_table_does(site, tid):
    """Every value of the comparison table that the text repeats says « environ » in the text
    exactly where the table says « ≈ » (values that appear in the table both ways are skipped)."""
    page = _portrait(site, tid)
    table = page.find(id="tbl-comparaison")
    table = table if table.name == "table" else table.find("table")
    flags: dict[str, set[bool]] = {}
    for tr in table.find("tbody").find_all("tr"):
        for td in tr.find_all("td")[1:5]:
            text = _norm(td.get_text())
            if re.search(r"\d", text) and "non comparable" not in text:
                flags.setdefault(text.removeprefix(APPROX).strip(), set()).add(text.startswith(APPROX))
    text = " ".join(_norm(p.get_text()) for p in page.select("main p") if not p.find_parent(
        lambda t: t.name in ("figure", "table", "header", "nav") or set(t.get("class") or []) & {
            "key-figures", "source", "understand", "portrait-nav"}))
    assert text
    checked = 0
    for value, approx in flags.items():
        if len(approx) != 1:
            continue
        for m in re.finditer(r"(?<![\d,+−-])" + re.escape(value) + r"(?![\d,])", text):
            said = text[:m.start()].endswith("environ ")
            assert said == next(iter(approx)), (tid, value, text[m.start() - 40:m.end()])
            checked += 1
    assert checked >= 5, (tid, checked)


@pytest.mark.parametrize("tid", IDS)
def test_the_csv_flags_each_level(site, tid):
    csv = pd.read_csv(site / "data" / f"{tid}.csv")
    for lv in levels.LEVELS:
        assert set(csv[data_table.approx_header(lv.id)]) <= {"oui", "non"}
    long = store.indicators_long(tid)
    assert (csv[data_table.approx_header("all_territories")] == "oui").sum() == \
        long[long.level == "all_territories"]["approx"].astype(bool).sum()


@pytest.mark.parametrize("tid", IDS)
def test_review_page_is_light_and_its_links_work(site, tid):
    path = site / "review" / f"{tid}.html"
    assert path.stat().st_size <= MAX_REVIEW_BYTES, path.stat().st_size
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    [css] = page.find_all("link", rel="stylesheet")
    assert (path.parent / css["href"]).is_file()
    ids = {t["id"] for t in page.find_all(id=True)}
    toc = page.select(".review-toc a")
    assert toc and all(a["href"][1:] in ids for a in toc)
    portrait_ids = {t["id"] for t in _portrait(site, tid).find_all(id=True)}
    to_portrait = page.select("a.review-to-portrait")
    assert len(to_portrait) == len(toc)
    for a in to_portrait:
        file, _, fragment = a["href"].partition("#")
        assert (path.parent / file).resolve() == (site / "html" / f"{tid}.html").resolve()
        assert unquote(fragment) in portrait_ids, fragment
    for a in page.select('header.review-header nav[aria-label="Fichiers du territoire"] a'):
        assert (path.parent / a["href"]).resolve().is_file(), a["href"]


def test_catalogue_links_work_and_the_build_report_lists_the_territories(site):
    page = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    local = [a["href"] for a in page.find_all("a", href=True)
             if not re.match(r"(https?:|mailto:|#|data:)", a["href"]) and any(t in a["href"] for t in IDS)]
    assert any(h.startswith("review/") for h in local)
    for href in local:
        assert (site / unquote(href.partition("#")[0])).is_file(), href
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    assert sorted(t["territory"] for t in report["territories"]) == sorted(IDS)
