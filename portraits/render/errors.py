"""The one error type of the rendering engines (kept apart to avoid import cycles)."""


class RenderError(RuntimeError):
    """A document could not be rendered; the message says why (tool stderr tail included)."""
