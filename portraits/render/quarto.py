"""Quarto engine: a thin adapter around `quarto render` for machines where the CLI exists.

The notebook is already executed (papermill), so Quarto only renders (--no-execute). It runs
in a temporary directory on a copy of the notebook, so that Quarto's side files (_files
directories, .quarto/) never land in output/; finished files are moved into place atomically.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from portraits.core import atomic
from portraits.core.errors import RenderError
from portraits.render import existing_notebook, stderr_tail

# --to FORMAT, the extension Quarto gives the result, format options passed with -M (the
# temporary directory has no _quarto.yml, so the essentials of it are repeated here)
_COMMON = {"lang": "fr", "echo": "false", "warning": "false"}
FORMATS = {
    "html": ("html", "html", {**_COMMON, "embed-resources": "true"}),
    "pdf": ("typst", "pdf", {**_COMMON, "papersize": "a4"}),
    "docx": ("docx", "docx", _COMMON),
}


def render_quarto(ipynb: Path, targets: dict[str, Path | None], *, quarto: str = "quarto",
                  metadata: dict | None = None) -> list[Path]:
    """Render with `quarto render`; returns the written paths, in the order of ``targets``
    ({format id: path}, e.g. {"html": …, "pdf": …}; a None path is skipped).

    metadata: extra document metadata (title, subtitle...), passed as `-M key:value`."""
    ipynb = existing_notebook(ipynb)
    exe = shutil.which(quarto)
    if exe is None:
        raise RenderError(f"the Quarto CLI ({quarto!r}) is not on PATH")
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="portraits-quarto-") as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "portrait.ipynb"
        shutil.copyfile(ipynb, src)
        for kind, out in targets.items():
            if out is None:
                continue
            to, ext, options = FORMATS[kind]
            produced = tmp / f"portrait.{ext}"
            cmd = [exe, "render", src.name, "--to", to, "--no-execute", "--output", produced.name]
            for key, value in {**options, **(metadata or {})}.items():
                if value is not None:
                    cmd += ["-M", f"{key}:{value}"]
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
            if proc.returncode != 0:
                raise RenderError(f"quarto render --to {to} failed on {ipynb.name} "
                                  f"(exit {proc.returncode}):\n{stderr_tail(proc.stderr)}")
            if not produced.is_file():
                raise RenderError(f"quarto render --to {to} wrote no {produced.name} for {ipynb.name}:\n"
                                  f"{stderr_tail(proc.stderr)}")
            atomic.copy_file(produced, out)
            written.append(Path(out))
    return written
