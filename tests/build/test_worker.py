"""The worker process: a failing territory does not stop the others, the notebook looks like
papermill's, one warm kernel reset between territories and restarted when it dies, renders and
review pages written by the render thread."""

from __future__ import annotations

import json

import nbformat
import stubs


def test_failing_territory_does_not_stop_the_others(env):
    stubs.write_territory(env.data, "ti-fail", 5)
    result = env.build()
    assert not result.ok
    assert sorted(result.built) == stubs.IDS
    [failure] = result.failed
    assert (failure.territory, failure.ename, failure.message) == ("ti-fail", "ValueError",
                                                                    "injected failure for ti-fail")
    assert failure.cell_index == 4 and failure.execution_count == 4
    # The failing notebook is kept, with papermill's error marker and the traceback.
    nb = nbformat.read(env.out / "notebooks" / "ti-fail.ipynb", as_version=4)
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.tags
    assert any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    report = json.loads((env.out / "build-report.json").read_text())
    failed = [t for t in report["territories"] if t["status"] == "failed"]
    assert failed[0]["error"]["cell_index"] == 4
    assert "injected failure" in (env.out / "build-report.html").read_text()


def test_outputs_look_like_papermill_and_data_files_are_written(env):
    result = env.build(ids=["ti-0002"])
    assert result.ok and result.built == ["ti-0002"]
    nb = nbformat.read(env.out / "notebooks" / "ti-0002.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'territory = "ti-0002"' in injected[0].source
    assert nb.metadata.papermill["parameters"] == {"territory": "ti-0002"}
    assert (env.out / "data" / "ti-0002.csv").read_text(encoding="utf-8").startswith("Indicateur,")
    assert (env.out / "data" / "ti-0002.xlsx").read_bytes()[:2] == b"PK"


def test_dead_kernel_is_restarted_and_territory_retried(env, monkeypatch):
    monkeypatch.setenv("PORTRAITS_TEST_CRASH_FLAG", str(env.tmp / "crashed"))
    stubs.write_territory(env.data, "ti-crash", 7)
    result = env.build(ids=["ti-crash", "ti-0001"], jobs=1)
    assert result.ok and sorted(result.built) == ["ti-0001", "ti-crash"]
    assert env.manifest()["territories"]["ti-crash"]["kernel_restarted"] is True


def test_kernel_state_does_not_leak_between_territories(env):
    nb = nbformat.read(env.template, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("seen_before = 'marker' in globals()\nmarker = territory\nseen_before"))
    nbformat.write(nb, env.template)
    assert env.build(jobs=1).ok  # one worker: the three territories share one kernel
    for tid in stubs.IDS:
        out = nbformat.read(env.out / "notebooks" / f"{tid}.ipynb", as_version=4)
        assert out.cells[-1].outputs[0].data["text/plain"] == "False"


def test_html_and_pdf_are_rendered(env):
    result = env.build(ids=["ti-0001"], formats=["html", "pdf"], engine="builtin")
    assert result.ok, result.failed
    assert "ti-0001" in (env.out / "html" / "ti-0001.html").read_text(encoding="utf-8")
    assert (env.out / "pdf" / "ti-0001.pdf").read_bytes()[:5] == b"%PDF-"


def test_review_page_is_an_output_built_incrementally(env):
    result = env.build(ids=["ti-0001", "ti-0002"])
    assert result.ok, result.failed
    entry = env.manifest()["territories"]["ti-0001"]
    assert "review/ti-0001.html" in entry["outputs"] and entry["durations"]["review"] > 0
    assert 0 < entry["durations"]["review_cpu"] < 5
    page = (env.out / "review" / "ti-0001.html").read_text(encoding="utf-8")
    assert "celltag_injected-parameters" in page and 'href="../notebooks/ti-0001.ipynb"' in page
    # A missing review page makes its territory stale, and only it.
    (env.out / "review" / "ti-0002.html").unlink()
    again = env.build(ids=["ti-0001", "ti-0002"])
    assert again.built == ["ti-0002"] and (env.out / "review" / "ti-0002.html").is_file()


def test_failed_territory_still_gets_a_review_page_with_its_error(env):
    stubs.write_territory(env.data, "ti-fail", 5)
    result = env.build(ids=["ti-fail"])
    assert not result.ok
    page = (env.out / "review" / "ti-fail.html").read_text(encoding="utf-8")
    assert "injected failure for ti-fail" in page

