"""Unit tests of portraits.preview.pages: the error page escapes everything, the reload
script is added once."""

from __future__ import annotations

from portraits.preview import pages
from portraits.preview.failures import PreviewError


def test_error_page_escapes_everything(tmp_path):
    page = pages.error_page(PreviewError("cell", "<script>alert(1)</script>", qmd_line=2, source="x",
                                         details="<tb>"), template=tmp_path / "t.qmd", territory="ti-<1>",
                         text="a\n<b>bold</b>\nc")
    assert "<script>" not in page and "<b>bold" not in page and "<tb>" not in page
    assert "&lt;script&gt;" in page and "t.qmd, line 2" in page
    assert pages.inject_reload(page, 7).decode().count('EventSource("/events?since=7")') == 1


def test_error_page_names_the_line_and_label_of_the_failing_cell(tmp_path):
    error = PreviewError("cell", "ValueError: unknown chart 'secteurs'", qmd_line=3, cell_index=12,
                         label="fig-secteurs")
    page = pages.error_page(error, template=tmp_path / "t.qmd", territory="ti-0601", text="a\nb\nc")
    assert "t.qmd, line 3 (fig-secteurs, cell 12 of the executed notebook)" in page
    assert error.summary() == "cell error: line 3: fig-secteurs, cell 12: ValueError: unknown chart 'secteurs'"


def test_reload_script_goes_before_the_body_end_and_waiting_page_has_it():
    page = pages.inject_reload(pages.waiting_page("ti-8413"), 0).decode()
    assert "Building the portrait of ti-8413" in page
    assert page.index('EventSource("/events?since=0")') < page.index("</body>")
