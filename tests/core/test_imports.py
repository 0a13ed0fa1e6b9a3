"""What a piece of the package's code is made of: the modules it imports (read from the source,
those imported inside functions too, with their parent packages) and the files beside them."""

from __future__ import annotations

from portraits.core import imports


def _write(root, files):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_the_closure_follows_imports_anywhere_in_a_module_and_stays_in_the_package(tmp_path):
    _write(tmp_path, {"__init__.py": "", "a.py": "import numpy\nfrom portraits.sub import b\n",
                      "sub/__init__.py": "", "sub/b.py": "def f():\n    import portraits.c\n",
                      "c.py": "", "d.py": "import portraits.a\n"})
    found = {p.relative_to(tmp_path).as_posix() for p in imports.closure(["portraits.a"], tmp_path)}
    assert found == {"__init__.py", "a.py", "sub/__init__.py", "sub/b.py", "c.py"}  # not d.py, nor numpy


def test_resources_are_the_files_beside_a_module_and_in_directories_that_are_not_packages(tmp_path):
    _write(tmp_path, {"r/__init__.py": "", "r/m.py": "", "r/filter.lua": "", "r/other.py": "",
                      "r/templates/page.html": "", "r/templates/.page.html.1a.tmp": "",
                      "r/sub/__init__.py": "", "r/sub/x.toml": "", "r/.hidden": ""})
    found = {p.relative_to(tmp_path).as_posix() for p in imports.with_resources([tmp_path / "r" / "m.py"])}
    assert found == {"r/m.py", "r/filter.lua", "r/templates/page.html"}
