"""Quarto engine and engine choice, with a stand-in `quarto` executable first on PATH (the real
CLI does not install from the package registries)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from portraits.render import RenderError, choose_engine, quarto_available, render
from portraits.render.quarto import render_quarto

FIXTURE = Path(__file__).parents[1] / "fixtures" / "render" / "portrait.ipynb"

STUB = """#!{python}
# Stand-in for the Quarto CLI: records its command line, writes the --output file.
import json, os, sys
args = sys.argv[1:]
with open(os.environ["QUARTO_STUB_LOG"], "a", encoding="utf-8") as log:
    project = open("_quarto.yml", encoding="utf-8").read() if os.path.exists("_quarto.yml") else None
    log.write(json.dumps({{"args": args, "cwd": os.getcwd(), "project": project,
                          "input_exists": os.path.exists(args[1])}}) + "\\n")
if os.environ.get("QUARTO_STUB_FAIL"):
    for i in range(30):
        print(f"noise line {{i}}", file=sys.stderr)
    print("ERROR: Typst compilation failed: unknown font family", file=sys.stderr)
    sys.exit(1)
if not os.environ.get("QUARTO_STUB_NO_OUTPUT"):
    out = args[args.index("--output") + 1]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("fake " + args[args.index("--to") + 1])
"""


@pytest.fixture
def stub(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = bindir / "quarto"
    exe.write_text(STUB.format(python=sys.executable), encoding="utf-8")
    exe.chmod(0o755)
    log = tmp_path / "quarto-calls.jsonl"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("QUARTO_STUB_LOG", str(log))

    def calls():
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

    return calls


@pytest.fixture
def no_quarto(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_command_lines_and_outputs_in_place(stub, tmp_path):
    html, pdf = tmp_path / "out" / "html" / "a.html", tmp_path / "out" / "pdf" / "a.pdf"
    written = render_quarto(FIXTURE, {"html": html, "pdf": pdf}, metadata={"title": "Territoire d’industrie — X"})
    assert written == [html, pdf]
    assert html.read_text() == "fake html" and pdf.read_text() == "fake typst"
    to_html, to_typst = stub()
    for call, to in ((to_html, "html"), (to_typst, "typst")):
        args = call["args"]
        assert args[:2] == ["render", "portrait.ipynb"] and call["input_exists"]
        assert args[args.index("--to") + 1] == to
        assert "--no-execute" in args
        assert "title:Territoire d’industrie — X" in args
        # Quarto works on a copy in a temporary directory, never next to the notebook
        assert Path(call["cwd"]) != FIXTURE.parent and not Path(call["cwd"]).exists()
    assert sorted(p.name for p in html.parent.iterdir()) == ["a.html"]  # nothing else left


def test_quarto_renders_with_the_projects_settings(stub, tmp_path):
    """The temporary directory is a Quarto project made of `_quarto.yml`'s settings (the one
    place both engines read) and this machine's paths: filters, font, stylesheet."""
    import yaml

    from portraits.core import fonts
    from portraits.render.shared import project_file

    render_quarto(FIXTURE, {"html": tmp_path / "a.html", "pdf": tmp_path / "a.pdf"})
    ours = yaml.safe_load(project_file().read_text(encoding="utf-8"))
    calls = stub()
    assert len(calls) == 2
    for call in calls:
        given = yaml.safe_load(call["project"])
        assert given["lang"] == ours["lang"] == "fr"
        assert given["crossref"] == ours["crossref"]
        assert given["crossref"]["tbl-title"] == "Tableau" and given["crossref"]["title-delim"] == "\u202f:"
        assert "output-dir" not in given["project"]  # Quarto writes beside the copy
        assert "execute" not in given  # an executed notebook is not executed again anyway
        assert [Path(f).name for f in given["filters"]] == [Path(f).name for f in ours["filters"]]
        assert all(Path(f).is_absolute() and Path(f).is_file() for f in given["filters"])
        typst, html = given["format"]["typst"], given["format"]["html"]
        assert typst["font-paths"] == [str(fonts.font_dir())] and typst["mainfont"] == fonts.font_family()
        assert Path(html["css"][0]).name == "portrait.css" and Path(html["css"][0]).is_file()
        assert [Path(p).name for p in html["include-in-header"]] == ["portraits-fonts.html"]
        assert [Path(p).name for p in typst["include-in-header"]] == ["portraits-captions.typ"]


def test_the_typst_caption_separator_follows_the_crossref_delimiter(tmp_path):
    from portraits.render.quarto import TYPST_HEADER, project_config

    project_config(tmp_path)
    assert (tmp_path / TYPST_HEADER).read_text(encoding="utf-8") == "#set figure.caption(separator: [\u202f: ])\n"
    assert "@font-face" in (tmp_path / "portraits-fonts.html").read_text(encoding="utf-8")


def test_only_requested_formats(stub, tmp_path):
    assert render_quarto(FIXTURE, {"html": None, "pdf": tmp_path / "a.pdf"}) == [tmp_path / "a.pdf"]
    assert [c["args"][c["args"].index("--to") + 1] for c in stub()] == ["typst"]


def test_failing_render_reports_stderr_tail(stub, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_STUB_FAIL", "1")
    target = tmp_path / "a.pdf"
    with pytest.raises(RenderError) as err:
        render_quarto(FIXTURE, {"pdf": target})
    message = str(err.value)
    assert "quarto render --to typst failed on portrait.ipynb (exit 1)" in message
    assert "unknown font family" in message
    assert "noise line 0" not in message  # only the tail
    assert not target.exists()


def test_render_without_output_file_is_an_error(stub, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_STUB_NO_OUTPUT", "1")
    with pytest.raises(RenderError, match="wrote no portrait.html"):
        render_quarto(FIXTURE, {"html": tmp_path / "a.html"})


def test_engine_choice_with_quarto(stub, tmp_path):
    assert quarto_available()
    assert choose_engine("auto") == "quarto"
    assert choose_engine("builtin") == "builtin"
    paths = render(FIXTURE, html=tmp_path / "a.html", pdf=tmp_path / "a.pdf", engine="auto",
                   context={"name": "X"})
    assert paths == {"html": tmp_path / "a.html", "pdf": tmp_path / "a.pdf"}
    assert (tmp_path / "a.html").read_text() == "fake html"


def test_engine_choice_without_quarto(no_quarto):
    assert not quarto_available()
    assert choose_engine("auto") == "builtin"
    with pytest.raises(RenderError, match="`quarto` command is not on PATH.*built-in engine"):
        choose_engine("quarto")
    with pytest.raises(RenderError, match="unknown rendering engine 'latex'"):
        choose_engine("latex")


def test_missing_notebook_is_a_render_error(tmp_path):
    # checked before the engine looks for the CLI, as the built-in engine does
    with pytest.raises(RenderError, match="notebook not found"):
        render_quarto(tmp_path / "absent.ipynb", {"pdf": tmp_path / "x.pdf"}, quarto="no-such-quarto")
