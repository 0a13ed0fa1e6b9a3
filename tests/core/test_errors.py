"""One hierarchy of errors, each with the exit status it means: the tree drawn in the module's
docstring is the real one, and every class raised elsewhere derives from it."""

from __future__ import annotations

import importlib
import re

import pytest

from portraits import cli
from portraits.core import errors
from portraits.data import store

# a line of the docstring's tree: branches, the class, its module when it is not core.errors
_TREE_LINE = re.compile(r"^(    [│├└─ ]*)(\w+)\s+(?:\(([\w.]+)\))?")


def _documented_tree() -> list[tuple[int, type, str]]:
    """(depth, class, module it is imported from) for every line of the tree in portraits.core.errors's docstring."""
    tree = errors.__doc__.split("::", 1)[1].split("\n\n")[1]
    found = []
    for line in tree.splitlines():
        m = _TREE_LINE.match(line)
        module = m.group(3) or "portraits.core.errors"
        found.append((len(m.group(1)) // 4 - 1, getattr(importlib.import_module(module), m.group(2)), module))
    return found


def test_the_documented_tree_is_the_real_hierarchy():
    tree = _documented_tree()
    assert tree[0][1] is errors.PortraitsError
    parents: list[type] = []
    for depth, cls, _ in tree:
        del parents[depth:]
        if parents:
            assert parents[-1] in cls.__bases__, f"{cls.__name__} should derive from {parents[-1].__name__}"
        parents.append(cls)
    # every class of core.errors is drawn, and one drawn under another module is the same class
    defined = {c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.PortraitsError)}
    assert defined <= {cls for _, cls, _ in tree}
    for _, cls, _ in tree:
        assert getattr(errors, cls.__name__, cls) is cls


def test_exit_statuses():
    assert (errors.EXIT_OK, errors.EXIT_FAILED, errors.EXIT_USAGE) == (0, 1, 2)
    assert errors.PortraitsError.exit_code == errors.EXIT_FAILED  # a step failed
    assert errors.InputError.exit_code == errors.EXIT_USAGE  # bad input, nothing was started
    for _, cls, _ in _documented_tree():
        expected = errors.EXIT_USAGE if issubclass(cls, errors.InputError) else errors.EXIT_FAILED
        assert cls.exit_code == expected, cls


@pytest.mark.parametrize("cls, builtin", [
    (errors.TemplateError, ValueError), (errors.CatalogueError, ValueError), (errors.RawSchemaError, ValueError),
    (errors.SourceError, RuntimeError), (errors.KernelStartError, RuntimeError), (errors.RenderError, RuntimeError),
    (store.UnknownTerritory, ValueError), (store.ProcessedDataMissing, FileNotFoundError),
])
def test_errors_that_were_builtins_still_are(cls, builtin):
    with pytest.raises(builtin, match="^le message$"):
        raise cls("le message")


def test_each_class_is_importable_from_the_module_that_raises_it():
    from portraits.execution import execute
    from portraits.template import reader
    from portraits.render import RenderError

    assert reader.TemplateError is errors.TemplateError
    assert execute.KernelStartError is errors.KernelStartError
    assert RenderError is errors.RenderError
