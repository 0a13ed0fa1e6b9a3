"""The third format, through the registry of outputs: `--formats docx` writes output/docx/ID.docx
(charts as images, the comparison table as a Word table) and the catalogue links it."""

import subprocess
import sys
import zipfile

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.e2e


def test_word_portrait_and_its_link(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", "ti-8413", "--formats", "docx",
                           "--output", str(tmp_path), "--engine", "builtin"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    docx = tmp_path / "docx" / "ti-8413.docx"
    with zipfile.ZipFile(docx) as z:
        document = z.read("word/document.xml").decode("utf-8")
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) >= 5 and "<w:tbl>" in document and "Plastics Vallée" in document
    assert not (tmp_path / "html").exists() and not (tmp_path / "pdf").exists()  # only what was asked
    catalogue = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = catalogue.find("a", href="docx/ti-8413.docx")
    assert link is not None and link.has_attr("download") and "Word" in link.get_text()
