"""`portraits preview` in headless Chromium: the open page reloads by itself after an edit,
shows the error page when a cell fails, and comes back when the file is fixed."""

from __future__ import annotations

from pathlib import Path

import time

import pytest

from portraits.preview import server

pytestmark = pytest.mark.browser

TEMPLATE = (Path(__file__).parents[1] / "fixtures" / "preview" / "portrait.qmd").read_text(encoding="utf-8")

RELOAD_MS = 30_000  # from saving the file to the new page in the browser (2 shared cores)


@pytest.fixture
def served(tmp_path):
    template = tmp_path / "portrait.qmd"
    template.write_text(TEMPLATE, encoding="utf-8")
    package = tmp_path / "package"
    package.mkdir()
    with server.Preview("ti-8413", template, port=0, package_dir=package, processed_dir=tmp_path / "none") as p:
        assert p.wait_for(1, 120), "the first version was not served"
        yield p, template


def _wait_listening(preview, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while preview.listeners < 1:
        assert time.monotonic() < deadline, "the page did not open /events"
        time.sleep(0.05)


def _mark(page) -> None:
    """A flag that only this instance of the document has: gone after a reload."""
    page.evaluate("window.__beforeEdit = true")


def test_page_reloads_itself_after_an_edit(served, open_page, screenshot_dir):
    preview, template = served
    tab = open_page(preview.url)
    page = tab.page
    assert "Titre original" in page.inner_text("body")
    assert "vaut 42" in page.inner_text("body")
    assert page.is_hidden("#portraits-preview-status")  # the "Rebuilding…" badge, shown only during a rebuild
    _wait_listening(preview)
    _mark(page)

    template.write_text(TEMPLATE.replace("Titre original", "Titre modifié"), encoding="utf-8")
    page.wait_for_function("() => document.body.innerText.includes('Titre modifié')", timeout=RELOAD_MS)
    assert page.evaluate("window.__beforeEdit === undefined"), "the text changed without a reload"

    # A failing cell: the error page replaces the portrait, then the fix brings it back.
    _mark(page)
    template.write_text(TEMPLATE.replace("6 * 7", "6 / 0"), encoding="utf-8")
    page.wait_for_selector("#preview-error", timeout=RELOAD_MS)
    assert "ZeroDivisionError" in page.inner_text("#preview-error")
    page.screenshot(path=str(screenshot_dir / "preview-error.png"), full_page=True)
    assert page.evaluate("window.__beforeEdit === undefined")

    template.write_text(TEMPLATE.replace("6 * 7", "6 * 8"), encoding="utf-8")
    page.wait_for_function("() => document.body.innerText.includes('vaut 48')", timeout=RELOAD_MS)
    assert page.query_selector("#preview-error") is None
    errors = [e for e in tab.errors if "/events" not in e]  # the stream is cut by each reload
    assert not errors, errors


@pytest.fixture
def served_two(tmp_path):
    template = tmp_path / "portrait.qmd"
    template.write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "package").mkdir()
    with server.Preview(["ti-8413", "ti-0601"], template, port=0, package_dir=tmp_path / "package",
                        processed_dir=tmp_path / "none") as p:
        assert p.wait_for(1, 120, "ti-8413") and p.wait_for(1, 120, "ti-0601")
        yield p, template


def _frame(page, territory: str):
    return page.frame_locator(f'section[data-territory="{territory}"] iframe')


def test_side_by_side_panes_refresh_on_their_own(served_two, open_page, screenshot_dir):
    preview, template = served_two
    tab = open_page(preview.url)
    page = tab.page
    assert page.locator("#preview-panes iframe").count() == 2
    for tid in ("ti-8413", "ti-0601"):
        _frame(page, tid).locator("text=Titre original").wait_for(timeout=RELOAD_MS)
        assert f"<strong>{tid}</strong> vaut 42" in _frame(page, tid).locator("body").inner_html()
    boxes = [page.locator(f'section[data-territory="{t}"]').bounding_box() for t in ("ti-8413", "ti-0601")]
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 1, "the panes are not side by side"
    deadline = time.monotonic() + 10
    while preview.listeners < 2:  # both frames listen to their own events
        assert time.monotonic() < deadline, "the frames did not open /events"
        time.sleep(0.05)

    # An error in one territory shows in its pane only; the other pane refreshes with the edit.
    template.write_text(TEMPLATE.replace("Titre original", "Titre modifié")
                        .replace("value = 6 * 7", 'value = 6 * 7 // (territory != "ti-0601")'), encoding="utf-8")
    _frame(page, "ti-8413").locator("text=Titre modifié").wait_for(timeout=RELOAD_MS)
    _frame(page, "ti-0601").locator("#preview-error").wait_for(timeout=RELOAD_MS)
    assert "ZeroDivisionError" in _frame(page, "ti-0601").locator("#preview-error").inner_text()
    page.screenshot(path=str(screenshot_dir / "preview-side-by-side.png"), full_page=True)
    errors = [e for e in tab.errors if "/events" not in e]
    assert not errors, errors
