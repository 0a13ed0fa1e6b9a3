"""Charts memoized on disk by what they read, so that a wording edit reuses every chart.

``@memo.chart`` decorates a function that draws a chart from data (its arguments: frames,
rows, words) and returns a ``chart_style.Chart``. While a cache directory is set (the kernel's
``PORTRAITS_MEMO_DIR``: the build and the preview set it, see ``execution.execute``), a call
returns a :class:`Rendered` chart, its SVG already made, and its evidence rows recorded again,
from the cache when these are unchanged:

- the function's code: the ``portraits`` modules its module imports, transitively, and their
  resource files (this module's too: the SVG is made here);
- its arguments, hashed by value;
- the house style: ``chart_style.rc()``, the font files, the drawing libraries' versions;
- the data slices it read through ``portraits.data.store`` (``@reads``, recorded while it ran:
  ``slices.recording_reads``) and their digests now.

The last one is known only after a first run, so there are two levels: ``index/K`` lists the
slices that the call of key K read last time, ``charts/K2`` holds the result for K and those
slices' digests. A call reads the same slices as long as what it read is unchanged, so a hit
is what a new run would give. ``PORTRAITS_MEMO_REFRESH=1`` (``build --force``) recomputes and
rewrites. Files are written atomically: builds and previews can share the directory.
Without a directory the function is called as is (tests, notebooks)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import os
import pickle
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from portraits.core import atomic, config, imports
from portraits.data import slices
from portraits.text import evidence

DIR_VARIABLE = "PORTRAITS_MEMO_DIR"  # where the kernel's charts are cached (unset: no cache)
REFRESH_VARIABLE = "PORTRAITS_MEMO_REFRESH"  # "1": recompute every chart and rewrite the cache
_FORMAT = 1  # the entries' layout: bump when it changes
_STYLE_PACKAGES = ("matplotlib", "seaborn", "numpy", "pandas", "font-source-sans-pro")


@dataclasses.dataclass
class Rendered:
    """A chart already made: its SVG (None when data are missing) and alternative text."""
    svg: str | None
    alt: str
    fig = None  # what a missing chart has: ``display.FigureOutput`` reads ``svg`` first


class _Unhashable(TypeError):
    """An argument this module cannot hash by value: the call is not memoized."""


CACHE_VARIABLE = "PORTRAITS_CACHE_DIR"  # a cache directory for every output dir (else output/.build/)


def cache_dir() -> Path | None:
    """The kernel's chart cache (None: charts are drawn every time)."""
    value = os.environ.get(DIR_VARIABLE)
    return Path(value) if value else None


def default_dir(output_dir: Path | None = None) -> Path:
    """The chart cache of builds into ``output_dir`` (default: the project's output), shared
    with the preview: ``$PORTRAITS_CACHE_DIR/charts`` if set, else ``OUTPUT/.build/memo``."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE]).resolve() / "charts"
    return Path(output_dir or config.output_dir()).resolve() / ".build" / "memo"


def kernel_env(directory: Path, refresh: bool = False) -> dict[str, str]:
    """The environment variables that make a kernel use the cache ``directory``."""
    return {DIR_VARIABLE: str(directory), REFRESH_VARIABLE: "1" if refresh else "0"}


def chart(fn: Callable | None = None, *, reads: tuple = ()) -> Callable:
    """Memoize the chart function ``fn`` (see the module's docstring); ``reads``: the slices it
    reads other than through ``portraits.data.store`` (the map's polygons: ``Reference()``)."""
    if fn is None:
        return functools.partial(chart, reads=tuple(reads))

    @functools.wraps(fn)
    def memoized(*args, **kwargs):
        directory = cache_dir()
        if directory is None:
            return fn(*args, **kwargs)
        try:
            key = call_key(fn, args, kwargs)
        except _Unhashable:
            return _run(fn, args, kwargs, reads)[0]
        return _cached(directory, key, fn, args, kwargs, reads)
    memoized.memoized = fn
    return memoized


def _cached(directory: Path, key: str, fn: Callable, args: tuple, kwargs: dict, declared: tuple) -> Rendered:
    index = directory / "index" / key
    if os.environ.get(REFRESH_VARIABLE) != "1" and index.exists():
        try:
            entry = _load(directory / "charts" / result_key(key, _load(index)))
        except (OSError, pickle.UnpicklingError, EOFError, _Unhashable):
            entry = None
        if entry is not None:
            _replay(entry)
            return entry["chart"]
    rendered, entry = _run(fn, args, kwargs, declared)
    try:
        atomic.write_bytes(directory / "charts" / result_key(key, entry["reads"]), pickle.dumps(entry))
        atomic.write_bytes(index, pickle.dumps(entry["reads"]))
    except _Unhashable:  # it read a slice that cannot be told apart from another: not cached
        pass
    except OSError:  # a cache that cannot be written (full, read-only) costs time, not the chart
        pass
    return rendered


def _run(fn: Callable, args: tuple, kwargs: dict, declared: tuple = ()) -> tuple[Rendered, dict[str, Any]]:
    """Call ``fn`` recording its evidence rows and reads, and make its SVG."""
    from portraits.blocks import svg

    with evidence.recording() as rows, slices.recording_reads() as reads:
        slices.note_reads([(part, None) for part in declared])
        made = fn(*args, **kwargs)
    if isinstance(made, Rendered):  # a memoized chart drawn by another one
        rendered = made
    else:
        rendered = Rendered(svg.to_svg(made.fig) if made.fig is not None else None, made.alt)
    entry = {"chart": rendered, "evidence": rows, "reads": sorted(set(reads), key=repr)}
    _replay(entry)
    return rendered, entry


def _replay(entry: dict[str, Any]) -> None:
    """What the call recorded, recorded again in the caller's recordings (an enclosing chart's)."""
    for row in entry["evidence"]:
        evidence.record(row)
    slices.note_reads(entry["reads"])


def _load(path: Path) -> Any:
    with path.open("rb") as fh:
        return pickle.load(fh)


# ---------------------------------------------------------------------------- keys
def call_key(fn: Callable, args: tuple, kwargs: dict) -> str:
    h = hashlib.sha256(f"{_FORMAT}\0{fn.__module__}.{fn.__qualname__}\0".encode())
    h.update(code_digest(fn.__module__).encode())
    if imports.module_path(fn.__module__) is None:  # outside the package: its own code at least
        h.update(repr((fn.__code__.co_code, fn.__code__.co_consts)).encode())
    h.update(code_digest(__name__).encode())
    h.update(style_digest().encode())
    _feed(h, args)
    _feed(h, sorted(kwargs.items()))
    return h.hexdigest()


def result_key(key: str, reads: list[tuple[Any, str | None]]) -> str:
    """``key`` with the digests, now, of the slices the call read."""
    from portraits.data import store

    h = hashlib.sha256(key.encode())
    directory = str(config.processed_dir())
    for part, tid in reads:
        if tid is None and isinstance(part, (slices.Rows, slices.RegionTerritories)):
            raise _Unhashable(f"{part!r} read without a territory")
        canonical = store.resolve_territory(tid) if tid is not None else ""
        h.update(repr(part).encode() + b"\0" + canonical.encode() + b"\0" + part.digest(canonical, directory))
    return h.hexdigest()


def _feed(h, value: Any) -> None:
    """Hash ``value`` by its content (type included: 1 and "1" differ)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        h.update(f"{type(value).__name__}:{value!r}\0".encode())
    elif isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        h.update(f"frame:{list(frame.columns)!r}:{list(map(str, frame.dtypes))!r}:{frame.shape}\0".encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    elif isinstance(value, dict):
        h.update(b"dict\0")
        for k, v in sorted(value.items(), key=lambda kv: repr(kv[0])):
            _feed(h, k)
            _feed(h, v)
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}:{len(value)}\0".encode())
        for v in value:
            _feed(h, v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"{type(value).__qualname__}\0".encode())
        _feed(h, [getattr(value, f.name) for f in dataclasses.fields(value)])
    else:
        raise _Unhashable(type(value).__name__)


@functools.lru_cache(maxsize=None)
def style_digest() -> str:
    """The house style outside the code: rcParams, font files, drawing libraries."""
    from portraits.blocks import chart_style
    from portraits.core import fonts

    h = hashlib.sha256(repr(sorted(chart_style.rc().items(), key=lambda kv: kv[0])).encode())
    for path in fonts.font_paths():
        h.update(f"{path.name}:{path.stat().st_size}\0".encode())
    for name in _STYLE_PACKAGES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def code_digest(module: str) -> str:
    """Hash of ``module``'s file, of every ``portraits`` module it imports (anywhere in it,
    transitively) and of those modules' resource files. Computed once per process: a kernel
    is restarted when the package changes."""
    h = hashlib.sha256()
    for path in code_files(module):
        h.update(str(path.relative_to(config.PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def code_files(module: str) -> list[Path]:
    """The files of ``module``'s import closure within the package, with their directories'
    resource files (what their code may read), sorted."""
    return sorted(imports.with_resources(imports.closure([module])))
