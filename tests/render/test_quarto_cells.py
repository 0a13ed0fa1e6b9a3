"""The entry filter quarto_cells.lua: it finds its modules beside itself whatever pandoc's working
directory, and runs its passes in their order. Each pass has its own tests, named after its
module (test_code_cells.py, test_cell_outputs.py, test_crossrefs.py...)."""

from __future__ import annotations

import re
import subprocess

import nbformat
import pypandoc
from _cells_support import code, stream

from portraits.render import builtin


def _modules() -> list[str]:
    """The modules of its two lists of passes (common_passes.lua, format_passes.lua)."""
    entry = builtin.LUA_FILTER.read_text(encoding="utf-8")
    lists = [builtin.COMMON_PASSES, builtin.FORMAT_PASSES]
    assert all(f'"{p.name}"' in entry for p in lists)
    return [m for p in lists for m in re.findall(r'require\("(\w+)"\)', p.read_text(encoding="utf-8"))]


def test_every_module_it_requires_is_beside_it():
    names = set(_modules())
    for name in list(names):   # and those its modules require
        names |= set(re.findall(r'require\("(\w+)"\)', (builtin.HERE / f"{name}.lua").read_text(encoding="utf-8")))
    assert {"code_cells", "project_filters", "conditional_content", "crossrefs", "finish", "pandoc_helpers"} <= names
    assert all((builtin.HERE / f"{name}.lua").is_file() for name in names)


def test_modules_are_found_from_another_working_directory(tmp_path):
    # pandoc run elsewhere than portraits/render (as the engine does, in a temporary directory)
    cells = [code("#| output: asis\nprint(t)", stream("Un **territoire** : @fig-absente.\n")),
             code("#| include: false\nx", stream("caché"))]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run([pypandoc.get_pandoc_path(), str(path), "-f", builtin.PANDOC_FROM, "--ipynb-output=all",
                           "-L", str(builtin.LUA_FILTER), "-t", "markdown"],
                          cwd=work, capture_output=True, text=True, check=True)
    assert "**territoire**" in proc.stdout and "@fig-absente" in proc.stdout and "caché" not in proc.stdout
