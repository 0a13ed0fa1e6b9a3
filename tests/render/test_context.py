"""The page metadata (portraits.render.context): derived from the territory, and counted as a
portrait input, so that editing it makes the portraits stale."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from _data_support import ensure_processed
from portraits.blocks import data_table
from portraits.build import portrait_inputs
from portraits.core import config
from portraits.render import context


@pytest.mark.parametrize("func", [context.render_context, data_table.write_files, data_table.comparison_frame])
def test_what_a_portrait_shows_is_a_portrait_input(func):
    rel = Path(inspect.getfile(func)).resolve().relative_to(config.PACKAGE_DIR.resolve())
    assert portrait_inputs.is_portrait_input(rel), f"{rel} is not in the package hash"


def test_package_hash_follows_the_page_metadata_module(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "render").mkdir(parents=True)
    source = Path(inspect.getfile(context)).read_text(encoding="utf-8")
    (pkg / "render" / "context.py").write_text(source, encoding="utf-8")
    before = portrait_inputs.package_hash(pkg)
    (pkg / "render" / "context.py").write_text(source.replace("Portrait socio", "Portrait"), encoding="utf-8")
    assert portrait_inputs.package_hash(pkg) != before


def test_render_context_names_the_territory():
    ensure_processed()
    ctx = context.render_context("ti-8413")
    assert ctx["title"] == ctx["pagetitle"] == f"Territoire d'industrie — {ctx['name']}"
    assert ctx["name"] and "(ti-8413)" in ctx["description"] and ctx["subtitle"]


def test_render_context_is_empty_for_an_unknown_territory():
    assert context.render_context("ti-0000") == {}
