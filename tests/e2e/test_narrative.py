"""The narrative lives in the template: the README's three worked examples, each an edit of the
.qmd alone, built for two real territories and read in the HTML; missing values; expression
errors; the evidence for reviewers, in the notebook and nowhere else."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from portraits.core import config
from portraits.text import fmt
from portraits.data import store

pytestmark = pytest.mark.e2e
NN = "\u202f"


def _build(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "portraits", "build", *args, "--engine", "builtin"],
                          capture_output=True, text=True, timeout=900, cwd=cwd)


def _text(path) -> str:
    """The portrait's text, without the reviewers' links to the evidence (their words name the
    section they follow, « Éléments de preuve : L'essentiel »)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for link in soup.select(".evidence-link"):
        link.decompose()
    return re.sub(r"[\u00a0\u202f\s]+", " ", soup.get_text(" ")).replace("\u2019", "'")


def _norm(s: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", s).strip()


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _edited_template(tmp_path, old: str, new: str, marker: str):
    """A copy of the template with ``old`` replaced by ``new``, and the line holding ``marker``."""
    text = _edit(config.template_path().read_text(encoding="utf-8"), old, new)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if marker in ln)
    template = tmp_path / "t.qmd"
    template.write_text(text, encoding="utf-8")
    return template, line


# The three worked examples of the README ("Edit the narrative"), applied to a copy of the template.
REWORD = ("L'industrie représente `{python} industry_share` des [",
          "L'industrie pèse `{python} industry_share` des [")
SWAP = ('Le taux d\'activité des 15-64 ans s\'établit à `{python} activity` `{python} activity.when`, '
        '`{python} activity.vs("region", "france")`.',
        'Le taux d\'activité des 15-64 ans s\'établit à `{python} activity` `{python} activity.when`, '
        '`{python} activity.vs("france")`.')
ADD_AFTER = 'il est `{python} unemployment.compared("france", gap=True)`.'
ADD = (ADD_AFTER + ' Les cadres représentent `{python} p.indicator("managers_share")` des personnes de '
       '15 ans ou plus, `{python} p.indicator("managers_share").vs("region", "france")` : cette part est '
       '`{python} p.indicator("managers_share").compared("france")`.')
TWO = ["ti-8413", "ti-1105"]


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("narrative")
    text = config.template_path().read_text(encoding="utf-8")
    for old, new in (REWORD, SWAP, (ADD_AFTER, ADD)):
        text = _edit(text, old, new)
    template = tmp / "edited.qmd"
    template.write_text(text, encoding="utf-8")
    out = tmp / "out"
    proc = _build(*TWO, "--template", str(template), "--output", str(out), "--formats", "html")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


@pytest.mark.parametrize("tid", TWO)
def test_reworded_sentence(edited, tid):
    text = _text(edited / "html" / f"{tid}.html")
    from portraits.blocks.portrait import Portrait

    value = _norm(str(Portrait(tid).indicator("industry_jobs_share")))  # "environ" where approximate
    assert f"L'industrie pèse {value} des emplois" in text
    assert "L'industrie représente" not in text


@pytest.mark.parametrize("tid", TWO)
def test_benchmark_dropped_from_a_sentence(edited, tid):
    text = _text(edited / "html" / f"{tid}.html")
    ind = store.indicators(tid).set_index("indicator_id").loc["activity_rate"]
    sentence = re.search(r"Le taux d'activité[^.]*\.", text).group(0)
    assert _norm(fmt.percent(ind["france"])) in sentence and "France" in sentence
    assert store.territory(tid).region_name not in sentence


@pytest.mark.parametrize("tid", TWO)
def test_added_sentence_cites_another_indicator_with_its_comparison(edited, tid):
    text = _text(edited / "html" / f"{tid}.html")
    ind = store.indicators(tid).set_index("indicator_id").loc["managers_share"]
    sentence = re.search(r"Les cadres représentent[^.]*\.", text).group(0)
    assert _norm(fmt.percent(ind["territory"])) in sentence
    assert _norm(fmt.percent(ind["france"])) in sentence
    assert re.search(r"cette part est (nettement )?(supérieure|inférieure|proche|égale)", sentence)


# --- the real template: missing values, evidence ----------------------------------------------
@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("narrative-real")
    proc = _build("ti-0101", "ti-0601", "--output", str(out))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


def test_missing_values_are_said_by_the_template_overseas(real):
    text = _text(real / "html" / "ti-0101.html")
    assert "La part des 60 ans ou plus n'est pas disponible pour ce territoire (n.d.)." in text
    assert "Le niveau de vie médian et le taux de pauvreté ne sont pas disponibles pour ce territoire (n.d.)." in text
    # a value on another basis: salaried jobs, compared with its region only
    assert "des emplois salariés du territoire" in text and "ne leur est pas comparable" in text


def test_missing_values_are_said_by_the_template_mayotte(real):
    text = _text(real / "html" / "ti-0601.html")
    for sentence in ("Les données de population ne sont pas disponibles pour ce territoire (n.d.).",
                     "La part de l'industrie dans l'emploi n'est pas disponible pour ce territoire (n.d.).",
                     "Les données sur la population active ne sont pas disponibles pour ce territoire (n.d.)."):
        assert sentence in text
    assert "contre" not in text.split("L'essentiel")[1].split("Le territoire parmi")[0].split("Sources")[1]


def _evidence_outputs(nb):
    return [(cell, o) for cell in nb["cells"] for o in cell.get("outputs", [])
            if (o.get("metadata") or {}).get("portraits", {}).get("role") == "evidence"]


def test_evidence_is_in_the_notebook_only(real):
    nb = json.loads((real / "notebooks" / "ti-0101.ipynb").read_text(encoding="utf-8"))
    found = _evidence_outputs(nb)
    assert len(found) >= 5
    html = "".join("".join(o["data"]["text/html"]) for _, o in found)
    for header in ("Valeur brute", "Valeur affichée", "Référence", "Règle appliquée", "Résultat",
                   "Rang/n", "Approx.", "Comparable", "Source", "Millésime"):
        assert header in html
    assert "industry_jobs_share" in html and "autre base : non comparable" in html
    # the text cells', the key figures', the charts' and the table's evidence, each with its anchor
    sources = ["".join(cell["source"]) for cell, _ in found]
    assert any("narrative" in cell["metadata"].get("tags", []) for cell, _ in found)
    for call in ("p.key_figures(", "p.chart(", "p.positions(", "p.comparison_table("):
        assert any(call in src for src in sources), call
    assert all(o["metadata"]["portraits"].get("anchor") for _, o in found)
    page = (real / "html" / "ti-0101.html").read_text(encoding="utf-8")
    pdf = "\n".join(p.extract_text() or "" for p in PdfReader(real / "pdf" / "ti-0101.pdf").pages)
    for rendered in (page, pdf):
        assert "Valeur brute" not in rendered and "Règle appliquée" not in rendered
        assert "available:" not in rendered and "comparable:" not in rendered


# --- errors ---------------------------------------------------------------------------------
def test_an_expression_failing_for_one_territory_fails_it_alone(tmp_path):
    template, line = _edited_template(
        tmp_path, REWORD[0], "L'industrie représente `{python} 1 / (territory != \"ti-0101\")` et "
        "`{python} industry_share` des [", "1 / (territory")
    proc = _build("ti-0101", "ti-8413", "--template", str(template), "--output", str(tmp_path / "o"),
                  "--formats", "html")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (tmp_path / "o" / "html" / "ti-8413.html").is_file()
    assert not (tmp_path / "o" / "html" / "ti-0101.html").exists()
    report = json.loads((tmp_path / "o" / "build-report.json").read_text(encoding="utf-8"))
    failed = json.dumps(report, ensure_ascii=False)
    assert f"t.qmd:{line}" in failed and "ti-0101" in failed and "ZeroDivisionError" in failed


def test_an_expression_syntax_error_is_refused_before_anything_runs(tmp_path):
    template, line = _edited_template(
        tmp_path, REWORD[0], "L'industrie représente `{python} industry_share.vs(\"region\"` des [", 'vs("region"`')
    proc = _build("ti-8413", "--template", str(template), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert f"t.qmd:{line}" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o" / "notebooks").exists()


def test_a_misspelt_name_in_a_block_hidden_for_the_territory_is_refused_before_anything_runs(tmp_path):
    # ti-8413 has a poverty rate: the block that names `poverty.marker` is hidden for it
    template, line = _edited_template(tmp_path, "(`{python} poverty.marker`)", "(`{python} povrety.marker`)",
                                      "povrety.marker")
    proc = _build("ti-8413", "--template", str(template), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (f"t.qmd:{line}: `{{python}} povrety.marker`: unknown name 'povrety' (did you mean 'poverty'?)"
            in proc.stderr) and "Traceback" not in proc.stderr
    assert not (tmp_path / "o" / "notebooks").exists()


def test_a_failing_code_cell_is_named_by_its_template_line_and_label(tmp_path):
    template, line = _edited_template(tmp_path, 'p.chart("sectors")', 'p.chart("secteurs")', 'p.chart("secteurs")')
    proc = _build("ti-0601", "--template", str(template), "--output", str(tmp_path / "o"), "--formats", "html")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"FAILED ti-0601: t.qmd:{line} (fig-secteurs, cell " in proc.stdout
    assert "ValueError: unknown chart 'secteurs'" in proc.stdout
    report = (tmp_path / "o" / "build-report.html").read_text(encoding="utf-8")
    assert f"<code>t.qmd:{line}</code> (fig-secteurs)" in report
