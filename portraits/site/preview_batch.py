"""What the preview takes from the batch build (``portraits.build.batch``), in one place: which
package files are not a portrait's input (a change there rebuilds nothing), the page metadata
the build gives the renderer, and how a territory id given on the command line is resolved."""

from __future__ import annotations

from portraits.build.batch import _NOT_PORTRAIT_DIRS, _NOT_PORTRAIT_INPUTS, BuildUsageError, render_context, resolve_ids

__all__ = ["IGNORED_PACKAGE_DIRS", "IGNORED_PACKAGE_FILES", "BuildUsageError", "render_context", "resolve_ids"]

# Package files that cannot change a portrait: the batch build's list (which has this subpackage),
# declared there, once.
IGNORED_PACKAGE_FILES = set(_NOT_PORTRAIT_INPUTS)
IGNORED_PACKAGE_DIRS = set(_NOT_PORTRAIT_DIRS)
