"""What the preview watches: the template, the package and ``data/processed/``, each through
``watchfiles`` (inotify, no polling) with a filter that drops editor temporaries, caches and the
package files that cannot change a portrait. Each watcher debounces a burst of events into one
batch; the build takes everything that piled up as one rebuild."""

from __future__ import annotations

import dataclasses
import queue
import threading
from pathlib import Path
from typing import Callable

import watchfiles

from portraits.core import config
from portraits.build.portrait_inputs import is_portrait_input


class Filter(watchfiles.DefaultFilter):
    """watchfiles' default filter (VCS and cache dirs, *.pyc, vim/emacs/JetBrains temporaries)
    plus hidden files (our atomic writes are ``.NAME.XXXX.tmp``), ``*.tmp`` and vim's ``4913``;
    and, under the package dir ``root``, the files that cannot change a portrait (the batch
    build's own test, ``portrait_inputs.is_portrait_input``)."""

    def __init__(self, root: Path | None = None) -> None:
        super().__init__(ignore_entity_patterns=(*self.ignore_entity_patterns, r"^\.", r"\.tmp$", r"^4913$"))
        self._root = root

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if self._root is not None:
            try:
                rel = Path(path).relative_to(self._root)
            except ValueError:
                rel = None
            if rel is not None and not is_portrait_input(rel):
                return False
        return super().__call__(change, path)


class FileFilter(Filter):
    """Only one file of a directory (the template): editors that save by writing a new file
    and renaming it over the old one are seen too, which a watch on the file itself would not."""

    def __init__(self, target: Path) -> None:
        super().__init__()
        self._target = target.name

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return Path(path).name == self._target and super().__call__(change, path)


@dataclasses.dataclass
class Watch:
    kind: str                   # "template" (kernel reused) or "code" / "data" (kernel restarted)
    paths: list[Path]
    recursive: bool
    filter: Callable[[watchfiles.Change, str], bool]


def watches(template: Path, package_dir: Path, processed_dir: Path) -> list[Watch]:
    """The template's directory (that file only), the package, and the processed data if there."""
    found = [Watch("template", [template.parent], False, FileFilter(template))]
    found.append(Watch("code", [package_dir], True, Filter(package_dir)))
    if processed_dir.is_dir():
        found.append(Watch("data", [processed_dir], True, Filter()))
    return found


def watch_loop(watch: Watch, changes: queue.Queue, stop: threading.Event, log: Callable[[str], None]) -> None:
    """Put ``(kind, sorted paths)`` on ``changes`` for each batch of events, until ``stop``."""
    try:
        for batch in watchfiles.watch(*watch.paths, watch_filter=watch.filter, recursive=watch.recursive,
                                      stop_event=stop, debounce=1600, step=50,
                                      rust_timeout=500, raise_interrupt=False):
            changes.put((watch.kind, sorted(path for _, path in batch)))
    except Exception as exc:  # a watcher that dies must not go unnoticed
        log(f"preview: watching {', '.join(map(str, watch.paths))} stopped: {exc}")


def next_batch(changes: queue.Queue, stop: threading.Event) -> tuple[set[str], list[str]] | None:
    """Everything the watchers reported so far (at least one batch), or None when stopping."""
    while not stop.is_set():
        try:
            kind, paths = changes.get(timeout=0.2)
        except queue.Empty:
            continue
        kinds, changed = {kind}, list(paths)
        while True:  # one rebuild for what piled up during the last one
            try:
                kind, paths = changes.get_nowait()
            except queue.Empty:
                return kinds, changed
            kinds.add(kind)
            changed += paths
    return None


def short_path(path: str) -> str:
    """A path as the log shows it: relative to the project when it is inside."""
    try:
        return str(Path(path).relative_to(config.PROJECT_DIR))
    except ValueError:
        return path
