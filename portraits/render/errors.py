"""The one error type of the rendering engines (kept apart to avoid import cycles).

Defined in :mod:`portraits.core.errors` with the others; a render failure is one territory's
failure (exit status 1 for the build), not a usage error."""

from portraits.core.errors import RenderError

__all__ = ["RenderError"]
