"""Unit tests of portraits.preview.watch: the filters keep a portrait's inputs only, and
the batches that piled up make one rebuild."""

from __future__ import annotations

import queue
import threading

from portraits.preview import watch


def test_package_filter_keeps_portrait_inputs_only(tmp_path):
    from watchfiles import Change

    root = tmp_path / "build" / "portraits"  # a dir named like an ignored one above the package
    f = watch.Filter(root)
    kept = ["text/row_rules.py", "text/phrasing.toml", "data/indicators.toml", "render/quarto_cells.lua",
            "render/templates/portrait.html", "render/review.py"]
    # not by their place: no portrait's kernel or renderer imports them (portrait_inputs)
    dropped = ["cli.py", "render/cli.py", "preview/server.py", "build/templates/report.html", "__pycache__/x.cpython-311.pyc",
               "blocks/.charts.py.swp", "blocks/charts.py~", "data/.store.py.1a2b.tmp", "4913", "x.tmp"]
    assert [p for p in kept if not f(Change.modified, str(root / p))] == []
    assert [p for p in dropped if f(Change.modified, str(root / p))] == []


def test_batches_that_piled_up_make_one(tmp_path):
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()
    changes.put(("template", ["a.qmd"]))
    changes.put(("data", ["indicators.csv"]))
    assert watch.next_batch(changes, stop) == ({"template", "data"}, ["a.qmd", "indicators.csv"])
    stop.set()
    assert watch.next_batch(changes, stop) is None


def test_watches_the_template_package_and_existing_data(tmp_path):
    template = tmp_path / "t.qmd"
    found = watch.watches(template, tmp_path / "package", tmp_path / "missing")
    assert [w.kind for w in found] == ["template", "code"]  # no data dir, no data watch
    (tmp_path / "processed").mkdir()
    found = watch.watches(template, tmp_path / "package", tmp_path / "processed")
    assert [w.kind for w in found] == ["template", "code", "data"]
    assert isinstance(found[0].filter, watch.FileFilter) and not found[0].recursive

