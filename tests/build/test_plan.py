"""What a build does, decided before any kernel starts: bad requests refused, and only the
territories whose inputs changed rebuilt."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import stubs

from portraits.build import batch, plan, pool, portrait_inputs
from portraits.build.results import BuildUsageError

_PACKAGE_HASH = portrait_inputs.package_hash  # before the stubs replace it


def test_unknown_id_is_refused_before_any_kernel_starts(env, monkeypatch):
    def no_kernel(*a, **k):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(pool, "run_pool", no_kernel)
    with pytest.raises(BuildUsageError, match="ti-9999.*did you mean"):
        env.build(ids=["ti-0001", "ti-9999"])


@pytest.mark.parametrize("fixture, message", [
    ("inline_syntax_error.qmd", "inline_syntax_error.qmd:16: inline expression `{python} territory.upper(` "
                                "is not valid Python"),
    ("no_parameters_cell.qmd", "no_parameters_cell.qmd has no cell tagged parameters"),
])
def test_a_refused_template_is_named_once_with_its_line(fixture, message):
    # the template reader's messages already start with file:line; the build adds the name only
    # where they do not
    path = Path(__file__).parents[1] / "fixtures" / "templates" / fixture
    with pytest.raises(BuildUsageError) as caught:
        plan.load_template(path, {"territory": "ti-8413"})
    assert str(caught.value).startswith(message)
    assert str(caught.value).count(fixture) == 1


def test_incremental_template_edit_marks_all_stale_data_edit_only_one(env):
    first = env.build()
    assert sorted(first.built) == stubs.IDS
    noop = env.build()
    assert noop.built == [] and sorted(noop.skipped) == stubs.IDS

    stubs.write_territory(env.data, "ti-0002", 99)
    after_data = env.build()
    assert after_data.built == ["ti-0002"]
    assert env.manifest()["territories"]["ti-0002"]["changed_inputs"] == ["data"]

    nb = nbformat.read(env.template, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('edited')"))
    nbformat.write(nb, env.template)
    after_template = env.build()
    assert sorted(after_template.built) == stubs.IDS
    assert all(e["changed_inputs"] == ["template"] for e in env.manifest()["territories"].values())

    (env.out / "notebooks" / "ti-0003.ipynb").unlink()
    assert env.build().built == ["ti-0003"]  # a missing output is rebuilt

    assert sorted(env.build(force=True).built) == stubs.IDS


@pytest.mark.parametrize("kw, match", [({"jobs": 0}, "jobs"), ({"jobs": -1}, "jobs"),
                                       ({"timeout": 0}, "timeout"), ({"timeout": -5}, "timeout")])
def test_bad_jobs_or_timeout_are_refused_before_anything_starts(env, kw, match):
    with pytest.raises(BuildUsageError, match=match):
        env.build(**kw)
    assert not env.out.exists()


def test_output_dir_that_is_a_file_is_refused(env):
    env.out.write_text("a file\n")
    with pytest.raises(BuildUsageError, match="is a file"):
        env.build()
    with pytest.raises(BuildUsageError, match="is a file"):
        batch.run_build(ids=["ti-0001"], template=env.template, output_dir=env.out / "sub",
                        formats=[], progress=False)
    assert env.out.read_text() == "a file\n"



def test_stale_reasons_name_what_changed():
    entry = {"inputs": {"template": "t1", "data": "d1"}, "status": "ok", "outputs": []}
    assert plan.stale_reasons(entry, {"template": "t1", "data": "d1"}, None) == []
    assert plan.stale_reasons(entry, {"template": "t2", "data": "d1"}, None) == ["template"]
    assert plan.stale_reasons(entry, {"template": "t1", "data": "d1"}, None, force=True) == ["forced"]
    assert plan.stale_reasons(None, {"template": "t1"}, None) == ["new"]
    assert plan.stale_reasons({**entry, "status": "failed"}, entry["inputs"], None) == ["failed last time"]


# ----------------------------------------------------------------------------------------------
# Incremental builds on the real data layer: what a portrait shows decides what is rebuilt

_SHOWS = '''from portraits.data import store
t = store.territory(territory)
nav = store.list_territories()
print(t.name, "|", ", ".join(sorted(nav[nav.region_code == t.region_code].name)))
ind = store.indicators(territory).set_index("indicator_id")
print(ind.loc["population", "territory"], ind.loc["unemployment_rate", "region"])
pos = store.position_values(["unemployment_rate", "median_income"])
print(pos.groupby("indicator_id").value.sum().round(9).to_dict())
'''


@pytest.fixture
def real_env(tmp_path, monkeypatch):
    from _data_support import ensure_processed
    from portraits.core import config
    from portraits.data import store

    ensure_processed()
    processed = tmp_path / "processed"
    shutil.copytree(config.processed_dir(), processed)
    monkeypatch.setenv("PORTRAITS_PROCESSED_DIR", str(processed))  # the forked workers inherit it
    monkeypatch.setattr(portrait_inputs, "package_hash", lambda *files, **digests: "package-under-test")
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
    return batch.run_build(ids=["ti-8402", "ti-8413", "ti-0101"], formats=[], jobs=1,
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

    _edit(env, "indicators", value_of("population", "region"), "value", lambda v: v + 1)  # its own page only
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




def test_a_package_file_is_an_input_of_the_territories_made_of_it_only(env, monkeypatch):
    monkeypatch.setattr(portrait_inputs, "package_hash", _PACKAGE_HASH)  # the real one (stubs: a constant)
    digests = {"blocks/a.py": "1", "build/helper.py": "2", "cli.py": "3"}
    manifest = {"territories": {}}
    made_of = {"ti-0001": ["blocks/a.py"], "ti-0002": ["blocks/a.py", "build/helper.py"]}

    def stale(digests):
        the_plan = plan.make_plan(manifest, list(made_of), env.template, "none", [], env.out, False, digests)
        return {tid for tid, p in the_plan.items() if p["reasons"]}

    the_plan = plan.make_plan(manifest, list(made_of), env.template, "none", [], env.out, False, digests)
    for tid, files in made_of.items():  # what the build records once each is made
        entry = {"inputs": dict(the_plan[tid]["inputs"]), "status": "ok", "outputs": []}
        batch._record_files(manifest, entry, files, digests)
        manifest["territories"][tid] = entry
    assert len(manifest["package_files"]) == 2
    assert stale(digests) == set()
    assert stale({**digests, "cli.py": "edited"}) == set()
    assert stale({**digests, "build/helper.py": "edited"}) == {"ti-0002"}
    assert stale({**digests, "blocks/a.py": "edited"}) == {"ti-0001", "ti-0002"}
