"""Unit tests of portraits.site.preview_batch: the preview and the batch build agree on what is
not a portrait's input."""

from __future__ import annotations

from portraits.site import preview_batch as pb


def test_preview_module_does_not_make_portraits_stale():
    from portraits.build import batch as build

    assert "site" in build._NOT_PORTRAIT_DIRS
    assert set(build._NOT_PORTRAIT_INPUTS) <= pb.IGNORED_PACKAGE_FILES
    assert set(build._NOT_PORTRAIT_DIRS) <= pb.IGNORED_PACKAGE_DIRS
