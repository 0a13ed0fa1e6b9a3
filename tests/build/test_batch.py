"""Batch builds: fault isolation, incremental rebuilds, resume after kill -9, lock, report.

The data layer is replaced by small CSV files (tests/fixtures/build/stubs.py) and the template
by tests/fixtures/build/template.ipynb; everything else (warm kernels, pool, manifest) is real."""

from __future__ import annotations

import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from portraits.build import batch as build

FIXTURES = Path(__file__).parents[1] / "fixtures" / "build"
sys.path.insert(0, str(FIXTURES))
import stubs  # noqa: E402

IDS = ["ti-0001", "ti-0002", "ti-0003"]


@pytest.fixture
def env(tmp_path, monkeypatch):
    data = tmp_path / "data"
    stubs.write_data(data, IDS)
    monkeypatch.setenv("PORTRAITS_TEST_DATA", str(data))
    monkeypatch.delenv("PORTRAITS_TEST_SLEEP", raising=False)
    stubs.apply(monkeypatch.setattr)
    template = tmp_path / "template.ipynb"
    shutil.copy(stubs.TEMPLATE, template)
    return {"data": data, "out": tmp_path / "out", "template": template, "tmp": tmp_path}


def _build(env, ids=None, **kw):
    kw.setdefault("formats", [])
    kw.setdefault("jobs", 2)
    return build.run_build(ids=ids or [], all_territories=ids is None, template=env["template"],
                           output_dir=env["out"], progress=False, **kw)


def _manifest(env):
    return json.loads((env["out"] / ".build" / "manifest.json").read_text())


def test_failing_territory_does_not_stop_the_others(env):
    stubs.write_territory(env["data"], "ti-fail", 5)
    result = _build(env)
    assert not result.ok
    assert sorted(result.built) == IDS
    [failure] = result.failed
    assert (failure.territory, failure.ename, failure.message) == ("ti-fail", "ValueError",
                                                                    "injected failure for ti-fail")
    assert failure.cell_index == 4 and failure.execution_count == 4
    # The failing notebook is kept, with papermill's error marker and the traceback.
    nb = nbformat.read(env["out"] / "notebooks" / "ti-fail.ipynb", as_version=4)
    assert "papermill-error-cell-tag" in nb.cells[0].metadata.tags
    assert any(o.output_type == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    report = json.loads((env["out"] / "build-report.json").read_text())
    failed = [t for t in report["territories"] if t["status"] == "failed"]
    assert failed[0]["error"]["cell_index"] == 4
    assert "injected failure" in (env["out"] / "build-report.html").read_text()


def test_outputs_look_like_papermill_and_data_files_are_written(env):
    result = _build(env, ids=["ti-0002"])
    assert result.ok and result.built == ["ti-0002"]
    nb = nbformat.read(env["out"] / "notebooks" / "ti-0002.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'territory = "ti-0002"' in injected[0].source
    assert nb.metadata.papermill["parameters"] == {"territory": "ti-0002"}
    assert (env["out"] / "data" / "ti-0002.csv").read_text(encoding="utf-8").startswith("Indicateur,")
    assert (env["out"] / "data" / "ti-0002.xlsx").read_bytes()[:2] == b"PK"


def test_unknown_id_is_refused_before_any_kernel_starts(env, monkeypatch):
    def no_kernel(*a, **k):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(build, "_run_pool", no_kernel)
    with pytest.raises(build.BuildUsageError, match="ti-9999.*did you mean"):
        _build(env, ids=["ti-0001", "ti-9999"])


def test_template_without_parameters_cell_is_refused(env):
    nb = nbformat.read(env["template"], as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    nbformat.write(nb, env["template"])
    with pytest.raises(build.BuildUsageError, match="parameters"):
        _build(env)


def test_incremental_template_edit_marks_all_stale_data_edit_only_one(env):
    first = _build(env)
    assert sorted(first.built) == IDS
    noop = _build(env)
    assert noop.built == [] and sorted(noop.skipped) == IDS

    stubs.write_territory(env["data"], "ti-0002", 99)
    after_data = _build(env)
    assert after_data.built == ["ti-0002"]
    assert _manifest(env)["territories"]["ti-0002"]["changed_inputs"] == ["data"]

    nb = nbformat.read(env["template"], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('edited')"))
    nbformat.write(nb, env["template"])
    after_template = _build(env)
    assert sorted(after_template.built) == IDS
    assert all(e["changed_inputs"] == ["template"] for e in _manifest(env)["territories"].values())

    (env["out"] / "notebooks" / "ti-0003.ipynb").unlink()
    assert _build(env).built == ["ti-0003"]  # a missing output is rebuilt

    assert sorted(_build(env, force=True).built) == IDS


def test_report_shows_value_and_sentence_changes(env):
    _build(env)
    stubs.write_territory(env["data"], "ti-0001", 42)
    _build(env)
    report = json.loads((env["out"] / "build-report.json").read_text())
    [t] = [t for t in report["territories"] if t["territory"] == "ti-0001"]
    assert t["status"] == "built" and t["reasons"] == ["data"]
    assert t["changes"]["values_changed"] == [
        {"row": "Emplois", "column": "Territoire", "before": 10.0, "after": 42.0}]
    assert t["changes"]["sentences_added"] == ["Le territoire ti-0001 compte 42 emplois."]
    assert t["changes"]["sentences_removed"] == ["Le territoire ti-0001 compte 10 emplois."]
    assert t["warnings"] == {"missing": ["Établissements"], "approximate": ["Établissements"]}
    assert t["warnings_summary"] == "1 valeur manquante, 1 valeur approchée"
    assert {"kind": "missing", "kind_label": "valeur manquante", "item": "Établissements", "n": len(IDS),
            "territories": IDS} in report["warnings_by_item"]
    assert report["summary"]["territories_with_changes"] == 1
    html = (env["out"] / "build-report.html").read_text()
    assert "<ins>Le territoire ti-0001 compte 42 emplois.</ins>" in html


def test_report_after_noop_keeps_last_durations_and_groups_warnings(env):
    _build(env)
    first = {t["territory"]: t for t in json.loads((env["out"] / "build-report.json").read_text())["territories"]}
    _build(env)
    report = json.loads((env["out"] / "build-report.json").read_text())
    assert report["counts"]["up_to_date"] == len(IDS) and report["summary"]["territory_seconds"] == 0
    for t in report["territories"]:
        assert t["status"] == "up to date"
        assert t["durations"] == first[t["territory"]]["durations"] and t["durations"]["total"] > 0
        assert t["last_built"] == first[t["territory"]]["last_built"] is not None
    # one row per warning, not one per territory
    assert [(w["kind"], w["item"], w["n"]) for w in report["warnings_by_item"]] == [
        ("missing", "Établissements", 3), ("approximate", "Établissements", 3)]
    html = (env["out"] / "build-report.html").read_text()
    # the two grouped rows, then each territory's details
    assert html.count("Établissements") == 2 + 2 * len(IDS)
    assert html.index("valeur manquante\u202f: Établissements") < html.index("valeur approchée\u202f: Établissements")


def test_dead_kernel_is_restarted_and_territory_retried(env, monkeypatch):
    monkeypatch.setenv("PORTRAITS_TEST_CRASH_FLAG", str(env["tmp"] / "crashed"))
    stubs.write_territory(env["data"], "ti-crash", 7)
    result = _build(env, ids=["ti-crash", "ti-0001"], jobs=1)
    assert result.ok and sorted(result.built) == ["ti-0001", "ti-crash"]
    assert _manifest(env)["territories"]["ti-crash"]["kernel_restarted"] is True


def test_hung_render_fails_alone_and_the_territory_behind_it_is_retried(env, monkeypatch):
    # A worker renders one territory while its kernel executes the next: when the render hangs,
    # the worker is killed; the hung territory fails, the one executing meanwhile is rebuilt.
    def render(job, tid, paths):
        if tid == "ti-0001":
            time.sleep(600)
        return {}

    log = env["tmp"] / "executed.log"
    execute_one = build.execute_one

    def logged(kernel, job, tid):
        with open(log, "a") as fh:
            fh.write(tid + "\n")
        return execute_one(kernel, job, tid)

    monkeypatch.setattr(build, "execute_one", logged)
    monkeypatch.setattr(build, "_render", render)
    monkeypatch.setattr(build, "_KILL_GRACE", 1.0)
    # each execution takes 2 s: ti-0001 is overdue (4 + 1 s) well before ti-0002, sent 2 s later
    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "2")
    result = _build(env, jobs=1, formats=["html"], timeout=4)
    assert [(f.territory, f.stage, f.ename) for f in result.failed] == [("ti-0001", "worker", "timeout")]
    assert sorted(result.built) == ["ti-0002", "ti-0003"]
    assert _manifest(env)["territories"]["ti-0002"]["status"] == "ok"
    # ti-0002 was executed by the killed worker, behind the hung render, then once more
    assert log.read_text().split() == ["ti-0001", "ti-0002", "ti-0002", "ti-0003"]


def test_kernel_state_does_not_leak_between_territories(env):
    nb = nbformat.read(env["template"], as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("seen_before = 'marker' in globals()\nmarker = territory\nseen_before"))
    nbformat.write(nb, env["template"])
    assert _build(env, jobs=1).ok  # one worker: the three territories share one kernel
    for tid in IDS:
        out = nbformat.read(env["out"] / "notebooks" / f"{tid}.ipynb", as_version=4)
        assert out.cells[-1].outputs[0].data["text/plain"] == "False"


def test_html_and_pdf_are_rendered(env):
    result = _build(env, ids=["ti-0001"], formats=["html", "pdf"], engine="builtin")
    assert result.ok, result.failed
    assert "ti-0001" in (env["out"] / "html" / "ti-0001.html").read_text(encoding="utf-8")
    assert (env["out"] / "pdf" / "ti-0001.pdf").read_bytes()[:5] == b"%PDF-"


def _driver(env, *ids, jobs=1, **popen):
    return subprocess.Popen([sys.executable, str(FIXTURES / "driver.py"), str(env["out"]), str(env["template"]),
                             str(jobs), *ids], env=os.environ.copy(), **popen)


def _wait_for(predicate, what, limit=60.0):
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _ok_in_manifest(env) -> set[str]:
    try:
        return {t for t, e in _manifest(env)["territories"].items() if e["status"] == "ok"}
    except (FileNotFoundError, ValueError):
        return set()


def test_build_killed_with_sigkill_resumes_with_only_what_is_missing(env, monkeypatch):
    ids = IDS + ["ti-0004", "ti-0005"]
    stubs.write_data(env["data"], ids)
    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "0.4")
    proc = _driver(env)
    _wait_for(lambda: len(_ok_in_manifest(env)) >= 2, "two territories built")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _ok_in_manifest(env)
    assert done_before < set(ids)
    # Nothing torn: every notebook under its final name is complete.
    for path in (env["out"] / "notebooks").glob("*.ipynb"):
        nbformat.read(path, as_version=4)
    json.loads((env["out"] / ".build" / "manifest.json").read_text())

    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "0")
    result = _build(env)  # waits for the lock if the orphaned worker still holds anything
    assert result.ok
    assert set(result.built) == set(ids) - done_before
    assert set(result.skipped) == done_before
    assert not list(env["out"].rglob(".*.tmp"))


def test_second_concurrent_build_waits_instead_of_interleaving(env, monkeypatch):
    monkeypatch.setenv("PORTRAITS_TEST_SLEEP", "0.5")
    first = _driver(env, stdout=subprocess.PIPE, text=True)
    _wait_for(lambda: (env["out"] / ".build" / "lock-owner.json").exists(), "the first build's lock")
    second = _driver(env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, _ = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0 and second.returncode == 0
    assert "another build is running" in err2
    assert "3 built, 0 up to date" in out1
    assert "0 built, 3 up to date" in out2  # it ran after the first, so found everything done


def test_lock_refused_when_asked_not_to_wait(env):
    from filelock import FileLock

    (env["out"] / ".build").mkdir(parents=True)
    with FileLock(env["out"] / ".build" / "lock"):
        with pytest.raises(build.BuildUsageError, match="another build is running"):
            _build(env, lock_timeout=0)


def test_package_hash_ignores_modules_that_cannot_change_a_portrait(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "charts.py").write_text("A = 1\n")
    (pkg / "cli.py").write_text("B = 1\n")
    before = build.package_hash(pkg)
    (pkg / "cli.py").write_text("B = 2\n")
    (pkg / "__pycache__" / "charts.cpython-311.pyc").write_bytes(b"\0")
    assert build.package_hash(pkg) == before
    (pkg / "charts.py").write_text("A = 2\n")
    assert build.package_hash(pkg) != before


@pytest.mark.parametrize("kw, match", [({"jobs": 0}, "jobs"), ({"jobs": -1}, "jobs"),
                                       ({"timeout": 0}, "timeout"), ({"timeout": -5}, "timeout")])
def test_bad_jobs_or_timeout_are_refused_before_anything_starts(env, kw, match):
    with pytest.raises(build.BuildUsageError, match=match):
        _build(env, **kw)
    assert not env["out"].exists()


def test_output_dir_that_is_a_file_is_refused(env):
    env["out"].write_text("a file\n")
    with pytest.raises(build.BuildUsageError, match="is a file"):
        _build(env)
    with pytest.raises(build.BuildUsageError, match="is a file"):
        build.run_build(ids=["ti-0001"], template=env["template"], output_dir=env["out"] / "sub",
                        formats=[], progress=False)
    assert env["out"].read_text() == "a file\n"


# ----------------------------------------------------------------------------------------------
# Incremental builds on the real data layer: what a portrait shows decides what is rebuilt

_SHOWS = '''from portraits import store
t = store.territory(territory)
nav = store.list_territories()
print(t.name, "|", ", ".join(sorted(nav[nav.region_code == t.region_code].name)))
ind = store.indicators(territory).set_index("indicator_id")
print(ind.loc["population", "territory"], ind.loc["unemployment_rate", "region"])
pos = store.position_values()
print(pos.groupby("indicator_id").value.sum().round(9).to_dict())
'''


@pytest.fixture
def real_env(tmp_path, monkeypatch):
    from _data_support import ensure_processed
    from portraits.site import catalogue
    from portraits.core import config
    from portraits.data import store

    ensure_processed()
    processed = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), processed)
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(processed))  # the forked workers inherit it
    monkeypatch.setattr(catalogue, "write_catalogue", lambda output_dir=None: None)
    monkeypatch.setattr(build, "package_hash", lambda: "package-under-test")
    store.clear_cache()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('territory = "ti-8413"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(_SHOWS)]
    template = tmp_path / "template.ipynb"
    nbformat.write(nb, template)
    yield {"processed": processed, "template": template, "tmp": tmp_path}
    store.clear_cache()


def _real_build(env, out="out", **kw):
    return build.run_build(ids=["ti-8402", "ti-8413", "ti-0101"], formats=[], jobs=1,
                           template=env["template"], output_dir=env["tmp"] / out, progress=False, **kw)


def _edit(env, table, where, column, change):
    from portraits.data import store

    df = store.table(table).copy()
    mask = where(df)
    assert mask.sum() == 1
    df.loc[mask, column] = change(df.loc[mask, column])
    df.to_csv(env["processed"] / f"{table}.csv", index=False)
    df.to_parquet(env["processed"] / f"{table}.parquet", index=False)


def _shown(env, out, tid):
    nb = nbformat.read(env["tmp"] / out / "notebooks" / f"{tid}.ipynb", as_version=4)
    # the text the cells printed, joined: the kernel may flush one print() in several stream messages
    return ["".join(o.get("text") or "" for o in c.outputs) for c in nb.cells if c.cell_type == "code"]


def test_every_portrait_showing_a_changed_value_is_rebuilt_and_equals_a_forced_build(real_env):
    env = real_env
    assert sorted(_real_build(env).built) == ["ti-0101", "ti-8402", "ti-8413"]
    assert _real_build(env).built == []

    def value_of(indicator, level="territory"):
        return lambda df: ((df.territory_id == "ti-8402") & (df.indicator_id == indicator)
                           & (df.level == level))

    _edit(env, "indicators", value_of("population"), "value", lambda v: v + 1)  # its own page only
    assert _real_build(env).built == ["ti-8402"]
    _edit(env, "indicators", value_of("unemployment_rate"), "value", lambda v: v + 1)  # positions chart
    assert sorted(_real_build(env).built) == ["ti-0101", "ti-8402", "ti-8413"]
    _edit(env, "territories", lambda df: df.territory_id == "ti-8402", "name", lambda v: v + " (renamed)")
    assert sorted(_real_build(env).built) == ["ti-8402", "ti-8413"]  # same region: navigation

    forced = _real_build(env, out="forced", force=True)
    assert sorted(forced.built) == ["ti-0101", "ti-8402", "ti-8413"]
    for tid in forced.built:
        assert _shown(env, "out", tid) == _shown(env, "forced", tid), tid
    assert "(renamed)" in "".join(_shown(env, "out", "ti-8413"))


def test_review_page_is_an_output_built_incrementally(env):
    result = _build(env, ids=["ti-0001", "ti-0002"])
    assert result.ok, result.failed
    entry = _manifest(env)["territories"]["ti-0001"]
    assert "review/ti-0001.html" in entry["outputs"] and entry["durations"]["review"] > 0
    assert 0 < entry["durations"]["review_cpu"] < 5
    page = (env["out"] / "review" / "ti-0001.html").read_text(encoding="utf-8")
    assert "celltag_injected-parameters" in page and 'href="../notebooks/ti-0001.ipynb"' in page
    # A missing review page makes its territory stale, and only it.
    (env["out"] / "review" / "ti-0002.html").unlink()
    again = _build(env, ids=["ti-0001", "ti-0002"])
    assert again.built == ["ti-0002"] and (env["out"] / "review" / "ti-0002.html").is_file()
    # Builds from before review pages existed are stale through the engine's fingerprint, which
    # names nbconvert's version: no special case for them.
    assert build.engine_fingerprint("builtin", ["html"])["versions"]["nbconvert"]


def test_failed_territory_still_gets_a_review_page_with_its_error(env):
    stubs.write_territory(env["data"], "ti-fail", 5)
    result = _build(env, ids=["ti-fail"])
    assert not result.ok
    page = (env["out"] / "review" / "ti-fail.html").read_text(encoding="utf-8")
    assert "injected failure for ti-fail" in page


def test_report_groups_a_heading_edit_across_territories_in_french(env):
    from bs4 import BeautifulSoup
    from test_report_text import bad_typography

    ids = ["ti-0001", "ti-0002"]
    assert _build(env, ids=ids, formats=["html"], engine="builtin").ok
    nb = nbformat.read(env["template"], as_version=4)
    assert nb.cells[0].source == "# Portrait test"
    nb.cells[0].source = "# Portrait essai"
    nbformat.write(nb, env["template"])
    result = _build(env, ids=ids, formats=["html"], engine="builtin")
    assert sorted(result.built) == ids
    report = json.loads((env["out"] / "build-report.json").read_text())
    [group] = report["text_changes_grouped"]
    assert (group["kind"], group["before"], group["after"], group["n"], group["territories"]) == (
        "titre", "Portrait test", "Portrait essai", 2, ids)
    assert group["line"] == "2 territoires\u202f: titre «\u202fPortrait test\u202f» → «\u202fPortrait essai\u202f»"
    assert report["summary"]["text_changes"] == 2 and report["summary"]["territories_with_changes"] == 2
    for t in report["territories"]:
        assert t["changes"]["text"]["changes"] == [{"kind": "titre", "before": "Portrait test",
                                                    "after": "Portrait essai"}]
    assert (env["out"] / ".build" / "text" / "ti-0001.json").is_file()

    soup = BeautifulSoup((env["out"] / "build-report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "fr"
    # Shown once, the territories one click away.
    [item] = soup.select("ul.groups > li")
    summary = re.sub(r"[ \n]+", " ", item.find("details").find("summary").get_text()).strip()  # keeps U+202F
    assert summary.startswith("2 territoires\u202f:") and "Portrait test" in summary and "Portrait essai" in summary
    assert item.find("details").find("p").get_text() == "ti-0001, ti-0002"
    text = soup.get_text()
    assert "Rapport de construction" in text and "Ce qui a changé dans le texte des portraits" in text
    assert not re.search(r"\b(Build report|built|up to date|failed|territories|Warnings)\b", text), text
    assert not bad_typography(text), bad_typography(text)
