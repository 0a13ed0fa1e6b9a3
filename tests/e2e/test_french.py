"""INSEE-grade figures and French typography, read in the parsed HTML and in the PDF text of a
metropolitan territory (ti-8413), an overseas one (ti-0201, Martinique) and one in Greater
Paris (ti-1105, an EPT of the Métropole du Grand Paris)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from portraits.text import fmt
from portraits.data import store

pytestmark = pytest.mark.e2e
IDS = ["ti-8413", "ti-0201", "ti-1105"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("e2e-french")
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *IDS, "--output", str(out),
                           "--engine", "builtin"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def html_text(site, tid) -> str:
    soup = BeautifulSoup((site / "html" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")
    for hidden in soup.select("nav, script, style"):
        hidden.decompose()
    return soup.get_text(" ")


def pdf_text(site, tid) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(site / "pdf" / f"{tid}.pdf").pages)


def norm(s: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", s).replace("\u2019", "'")


def table_row(site, tid, start: str) -> list[str]:
    soup = BeautifulSoup((site / "html" / f"{tid}.html").read_text(encoding="utf-8"), "html.parser")
    for tr in soup.select("table tr"):
        cells = [norm(td.get_text(" ")).strip() for td in tr.find_all(["td", "th"])]
        if cells and cells[0].startswith(start):
            return cells
    raise AssertionError(f"no row {start!r}")


def test_overseas_industry_share_is_not_compared(site):
    cells = table_row(site, "ti-0201", "Part de l'industrie dans l'emploi")
    assert cells[3:] == ["non comparable", "non comparable", "non classé"]
    for text in (html_text(site, "ti-0201"), pdf_text(site, "ti-0201")):
        t = norm(text)
        assert "des emplois salariés dans l'industrie" in t
        assert "non comparable" in t and "non classé" in t
        assert t.count("Outre-mer : part dans l'emploi salarié (Flores 2023)") == 1  # said once


def test_official_median_of_a_whole_ept(site):
    ind = store.indicators("ti-1105").set_index("indicator_id").loc["median_income"]
    assert not ind["territory_approx"]
    shown = norm(fmt.euros(ind["territory"]))
    cells = table_row(site, "ti-1105", "Niveau de vie médian")
    assert cells[1] == shown  # no "≈": the official median of the EPT
    for text in (html_text(site, "ti-1105"), pdf_text(site, "ti-1105")):
        assert shown in norm(text)


def test_france_metropolitaine_where_the_benchmark_covers_it_only(site):
    for text in (html_text(site, "ti-1105"), pdf_text(site, "ti-1105")):
        t = norm(text)
        assert "France métropolitaine" in t
        assert "taux de pauvreté" in t.lower()
    assert "(métro.)" in table_row(site, "ti-1105", "Taux de pauvreté")[3]
    assert "(métro.)" not in table_row(site, "ti-1105", "Taux de chômage")[3]


def test_non_bacheliers_label(site):
    for tid in IDS:
        assert "non-bacheliers" in norm(html_text(site, tid))
        assert "sans diplôme de niveau bac" not in html_text(site, tid)


@pytest.mark.parametrize("tid", IDS)
def test_french_spaces_and_quotes_in_html(site, tid):
    text = html_text(site, tid)
    # no breakable (ASCII) space before ; : ! ? % (a no-break space, narrow or not, is right)
    assert not re.findall(r"\S [:;!?%]", text), re.findall(r".{20}\S [:;!?%].{10}", text)[:5]
    assert "“" not in text and "”" not in text and "(s)" not in text
    assert re.search(r"\d\u202f%", text) and re.search(r"\u202f:", text)


@pytest.mark.parametrize("tid", IDS)
def test_french_spaces_in_pdf(site, tid):
    text = pdf_text(site, tid)
    assert not re.findall(r"\S [:;!?%]", text), re.findall(r".{20}\S [:;!?%].{10}", text)[:5]
    assert len(re.findall(r"\u202f[:;%]", text)) > 50 and "(s)" not in text


def test_articles_before_intercommunalities(site):
    for text in (html_text(site, "ti-1105"), pdf_text(site, "ti-1105")):
        t = norm(text)
        assert "des communes de la Métropole du Grand Paris" in t
        assert "Périmètre : Périmètre" not in t


def test_key_figure_labels_read_as_phrases(site):
    t = norm(html_text(site, "ti-8413"))
    assert re.search(r"\d+,\d % des actifs de 15 à 64 ans au chômage", t)
    assert re.search(r"\d+,\d % des habitants sous le seuil de pauvreté", t)
