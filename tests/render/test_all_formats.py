"""all_formats.lua, the built-in engine's one pandoc process per portrait, writes what the pandoc
command writes for each output with the same options (one `pandoc NB -L ... -t FORMAT` each):
the same bytes, the same images beside the Typst source."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from portraits import render
from portraits.core.errors import RenderError
from portraits.render import builtin

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "portrait.ipynb"
CONTEXT = {"name": "Vallée-Test", "title": "Territoire d'industrie — Vallée-Test", "toc": True,
           "review": "../review/ti-8499.html"}


def _command(ipynb: Path, out: dict, tmp: Path) -> list[str]:
    """The pandoc command that the output's part of the job stands for."""
    meta = tmp / "meta.json"
    meta.write_text(json.dumps(out["metadata"], ensure_ascii=False), encoding="utf-8")
    args = [builtin._pandoc_path(), str(ipynb), "-f", builtin.PANDOC_FROM, "--ipynb-output=all",
            "-t", out["format"], "--standalone", "--syntax-highlighting=none", "--wrap=none",
            "--metadata-file", str(meta), "--template", out["template"], "-o", out["output"]]
    # the command runs quarto_cells.lua: the passes all_formats.lua shares, then the format's
    for path in out["filters"]:
        args += ["-L", str(builtin.LUA_FILTER) if path == str(builtin.FORMAT_PASSES) else path]
    for key, value in out["variables"].items():
        if key == "header-includes":
            head = tmp / "head.html"
            head.write_text(value, encoding="utf-8")
            args += ["--include-in-header", str(head)]
        else:
            args += ["-V", f"{key}={value}"]
    if out.get("toc"):
        args += ["--toc", f"--toc-depth={out['toc_depth']}"]
    return args


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The fixture's HTML page and Typst source, by all_formats.lua and by the pandoc command."""
    root = tmp_path_factory.mktemp("all-formats")
    ipynb = render.reader_notebook(FIXTURE, root)
    results = {}
    for way in ("driver", "command"):
        tmp = root / way
        tmp.mkdir()
        outs = [builtin._html_output(tmp, CONTEXT), builtin._typst_output(tmp, CONTEXT)]
        if way == "driver":
            builtin._run_all_formats(ipynb, outs, tmp)
        else:
            for out in outs:
                subprocess.run(_command(ipynb, out, tmp), cwd=tmp, check=True, capture_output=True)
        results[way] = tmp
    return results


@pytest.mark.parametrize("name", ["portrait.html", "portrait.typ"])
def test_each_output_is_what_the_pandoc_command_writes(both, name):
    text = (both["driver"] / name).read_bytes()
    assert text == (both["command"] / name).read_bytes()
    assert len(text) > 1000


def test_the_typst_images_are_the_same_files(both):
    def images(tmp):
        return {p.name: p.read_bytes() for p in tmp.iterdir() if p.suffix in (".svg", ".png")}
    assert images(both["driver"]) and images(both["driver"]) == images(both["command"])


def test_each_format_loads_its_own_filters(both):
    """FORMAT is the output's while its filters load: the HTML page has inline charts and
    evidence links, the Typst source calls portrait.typ's functions and has neither."""
    html = (both["driver"] / "portrait.html").read_text(encoding="utf-8")
    typ = (both["driver"] / "portrait.typ").read_text(encoding="utf-8")
    assert '<svg class="chart"' in html and "#fitimage(" not in html
    assert "#fitimage(" in typ and "<svg" not in typ and "Éléments de preuve" not in typ


def test_a_failing_filter_is_a_render_error_with_its_message(tmp_path):
    broken = tmp_path / "broken.lua"
    broken.write_text('return {{ Pandoc = function(doc) error("the filter broke here") end }}\n')
    out = builtin._typst_output(tmp_path, CONTEXT)
    out.update(filters=[str(broken)], metadata={})
    with pytest.raises(RenderError, match=r"pandoc failed \(exit 1\):\n.*broken\.lua:1: the filter broke here$") as info:
        builtin._run_all_formats(render.reader_notebook(FIXTURE, tmp_path), [out], tmp_path)
    assert "stack traceback" not in str(info.value)


def test_one_output_alone_is_written_the_same(both, tmp_path):
    """render_pdf alone (one output in the job) writes the Typst source the two-output job wrote."""
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    out = builtin._typst_output(tmp_path, CONTEXT)
    builtin._run_all_formats(render.reader_notebook(FIXTURE, tmp_path), [out], tmp_path)
    assert (tmp_path / "portrait.typ").read_bytes() == (both["driver"] / "portrait.typ").read_bytes()


FORMAT_FILTER = """
local runs = io.open(os.getenv("RUNS_FILE"), "a")
return {{ Pandoc = function(doc)
  runs:write("%s\\n"):close()
  %s
  return doc
end }}
"""


def _with_filters(tmp_path, monkeypatch, *bodies):
    """The fixture rendered by the job with project filters (as `_quarto.yml` `filters:` would
    give them), each writing a line to RUNS_FILE when it runs; returns (HTML, Typst, runs)."""
    monkeypatch.setenv("RUNS_FILE", str(tmp_path / "runs.txt"))
    paths = []
    for i, (name, body) in enumerate(bodies):
        path = tmp_path / f"filter{i}.lua"
        path.write_text(FORMAT_FILTER % (name, body), encoding="utf-8")
        paths.append(str(path))
    outs = [builtin._html_output(tmp_path, CONTEXT), builtin._typst_output(tmp_path, CONTEXT)]
    for out in outs:
        out["metadata"] = {**builtin._metadata(CONTEXT), "portraits-filters": paths}
    builtin._run_all_formats(render.reader_notebook(FIXTURE, tmp_path), outs, tmp_path)
    return ((tmp_path / "portrait.html").read_text(encoding="utf-8"),
            (tmp_path / "portrait.typ").read_text(encoding="utf-8"),
            (tmp_path / "runs.txt").read_text().split())


def test_a_project_filter_that_ignores_the_format_runs_once(tmp_path, monkeypatch):
    mark = 'doc.blocks:insert(pandoc.Para("Marque-commune"))'
    html, typ, runs = _with_filters(tmp_path, monkeypatch, ("plain", mark))
    assert runs == ["plain"] and "Marque-commune" in html and "Marque-commune" in typ


def test_a_project_filter_that_reads_the_format_runs_per_output_and_so_do_those_after_it(tmp_path, monkeypatch):
    """As in Quarto, which runs every filter per format: the one that reads FORMAT is undone in
    the shared passes, and it and the next run for each output with its format."""
    reads = 'doc.blocks:insert(pandoc.Para("Format-" .. FORMAT))'
    after = 'doc.blocks:insert(pandoc.Para("Ensuite"))'
    html, typ, runs = _with_filters(tmp_path, monkeypatch, ("first", ""), ("reads", reads), ("after", after))
    assert runs == ["first", "reads", "reads", "after", "reads", "after"]
    assert "Format-html5" in html and "Format-typst" in typ and "Format-</" not in html
    assert html.count("Ensuite") == 1 and typ.count("Ensuite") == 1


def test_a_filter_of_global_functions_is_run_as_pandoc_runs_it(tmp_path):
    """A Lua filter may define global functions instead of returning a list (pandoc's manual):
    all_formats.lua runs it too."""
    globals_filter = tmp_path / "globals.lua"
    globals_filter.write_text('function Pandoc(doc) doc.blocks:insert(pandoc.Para("Fonction globale")) return doc end\n')
    out = builtin._typst_output(tmp_path, CONTEXT)
    out.update(filters=[str(builtin.FORMAT_PASSES), str(globals_filter)])
    builtin._run_all_formats(render.reader_notebook(FIXTURE, tmp_path), [out], tmp_path)
    assert "Fonction globale" in (tmp_path / "portrait.typ").read_text(encoding="utf-8")
