"""A wording edit of the template's text rebuilds without running the template: each territory's
last notebook gives the new one (portraits.execution.narrative.replay), and the portraits equal
those of a ``--force`` build of the edited template. Any other edit runs the template."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest

from portraits.core import config

pytestmark = pytest.mark.e2e
TIDS = ["ti-8413", "ti-0601"]  # Mayotte: the sentence's conditions take their other branch there
SENTENCE = "L'industrie représente `{python} industry_share` des ["
# other words in a sentence, and in a block hidden for some territories: the pages are
# rendered block by block (portraits.render.incremental)
REWORDINGS = [(SENTENCE, "L'industrie pèse, au total, `{python} industry_share` des ["),
              ("La part de l'industrie dans l'emploi n'est pas disponible pour ce territoire",
               "La part de l'industrie dans l'emploi manque pour ce territoire")]
# then a line more before every later cell: their template lines, evidence anchors included,
# move, and so do the page's links to its evidence: the pages are rendered whole
LINE_MORE = ("L'industrie pèse, au total,", "L'industrie pèse,\nau total,")


def _build(template, out, *args):
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *TIDS, "--engine", "builtin",
                           "--template", str(template), "--output", str(out), *args],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads((out / ".build" / "manifest.json").read_text())["territories"]


def _edit(template, pairs):
    text = template.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    template.write_text(text, encoding="utf-8")


def _outputs(path):
    return [c.get("outputs") for c in nbformat.read(path, as_version=4).cells]


def _review(out, tid):
    """The review page, but for the random id papermill gives its parameters cell."""
    return re.sub(r'cell-id=[0-9a-f]{8}"', "", (out / "review" / f"{tid}.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("text-only")
    template = tmp / "t.qmd"
    template.write_text(config.template_path().read_text(encoding="utf-8"), encoding="utf-8")
    first = _build(template, tmp / "out")
    _edit(template, REWORDINGS)
    rebuilt = _build(template, tmp / "out")
    forced = _build(template, tmp / "forced", "--force")
    return template, tmp / "out", tmp / "forced", first, rebuilt, forced


def test_a_wording_edit_rebuilds_without_running_the_template(builds):
    _, _, _, first, rebuilt, forced = builds
    for tid in TIDS:
        assert not first[tid].get("text_only") and not forced[tid].get("text_only")
        assert rebuilt[tid]["text_only"] and rebuilt[tid]["reasons"] == ["template"]
        assert rebuilt[tid]["rendered_blocks"] and rebuilt[tid]["review_by_cells"]
        # made of the same package files: the next build finds it up to date
        assert rebuilt[tid]["package_files"] == first[tid]["package_files"]


@pytest.mark.parametrize("tid", TIDS)
def test_the_portraits_equal_a_forced_build(builds, tid):
    _, out, forced, *_ = builds
    for sub, ext in (("html", "html"), ("pdf", "pdf"), ("data", "csv")):
        assert (out / sub / f"{tid}.{ext}").read_bytes() == (forced / sub / f"{tid}.{ext}").read_bytes(), sub
    assert _outputs(out / "notebooks" / f"{tid}.ipynb") == _outputs(forced / "notebooks" / f"{tid}.ipynb")
    assert _review(out, tid) == _review(forced, tid)
    page = (out / "html" / f"{tid}.html").read_text(encoding="utf-8")
    assert ("au total" in page) == (tid != "ti-0601") and ("manque pour ce territoire" in page) == (tid == "ti-0601")


def test_the_next_build_is_a_no_op(builds):
    template, out, *_ = builds
    proc = subprocess.run([sys.executable, "-m", "portraits", "build", *TIDS, "--engine", "builtin",
                           "--template", str(template), "--output", str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0 and "0 built, 2 up to date" in proc.stdout + proc.stderr


def test_a_rewording_that_moves_lines_renders_whole_pages_equal_to_a_forced_build(builds, tmp_path):
    template, out, *_ = builds
    _edit(template, [LINE_MORE])
    try:
        entries = _build(template, out)
        forced = tmp_path / "forced"
        _build(template, forced, "--force")
    finally:
        _edit(template, [LINE_MORE[::-1]])
    for tid in TIDS:
        assert entries[tid]["text_only"] and not entries[tid]["rendered_blocks"]
        for sub, ext in (("html", "html"), ("pdf", "pdf")):
            assert (out / sub / f"{tid}.{ext}").read_bytes() == (forced / sub / f"{tid}.{ext}").read_bytes(), sub
        assert not entries[tid]["review_by_cells"]  # its evidence anchors moved: the whole page
        assert _review(out, tid) == _review(forced, tid)


@pytest.mark.parametrize("edit", [
    ("au total, `{python} industry_share` des [", "au total, `{python} industry_share.when` des ["),
    ("industry_share = p.indicator(\"industry_jobs_share\")",  # other code
     "industry_share = p.indicator(\"industry_jobs_share\")\nunused = 1"),
], ids=["expression", "code"])
def test_an_edit_that_changes_what_runs_runs_the_template(builds, edit):
    template, out, *_ = builds
    _edit(template, [edit])
    try:
        entries = _build(template, out)
        assert not any(entries[tid].get("text_only") for tid in TIDS)
        if edit[1].endswith("unused = 1"):
            assert all(entries[tid]["status"] == "ok" for tid in TIDS)
    finally:
        _edit(template, [(edit[1], edit[0])])
