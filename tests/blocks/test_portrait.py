import pytest

from portraits.blocks import portrait_charts
from portraits.blocks.values import value_text


def test_section_helpers(portrait):
    p = portrait.Portrait("ti-8413")
    note = p.sources(p.indicator("unemployment_rate"), p.indicator("workers_share")).data
    assert note.startswith("::: {.source}\nSources\u202f: ") and note.rstrip().endswith(":::")
    meta = p.metadata().meta
    assert meta["available"]["unemployment_rate"] is True and meta["comparable"]["industry_jobs_share"] is True
    with pytest.raises(KeyError, match="unknown indicator"):
        p.indicator("no_such_indicator")
    title = p.first_marked([p.indicator("unemployment_rate"), p.indicator("workers_share")], "france", "Population active")
    # ti-8413: 21,8 % of workers against 11,6 % in metropolitan France, a marked gap, leads the title
    assert title.startswith("Une part des ouvriers parmi les 15 ans ou plus nettement supérieure")

def test_template_is_thin_and_parameterised():
    from portraits.core import config
    from portraits.template import reader

    nb = reader.read_qmd(config.template_path())
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and 'territory = "ti-8413"' in params[0].source
    code = [c for c in nb.cells if c.cell_type == "code" and c is not params[0]]
    for cell in code:
        if "narrative" in cell.metadata.get("tags", []):  # the template's Markdown, evaluated
            continue
        body = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith(("#|", "%", "#"))]
        # one call per block, no data wrangling; the set-up cell declares the figures the text cites
        assert len(body) <= 3 or all(ln.startswith(("from ", "p = ")) or "= p.indicator(" in ln for ln in body), cell.source
        assert not any("set_option" in ln or "matplotlib.use" in ln for ln in body)
    charts = [c for c in code if "p.chart(" in c.source]
    assert charts and all("fig-cap" in c.source and "fig-alt" not in c.source for c in charts)


@pytest.mark.e2e
def test_template_executes_for_metropolitan_and_overseas_territories(store):
    """The real template in one warm kernel, as the build runs it: no error, every chart an
    SVG with its alt text in the output metadata (or a note when data are missing)."""
    from portraits.core import config
    from portraits.execution import execute
    from portraits.template import reader

    nb = reader.read_qmd(config.template_path())
    with execute.WarmKernel() as kernel:
        for tid in ("ti-8413", "ti-0101"):
            result = kernel.execute(nb, {"territory": tid}, timeout=300)
            assert result.ok, result.error
            outputs = [o for c in result.nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
            svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
            assert len(svgs) >= 5
            assert all(o["metadata"]["image/svg+xml"]["alt"] for o in svgs)
            markdown = "\n".join(o["data"]["text/markdown"] for o in outputs
                                 if "text/markdown" in o.get("data", {}))
            assert "{.key-figures}" in markdown and "| Indicateur |" in markdown
            assert store.territory(tid).region_name in markdown


def test_overseas_industry_share_is_not_compared_with_france(store, portrait):
    """ti-0101: Flores-based share (another basis than France's census figure): the key figure
    gives the region, the sector chart draws the territory and its region, the position chart
    does not place it among the territories."""
    p = portrait.Portrait("ti-0101")
    row = p.rows["industry_jobs_share"]
    assert row["comparable"] is False or row["comparable"] == False  # noqa: E712 (numpy bool)
    assert "non comparable" in row["note"]  # and the reader is told why
    md = p.key_figures(p.indicator("industry_jobs_share")).data
    block = next(b for b in md.split("::::") if "des emplois salariés dans l'industrie" in b)
    assert "Guadeloupe" in block and "France" not in block and "ensemble des TI" not in block
    share = p.indicator("industry_jobs_share")
    # the region's value is approximate (Flores by zone d'emploi): "≈" in the table, "environ" in the text
    assert value_text(row, "region").startswith("≈")
    assert share.vs("region", "france", "all_territories") == \
        f"contre environ {value_text(row, 'region')[2:]} en Guadeloupe"
    assert share.compared("france") == "" and p.metadata().meta["comparable"]["industry_jobs_share"] is False
    assert "des emplois salariés dans l'industrie" in block
    # the table: France and all territories say "non comparable", the rank "non classé"
    row_md = next(ln for ln in p.comparison_table().data.splitlines() if "industrie dans l'emploi" in ln)
    cells = [c.strip() for c in row_md.strip("|").split("|")]
    assert cells[3:] == ["non comparable", "non comparable", "non classé"] and "Guadeloupe" not in cells
    # "Pour comprendre": what is shown (Flores salaried jobs), said once, not the census definition
    line = next(ln for ln in p.understand().data.splitlines() if ln.startswith("- **Part de l'industrie"))
    assert line.count("Flores 2023") == 1 and "recensement 2022." not in line.split(":", 1)[1][:60]
    sectors, source = portrait_charts.sectors_data(p.territory_id, p.rows)
    assert set(sectors["level"]) == {"territory", "region"} and "Flores" in source
    chart = p.chart("sectors")
    assert "France" not in chart.alt and "Guadeloupe" in chart.alt
    assert "non classé" in p.positions(p.indicator("industry_jobs_share"), p.indicator("unemployment_rate")).alt
    # the jobs section and "Pour comprendre" cite the source the value comes from
    assert "Flores 2023, emploi salarié par zone d'emploi" in p.sources(p.indicator("industry_jobs_share")).data
    assert "Flores 2023, emploi salarié par zone d'emploi" in p.understand().data
    # a metropolitan territory keeps its full comparison
    m = portrait.Portrait("ti-8413")
    assert set(portrait_charts.sectors_data(m.territory_id, m.rows)[0]["level"]) == {"territory", "region", "france", "all_territories"}




def test_pour_comprendre_and_sources_follow_what_the_portrait_shows(portrait):
    p = portrait.Portrait("ti-8413")
    unemployment = p.indicator("unemployment_rate")
    p.key_figures(p.indicator("median_income"))
    text = p.understand().data
    assert "**Taux de chômage**" in text and "**Niveau de vie médian" in text
    assert "**Densité**" not in text and "Secteurs industriels (A38)" not in text
    sources = text.split("### Sources", 1)[1]
    assert "Filosofi" in sources and "Urssaf" not in sources
    p.chart("a38")  # the A38 chart shown: its employment-zone method is explained
    assert "Secteurs industriels (A38)" in p.understand().data
    p.chart("private_jobs")  # a chart's figures too
    assert "Urssaf" in p.understand().data.split("### Sources", 1)[1]
    assert p.sources(unemployment).data == p.sources("unemployment_rate").data  # a figure, or its id
