from portraits.blocks import navigation


def test_downloads_navigation(portrait):
    p = portrait.Portrait("ti-8413")
    assert "(../data/ti-8413.csv)" in p.downloads().data and "(../data/ti-8413.xlsx)" in p.downloads().data
    nav = p.navigation().data
    assert 'content-visible when-format="html"' in nav and "{.portrait-nav}" in nav
    assert "(../index.html)" in nav and "(ti-8401.html)" in nav and "(ti-8413.html)" not in nav
    assert "(../index.html#region=84)" in nav  # the catalogue filtered to the region


def test_a_region_with_one_territory_has_no_comparison_link(portrait):
    import pandas as pd

    t = portrait.Portrait("ti-8413").territory
    alone = pd.DataFrame({"territory_id": [t.id], "name": [t.name]})
    nav = navigation.navigation(t, alone)
    assert "(../index.html)" in nav and "#region=" not in nav and "Autres territoires" not in nav
