"""Small hand-made executed notebooks (no kernel needed) rendered by the built-in engine, for
the tests of the Lua filters (quarto_cells.lua and its modules)."""

from __future__ import annotations

import base64

import nbformat
from bs4 import BeautifulSoup

from portraits.render import builtin

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
       '<rect width="120" height="40" fill="#17375e"/></svg>')
PNG = base64.b64decode(  # 1x1 grey pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")


def display(data, metadata=None):
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def code(source, *outputs):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def render_html(tmp_path, *cells, context=None):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell("---\ntitle: Essai\n---"), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    out = builtin.render_html(path, tmp_path / "nb.html", context=context)
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").find("main")


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)
