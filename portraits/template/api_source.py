"""The attributes of a ``portraits`` class, read from its source (``portraits.template.names``
checks the template's attributes against them).

Read with ``ast`` rather than imported: importing ``portraits.blocks`` would cost the build's
parent about 0.3 s (matplotlib), reading two files takes a few milliseconds. A class's attributes
are its methods, properties and class attributes, its dataclass fields, the ``self.x = …`` of its
methods and those of its ``portraits`` bases; a class with another base (``Text(str)``) or a
``__getattr__`` is open (``checked`` False). What a method or property gives is its return annotation, when that names a
``portraits`` class (``Portrait.indicator -> phrasing.Indicator``). Parsed trees are cached by file and
modification time, so a long-lived preview sees the package's edits.
"""

from __future__ import annotations

import ast
import dataclasses
from functools import lru_cache
from pathlib import Path

PACKAGE = "portraits"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class ClassApi:
    """The attributes of a class read from its source, and the class each one gives, if known."""

    qualname: str                                 # portraits.text.phrasing.Indicator
    attributes: frozenset[str]
    properties: dict                              # name -> qualname of its class (or None)
    methods: dict                                 # name -> qualname of the class it returns (or None)
    checked: bool                                 # False: a base outside portraits, attributes open

    @property
    def public(self) -> list[str]:
        return sorted(a for a in self.attributes if not a.startswith("_"))


def _module_file(module: str) -> Path | None:
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    base = PACKAGE_DIR.joinpath(*module.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int) -> ast.Module:  # mtime in the key: the preview lives on
    return ast.parse(path.read_text(encoding="utf-8"))


def _module_tree(module: str) -> ast.Module | None:
    path = _module_file(module)
    return None if path is None else _parse(path, path.stat().st_mtime_ns)


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name -> qualified name, for the module's top-level imports and classes."""
    names = {n.name: f"{module}.{n.name}" for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update({(a.asname or a.name): f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            names.update({(a.asname or a.name.split(".")[0]): (a.name if a.asname else a.name.split(".")[0])
                          for a in node.names})
    return names


def dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (head := dotted(node.value)):
        return f"{head}.{node.attr}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation
        try:
            return dotted(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return None
    return None


def _resolve(dotted: str | None, imports: dict[str, str]) -> str | None:
    """The qualified name of a class a module names (``phrasing.Indicator``), if it is a portraits class."""
    if not dotted:
        return None
    head, _, rest = dotted.partition(".")
    qualname = imports.get(head, "") + (f".{rest}" if rest else "")
    return qualname if _class_node(qualname) is not None else None  # not its API: it may be this class


def _class_node(qualname: str) -> ast.ClassDef | None:
    module, _, name = qualname.rpartition(".")
    tree = _module_tree(module)
    return next((n for n in (tree.body if tree else []) if isinstance(n, ast.ClassDef) and n.name == name), None)


@lru_cache(maxsize=256)
def _class_api(qualname: str, mtime_ns: int) -> ClassApi | None:
    node = _class_node(qualname)
    if node is None:
        return None
    module = qualname.rpartition(".")[0]
    imports = _imports(_module_tree(module), module)
    attributes, properties, methods, checked = set(), {}, {}, True
    for base in node.bases:
        if dotted(base) == "object":
            continue
        parent = _resolve(dotted(base), imports)
        inherited = class_api(parent) if parent and parent != qualname else None
        if inherited is None:  # another library's class: its attributes are not known here
            checked = False
            continue
        attributes |= inherited.attributes
        properties.update(inherited.properties)
        methods.update(inherited.methods)
        checked = checked and inherited.checked
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            attributes.add(item.name)
            gives = _resolve(dotted(item.returns) if item.returns else None, imports)
            is_property = any(dotted(d) in ("property", "functools.cached_property", "cached_property")
                              for d in item.decorator_list)
            (properties if is_property else methods)[item.name] = gives
            attributes.update(_self_attributes(item))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            attributes.add(item.target.id)
        elif isinstance(item, ast.Assign):
            attributes.update(t.id for t in item.targets if isinstance(t, ast.Name))
    checked = checked and "__getattr__" not in attributes  # any attribute may exist
    return ClassApi(qualname, frozenset(attributes), properties, methods, checked)


def class_api(qualname: str) -> ClassApi | None:
    """The API of a ``portraits`` class, read from its module's source (None if it is not one)."""
    path = _module_file(qualname.rpartition(".")[0]) if "." in qualname else None
    return None if path is None else _class_api(qualname, path.stat().st_mtime_ns)


def _self_attributes(func: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for t in targets:
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                found.add(t.attr)
    return found
