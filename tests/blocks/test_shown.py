from portraits.blocks import shown


def test_shown_keeps_the_first_use_order_once():
    s = shown.Shown()
    s.add(["jobs", "population"])
    s.add(["population", "density"])
    s.add_breakdown("a38")
    assert list(s.indicators) == ["jobs", "population", "density"] and list(s.breakdowns) == ["a38"]
