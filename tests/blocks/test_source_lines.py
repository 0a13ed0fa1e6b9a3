from portraits.blocks import source_lines

NB, NN = "\u00a0", "\u202f"
ROWS = {
    "jobs": {"source": "Insee, RP 2021"},
    "unemployment_rate": {"source": "Insee, RP 2021"},
    "private_jobs_growth": {"source": "Urssaf, effectifs 2014-2023"},
    "odd_name": {"source": "Insee_[test]"},
    "no_source": {},
}


def test_chart_source_cites_each_source_once():
    assert source_lines.chart_source(ROWS, ["jobs", "unemployment_rate", "missing"]) == \
        f"Source{NN}: Insee, RP 2021{NN}; traitement ANCT"


def test_no_chart_source_line_without_a_cited_source():
    # a treatment alone names no producer nor year: the chart falls back on its data's source
    assert source_lines.chart_source(ROWS, ["no_source", "missing"]) == ""


def test_section_citations_are_escaped_and_end_with_a_full_stop():
    assert source_lines.citations(ROWS, ["jobs", "odd_name"]) == \
        f"Sources{NN}: Insee, RP 2021{NN}; Insee\\_\\[test\\]."
    assert source_lines.citations(ROWS, ["no_source", "missing"]) == ""


def test_producers_only_for_charts_mixing_sources():
    assert source_lines.producers(ROWS, ["jobs", "unemployment_rate", "private_jobs_growth"]) == \
        f"Sources{NN}: Insee{NN}; Urssaf{NN}; traitement ANCT (détail dans « Pour comprendre »)"


def test_producer_names_are_the_producers_alone():
    assert source_lines.producer_names(ROWS, ["private_jobs_growth", "jobs", "unemployment_rate"]) == \
        ["Urssaf", "Insee"]
    assert source_lines.producer_names(ROWS, ["no_source"]) == []
