"""What a portrait reads, and its fingerprint (docs/ARCHITECTURE.md, "Fingerprints").

Every accessor of ``portraits.data.store`` declares, with ``@reads(...)``, which slices of the
processed data it reads for territory ``tid``. :func:`territory_digest` hashes the union of
the declared slices, so a portrait is rebuilt when, and only when, something it shows
changed: its own rows (benchmarks included), the other territories' values where the
portrait shows them (positions chart), its region's territories (navigation), the catalogue
and the sources. The digests several portraits share are computed once per data set."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

import pandas as pd

from portraits.core import config
from portraits.data.indicators import catalogue_frame
from portraits.data.processed_tables import load


@dataclass(frozen=True)
class Rows:
    """The territory's own rows of a processed table (its benchmark rows included: they are
    repeated on each territory's rows, so a territory's slice is self-contained)."""
    table: str

    def digest(self, tid: str, directory: str) -> bytes:
        return _row_digests(self.table, directory).get(tid, b"no rows")


@dataclass(frozen=True)
class AllTerritories:
    """Every territory's rows of ``table`` at ``level`` for ``indicators`` (None: all of them):
    one digest, shared by all the portraits (computed once per build)."""
    table: str
    level: str
    indicators: tuple[str, ...] | None = None

    def digest(self, tid: str, directory: str) -> bytes:
        return _all_territories_digest(self, directory)


@dataclass(frozen=True)
class RegionTerritories:
    """``columns`` of the territories table, for every territory of the portrait's region
    (the territory's own ``region_code``): one digest per region."""
    columns: tuple[str, ...]

    def digest(self, tid: str, directory: str) -> bytes:
        region = _region_codes(directory).get(tid)
        return _region_digests(self.columns, directory).get(region, b"no region")


@dataclass(frozen=True)
class Reference:
    """Not processed rows: the indicator catalogue and data/sources.toml (citations, and the
    checksums of the raw files, such as the polygons of the locator map)."""

    def digest(self, tid: str, directory: str) -> bytes:
        return _static_digest(directory)


READS: dict[str, tuple] = {}
# the (slice, tid) pairs read inside ``recording_reads`` (portraits.blocks.memo keys charts on them)
_READ: contextvars.ContextVar[list | None] = contextvars.ContextVar("slices_read", default=None)


def reads(*slices):
    """Declare what the decorated accessor reads (see above); while ``recording_reads`` is
    active, each call notes its slices with its ``tid`` (None for an accessor without one)."""
    def register(fn):
        takes_tid = next(iter(inspect.signature(fn).parameters), None) == "tid"

        @functools.wraps(fn)
        def accessor(*args, **kwargs):
            if _READ.get() is not None:
                tid = (args[0] if args else kwargs.get("tid")) if takes_tid else None
                note_reads([(part, tid) for part in slices])
            return fn(*args, **kwargs)
        READS[fn.__name__] = tuple(slices)
        accessor.reads = tuple(slices)
        return accessor
    return register


@contextlib.contextmanager
def recording_reads() -> Iterator[list]:
    """Collect the (slice, tid) pairs read inside the block (nested blocks each get their own)."""
    read: list = []
    token = _READ.set(read)
    try:
        yield read
    finally:
        _READ.reset(token)


def note_reads(pairs) -> None:
    """Add (slice, tid) pairs to the active recording (nothing when none is active)."""
    read = _READ.get()
    if read is not None:
        read.extend(pairs)


@lru_cache(maxsize=None)
def _static_digest(directory: str) -> bytes:
    """Hash of what every portrait reads besides processed rows: the catalogue and the sources."""
    h = hashlib.sha256()
    h.update(catalogue_frame().to_csv(index=False).encode())
    h.update(config.sources_path().read_bytes())
    return h.digest()


def _digest_rows(df: pd.DataFrame, head: str) -> bytes:
    rows = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return hashlib.sha256(("|".join(map(str, df.columns)) + "|" + head).encode() + rows.tobytes()).digest()


@lru_cache(maxsize=None)
def _row_digests(name: str, directory: str) -> dict[str, bytes]:
    """territory id -> digest of that territory's rows of one table (all at once: one
    vectorised hash of the table, then the rows of each territory in order)."""
    df = load(name, directory)
    rows = pd.util.hash_pandas_object(df, index=False).to_numpy()
    head = ("|".join(map(str, df.columns)) + "|" + name).encode()
    out = {}
    tids = df["territory_id"].to_numpy(dtype=object)
    order = pd.Series(range(len(df))).groupby(tids, sort=False).indices
    for tid, idx in order.items():
        out[tid] = hashlib.sha256(head + rows[idx].tobytes()).digest()
    return out


@lru_cache(maxsize=None)
def _all_territories_digest(part: AllTerritories, directory: str) -> bytes:
    df = load(part.table, directory)
    df = df[df["level"] == part.level]
    if part.indicators is not None:
        df = df[df["indicator_id"].isin(part.indicators)]
    return _digest_rows(df, repr(part))


@lru_cache(maxsize=None)
def _region_codes(directory: str) -> dict[str, str]:
    terr = load("territories", directory)
    return dict(zip(terr["territory_id"], terr["region_code"].astype(str)))


@lru_cache(maxsize=None)
def _region_digests(columns: tuple[str, ...], directory: str) -> dict[str, bytes]:
    """region code -> digest of ``columns`` of its territories (in table order)."""
    terr = load("territories", directory)
    return {str(code): _digest_rows(g[list(columns)], f"region {code}")
            for code, g in terr.groupby(terr["region_code"].astype(str), sort=False)}


def declared_reads() -> list:
    """Every slice declared by an accessor, once each, in a stable order."""
    return sorted({part for parts in READS.values() for part in parts}, key=repr)


def territory_digest(tid: str, directory: str) -> str:
    """Stable hash of every slice the territory's portrait reads (``tid`` canonical)."""
    h = hashlib.sha256()
    for part in declared_reads():
        h.update(repr(part).encode() + b"\0" + part.digest(tid, directory))
    return h.hexdigest()


def clear_cache() -> None:
    for f in (_static_digest, _row_digests, _all_territories_digest, _region_codes, _region_digests):
        f.cache_clear()
