"""The catalogue as readers use it, in headless Chromium: search, filter, sort, links, map,
phone and desktop layouts, accessibility (axe-core), and real portraits end to end."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest

from portraits.site.catalogue import sort_key
from portraits.site.catalogue_data import load_data, parse_codes
from portraits.site.catalogue_map import OTHER_COLOUR, OTHER_LABEL

from .conftest import DESKTOP, E2E_IDS, FAKE_BUILT, FAKE_PDF_ONLY, PHONE, processed_tables_for_tests, run_axe

pytestmark = pytest.mark.browser

VISIBLE_ROWS = "#catalogue tbody tr:not([hidden])"
# Territories carried by another region with communes in Auvergne-Rhône-Alpes (listed under both).
_TWO_REGION_IN_84 = {"ti-2703", "ti-7601", "ti-7603", "ti-9307"}


def _url(site: Path, fragment: str = "") -> str:
    return (site / "index.html").as_uri() + fragment


def _visible_ids(page) -> list[str]:
    return page.eval_on_selector_all(VISIBLE_ROWS, "rows => rows.map(r => r.dataset.id)")


def _search(page, text: str) -> list[str]:
    page.fill("#q", text)
    return _visible_ids(page)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    with processed_tables_for_tests():
        return load_data().table


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["oyonnax", "OYONNAX", "Oyonnax"])
def test_search_commune_finds_its_territory(catalogue_site, open_page, query):
    tab = open_page(_url(catalogue_site))
    ids = _search(tab.page, query)
    assert ids and ids[0] == "ti-8413"
    note = tab.page.inner_text("#t-ti-8413 .match")
    assert "Oyonnax (01)" in note
    tab.assert_no_errors()


@pytest.mark.parametrize("query", ["Saint-Étienne", "saint etienne", "SAINT-ETIENNE", "st etienne", "Saint Étienne"])
def test_search_is_accent_case_and_hyphen_insensitive(catalogue_site, open_page, query):
    tab = open_page(_url(catalogue_site))
    ids = _search(tab.page, query)
    # The territory with the commune of that exact name comes first; homonym prefixes follow.
    assert ids[0] == "ti-8424"
    assert "Commune : Saint-Étienne (42)" in tab.page.inner_text("#t-ti-8424 .match")
    tab.assert_no_errors()


def test_search_by_epci_and_by_territory_name(catalogue_site, open_page):
    tab = open_page(_url(catalogue_site))
    assert _search(tab.page, "haut bugey")[0] == "ti-8413"
    assert "Intercommunalité" in tab.page.inner_text("#t-ti-8413 .match")
    assert _search(tab.page, "plastics vallee") == ["ti-8413"]
    assert _search(tab.page, "ti-8413") == ["ti-8413"]


def test_search_without_result_says_so_and_reset(catalogue_site, open_page, table):
    tab = open_page(_url(catalogue_site))
    page = tab.page
    assert _search(page, "zzzz introuvable") == []
    assert page.is_visible("#aucun")
    assert "0 territoire affiché" in page.inner_text("#compte")
    page.click("#reset")
    assert len(_visible_ids(page)) == len(table)
    assert page.is_hidden("#aucun")
    tab.assert_no_errors()


# ---------------------------------------------------------------- region filter and sorting


def test_region_filter(catalogue_site, open_page, table):
    tab = open_page(_url(catalogue_site))
    page = tab.page
    page.select_option("#region", "84")
    ids = _visible_ids(page)
    expected = {r.territory_id for r in table.itertuples()
                if r.region_code == "84" or "84" in parse_codes(r.regions)}
    assert set(ids) == expected
    assert f"{len(expected)} territoires affichés sur {len(table)}" in page.inner_text("#compte")
    # A territory whose id region is elsewhere but which spans region 84 is listed too.
    assert any(not tid.startswith("ti-84") for tid in ids)
    # Filter and search combine; the state is kept in the address for sharing.
    assert _search(page, "oyonnax")[0] == "ti-8413"
    assert "region=84" in page.evaluate("location.hash")
    tab.assert_no_errors()


def test_region_from_address(catalogue_site, open_page, table):
    tab = open_page(_url(catalogue_site, "#region=27"))
    assert tab.page.input_value("#region") == "27"
    ids = _visible_ids(tab.page)
    assert ids and all("27" in ([r.region_code] + parse_codes(r.regions))
                       for r in table[table.territory_id.isin(ids)].itertuples())
    tab.assert_no_errors()


@pytest.mark.parametrize("indicator", ["population", "industry_jobs_share", "median_income"])
def test_sort_by_indicator(catalogue_site, open_page, table, indicator):
    tab = open_page(_url(catalogue_site))
    page = tab.page
    button = page.locator(f'#catalogue thead button[data-sort="{indicator}"]')
    button.click()
    values = table.set_index("territory_id")[indicator]
    ids = _visible_ids(page)
    shown = [values[i] for i in ids]
    known = [v for v in shown if pd.notna(v)]
    assert known == sorted(known, reverse=True), "first click sorts from the highest value"
    assert all(pd.isna(v) for v in shown[len(known):]), "missing values come last"
    assert page.get_attribute(f'#catalogue thead th:has(button[data-sort="{indicator}"])', "aria-sort") == "descending"
    button.click()
    shown = [values[i] for i in _visible_ids(page)]
    known = [v for v in shown if pd.notna(v)]
    assert known == sorted(known)
    assert all(pd.isna(v) for v in shown[len(known):])
    tab.assert_no_errors()


def test_sort_by_name_french_collation(catalogue_site, open_page, table):
    tab = open_page(_url(catalogue_site))
    ids = _visible_ids(tab.page)
    names = table.set_index("territory_id")["name"]
    # Default order: names alphabetically, accents ignored (É with E).
    first_letters = [sort_key(names[i])[0] for i in ids]
    assert first_letters == sorted(first_letters)
    tab.page.click('#catalogue thead button[data-sort="name"]')
    assert _visible_ids(tab.page) == list(reversed(ids))


# ---------------------------------------------------------------- links


def _resolve(site: Path, page_url: str, href: str) -> Path:
    target = urlparse(page_url.rsplit("/", 1)[0] + "/" + href) if not href.startswith("file:") else urlparse(href)
    return Path(unquote(target.path))


def test_every_link_resolves_to_an_existing_file(catalogue_site, open_page):
    tab = open_page(_url(catalogue_site))
    page = tab.page
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    files = [h for h in hrefs if not h.startswith("#")]
    assert files, "no file link at all"
    for href in files:
        assert _resolve(catalogue_site, page.url, href).is_file(), f"dead link: {href}"
    # Every fake portrait is linked, each kind of file once per row, and only those.
    linked = {re.sub(r"\.\w+$", "", Path(h).name) for h in files}
    assert linked == set(FAKE_BUILT) | set(FAKE_PDF_ONLY)
    row_links = page.eval_on_selector_all("#t-ti-8413 .downloads a", "as => as.map(a => a.getAttribute('href'))")
    assert row_links == ["html/ti-8413.html", "pdf/ti-8413.pdf", "data/ti-8413.csv", "data/ti-8413.xlsx",
                         "review/ti-8413.html", "notebooks/ti-8413.ipynb"]


def test_following_a_portrait_link_opens_it(catalogue_site, open_page):
    tab = open_page(_url(catalogue_site))
    page = tab.page
    _search(page, "oyonnax")
    with page.expect_navigation():
        page.click("#t-ti-8413 th a")
    assert page.url.endswith("/html/ti-8413.html")
    tab.assert_no_errors()


# ---------------------------------------------------------------- map


def test_map_recolours_and_dims(catalogue_site, open_page):
    tab = open_page(_url(catalogue_site))
    page = tab.page
    if not page.locator("svg.national-map").count():
        pytest.skip("no map in this catalogue (raw polygons missing)")
    path = 'svg.national-map path[data-id="ti-8413"]'
    before = page.get_attribute(path, "fill")
    title_before = page.inner_text("#carte-legende-titre")
    page.select_option("#indicateur-carte", "median_income")
    assert page.inner_text("#carte-legende-titre") != title_before
    assert page.locator("#carte-legende li").count() >= 2
    label = page.locator(path).locator("title").text_content()
    assert label.startswith("Plastics Vallée – Oyonnax — ") and "€" in label
    after = page.get_attribute(path, "fill")
    assert before and after
    # Search results stand out on the map: the others are dimmed.
    _search(page, "oyonnax")
    assert "dim" not in (page.get_attribute(path, "class") or "")
    assert "dim" in (page.get_attribute('svg.national-map path[data-id="ti-9401"]', "class") or "")
    # A territory of the map opens its portrait, from the keyboard too.
    page.fill("#q", "")
    page.locator('svg.national-map a[href="html/ti-8413.html"]').focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/html/ti-8413.html")
    tab.assert_no_errors()


def test_map_paints_other_basis_apart(catalogue_site, open_page):
    """Recoloured by the page's JS, a value on another basis (Basse-Terre's industry share, from
    Flores) keeps its own colour and legend entry, which other indicators do not show."""
    tab = open_page(_url(catalogue_site))
    page = tab.page
    if not page.locator("svg.national-map").count():
        pytest.skip("no map in this catalogue (raw polygons missing)")
    path = 'svg.national-map path[data-id="ti-0101"]'
    page.select_option("#indicateur-carte", "median_income")
    assert OTHER_LABEL not in page.inner_text("#carte-legende")
    assert page.get_attribute(path, "fill") != OTHER_COLOUR
    page.select_option("#indicateur-carte", "industry_jobs_share")
    assert page.get_attribute(path, "fill") == OTHER_COLOUR
    assert OTHER_LABEL in page.inner_text("#carte-legende")
    assert "Flores 2023" in page.locator(path).locator("title").text_content()
    tab.assert_no_errors()


def test_page_readable_without_javascript(catalogue_site, open_page, table):
    tab = open_page(_url(catalogue_site), javascript=False)
    page = tab.page
    assert len(_visible_ids(page)) == len(table)
    assert page.locator("#t-ti-8413 .downloads a").count() == 6  # portrait, PDF, CSV, XLSX, Notebook (review page), .ipynb
    if page.locator("svg.national-map").count():
        assert page.locator("#carte-legende li").count() >= 3
    tab.assert_no_errors()


# ---------------------------------------------------------------- layouts and screenshots


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_layout_and_screenshots(catalogue_site, open_page, screenshot_dir, width):
    tab = open_page(_url(catalogue_site), width=width, height=844 if width == PHONE else 900)
    page = tab.page
    # Nothing wider than the screen: the table turns into cards on phones.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, f"page is {overflow}px wide on a {width}px screen"
    if width == PHONE:
        assert page.evaluate("getComputedStyle(document.querySelector('#catalogue tbody tr')).display") == "block"
    page.screenshot(path=str(screenshot_dir / f"catalogue-{width}.png"))
    if width == DESKTOP:  # a full phone page of 183 cards would weigh several MB
        page.screenshot(path=str(screenshot_dir / f"catalogue-{width}-full.png"), full_page=True)
    if page.locator("#carte svg").count():
        page.locator("#carte").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"catalogue-{width}-map.png"))
        page.evaluate("window.scrollTo(0, 0)")
    _search(page, "saint etienne")
    page.screenshot(path=str(screenshot_dir / f"catalogue-{width}-search.png"))
    tab.assert_no_errors()


# ---------------------------------------------------------------- accessibility


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_catalogue_axe_no_serious_violation(catalogue_site, open_page, axe_source, width):
    tab = open_page(_url(catalogue_site), width=width)
    assert tab.page.get_attribute("html", "lang") == "fr"
    _search(tab.page, "saint")  # with match notes shown
    violations = run_axe(tab.page, axe_source)
    assert violations == [], violations
    tab.assert_no_errors()


# ---------------------------------------------------------------- real portraits (end to end)


@pytest.mark.e2e
def test_catalogue_links_real_portraits(built_site, open_page):
    tab = open_page(_url(built_site))
    page = tab.page
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    for tid in E2E_IDS:
        assert f"html/{tid}.html" in hrefs and f"pdf/{tid}.pdf" in hrefs
    for href in (h for h in hrefs if not h.startswith("#")):
        assert _resolve(built_site, page.url, href).is_file(), f"dead link: {href}"
    tab.assert_no_errors()


@pytest.mark.e2e
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_portrait_navigation_and_accessibility(built_site, open_page, axe_source, screenshot_dir, width):
    tid = "ti-8413"
    tab = open_page((built_site / "html" / f"{tid}.html").as_uri(), width=width)
    page = tab.page
    assert page.get_attribute("html", "lang") == "fr"
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    back = [h for h in hrefs if re.search(r"(^|/)index\.html(#.*)?$", h)]
    assert back, "the portrait links back to the catalogue"
    siblings = {m.group(1) for h in hrefs if (m := re.search(r"(ti-84\d\d)\.html", h))} - {tid}
    assert siblings, "the portrait links to the other territories of its region"
    for h in back:
        assert _resolve(built_site, page.url, h.split("#")[0]).is_file()
    # Charts and maps carry a text alternative.
    for img in page.query_selector_all("img"):
        assert img.get_attribute("alt"), "image without alt text"
    page.screenshot(path=str(screenshot_dir / f"portrait-{tid}-{width}.png"))
    violations = run_axe(page, axe_source)
    assert violations == [], violations
    tab.assert_no_errors()


@pytest.mark.e2e
def test_portrait_region_link_opens_the_catalogue_filtered(built_site, open_page):
    tab = open_page((built_site / "html" / "ti-8413.html").as_uri())
    page = tab.page
    with page.expect_navigation():
        page.click("a[href$='index.html#region=84']")
    page.wait_for_function("document.querySelectorAll('#catalogue tbody tr:not([hidden])').length < 183")
    assert page.input_value("#region") == "84"
    shown = page.eval_on_selector_all(
        "#catalogue tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.id)")
    assert "ti-8413" in shown and all(t.startswith("ti-84") or t in _TWO_REGION_IN_84 for t in shown)
    tab.assert_no_errors()
