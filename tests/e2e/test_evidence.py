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
from portraits.text import evidence, grammar

pytestmark = pytest.mark.e2e

IDS = ["ti-8413", "ti-0101", "ti-0601", "ti-2404"]
KEY_IDS = ["ti-8413", "ti-0101", "ti-0601"]
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
    assert n == len(store.indicators(tid)) * (len(levels.DEFAULT) + 1)


@pytest.mark.parametrize("tid", KEY_IDS)
def test_every_key_figure_has_its_evidence_rows(site, tid):
    """Each card's value and words, and each part of its benchmark line, is the words of a key
    figure row, and every key figure row's words are on a card."""
    words = {_norm(r["words"]) for r in _rows(site, tid) if r["place"] == "key_figure" and r["words"] != evidence.NOTHING}
    shown = set()
    cards = _portrait(site, tid).select(".key-figure")
    assert len(cards) == 8
    for card in cards:
        shown.add(_norm(card.select_one(".value").get_text() + " " + card.select_one(".label").get_text()))
        shown.update(_norm(part) for part in card.select_one(".benchmark").get_text().split(" · "))
    assert shown == words


@pytest.mark.parametrize("tid", KEY_IDS)
def test_each_rule_states_the_rule_that_chose_its_outcome(site, tid):
    """vs(): « comme » only when every benchmark ties, « contre » otherwise, and the rule says
    which; a title's rule ends with the words it chose; a value shown approximate has a rule
    saying so (« environ » in the text, ≈ in the table and the cards)."""
    rows = _rows(site, tid)
    assert all(r["rule"] for r in rows if r["words"] != evidence.NOTHING)
    for r in rows:
        if r["asked"].startswith("vs(") and r["outcome"] == "omise":
            assert r["rule"].endswith("-> référence omise"), r
        elif r["asked"].startswith("vs("):
            word = "comme" if r["outcome"].startswith("comme") else "contre"
            assert r["outcome"].startswith(word) and f"-> « {word} »" in r["rule"], r
            assert ("« comme »" in r["rule"]) == (word == "comme"), r
        if r["asked"].startswith(("title(", "trend_title(", "compared(")) and "titre neutre" not in r["rule"]:
            chosen = re.findall(r"-> « ([^»]+) »", r["rule"])
            assert chosen and _norm(chosen[-1]) in _norm(r["outcome"]), r
        if r["place"] in ("table_cell", "key_figure") and APPROX in r["outcome"]:
            assert f"valeur approchée -> « {APPROX} »" in r["rule"], r
        if r["place"] in ("sentence", "title") and "environ" in r["outcome"]:
            assert "valeur approchée -> « environ »" in r["rule"], r


@pytest.mark.parametrize("tid", KEY_IDS)
def test_pour_comprendre_explains_each_approximation_the_page_shows(site, tid):
    """An indicator with a value shown « ≈ » in the table, benchmarks included, has its
    approximation explained in "Pour comprendre": the levels concerned and the method, whose
    measured size the catalogue gives."""
    page = _portrait(site, tid)
    understand = {_norm(li.find("strong").get_text()): _norm(li.get_text())
                  for li in page.select(".understand li") if li.find("strong")}
    table = page.find(id="tbl-comparaison")
    table = table if table.name == "table" else table.find("table")
    cat = store.catalogue().set_index("id")
    ids = {_norm(n): i for i, n in cat["short_label"].items()}
    checked = 0
    for tr in table.find("tbody").find_all("tr"):
        cells = [_norm(td.get_text()) for td in tr.find_all("td")]
        if not any(c.startswith(APPROX) for c in cells[1:5]):
            continue
        name = cells[0].rsplit(" (", 1)[0]
        line = understand[name]
        assert line.count(APPROX) >= 1 and ("Valeurs approchées" in line or "Outre-mer" in line), line
        if "Valeurs approchées" in line:  # the catalogue's method, which gives the measured size
            assert _norm(cat.loc[ids[name], "method"])[:60] in line, (name, line)
        checked += 1
    assert checked >= 3, checked


def test_review_page_shows_the_metadata_as_data_not_as_a_heading(site):
    page = BeautifulSoup((site / "review" / "ti-8413.html").read_text(encoding="utf-8"), "html.parser")
    assert not [h for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]) if "available" in h.get_text()]
    [block] = page.select(".review-metadata")
    data = block.find("pre").get_text()
    assert "available:" in data and "comparable:" in data and "industry_jobs_share: true" in data


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_one_name_per_indicator(site, tid):
    """The table, "Pour comprendre" and the positions chart name each indicator by its short
    name; the text's noun is said in the long name's words (docs/ARCHITECTURE.md, "Indicator
    names"); the short name's words are the long name's."""
    page = _portrait(site, tid)
    cat = store.catalogue().set_index("id")
    short = {_norm(n): i for i, n in cat["short_label"].items()}
    table = page.find(id="tbl-comparaison")
    table = table if table.name == "table" else table.find("table")
    named = [_norm(tr.find("td").get_text()).rsplit(" (", 1)[0] for tr in table.find("tbody").find_all("tr")]
    assert set(named) <= set(short) and len(named) == len(store.indicators(tid))
    understood = [_norm(li.find("strong").get_text()) for li in page.select(".understand li") if li.find("strong")]
    assert set(understood) - set(short) <= {"Secteurs industriels (A38)", "Périmètre infracommunautaire"}
    charted = {_norm(r["words"]).rsplit(" (", 1)[0] for r in _rows(site, tid) if r["asked"].startswith("ligne ")}
    assert charted and charted <= set(short)

    def words(text: str) -> set[str]:
        return set(re.findall(r"[\w+-]+", _norm(text).lower().replace("'", " ")))

    for iid, row in cat.iterrows():
        long = words(row["label"])
        assert words(row["short_label"]) <= long, iid
        noun = grammar.phrasing({"indicator_id": iid, "label": row["label"]}).noun.text
        assert words(noun) - {"nombre", "d", "de"} <= long, (iid, noun)


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
def test_the_csv_and_xlsx_flag_each_level(site, tid):
    """Each level the data files show (the default ones) has its approximation flag."""
    csv = pd.read_csv(site / "data" / f"{tid}.csv")
    for lv in levels.DEFAULT:
        assert set(csv[data_table.approx_header(lv.id)]) <= {"oui", "non"}
    xlsx = pd.read_excel(site / "data" / f"{tid}.xlsx")
    long = store.indicators_long(tid)
    for lv in levels.DEFAULT:
        header = data_table.approx_header(lv.id)
        assert list(xlsx[header]) == list(csv[header])  # the same flags in both files
        assert (csv[header] == "oui").sum() == long[long.level == lv.id]["approx"].fillna(False).astype(bool).sum(), lv.id


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
