"""The raw-source registry: ``data/sources.toml`` lists every raw file with its checksum,
upstream, licence and millésime; :func:`fetch` fills ``data/raw/`` from a mirror directory.

Like pooch's registry, but the "download" is a copy from a local mirror (pooch has no
file-system downloader), and every file is verified before and after the copy."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from portraits.core import atomic, config
from portraits.core.errors import SourceError


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    sha256: str
    producer: str
    title: str
    upstream: str
    licence: str
    millesime: str
    geography: str
    citation: str  # short French source line, as the portraits cite it
    # what a statistical source covers (see the manifest's header); "" for the other files
    coverage: str = ""       # "metropolitan" or "overseas"
    overseas_gap: str = ""   # the note code of a value it leaves missing overseas
    france_note: str = ""    # the note code of its France row

    @property
    def metropolitan_only(self) -> bool:
        """No overseas unit: its France is metropolitan France."""
        return self.coverage == "metropolitan"

    def raw_path(self, raw_dir: Path | None = None) -> Path:
        return (raw_dir or config.raw_dir()) / self.file


REQUIRED = ("id", "file", "sha256", "producer", "title", "upstream", "licence", "millesime", "geography")
COVERAGES = ("metropolitan", "overseas")
COVERAGE_KEYS = ("coverage", "overseas_gap", "france_note")


def load_sources(path: Path | None = None) -> dict[str, Source]:
    path = path or config.sources_path()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"source manifest not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"source manifest {path} is not valid TOML: {exc}") from None
    sources: dict[str, Source] = {}
    for i, entry in enumerate(doc.get("source", []), start=1):
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise SourceError(f"{path}: source #{i} ({entry.get('id', '?')}) lacks {', '.join(missing)}")
        if entry["id"] in sources:
            raise SourceError(f"{path}: source id {entry['id']!r} is declared twice")
        # the TOML's ``citation`` where the default line would not read well
        citation = entry.get("citation") or f"{entry['producer']}, {entry['title']} ({entry['millesime']})"
        _check_coverage(path, entry)
        sources[entry["id"]] = Source(**{k: entry[k] for k in REQUIRED}, citation=citation,
                                      **{k: entry.get(k, "") for k in COVERAGE_KEYS})
    if not sources:
        raise SourceError(f"{path}: no [[source]] entries")
    return sources


def _check_coverage(path: Path, entry: dict) -> None:
    coverage = entry.get("coverage", "")
    if coverage and coverage not in COVERAGES:
        raise SourceError(f"{path}: source {entry['id']!r}: coverage {coverage!r} is not one of "
                          f"{', '.join(COVERAGES)}")
    given = [k for k in COVERAGE_KEYS[1:] if entry.get(k)]
    if given and not coverage:
        raise SourceError(f"{path}: source {entry['id']!r} has {', '.join(given)} but no coverage")


def covering(path: Path | None = None) -> dict[str, Source]:
    """The statistical sources (those that declare a coverage), each manifest read once."""
    return _covering(Path(path or config.sources_path()))


@lru_cache(maxsize=4)
def _covering(path: Path) -> dict[str, Source]:
    return {sid: s for sid, s in load_sources(path).items() if s.coverage}


def coverage_of(source_id: str, path: Path | None = None) -> Source:
    """The manifest entry of a source an indicator reads, which must say what it covers."""
    found = covering(path).get(source_id)
    if found is None:
        raise SourceError(f"{path or config.sources_path()}: source {source_id!r} declares no coverage "
                          f"(coverage = {' or '.join(map(repr, COVERAGES))}): every source an indicator "
                          "reads must say what it covers")
    return found


def metropolitan_only(path: Path | None = None) -> frozenset[str]:
    """Ids of the sources without any overseas unit (their France is metropolitan France)."""
    return frozenset(sid for sid, s in covering(path).items() if s.metropolitan_only)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(source: Source, path: Path, where: str) -> None:
    if not path.is_file():
        raise SourceError(f"{source.id}: {source.file} is missing from {where} ({path})")
    actual = sha256_of(path)
    if actual != source.sha256:
        raise SourceError(
            f"{source.id}: {source.file} in {where} has sha256 {actual[:16]}…, "
            f"the manifest expects {source.sha256[:16]}…: the file was altered or is another version"
            + (f"; run `portraits data --mirror DIR` (or set {config.MIRROR_ENV}) to copy it again "
               "from the mirror" if where == "data/raw" else "")
        )


def verify(sources: dict[str, Source] | None = None, raw_dir: Path | None = None) -> None:
    """Check every file already in ``data/raw`` against the manifest."""
    sources = sources or load_sources()
    raw_dir = raw_dir or config.raw_dir()
    errors = []
    for source in sources.values():
        try:
            _check(source, source.raw_path(raw_dir), "data/raw")
        except SourceError as exc:
            errors.append(str(exc))
    if errors:
        raise SourceError("\n".join(errors))


def fetch(mirror: Path | None, sources: dict[str, Source] | None = None,
          raw_dir: Path | None = None) -> list[Source]:
    """Copy every source from ``mirror`` into ``raw_dir``, verifying checksums.

    A file already present with the right checksum is left alone. All files are checked
    before anything is copied, so a bad mirror changes nothing. Returns the copied sources.
    """
    sources = sources or load_sources()
    raw_dir = raw_dir or config.raw_dir()
    todo = []
    errors = []
    for source in sources.values():
        target = source.raw_path(raw_dir)
        present = target.is_file()
        if present and sha256_of(target) == source.sha256:
            continue
        if mirror is None:
            if present:  # altered in place: the mirror's copy replaces it (checked first)
                errors.append(f"{source.id}: data/raw/{source.file} does not match its checksum in "
                              f"{config.sources_path().name} (altered, or another version): run "
                              f"`portraits data --mirror DIR` (or set {config.MIRROR_ENV}) to copy it "
                              "again from the mirror")
            else:
                errors.append(f"{source.id}: {source.file} is not in data/raw and no mirror was given "
                              f"(use --mirror DIR or set {config.MIRROR_ENV})")
            continue
        try:
            _check(source, mirror / source.file, f"the mirror {mirror}")
        except SourceError as exc:
            errors.append(str(exc))
            continue
        todo.append(source)
    if errors:
        raise SourceError("raw data refused, nothing copied:\n  " + "\n  ".join(errors))
    for source in todo:
        target = source.raw_path(raw_dir)
        atomic.copy_file(mirror / source.file, target)
        _check(source, target, "data/raw")
    return todo
