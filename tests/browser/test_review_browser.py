"""The review page in Chromium at 1280 px (portraits.render.review): every column of every evidence
table of ti-8413 is on screen or reachable by scrolling its box, whose scrollbars are shown
and fit in the window; the table of contents and the links to the portrait lead somewhere."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def scrollbar_browser(browser):
    """Chromium as a reader has it: Playwright hides scrollbars in headless mode by default.
    Launched from the session's Playwright (a second sync_playwright would clash with its loop)."""
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    ignore_default_args=["--hide-scrollbars"])
    yield b
    b.close()


@pytest.fixture
def review_page(built_site, scrollbar_browser):
    context = scrollbar_browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("requestfailed", lambda r: errors.append(f"{r.url} {r.failure}"))
    page.goto((built_site / "review" / "ti-8413.html").as_uri())
    page.wait_for_load_state("load")
    yield page, errors
    context.close()


# For each evidence box and each of its header cells: scroll the cell into view inside its box,
# then say whether it lies inside the box's visible area and inside the window.
COLUMNS_REACHABLE = """() => [...document.querySelectorAll('.review-evidence')].map(box => {
  const boxRect = () => box.getBoundingClientRect();
  box.scrollIntoView({block: 'start'});
  const style = getComputedStyle(box);
  const out = {id: box.querySelector('[id]')?.id, wide: box.scrollWidth > box.clientWidth,
               overflowX: style.overflowX, scrollbar: box.offsetHeight - box.clientHeight - 2,
               height: box.getBoundingClientRect().height, hidden: []};
  for (const th of box.querySelectorAll('thead th')) {
    box.scrollLeft += th.getBoundingClientRect().left - boxRect().left - 30;  // as a reader scrolls to it
    const r = th.getBoundingClientRect(), b = boxRect();
    const visible = r.width > 0 && r.left >= b.left - 1 && r.right <= b.right + 1
                    && r.left >= 0 && r.right <= window.innerWidth && r.top < window.innerHeight;
    if (!visible) out.hidden.push(th.textContent);
  }
  box.scrollLeft = 0;
  return out;
})"""


def test_every_evidence_column_is_visible_or_reachable_by_scrolling(review_page):
    page, errors = review_page
    boxes = page.evaluate(COLUMNS_REACHABLE)
    assert len(boxes) >= 10  # the texts, the charts and the comparison table
    for box in boxes:
        assert not box["hidden"], box
        if box["wide"]:  # wider than the page: it scrolls, with a scrollbar the reader sees
            assert box["overflowX"] in ("auto", "scroll") and box["scrollbar"] > 0, box
        assert box["height"] <= 900, box  # both scrollbars on screen when the box is
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # the page itself does not scroll sideways
    assert not errors


def test_table_of_contents_and_portrait_links_lead_to_their_targets(review_page):
    page, _ = review_page
    targets = page.evaluate("""() => [...document.querySelectorAll('.review-toc a')]
        .map(a => !!document.getElementById(decodeURIComponent(a.hash.slice(1))))""")
    assert targets and all(targets)
    link = page.locator("a.review-to-portrait").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state("load")
    fragment = href.partition("#")[2]
    assert page.url.endswith("/html/ti-8413.html#" + fragment) or "ti-8413.html#" in page.url
    assert page.evaluate("id => !!document.getElementById(decodeURIComponent(id))", fragment)


def test_portrait_reaches_its_evidence_by_keyboard(built_site, scrollbar_browser, axe_source):
    """From the portrait, Tab reaches a discreet « Éléments de preuve » link, shown when focused;
    Enter opens the review page at that evidence table. The portrait stays without axe violations."""
    from .conftest import run_axe

    context = scrollbar_browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto((built_site / "html" / "ti-8413.html").as_uri())
    links = page.locator("p.evidence-link a")
    assert links.count() >= 10  # the sections, the charts, the table
    assert run_axe(page, axe_source) == []
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('p.evidence-link') !== null"):
            break
    else:
        pytest.fail("no evidence link reached by Tab")
    focused = page.evaluate("""() => { const a = document.activeElement, r = a.getBoundingClientRect(),
        s = getComputedStyle(a); return {href: a.getAttribute('href'), top: r.top, bottom: r.bottom,
        width: r.width, outline: s.outlineStyle, size: parseFloat(s.fontSize),
        body: parseFloat(getComputedStyle(document.body).fontSize)}; }""")
    assert focused["width"] > 0 and 0 <= focused["top"] and focused["bottom"] <= 900  # on screen
    assert focused["outline"] != "none"  # the browser's focus ring is kept
    assert focused["size"] < focused["body"]  # smaller than the text: out of the reader's way
    with page.expect_navigation():
        page.keyboard.press("Enter")
    anchor = focused["href"].partition("#")[2]
    assert page.url.endswith("/review/ti-8413.html#" + anchor)
    box = page.evaluate("id => { const el = document.getElementById(id); if (!el) return null;"
                        " const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }", anchor)
    assert box is not None and -2 <= box[0] < 900  # the evidence table is where the page opens
    context.close()
