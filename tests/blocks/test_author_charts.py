"""The authors' charts (p.bars, p.series, p.breakdown) on a metropolitan territory (ti-8413), an
overseas one (ti-0101) and Mayotte (ti-0601, most values missing)."""

import re

import pytest

from portraits.blocks import author_charts
from portraits.blocks.chart_style import WIDTH
from portraits.text.typo import french  # chart texts and alt texts are typeset

NNBSP = "\u202f"


def _svg(output):
    data, meta = output._repr_mimebundle_()
    return data, meta


def _texts(chart):
    return [t.get_text() for t in chart.fig.texts] + [t.get_text() for ax in chart.fig.axes for t in ax.texts]


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_bars_show_each_figure_against_its_benchmarks(portrait, tid):
    p = portrait.Portrait(tid)
    out = p.bars(p.indicator("unemployment_rate"), p.indicator("activity_rate"))
    data, meta = _svg(out)
    assert 'width="453.6pt"' in data["image/svg+xml"]  # the A4 text width: no stretching in the PDF
    assert out.chart.fig.get_size_inches()[0] == WIDTH
    row = p.rows["unemployment_rate"]
    alt = meta["image/svg+xml"]["alt"]
    assert alt.startswith("Diagramme en barres horizontales\u202f: ") and p.name in alt
    assert re.search(r"Taux de chômage 2021\u202f: \d+,\d\u202f%", alt)  # French numbers
    labels = _texts(out.chart)
    assert any(re.fullmatch(r"\d+,\d\u202f%", t) for t in labels)
    source = next(t for t in out.chart.fig.texts if t.get_text().startswith("Source"))
    assert french(row["source"]) in source.get_text().replace("\n", " ")  # the figure's source, its millésimes


def test_bars_leave_out_a_benchmark_on_another_basis(portrait):
    p = portrait.Portrait("ti-0101")  # overseas industry share: Flores, compared with its region only
    alt = p.bars(p.indicator("industry_jobs_share")).alt
    part = alt.split(". ", 1)[1]
    assert "Guadeloupe" in part and "France" not in part and "Ensemble des TI" not in part


def test_bars_for_mayotte_say_the_values_are_missing(portrait):
    p = portrait.Portrait("ti-0601")
    data, _ = _svg(p.bars(p.indicator("unemployment_rate"), p.indicator("employment_rate")))
    assert "image/svg+xml" not in data and data["text/markdown"] == french(
        "*Graphique non disponible : taux de chômage, taux d'emploi (n.d.).*")
    # Mayotte has no value at all; one missing value next to a known one: its bar says n.d.
    m = portrait.Portrait("ti-8413")
    rows = [dict(m.rows["unemployment_rate"], territory=None, status="nd"), m.rows["activity_rate"]]
    chart = author_charts.bars(rows, m.name, m.territory.region_name)
    assert "n.d." in _texts(chart) and "Taux de chômage 2021\u202f: n.d. (" in chart.alt


def test_bars_refuse_figures_of_different_units(portrait):
    p = portrait.Portrait("ti-8413")
    with pytest.raises(ValueError, match="share a unit"):
        p.bars(p.indicator("unemployment_rate"), p.indicator("median_income"))
    with pytest.raises(ValueError, match="at least one figure"):
        p.bars()


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_series_draws_the_yearly_series_behind_a_figure(portrait, tid):
    p = portrait.Portrait(tid)
    out = p.series(p.indicator("private_jobs_growth"))
    assert out.chart.fig is not None and french("indice base 100 en 2014") in out.alt
    assert re.search(r"l’indice atteint \d+,\d\u00a0pour ", out.alt)
    assert any(french("Urssaf, effectifs salariés du secteur privé 2014-2024") in t for t in _texts(out.chart))


def test_series_for_mayotte_and_for_a_figure_without_one(portrait):
    p = portrait.Portrait("ti-0601")
    assert p.series(p.indicator("private_jobs_growth")).chart.fig is None
    assert "non disponible" in p.series(p.indicator("private_jobs_growth")).alt
    with pytest.raises(ValueError, match="declares no series for 'unemployment_rate'.*private_jobs_growth"):
        p.series(p.indicator("unemployment_rate"))


def test_breakdown_behind_a_figure(portrait):
    m = portrait.Portrait("ti-8413")
    out = m.breakdown(m.indicator("industry_jobs_share"))
    assert out.alt.startswith(french("Diagramme en barres horizontales : répartition des emplois par grand secteur "
                                     "d'activité en 2022, pour Plastics Vallée"))
    assert "Industrie 34,6\u202f%" in out.alt and "France métropolitaine" in out.alt
    size = m.breakdown(m.indicator("establishments_10plus_share"))
    assert "par taille" in size.alt and french("10 salariés ou plus 20,3 %") in size.alt
    o = portrait.Portrait("ti-0101")  # overseas: Flores shares, compared with the region only
    alt = o.breakdown(o.indicator("industry_jobs_share")).alt
    assert "comparé à Guadeloupe." in alt and "Flores" in " ".join(_texts(o.breakdown(o.indicator("industry_jobs_share")).chart))
    mayotte = portrait.Portrait("ti-0601")
    assert mayotte.breakdown(mayotte.indicator("industry_jobs_share")).chart.fig is None


def test_a_long_source_line_is_wrapped_under_the_chart(portrait):
    p = portrait.Portrait("ti-8413")  # three sources: census, PTOD, Filosofi
    out = p.bars(p.indicator("unemployment_rate"), p.indicator("workers_share"), p.indicator("poverty_rate"))
    source = next(t.get_text() for t in out.chart.fig.texts if t.get_text().startswith("Source"))
    assert source.startswith("Sources\u202f: ") and "\n" in source
    assert all(len(line) <= author_charts.SOURCE_CHARS for line in source.split("\n"))
    plot_bottom = out.chart.fig.axes[0].get_position().y0 * out.chart.fig.get_size_inches()[1]
    assert plot_bottom > 0.42 + author_charts.SOURCE_LINE  # the plot raised above the extra line


def test_the_charts_figures_are_explained_in_pour_comprendre(portrait):
    p = portrait.Portrait("ti-8413")
    assert "**Densité**" not in p.understand().data
    p.bars("density")  # an id works as a figure
    assert "**Densité**" in p.understand().data


def test_bars_record_the_values_they_draw(portrait):
    p = portrait.Portrait("ti-0101")
    out = p.bars(p.indicator("industry_jobs_share"), p.indicator("unemployment_rate"))
    rows = out.evidence
    assert {r["place"] for r in rows} == {"chart_label"}
    industry = [r for r in rows if r["indicator"] == "industry_jobs_share"]
    assert [r["asked"] for r in industry] == ["barre Basse-Terre", "barre Guadeloupe"]  # no France bar
    assert all(r["words"] == (r["bench_shown"] or r["shown"]) or r["words"].startswith("≈") for r in rows)


def test_bars_of_negative_changes_keep_zero_and_every_value_in_view(portrait):
    p = portrait.Portrait("ti-8413")  # private jobs: −2,8 % here, +13,5 % in France
    chart = p.bars(p.indicator("private_jobs_growth")).chart
    low, high = chart.fig.axes[0].get_xlim()
    row = p.rows["private_jobs_growth"]
    assert low < row["territory"] < 0 < row["france"] < high
    label = next(t for t in chart.fig.axes[0].texts if t.get_text().startswith("−2,8"))
    assert label.get_horizontalalignment() == "right"  # left of its bar


@pytest.mark.parametrize("tid", ["ti-8413", "ti-0101"])
def test_series_records_the_label_it_draws_against_each_benchmark_once(portrait, tid):
    p = portrait.Portrait(tid)
    out = p.series(p.indicator("private_jobs_growth"))
    [label] = [t.get_text() for t in out.chart.fig.axes[0].texts]
    rows = out.evidence
    assert [r["benchmark"] for r in rows] == [p.territory.region_name, "France"]  # not again under the house chart
    for r in rows:
        assert (r["place"], r["indicator"], r["words"], r["shown"]) == ("chart_label", "private_jobs_growth", label, label)
        assert r["year"] == "2014-2024" and r["source"].startswith("Source") and r["approx"] == "non"
        assert "indice base 100 en 2014" in r["rule"] and float(r["bench_raw"]) > 0 and r["bench_approx"] == "non"


def test_breakdown_records_each_label_it_draws_with_each_levels_approximation(portrait):
    from portraits.data import store
    p = portrait.Portrait("ti-8413")
    out = p.breakdown(p.indicator("industry_jobs_share"))
    drawn = [t.get_text() for t in out.chart.fig.axes[0].texts]
    rows = out.evidence
    sectors = store.jobs_by_sector("ti-8413")
    assert len(rows) == len(drawn) * 3 and [r["words"] for r in rows[::3]] == drawn  # each bar against 3 benchmarks
    industry = [r for r in rows if r["asked"] == "barres Industrie"]
    assert [r["benchmark"] for r in industry] == ["Auvergne-Rhône-Alpes", "France métropolitaine", "Ensemble des TI"]
    flags = sectors[sectors.sector_label == "Industrie"].set_index("level")["approx"]
    assert [r["bench_approx"] for r in industry] == [evidence_flag(flags[lv]) for lv in ("region", "france", "all_territories")]
    assert industry[0]["approx"] == evidence_flag(flags["territory"]) and industry[0]["year"] == "2022"
    overseas = portrait.Portrait("ti-0101")  # Flores shares: against the region only, and said so
    rows = overseas.breakdown(overseas.indicator("industry_jobs_share")).evidence
    assert {r["benchmark"] for r in rows} == {"Guadeloupe"} and {r["comparable"] for r in rows} == {"non"}
    assert all("région seule" in r["rule"] for r in rows)


def evidence_flag(flag) -> str:
    return "oui" if bool(flag) else "non"


def test_an_unavailable_chart_records_the_words_shown_instead(portrait):
    p = portrait.Portrait("ti-0601")
    for out in (p.series(p.indicator("private_jobs_growth")), p.breakdown(p.indicator("industry_jobs_share")),
                p.bars(p.indicator("unemployment_rate"))):
        [row] = out.evidence
        assert row["place"] == "chart_label" and row["words"] == out.alt and row["rule"].startswith("aucune valeur")


def test_a_bars_rule_says_which_bars_are_left_out(portrait):
    p = portrait.Portrait("ti-0101")
    rows = p.bars(p.indicator("industry_jobs_share"), p.indicator("unemployment_rate")).evidence
    industry = {r["rule"] for r in rows if r["indicator"] == "industry_jobs_share"}
    assert industry == {"chaque barre étiquetée de sa valeur affichée (≈ : valeur approchée) ; sans barre, "
                        "sur une autre base que le territoire : France métropolitaine, Ensemble des TI"}
    assert {r["rule"] for r in rows if r["indicator"] == "unemployment_rate"} == {
        "chaque barre étiquetée de sa valeur affichée (≈ : valeur approchée)"}


def test_bars_can_draw_the_regions_territories(portrait):
    p = portrait.Portrait("ti-8413")
    chart = p.bars(p.indicator("unemployment_rate"), vs=["region", "region_territories"]).chart
    assert "TI de la région" in chart.alt and "France" not in chart.alt.split(". ", 1)[0]
    with pytest.raises(ValueError, match="unknown benchmark 'europe'"):
        p.bars(p.indicator("unemployment_rate"), vs=["europe"])
