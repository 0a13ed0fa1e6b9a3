"""What a build writes for each territory, declared once: the output kinds (executed notebook,
documents, data files, review page), where each goes, its French link texts, whether it opens in the browser, and which are
document formats rendered from the notebook (``--formats``).

The build, the renderers, the catalogue and the review page iterate over :data:`OUTPUTS`;
adding a format is adding an entry here and a function in each engine
(``portraits.render.builtin.WRITERS``, ``portraits.render.quarto.FORMATS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Output:
    id: str                 # "html", "pdf", "docx", "csv"…
    directory: str          # under output/
    extension: str
    label: str              # French link text beside the territory's other files (catalogue)
    long_label: str         # French link text on its own (the review page's header)
    rendered: bool = False  # a document rendered from the executed notebook (--formats)
    default: bool = False   # rendered when --formats is not given
    page: bool = False      # opens in the browser (else a download)

    def path(self, output_dir: Path, tid: str) -> Path:
        return Path(output_dir) / self.directory / f"{tid}.{self.extension}"

    def relative(self, tid: str) -> str:
        return f"{self.directory}/{tid}.{self.extension}"


OUTPUTS: tuple[Output, ...] = (
    Output("html", "html", "html", "Portrait", "Portrait (page web)", rendered=True, default=True, page=True),
    Output("pdf", "pdf", "pdf", "PDF", "Portrait (PDF)", rendered=True, default=True),
    Output("docx", "docx", "docx", "Word", "Portrait (Word)", rendered=True),
    Output("csv", "data", "csv", "CSV", "Données (CSV)"),
    Output("xlsx", "data", "xlsx", "XLSX", "Données (XLSX)"),
    # the review page (executed notebook with its code, nbconvert), then the .ipynb to download
    Output("review", "review", "html", "Notebook", "Notebook (code visible)", page=True),
    Output("notebook", "notebooks", "ipynb", ".ipynb", "Notebook (.ipynb, à télécharger)"),
)
BY_ID = {o.id: o for o in OUTPUTS}
FORMATS: tuple[str, ...] = tuple(o.id for o in OUTPUTS if o.rendered)
DEFAULT_FORMATS: tuple[str, ...] = tuple(o.id for o in OUTPUTS if o.default)


def paths(output_dir: Path, tid: str) -> dict[str, Path]:
    """Every output of a territory, by id."""
    return {o.id: o.path(output_dir, tid) for o in OUTPUTS}


def directories() -> tuple[str, ...]:
    return tuple(dict.fromkeys(o.directory for o in OUTPUTS))


def unknown_formats(formats) -> list[str]:
    return sorted(set(formats) - set(FORMATS))


# Outputs of an executed notebook that are for reviewers only: the evidence tables of the text
# cells (portraits.template.inline) and the metadata block (Portrait.metadata). The notebook and the
# review page keep them; the renderers and the build report's text comparison skip them.
EVIDENCE_ROLE, METADATA_ROLE = "evidence", "metadata"


def role_metadata(role: str) -> dict:
    """The output metadata that marks a notebook output as ``role``."""
    return {"portraits": {"role": role}}


def role_of(output: dict) -> str | None:
    """The role of a notebook output (None for what readers see)."""
    return ((output.get("metadata") or {}).get("portraits") or {}).get("role")


# The tag of the template's text cells: Markdown with inline expressions evaluated in the kernel
# (portraits.template.reader writes them; execution replays them, the renderer splices them).
NARRATIVE_TAG = "narrative"
