"""End to end, the charts' memo (portraits.blocks.memo) is sound: after a one-sentence edit of
the template, `portraits build` reuses every chart (none is drawn again: the cache is not
written) and its outputs equal those of a `--force` build of the edited template into an
empty output directory (notebook outputs, the HTML's text and images, the PDF's text)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from portraits.core import config

pytestmark = pytest.mark.e2e
TID = "ti-8413"  # metropolitan: every chart has data, the edited sentence is shown
SENTENCE = "L'industrie représente `{python} industry_share` des ["


def _build(template: Path, out: Path, *extra: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", TID, "--output", str(out),
                           "--template", str(template), "--engine", "builtin", *extra],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def _cache(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / ".build" / "memo" / "charts").iterdir()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("memo")
    template = tmp / "portrait_template.qmd"
    shutil.copy2(config.template_path(), template)
    edited = tmp / "edited" / "portrait_template.qmd"
    edited.parent.mkdir()
    text = template.read_text(encoding="utf-8")
    assert SENTENCE in text
    edited.write_text(text.replace(SENTENCE, SENTENCE.replace("représente", "représente, à ce jour,"), 1),
                      encoding="utf-8")
    _build(template, tmp / "a")
    before = _cache(tmp / "a")
    shutil.copy2(edited, template)
    _build(template, tmp / "a")
    after = _cache(tmp / "a")
    _build(edited, tmp / "b", "--force")
    return tmp / "a", tmp / "b", before, after


def test_a_wording_edit_draws_no_chart_again(builds):
    a, _, before, after = builds
    assert before and after == before
    report = json.loads((a / "build-report.json").read_text(encoding="utf-8"))
    assert report["counts"]["built"] == 1  # the edit did rebuild the portrait


def _outputs(out: Path) -> list:
    nb = nbformat.read(out / "notebooks" / f"{TID}.ipynb", as_version=4)
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.get("outputs", [])]
            for c in nb.cells if c.cell_type == "code"]


def test_the_edited_build_equals_a_forced_build(builds):
    a, b, _, _ = builds
    assert _outputs(a) == _outputs(b)
    soups = [BeautifulSoup((d / "html" / f"{TID}.html").read_text(encoding="utf-8"), "html.parser") for d in (a, b)]
    assert soups[0].get_text() == soups[1].get_text() and "à ce jour" in soups[0].get_text()
    # the charts are inline SVG in the page (render/inline_images.lua), other images data URIs
    assert [str(s) for s in soups[0].find_all("svg")] == [str(s) for s in soups[1].find_all("svg")]
    assert [i.get("src") for i in soups[0].find_all("img")] == [i.get("src") for i in soups[1].find_all("img")]
    assert len(soups[0].find_all("svg")) >= 3
    pdfs = ["\n".join(page.extract_text() or "" for page in PdfReader(d / "pdf" / f"{TID}.pdf").pages) for d in (a, b)]
    assert pdfs[0] == pdfs[1] and "à ce jour" in re.sub(r"\s+", " ", pdfs[0])
