import re

import pytest

from portraits.text import commentary, fmt

NB = "\u00a0"


@pytest.fixture(scope="module")
def store():
    store = pytest.importorskip("portraits.data.store")
    try:
        store.territory("ti-8413")
    except Exception as exc:
        pytest.skip(f"processed data unavailable: {exc}")
    return store


@pytest.fixture(scope="module")
def report(store):
    from portraits.blocks import portrait as report
    return report


def _expected(row, level="territory"):
    x = row[level]
    if str(row["indicator_id"]).endswith("_growth") and row["unit"] == "%":
        text = fmt.signed_percent(x)
    else:
        text = fmt.value(x, row["unit"], status=row["status"] if level == "territory" else None)
    if row.get(f"{level}_approx", row["approx"]) and not fmt.is_missing(x):  # each level's own flag
        text = f"≈{NB}{text}"
    return text


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101", "ti-0601"])
def test_key_figures_match_store_values(store, report, tid):
    p = report.Portrait(tid)
    md = p.key_figures().data
    values = re.findall(r"\[([^\]]*)\]\{\.value\}", md)
    wide = store.indicators(tid).set_index("indicator_id")
    expected = []
    for ind, _label in report.KEY_FIGURES:
        if ind in wide.index:
            row = wide.loc[ind].to_dict()
            row["indicator_id"] = ind
            expected.append(_expected(row))
    assert values == expected
    assert 6 <= len(values) <= 8
    assert md.count("{.key-figure}") == len(values)
    assert md.startswith("::::: {.key-figures}")


def test_key_figure_benchmark_is_the_france_value(store, report):
    p = report.Portrait("ti-8413")
    md = p.key_figures().data
    row = store.indicators("ti-8413").set_index("indicator_id").loc["unemployment_rate"]
    assert f"France : {fmt.percent(row['france'])}" in md


def test_missing_values_show_nd_and_no_comparison(report):
    p = report.Portrait("ti-0601")  # Mayotte: census figures not available
    md = p.key_figures().data
    assert "[n.d.]{.value}" in md and "n.d. : non disponible" in md
    pop = p.figure("population")
    assert str(pop) == "n.d." and pop.vs("region", "france") == "" and not pop.available
    assert p.metadata().meta["available"]["population"] is False


def test_section_helpers(report):
    p = report.Portrait("ti-8413")
    note = p.sources("unemployment_rate", "workers_share").data
    assert note.startswith("::: {.source}\nSources\u00a0: ") and note.rstrip().endswith(":::")
    meta = p.metadata().meta
    assert meta["available"]["unemployment_rate"] is True and meta["comparable"]["industry_jobs_share"] is True
    with pytest.raises(KeyError, match="unknown indicator"):
        p.figure("no_such_indicator")
    title = p.first_marked([p.figure("unemployment_rate"), p.figure("workers_share")], "france", "Population active")
    # ti-8413: 21,8 % of workers against 11,6 % in metropolitan France, a marked gap, leads the title
    assert title.startswith("Une part des ouvriers parmi les 15 ans ou plus nettement supérieure")

def test_comparison_table_has_every_indicator_formatted(store, report):
    p = report.Portrait("ti-8413")
    md = p.comparison_table().data
    lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert lines[0] == "| Indicateur | Territoire | Région | France | Ensemble des TI | Rang |"
    wide = store.indicators("ti-8413")
    assert len(lines) == 2 + len(wide)
    for line, row in zip(lines[2:], wide.to_dict("records")):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[1] == _expected(row).replace("|", "\\|")
        if not fmt.is_missing(row["rank"]):
            assert cells[5] == f"{fmt.ordinal(row['rank'])}/{int(row['n_ranked'])}"


def test_charts_carry_svg_and_alt_text(report):
    p = report.Portrait("ti-8413")
    for kind in ("sectors", "private_jobs", "establishments", "a38", "positions", "map"):
        data, meta = p.chart(kind)._repr_mimebundle_()
        assert "image/svg+xml" in data, kind
        assert meta["image/svg+xml"]["alt"] == data["text/plain"] and len(data["text/plain"]) > 40
    with pytest.raises(ValueError):
        p.chart("pie")


def test_missing_chart_is_a_note(report):
    data, meta = report.Portrait("ti-0601").chart("sectors")._repr_mimebundle_()
    assert "image/svg+xml" not in data and "non disponible" in data["text/markdown"]


def test_understand_downloads_navigation(report):
    p = report.Portrait("ti-8413")
    und = p.understand().data
    assert und.startswith("## Pour comprendre") and "### Sources" in und and "≈" in und
    assert "::::: {.understand}" in und  # small, two columns in the PDF
    assert "(../data/ti-8413.csv)" in p.downloads().data and "(../data/ti-8413.xlsx)" in p.downloads().data
    nav = p.navigation().data
    assert 'content-visible when-format="html"' in nav and "{.portrait-nav}" in nav
    assert "(../index.html)" in nav and "(ti-8401.html)" in nav and "(ti-8413.html)" not in nav
    assert "(../index.html#region=84)" in nav  # the catalogue filtered to the region


def test_header_names_region_and_composition(report):
    md = report.Portrait("ti-8413").header().data
    assert "en Auvergne-Rhône-Alpes" in md and "Il regroupe 42 communes : 1 intercommunalité" in md
    two = report.Portrait("ti-2703").header().data
    assert "à cheval sur les régions" in two


def test_template_is_thin_and_parameterised():
    from portraits.core import config
    from portraits.execution import qmd

    nb = qmd.read_qmd(config.template_path())
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and 'territory = "ti-8413"' in params[0].source
    code = [c for c in nb.cells if c.cell_type == "code" and c is not params[0]]
    for cell in code:
        if "narrative" in cell.metadata.get("tags", []):  # the template's Markdown, evaluated
            continue
        body = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith(("#|", "%", "#"))]
        # one call per block, no data wrangling; the set-up cell declares the figures the text cites
        assert len(body) <= 3 or all(ln.startswith(("from ", "p = ")) or "= p.figure(" in ln for ln in body), cell.source
        assert not any("set_option" in ln or "matplotlib.use" in ln for ln in body)
    charts = [c for c in code if "p.chart(" in c.source]
    assert charts and all("fig-cap" in c.source and "fig-alt" not in c.source for c in charts)


@pytest.mark.e2e
def test_template_executes_for_metropolitan_and_overseas_territories(store):
    """The real template in one warm kernel, as the build runs it: no error, every chart an
    SVG with its alt text in the output metadata (or a note when data are missing)."""
    from portraits.core import config
    from portraits.execution import execute, qmd

    nb = qmd.read_qmd(config.template_path())
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


def test_overseas_industry_share_is_not_compared_with_france(store, report):
    """ti-0101: Flores-based share (another basis than France's census figure): the key figure
    gives the region, the sector chart draws the territory and its region, the position chart
    does not place it among the territories."""
    p = report.Portrait("ti-0101")
    row = p.rows["industry_jobs_share"]
    assert row["comparable"] is False or row["comparable"] == False  # noqa: E712 (numpy bool)
    assert "non comparable" in row["note"]  # and the reader is told why
    md = p.key_figures().data
    block = next(b for b in md.split("::::") if "des emplois salariés dans l'industrie" in b)
    assert "Guadeloupe" in block and "France" not in block and "ensemble des TI" not in block
    share = p.figure("industry_jobs_share")
    assert share.vs("region", "france", "all_territories") == f"contre {p.value('industry_jobs_share', 'region')[2:]} en Guadeloupe"
    assert share.compared("france") == "" and p.metadata().meta["comparable"]["industry_jobs_share"] is False
    assert "des emplois salariés dans l'industrie" in block
    # the table: France and all territories say "non comparable", the rank "non classé"
    row_md = next(ln for ln in p.comparison_table().data.splitlines() if "industrie dans l'emploi" in ln)
    cells = [c.strip() for c in row_md.strip("|").split("|")]
    assert cells[3:] == ["non comparable", "non comparable", "non classé"] and "Guadeloupe" not in cells
    # "Pour comprendre": what is shown (Flores salaried jobs), said once, not the census definition
    line = next(ln for ln in p.understand().data.splitlines() if ln.startswith("- **Part de l'industrie"))
    assert line.count("Flores 2023") == 1 and "recensement 2022." not in line.split(":", 1)[1][:60]
    sectors, source = p._sectors_data()
    assert set(sectors["level"]) == {"territory", "region"} and "Flores" in source
    chart = p.chart("sectors")
    assert "France" not in chart.alt and "Guadeloupe" in chart.alt
    assert "non classé" in p.chart("positions").alt
    # the jobs section and "Pour comprendre" cite the source the value comes from
    assert "Flores 2023, emploi salarié par zone d'emploi" in p.sources("industry_jobs_share").data
    assert "Flores 2023, emploi salarié par zone d'emploi" in p.understand().data
    # a metropolitan territory keeps its full comparison
    m = report.Portrait("ti-8413")
    assert set(m._sectors_data()[0]["level"]) == {"territory", "region", "france", "all_territories"}


def test_france_is_named_by_what_it_covers(report):
    p = report.Portrait("ti-1105")  # Greater Paris (EPT): poverty rate, metropolitan France only
    row = next(ln for ln in p.comparison_table().data.splitlines() if ln.startswith("| Taux de pauvreté"))
    assert "(métro.)" in row.split("|")[4]
    assert "(métro.) : France métropolitaine seulement" in p.comparison_table().data
    block = next(b for b in p.key_figures().data.split("::::") if "seuil de pauvreté" in b)
    assert "France métropolitaine :" in block
    unemployment = next(b for b in p.key_figures().data.split("::::") if "au chômage" in b)
    assert "France :" in unemployment and "métropolitaine" not in unemployment
