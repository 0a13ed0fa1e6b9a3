"""docs/TEMPLATE.md, "Edit the narrative": its template lines are the template's, its example outputs are
the real build's (« … » quotes, compared with the built pages of Plastics Vallée), and worked
examples 4 (choose the key figures) and 5 (add a chart) give what it says for Plastics Vallée,
Basse-Terre and Mayotte, HTML and PDF."""

from __future__ import annotations

import base64
import html
import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from portraits.core import config

pytestmark = pytest.mark.e2e
README = config.template_path().parent / "docs" / "TEMPLATE.md"  # the template manual
IDS = ["ti-8413", "ti-0101", "ti-0601"]

# Worked examples 4 and 5, as the README writes them (checked to be there verbatim)
KEY_FIGURES = ("p.key_figures(population, industry_share, jobs,",
               'p.key_figures(population, p.key_figure(industry_share, rank=True), p.indicator("employment_rate"), jobs,')
CHART_AFTER = "p.sources(activity, unemployment, workers)\n```\n"
CHART = ('```{python}\n#| label: fig-activite\n#| fig-cap: "Activité, emploi et chômage des 15-64 ans"\n'
         'p.bars(activity, p.indicator("employment_rate"), unemployment)\n```\n')


def _norm(s: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", s.replace("\u2019", "'")).strip()


def _section() -> tuple[str, str]:
    """"Edit the narrative": before the worked examples, and the worked examples."""
    text = README.read_text(encoding="utf-8")
    # up to the next section (the template's own headings, in the example, open with `)
    section = re.split(r"\n## (?!`)", text.split("\n## Edit the narrative\n", 1)[1], maxsplit=1)[0]
    intro, examples = section.split("worked examples, each an edit", 1)
    return intro, examples


def _quotes(text: str) -> list[str]:
    return [_norm(q) for q in re.findall(r"«([^«»]+)»", text)]


def _page_text(out, tid) -> str:
    """What a reader of the page reads: its text, its images' alternative texts, the text drawn
    in its charts (their source lines), and the PDF's text."""
    soup = BeautifulSoup((out / "html" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")
    parts = [soup.get_text(" ")]  # inline charts' text included
    parts += [svg.get("aria-label") or "" for svg in soup.find_all("svg")]
    for img in soup.find_all("img"):
        parts.append(img.get("alt") or img.get("aria-label") or "")
        src = img.get("src") or ""
        if src.startswith("data:image/svg+xml;base64,"):
            svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
            parts += [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
    pdf = out / "pdf" / f"{tid}.pdf"
    if pdf.exists():
        parts.append(subprocess.run(["pdftotext", "-q", str(pdf), "-"], capture_output=True, text=True).stdout)
    return _norm(" ".join(parts))


def _build(template, out, ids, formats):
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *ids, "--template", str(template),
                           "--output", str(out), "--formats", formats, "--engine", "builtin"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("readme")
    real = _build(config.template_path(), tmp / "real", ["ti-8413"], "html")
    text = config.template_path().read_text(encoding="utf-8")
    assert text.count(KEY_FIGURES[0]) == 1 and text.count(CHART_AFTER) == 1
    edited = text.replace(KEY_FIGURES[0], KEY_FIGURES[1]).replace(CHART_AFTER, CHART_AFTER + "\n" + CHART)
    (tmp / "edited.qmd").write_text(edited, encoding="utf-8")
    return real, _build(tmp / "edited.qmd", tmp / "edited", IDS, "html,pdf")


def test_the_readme_template_lines_are_the_templates():
    intro, _ = _section()
    block = intro.split("```markdown\n", 1)[1].split("\n```", 1)[0]
    template = config.template_path().read_text(encoding="utf-8").splitlines()
    assert all(line in template for line in block.splitlines() if line.strip())


def test_the_readme_outputs_are_the_real_builds(builds):
    real, _ = builds
    intro, _ = _section()
    page = _page_text(real, "ti-8413")
    quotes = _quotes(intro)
    assert len(quotes) >= 2 and [q for q in quotes if q not in page] == []


def test_the_worked_examples_are_written_in_the_readme_as_tested():
    _, examples = _section()
    assert KEY_FIGURES[0] in examples and KEY_FIGURES[1] in examples
    assert all(line in examples for line in CHART.splitlines())


def test_the_worked_examples_give_what_the_readme_says(builds):
    real, edited = builds
    _, examples = _section()
    pages = _page_text(real, "ti-8413") + " " + " ".join(_page_text(edited, t) for t in IDS)
    quotes = _quotes(examples)
    assert len(quotes) >= 8 and [q for q in quotes if q not in pages] == []


def test_the_added_chart_is_on_every_territorys_page(builds):
    _, edited = builds
    for tid in ("ti-8413", "ti-0101"):
        assert "Activité, emploi et chômage des 15-64 ans" in _page_text(edited, tid)  # the caption
    mayotte = BeautifulSoup((edited / "html" / "ti-0601.html").read_text(encoding="utf-8"), "html.parser")
    assert "Graphique non disponible : taux d'activité" in _norm(mayotte.get_text(" "))
    basse_terre = _page_text(edited, "ti-0101")
    assert re.search(r"Taux d'activité 2021 : \d+,\d % \(Guadeloupe \d+,\d %, France", basse_terre)
