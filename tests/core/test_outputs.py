"""The outputs' registry: what a build writes for a territory, where, and which outputs are
document formats rendered from the notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat

from portraits.core import outputs


def test_ids_are_unique_and_indexed():
    ids = [o.id for o in outputs.OUTPUTS]
    assert len(ids) == len(set(ids))
    assert outputs.BY_ID == {o.id: o for o in outputs.OUTPUTS}


def test_rendered_formats_and_defaults():
    assert outputs.FORMATS == ("html", "pdf", "docx")
    assert outputs.DEFAULT_FORMATS == ("html", "pdf")
    assert set(outputs.DEFAULT_FORMATS) <= set(outputs.FORMATS)


def test_every_rendered_format_has_a_function_in_each_engine():
    from portraits.render import builtin, quarto

    assert set(builtin.WRITERS) == set(outputs.FORMATS)
    assert set(quarto.FORMATS) == set(outputs.FORMATS)


def test_paths_of_a_territory():
    out = Path("/srv/portraits")
    paths = outputs.paths(out, "ti-8413")
    assert list(paths) == [o.id for o in outputs.OUTPUTS]
    assert paths["html"] == out / "html" / "ti-8413.html"
    assert paths["review"] == out / "review" / "ti-8413.html"
    assert paths["notebook"] == out / "notebooks" / "ti-8413.ipynb"
    assert paths["csv"].parent == paths["xlsx"].parent == out / "data"
    assert outputs.BY_ID["pdf"].relative("ti-8413") == "pdf/ti-8413.pdf"
    assert len(set(paths.values())) == len(paths)  # no two outputs share a file


def test_directories_once_each_in_order():
    assert outputs.directories() == ("html", "pdf", "docx", "data", "review", "notebooks")


def test_unknown_formats():
    assert outputs.unknown_formats(["html", "epub", "csv", "pdf"]) == ["csv", "epub"]  # csv: not rendered
    assert outputs.unknown_formats(outputs.FORMATS) == []


def test_pages_open_in_the_browser_downloads_do_not():
    assert [o.id for o in outputs.OUTPUTS if o.page] == ["html", "review"]


def test_every_output_has_a_short_and_a_long_link_text():
    long_labels = [o.long_label for o in outputs.OUTPUTS]
    assert all(o.label and o.long_label for o in outputs.OUTPUTS) and len(set(long_labels)) == len(long_labels)


def test_roles_mark_the_reviewers_outputs():
    evidence = nbformat.v4.new_output("display_data", data={"text/plain": "t"},
                                      metadata=outputs.role_metadata(outputs.EVIDENCE_ROLE))
    assert outputs.role_of(evidence) == "evidence"
    assert outputs.role_of({"metadata": outputs.role_metadata(outputs.METADATA_ROLE)}) == "metadata"
    # what readers see: no role, whatever else the metadata holds
    assert outputs.role_of(nbformat.v4.new_output("display_data", data={"text/plain": "t"})) is None
    assert outputs.role_of({"output_type": "stream"}) is None
    assert outputs.role_of({"metadata": {"portraits": {}, "image/png": {"alt": "x"}}}) is None
