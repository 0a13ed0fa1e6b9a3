"""Built-in engine: the fixture notebook (executed by papermill from tests/fixtures/render/
portrait.qmd) rendered to HTML and PDF, read back as a reader's tools would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from portraits.render import RenderError, builtin, render

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "portrait.ipynb"
FAILURES = FIXTURE.parent / "failures"  # one notebook per way a tool fails
TITLE = "Territoire d'industrie — Vallée-Test"
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("render")
    paths = render(FIXTURE, html=out / "html" / "ti-8499.html", pdf=out / "pdf" / "ti-8499.pdf",
                   engine="builtin", context={"name": "Vallée-Test"})
    return paths


@pytest.fixture(scope="module")
def soup(outputs):
    return BeautifulSoup(outputs["html"].read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def pdf(outputs):
    return PdfReader(outputs["pdf"])


def test_render_returns_paths_in_place_and_no_leftovers(outputs):
    assert set(outputs) == {"html", "pdf"}
    for path in outputs.values():
        assert path.is_file() and path.stat().st_size > 0
        assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_html_title_language_and_headings(soup):
    assert soup.html["lang"] == "fr"
    assert soup.title.get_text() == TITLE.replace("'", "’")
    h1 = soup.find_all("h1")
    assert len(h1) == 1 and "Vallée-Test" in h1[0].get_text()
    assert [h.get_text() for h in soup.find_all("h2")][:2] == [
        "L’essentiel", "Une part de l’industrie nettement supérieure à la moyenne"]
    assert soup.find("a", class_="skip-link")["href"] == "#contenu"
    assert soup.find(id="contenu").name == "main"


def test_html_shows_no_code_no_repr_no_warning(soup):
    text = soup.get_text()
    assert "import matplotlib" not in text and "#|" not in text
    assert "IPython.core.display" not in text and "<Figure size" not in text
    assert "avertissement à ne pas publier" not in text  # stderr hidden by default
    assert "territory_id" not in text  # parameters cells are code: not shown
    # echo: true shows the code, without its option lines
    codes = [c.get_text() for c in soup.find_all("code")]
    assert any('print("code montré exprès")' in c for c in codes)


def test_html_asis_markdown_and_key_figures(soup):
    cards = soup.select(".key-figures .key-figure")
    assert len(cards) == 2
    assert cards[0].select_one(".value").get_text() == f"12{NNBSP}345"
    assert cards[1].select_one(".benchmark").get_text() == f"contre 12,1{NNBSP}% en France"  # French typography
    strong = [s.get_text() for s in soup.find_all("strong")]
    assert f"12{NNBSP}345" in strong  # Markdown() display parsed, not shown as text


def test_html_figure_caption_alt_and_crossrefs(soup):
    fig = soup.find("figure", id="fig-emploi")
    chart = fig.find("svg", class_="chart")  # inline (inline_images.lua), not an <img>
    assert chart["role"] == "img" and chart["aria-label"].startswith("Diagramme en barres")
    assert fig.figcaption.get_text().startswith("Figure\u00a01\u202f: Répartition des emplois")
    refs = {a["href"]: a.get_text() for a in soup.find_all("a") if a["href"].startswith("#")}
    assert refs["#fig-emploi"] == "Figure\u00a01"
    assert refs["#tbl-comparaison"] == "Tableau\u00a01"
    assert "@fig-emploi" not in soup.get_text()


def test_html_charts_share_the_page_font_and_have_ids_of_their_own(soup, outputs):
    page = outputs["html"].read_text(encoding="utf-8")
    charts = soup.find_all("svg", class_="chart")
    assert charts and not soup.find("img", src=re.compile("^data:image/svg"))
    # one set of @font-face rules, the page's: the charts' own copies are left out
    styles = [s.get_text() for s in soup.find_all("style")]
    assert sum("@font-face" in s for s in styles) == 1
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    ids = [el["id"] for el in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))  # matplotlib's ids (figure_1, ...) prefixed per chart
    refs = {m for m in re.findall(r'(?:href="#|url\(#)([^")]+)', str(charts[0]))}
    assert refs and refs <= set(ids)
    # the page's subset holds every character its text and charts show
    from fontTools.ttLib import TTFont
    import base64, io
    rules = re.findall(r"font-weight:400;font-style:normal;.*?base64,([^)]+)\)", styles[0] if "@font-face" in styles[0] else "")
    cmap = TTFont(io.BytesIO(base64.b64decode(rules[0]))).getBestCmap()
    shown = {ord(c) for c in builtin.shown_text(page) if not c.isspace() or c in "\u00a0\u202f"}
    assert shown <= set(cmap) | {0x0A, 0x09}, sorted(chr(c) for c in shown - set(cmap))


def test_html_dataframe_is_a_real_table(soup):
    table = soup.find("table", id="tbl-comparaison")
    assert table.caption.get_text() == "Tableau\u00a01\u202f: Indicateurs comparés"
    head_rows = table.thead.find_all("tr")
    assert len(head_rows) == 1  # the pandas index-name row is gone
    assert [th.get_text() for th in head_rows[0].find_all("th")] == ["", "Territoire", "Région", "France"]
    assert table.find("style") is None and "dataframe" not in (table.get("class") or [])
    first_value = table.tbody.find("td")
    assert "right" in first_value.get("style", "") or first_value.get("align") == "right"


def test_html_conditional_content_nav_source_callout(soup):
    text = soup.get_text()
    assert "Visible seulement en HTML." in text and "Visible seulement en PDF." not in text
    nav = soup.find("nav", class_="portrait-nav")
    assert nav.find("a", href="../index.html").get_text() == "Catalogue"
    assert "recensement de la population 2021" in soup.find(class_="source").get_text()
    callout = soup.find(class_="callout-note")
    assert callout.find(class_="callout-title").get_text() == "Pour comprendre"


def test_html_is_self_contained(soup, outputs):
    for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"), ("source", "src")):
        for el in soup.find_all(tag):
            assert not re.match(r"(https?:)?//", el.get(attr, "")), (tag, el.get(attr))
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    assert "@font-face" in css and "data:font/woff2;base64," in css
    assert "http://" not in css and "https://" not in css
    assert outputs["html"].stat().st_size < 1_500_000


def test_pdf_text_metadata_and_fonts(pdf):
    assert len(pdf.pages) >= 1
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Vallée-Test" in text
    assert f"12{NNBSP}345" in text  # French thousands separator survives into the PDF
    assert "Visible seulement en PDF." in text and "Visible seulement en HTML." not in text
    assert "IPython.core.display" not in text and "import matplotlib" not in text
    assert "Catalogue" not in text  # navigation is for the web page only
    assert "Figure\u00a01\u202f: Répartition" in text and "(Figure\u00a01)" in text
    assert "Tableau\u00a01\u202f: Indicateurs" in text
    assert re.search(r"page 1/\d", text)
    assert pdf.metadata.title.replace("’", "'") == TITLE
    assert pdf.trailer["/Root"]["/Lang"] in ("fr", "fr-FR")
    used = {str(f["/BaseFont"]) for p in pdf.pages for f in p["/Resources"]["/Font"].values()}
    assert any("SourceSansPro" in name for name in used)


def test_context_title_wins_over_front_matter(tmp_path):
    out = builtin.render_html(FIXTURE, tmp_path / "p.html",
                              context={"title": "Territoire d’industrie — Autre nom", "toc": True})
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text() == "Territoire d’industrie — Autre nom"
    assert soup.find("nav", id="sommaire") is not None


def test_missing_notebook_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="notebook not found"):
        builtin.render_pdf(tmp_path / "absent.ipynb", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# pandoc cannot read the notebook; typst refuses what pandoc wrote. A render failure is one
# territory's failure: exit status 1, nothing written.
@pytest.mark.parametrize("fixture, write, message", [
    ("not_json", builtin.render_html, r"pandoc failed \(exit \d+\):\nipynb decoding error: .*not json"),
    ("typst_error", builtin.render_pdf, r"typst failed on typst_error\.ipynb: unknown variable: unknown-function$"),
])
def test_tool_failures_are_render_errors(tmp_path, fixture, write, message):
    out = tmp_path / "out" / f"{fixture}.{'pdf' if write is builtin.render_pdf else 'html'}"
    with pytest.raises(RenderError, match=message) as info:
        write(FAILURES / f"{fixture}.ipynb", out)
    assert info.value.exit_code == 1
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no document, not even a temporary


def test_pandoc_heap_option_only_where_pandoc_accepts_it(tmp_path):
    # the wheel's pandoc takes RTS options; a pandoc built without -rtsopts would refuse them
    assert builtin._rts_options(builtin._pandoc_path()) == tuple(builtin.PANDOC_RTS)
    fragments = tuple(builtin.FRAGMENTS_RTS)
    assert builtin._rts_options(builtin._pandoc_path(), fragments) == fragments
    strict = tmp_path / "pandoc"
    strict.write_text('#!/bin/sh\ncase "$1" in +RTS) echo "Most RTS options are disabled" >&2; exit 1;; esac\n'
                      'echo "pandoc 3.9"\n')
    strict.chmod(0o755)
    assert builtin._rts_options(str(strict)) == () == builtin._rts_options(str(strict), fragments)


def test_a_job_of_changed_blocks_gets_its_own_heap_options(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(builtin, "_run_pandoc", lambda args, cwd, rts=builtin.PANDOC_RTS: seen.append(rts))
    monkeypatch.setattr(builtin.pandoc_service, "run", lambda command, path: False)  # as when it cannot start
    builtin.run_job({"input": "x.ipynb"}, tmp_path)
    builtin.run_job({"pairs": []}, tmp_path)
    assert seen == [builtin.PANDOC_RTS, builtin.FRAGMENTS_RTS]


def test_reviewers_outputs_are_removed_before_rendering(tmp_path):
    import json

    import nbformat

    from portraits.render import reader_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": "Texte **lu**."}),
        nbformat.v4.new_output("display_data", data={"text/html": "<table>Valeur brute</table>"},
                               metadata={"portraits": {"role": "evidence"}}),
        nbformat.v4.new_output("display_data", data={"text/markdown": "---\navailable: {}\n---\n"},
                               metadata={"portraits": {"role": "metadata"}}),
    ])])
    src = tmp_path / "in" / "p.ipynb"
    src.parent.mkdir()
    nbformat.write(nb, src)
    (tmp_path / "tmp").mkdir()
    copy = reader_notebook(src, tmp_path / "tmp")
    assert copy != src and src.read_text(encoding="utf-8").count("Valeur brute") == 1  # the original is kept
    outputs = json.loads(copy.read_text(encoding="utf-8"))["cells"][0]["outputs"]
    assert len(outputs) == 1 and "".join(outputs[0]["data"]["text/markdown"]) == "Texte **lu**."
    # nothing to remove: the notebook itself is rendered, no copy
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")]), plain)
    assert reader_notebook(plain, tmp_path / "tmp") == plain
    html = render(src, html=tmp_path / "p.html", engine="builtin")["html"].read_text(encoding="utf-8")
    assert "Texte" in html and "Valeur brute" not in html and "available" not in html


def test_docx_has_charts_as_images_tables_and_the_reference_styles(tmp_path):
    import zipfile

    out = render(FIXTURE, docx=tmp_path / "docx" / "ti-8499.docx", engine="builtin")["docx"]
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        document = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
    assert any(n.startswith("word/media/") for n in names)  # the charts
    assert "<w:tbl>" in document                             # a DataFrame / pipe table as a Word table
    assert 'w:ascii="Arial"' in styles and 'w:color w:val="1F4E8C"' in styles  # templates/reference.docx
    assert "Valeur brute" not in document                    # reviewers' outputs stay out


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(RenderError, match="odt"):
        render(FIXTURE, odt=tmp_path / "x.odt", engine="builtin")


def _evidence(anchor):
    from portraits.core import outputs

    meta = outputs.role_metadata(outputs.EVIDENCE_ROLE)
    meta["portraits"]["anchor"] = anchor
    return {"output_type": "display_data", "metadata": meta,
            "data": {"text/html": "<table><tr><td>preuve</td></tr></table>", "text/plain": "preuve"}}


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """The fixture with evidence tables for a section's text, a chart and a table, rendered with
    the build's link to the review page."""
    import json

    nb = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for index, anchor in ((7, "preuve-graphique-emploi"), (9, "preuve-l12"), (10, "preuve-tableau")):
        nb["cells"][index]["outputs"].append(_evidence(anchor))
    out = tmp_path_factory.mktemp("linked")
    ipynb = out / "ti-8499.ipynb"
    ipynb.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    paths = render(ipynb, html=out / "ti-8499.html", pdf=out / "ti-8499.pdf", engine="builtin",
                   context={"name": "Vallée-Test", "review": "../review/ti-8499.html"})
    return BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "html.parser"), PdfReader(paths["pdf"])


def test_sections_charts_and_tables_link_to_their_evidence(linked):
    soup, pdf = linked
    links = soup.select("p.evidence-link a")
    where = {a["href"]: a.parent.find_previous(["h2", "figure", "table"]) for a in links}
    assert where["../review/ti-8499.html#preuve-l12"].get_text() == \
        "Une part de l’industrie nettement supérieure à la moyenne"
    assert where["../review/ti-8499.html#preuve-graphique-emploi"]["id"] == "fig-emploi"
    assert where["../review/ti-8499.html#preuve-tableau"]["id"] == "tbl-comparaison"
    assert len(links) == 3  # only what has evidence; the sections without stay bare
    # outside the box that scrolls the table; one visible text, its end for screen readers
    assert "table-wrap" not in (soup.select_one('a[href$="preuve-tableau"]').find_parent("div") or {}).get("class", [])
    for a in links:
        hidden = a.select_one(".visually-hidden").get_text()
        assert a.get_text().startswith("Éléments de preuve") and hidden.startswith("\u202f: ")
    assert "Éléments de preuve" not in "\n".join(page.extract_text() for page in pdf.pages)


def test_no_evidence_links_without_a_review_page(soup):
    assert not soup.select(".evidence-link")


def test_html_embeds_other_images_byte_for_byte(tmp_path):
    """Without pandoc's --embed-resources, inline_images.lua writes the data: URIs itself."""
    import base64
    import io

    import nbformat
    from PIL import Image

    pngs = {}
    for width in range(1, 40):  # one PNG per length modulo 3 (base64's three paddings)
        buf = io.BytesIO()
        Image.new("L", (width, 1), 94).save(buf, "PNG", compress_level=0)
        pngs.setdefault(len(buf.getvalue()) % 3, (width, buf.getvalue()))
    assert len(pngs) == 3
    for size, png in pngs.values():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"})])]
        path = tmp_path / f"nb{size}.ipynb"
        nbformat.write(nb, path)
        page = BeautifulSoup(builtin.render_html(path, tmp_path / f"nb{size}.html").read_text(encoding="utf-8"),
                             "html.parser")
        src = page.find("img")["src"]
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == png
        assert not page.find("link", rel="stylesheet") and "--primary" in page.find("style", string=re.compile("--primary")).get_text()
