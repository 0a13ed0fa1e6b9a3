"""The files of the package's modules a kernel has imported to run its notebooks: what its
portraits are made of (``portraits.build.portrait_inputs``), whatever subpackage a module
lives in. Asked after each notebook (``WarmKernel.imported_files``)."""

from __future__ import annotations

import ast
from typing import Any

# evaluated in the kernel (a user expression: no output, nothing left in its namespace)
EXPRESSION = ("sorted({getattr(m, '__file__', None) or '' for n, m in list(__import__('sys').modules.items())"
              " if n == 'portraits' or n.startswith('portraits.')} - {''})")
_SEEN: set[str] = set()  # by every kernel of this process (the preview's watch filter reads it)


def files(reply: dict[str, Any]) -> list[str]:
    """The files in the kernel's reply to :data:`EXPRESSION` ([] if it failed)."""
    value = reply["content"].get("user_expressions", {}).get("files", {})
    if value.get("status") != "ok":
        return []
    return list(ast.literal_eval(value["data"]["text/plain"]))


def note(found: list[str]) -> list[str]:
    """Remember ``found`` as imported by a kernel of this process; returns it."""
    _SEEN.update(found)
    return found


def imported_so_far() -> frozenset[str]:
    """The files of the ``portraits`` modules the kernels of this process imported to run
    their notebooks (empty before the first one ran)."""
    return frozenset(_SEEN)
