"""The PDF's pages with a template that has fewer charts (the sector and private-jobs charts
removed, as a statistician would): no page holds only a few lines (of a list or of anything
else), and a section's source note is never parted from its section. Read page by page with
pdftotext -f/-l. Without the fitting of "Pour comprendre" (portrait.typ), the last page of
ti-0101 and ti-2404 held the end of its source list alone (9 lines)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from portraits.core import config

pytestmark = pytest.mark.e2e
IDS = ["ti-8413", "ti-0101", "ti-0601", "ti-2404"]
REMOVED = ("fig-secteurs", "fig-emploi-prive")
MIN_LINES = 20  # a quarter of a column of "Pour comprendre", about


def fewer_charts(text: str) -> str:
    """The real template without the cells labelled REMOVED (the fixture follows the template)."""
    for label in REMOVED:
        text, n = re.subn(r"```\{python\}\n#\| label: %s\n(?:.*\n)*?```\n\n" % label, "", text)
        assert n == 1, label
    return text


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdf-pages")
    template = tmp / "fewer_charts.qmd"
    template.write_text(fewer_charts(config.template_path().read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp / "out"
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *IDS, "--template", str(template),
                           "--output", str(out), "--formats", "pdf", "--engine", "builtin"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out / "pdf"


def _pages(pdf) -> list[list[str]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pages = []
    for i in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-q", "-f", str(i), "-l", str(i), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        # the footer: "Territoires d'industrie — name" and "page i/n"
        pages.append([ln for ln in lines if not re.fullmatch(r"page \d+/\d+", ln)
                      and not ln.startswith("Territoires d’industrie —")])
    return pages


@pytest.mark.parametrize("tid", IDS)
def test_no_page_holds_only_a_few_lines(pdfs, tid):
    pages = _pages(pdfs / f"{tid}.pdf")
    assert len(pages) >= 3
    assert all(len(p) >= MIN_LINES for p in pages), [len(p) for p in pages]


@pytest.mark.parametrize("tid", IDS)
def test_a_source_note_stays_with_its_section(pdfs, tid):
    for i, page in enumerate(_pages(pdfs / f"{tid}.pdf"), 1):
        assert not page[0].startswith(("Source :", "Sources :", "Source\u00a0:", "Sources\u00a0:")), (i, page[:3])
