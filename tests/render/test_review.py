"""The reviewers' page (portraits.render.review): an executed notebook through nbconvert, with its code,
papermill's injected-parameters cell marked, the commentary's evidence tables and the links
to the territory's files; offline."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from portraits.render import review

FIXTURE = Path(__file__).parents[1] / "fixtures" / "review" / "executed.ipynb"


@pytest.fixture(scope="module")
def soup():
    nb = nbformat.read(FIXTURE, as_version=4)
    return BeautifulSoup(review.render_review(nb, "ti-0002", name="Territoire test"), "html.parser")


def test_page_is_french_and_shows_the_code(soup):
    assert soup.html["lang"] == "fr"
    assert soup.title.get_text() == "Relecture – Territoire test (ti-0002)"
    code = soup.select(".jp-CodeCell .jp-InputArea-editor")
    assert any("report.commentary(territory, 'industry')" in c.get_text() for c in code)
    # Markdown commentary rendered, not shown as source
    assert "nettement plus qu’en France" in soup.get_text() or "nettement plus qu'en France" in soup.get_text()


def test_injected_parameters_cell_is_marked(soup):
    [cell] = soup.select(".jp-Cell.celltag_injected-parameters")
    assert 'territory = "ti-0002"' in cell.get_text()
    label = cell.find_previous_sibling()
    assert label is not None and "review-params" in label["class"]
    assert label.get_text(strip=True) == "Paramètres injectés par papermill"
    # Only the injected cell is labelled, not the template's own parameters cell.
    assert len(soup.select(".review-params")) == 1
    assert soup.select(".jp-Cell.celltag_parameters")


def test_evidence_tables_are_shown_with_a_caption(soup):
    [box] = soup.select(".review-evidence")
    assert box.select_one(".review-evidence-caption").get_text(strip=True).startswith("Éléments de preuve")
    table = box.find("table")
    assert table is not None and "Part de l'industrie" in table.get_text()
    assert [th.get_text() for th in table.find_all("th")] == ["Indicateur", "Territoire", "France", "Écart"]
    # The ordinary outputs are not captioned as evidence.
    assert not box.find(string=re.compile("nettement plus"))
    assert soup.select_one(".jp-RenderedSVG > svg rect")  # charts inline, not a base64 image


def test_links_to_the_portrait_and_the_data(soup):
    header = soup.select_one("header.review-header")
    hrefs = {a["href"]: a for a in header.find_all("a")}
    assert list(hrefs) == ["../html/ti-0002.html", "../pdf/ti-0002.pdf", "../data/ti-0002.csv",
                           "../data/ti-0002.xlsx", "../notebooks/ti-0002.ipynb"]
    assert hrefs["../notebooks/ti-0002.ipynb"].has_attr("download")
    assert not hrefs["../html/ti-0002.html"].has_attr("download")
    # the same rule as the catalogue's (outputs.Output.page): the PDF is a download there too
    assert hrefs["../pdf/ti-0002.pdf"].has_attr("download")
    assert hrefs["../pdf/ti-0002.pdf"].get_text() == "Portrait (PDF)"


def test_nothing_is_loaded_from_the_network(soup):
    for tag in soup.find_all(["script", "link", "img", "iframe"]):
        for attr in ("src", "href"):
            assert not re.match(r"(https?:)?//", tag.get(attr, "")), tag
    for style in soup.find_all("style"):
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", style.get_text()), style.get_text()[:200]
    assert not soup.find("script", src=True)


def test_write_review_links_only_existing_files_atomically(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "ti-0002.html").write_text("portrait", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "ti-0002.ipynb").write_bytes(FIXTURE.read_bytes())
    path = review.write_review(tmp_path, "ti-0002")  # reads the executed notebook from disk
    assert path == tmp_path / "review" / "ti-0002.html"
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in page.select("header.review-header a")] == [
        "../html/ti-0002.html", "../notebooks/ti-0002.ipynb"]
    assert not list((tmp_path / "review").glob(".*.tmp"))


def test_pandoc_markup_of_the_commentary_is_shown_as_plain_text_and_the_notebook_is_untouched():
    nb = nbformat.read(FIXTURE, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_raw_cell("---\ntitle: Test\n---"))
    nb.cells[-1].outputs.append(nbformat.v4.new_output("display_data", data={
        "text/markdown": ":::: {.key-figures}\n::: {.key-figure}\n[42]{.value} [emplois]{.label}\n:::\n::::"}))
    before = nbformat.writes(nb)
    page = BeautifulSoup(review.render_review(nb, "ti-0002"), "html.parser")
    text = page.get_text(" ")
    assert "42 emplois" in re.sub(r"\s+", " ", text) and ":::" not in text and "{.value}" not in text
    assert page.select_one(".review-raw pre").get_text().startswith("---\ntitle: Test")
    assert nbformat.writes(nb) == before


def test_markdown_is_nbconverts_own_with_one_parser_for_every_cell():
    from nbconvert import HTMLExporter

    nb = nbformat.read(FIXTURE, as_version=4)
    texts = ["# Titre\n\nUn *mot* et `code`, $x^2$ :\n\n| a | b |\n|---|---|\n| 1 | 2 |", "- un\n- deux"]
    picture = {"image/png": "iVBORw0KGgo="}
    nb.cells[:0] = [nbformat.v4.new_markdown_cell(t) for t in [*texts, texts[0]]]
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("![x](attachment:x.png)", attachments={"x.png": picture}))
    review._MARKDOWN.clear()
    page = review.render_review(nb, "ti-0002")
    assert len(review._MARKDOWN) == 1  # one parser for the cells without attachments
    plain = HTMLExporter(exclude_anchor_links=True)
    for cell in nb.cells[:4]:
        expected = plain.markdown2html({"cell": cell, "resources": {"metadata": {}}}, cell.source)
        assert expected and expected in page
    assert "data:image/png;base64,iVBORw0KGgo=" in page  # the attachment's own renderer


def test_styles_and_fonts_are_one_shared_file_written_only_when_it_changes(soup, tmp_path):
    assert not soup.find("style")  # no style sheet in the page itself
    [link] = soup.find_all("link", rel="stylesheet")
    assert link["href"] == review.STYLESHEET == "assets/review.css"
    path = review.write_assets(tmp_path)
    assert path == tmp_path / "review" / "assets" / "review.css"
    css = path.read_text(encoding="utf-8")
    assert ".review-evidence" in css and ".jp-Cell" in css
    before = path.stat().st_mtime_ns
    review.write_assets(tmp_path)
    assert path.stat().st_mtime_ns == before  # unchanged: not rewritten
    path.write_text("old", encoding="utf-8")
    review.write_assets(tmp_path)
    assert path.read_text(encoding="utf-8") == css and not list(path.parent.glob(".*.tmp"))


def test_charts_lose_their_own_fonts_and_prolog():
    svg = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "y">\n<svg><defs><style type="text/css">'
           '@font-face{font-family:"F";src:url(data:font/woff2;base64,AAAA)}</style></defs><text>1</text></svg>')
    assert review.inline_svg(svg) == "<svg><defs></defs><text>1</text></svg>"


def test_metadata_is_shown_as_data_and_evidence_links_to_the_portrait():
    from portraits.core import outputs

    nb = nbformat.read(FIXTURE, as_version=4)
    text = "---\navailable:\n  jobs: true\n---\n"
    nb.cells.insert(3, nbformat.v4.new_code_cell("p.metadata()", outputs=[nbformat.v4.new_output(
        "execute_result", data={"text/markdown": text, "text/plain": text},
        metadata=outputs.role_metadata(outputs.METADATA_ROLE), execution_count=3)]))
    evidence = nb.cells[4].outputs[1]
    evidence.metadata["portraits"]["anchor"] = "preuve-l12"
    nb.cells[4].outputs[0].data["text/markdown"] = "## Une part de l'industrie élevée\n\n" + \
        nb.cells[4].outputs[0].data["text/markdown"]
    page = BeautifulSoup(review.render_review(nb, "ti-0002"), "html.parser")
    block = page.select_one(".review-metadata")
    assert block.find("pre").get_text() == text and not page.find(["h1", "h2"], string=re.compile("available"))
    [item] = page.select(".review-toc a")
    assert item["href"] == "#preuve-l12" and item.get_text() == "Texte\u202f: Une part de l'industrie élevée"
    to_portrait = page.select_one(".review-evidence a.review-to-portrait")
    assert to_portrait["href"] == "../html/ti-0002.html#une-part-de-lindustrie-élevée"


@pytest.mark.parametrize("heading, ident", [
    ("Une part de l'industrie dans l'emploi nettement supérieure à la moyenne", 
     "une-part-de-lindustrie-dans-lemploi-nettement-supérieure-à-la-moyenne"),
    ("Une population quasi stable entre 2015 et 2021, alors qu'elle augmente", 
     "une-population-quasi-stable-entre-2015-et-2021-alors-quelle-augmente"),
    ("2021 : *Population*", "population"),
])
def test_pandoc_identifier(heading, ident):
    assert review.pandoc_identifier(heading) == ident


@pytest.mark.parametrize("replay_log", [False, True])
def test_evidence_targets_are_the_reverse_of_the_links_to_the_portrait(replay_log):
    """Also when the text's Markdown output carries its replay log (as executed by the build):
    that metadata has no role, and the text is still what readers see."""
    import json

    from portraits.template import inline

    nb = nbformat.read(FIXTURE, as_version=4)
    evidence = nb.cells[3].outputs[1]
    evidence.metadata["portraits"]["anchor"] = "preuve-l12"
    if replay_log:
        nb.cells[3].outputs[0].metadata = {"portraits": {inline.REPLAY: [{"expr": "p.x"}]}}
    nb.cells[3].outputs[0].data["text/markdown"] = "## Une part de l'industrie élevée\n\n" + \
        nb.cells[3].outputs[0].data["text/markdown"]
    page = BeautifulSoup(review.render_review(nb, "ti-0002"), "html.parser")
    back = page.select_one(".review-evidence a.review-to-portrait")["href"].partition("#")[2]
    raw = json.loads(nbformat.writes(nb))  # as the renderer reads it: texts as lists of lines
    assert back == "une-part-de-lindustrie-élevée"
    assert review.evidence_targets(raw) == {back: "preuve-l12"}
