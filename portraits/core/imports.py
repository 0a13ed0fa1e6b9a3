"""The package's modules that a module imports, read from its source (every ``import``, those
inside functions too), and the resource files beside them: what a piece of the package's
code is made of, whatever subpackage it lives in. Used for the charts' memo keys
(``portraits.blocks.memo``) and the renderers' part of a portrait's inputs
(``portraits.build.portrait_inputs``)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Iterable

from portraits.core import config

# files beside a module that its code may read (catalogues, phrasing, filters, templates);
# not: bytecode, editors' and our atomic writes' temporaries (hidden or *.tmp)
SKIPPED_SUFFIXES = {".pyc", ".tmp"}


def module_path(name: str, package_dir: Path = config.PACKAGE_DIR) -> Path | None:
    """The file of the package's module ``name`` (None outside the package)."""
    parts = name.split(".")
    if parts[0] != "portraits":
        return None
    base = package_dir.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=None)
def imported(path: Path) -> tuple[str, ...]:
    """The module names ``path`` imports (``from a import b``: ``a`` and ``a.b``; each with its
    parent packages, which importing it runs)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    parents = [".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 1)]
    return tuple(dict.fromkeys(names + parents))


def closure(modules: Iterable[str], package_dir: Path = config.PACKAGE_DIR) -> set[Path]:
    """The files of ``modules`` and of every package module they import, transitively."""
    seen: set[str] = set()
    files: set[Path] = set()
    todo = list(modules)
    while todo:
        name = todo.pop()
        path = module_path(name, package_dir)
        if name in seen or path is None:
            continue
        seen.add(name)
        files.add(path)
        todo += imported(path)
    return files


def with_resources(files: Iterable[Path]) -> set[Path]:
    """``files`` and the resource files of their directories, with the directories below that
    are not packages (``render/templates/``)."""
    out = set(files)
    for directory in {path.parent for path in out}:
        out |= set(_resources(directory))
    return out


def _resources(directory: Path) -> tuple[Path, ...]:
    found = []
    for path in directory.iterdir():
        if path.name.startswith(".") or path.name == "__pycache__":
            continue
        if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and path.suffix != ".py":
            found.append(path)
        elif path.is_dir() and not (path / "__init__.py").exists():
            found += [p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                      and p.suffix not in SKIPPED_SUFFIXES]
    return tuple(sorted(found))
