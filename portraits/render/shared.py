"""What both rendering engines share: the project's Quarto settings (`_quarto.yml`, the one
place both read: lang, filters, crossref), the notebook checked before an engine starts, the
outputs no engine renders (the reviewers'), and the tail of a tool's stderr for messages. A module of its own so that ``portraits.render.render``
imports the engines, and the engines this module, without a cycle."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import yaml

from portraits.core import config, outputs
from portraits.core.errors import RenderError

# The project's Quarto settings, the one place both engines read (lang, filters, crossref)
QUARTO_PROJECT = "_quarto.yml"


def project_file() -> Path:
    return config.PROJECT_DIR / QUARTO_PROJECT


def project_settings() -> dict:
    """The project's `_quarto.yml`, with its filters as absolute paths (Quarto resolves them
    from the project directory; our renderers run elsewhere)."""
    path = project_file()
    try:
        stat = path.stat()
    except OSError as exc:
        raise RenderError(f"{path}: the project's Quarto settings are missing ({exc.strerror})") from exc
    return json.loads(_settings(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _settings(path: str, mtime_ns: int, size: int) -> str:
    # cached per file version (a render reads it once per document); JSON so callers get a copy
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: invalid YAML: {exc}") from exc
    base = Path(path).parent
    data["filters"] = [str((base / f).resolve()) if isinstance(f, str) else f for f in data.get("filters") or []]
    return json.dumps(data, ensure_ascii=False)


def existing_notebook(ipynb: Path) -> Path:
    """The notebook's absolute path, checked before an engine starts on it."""
    ipynb = Path(ipynb).resolve()
    if not ipynb.is_file():
        raise RenderError(f"notebook not found: {ipynb}")
    return ipynb


def stderr_tail(text: str, lines: int = 20) -> str:
    """The last lines of a tool's stderr, for a RenderError's message (the cause is at the end)."""
    return "\n".join(text.strip().splitlines()[-lines:])


def hidden_output(output: dict) -> bool:
    """An output kept for reviewers only (never rendered, never compared as portrait text)."""
    return outputs.role_of(output) is not None


def drop_hidden_outputs(nb: dict) -> bool:
    """Remove the reviewers' outputs from ``nb`` (in place), as the renderers must see it;
    True if there were some."""
    hidden = False
    for cell in nb.get("cells", []):
        shown = cell.get("outputs") or []
        kept = [o for o in shown if not hidden_output(o)]
        if len(kept) != len(shown):
            cell["outputs"], hidden = kept, True
    return hidden
