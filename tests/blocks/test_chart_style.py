import matplotlib.pyplot as plt

from portraits.blocks import chart_style


def test_source_line_typography():
    assert chart_style.source_line("Insee, RP 2021") == "Source\u202f: Insee, RP 2021\u202f; traitement ANCT"
    assert chart_style.source_line("Insee", "Urssaf").startswith("Sources\u202f:")



def test_unavailable_chart_has_no_figure_and_says_what_is_missing():
    chart = chart_style.unavailable("série de l'emploi")
    fig, alt = chart
    assert fig is None and alt == "Graphique non disponible\u202f: série de l’emploi (n.d.)."


def test_new_figure_lays_out_one_panel_per_label_width_and_leaves_pyplot_alone():
    before = plt.get_fignums()
    fig, ax = chart_style.new_figure(2.0, [10])
    assert fig.get_size_inches().tolist() == [chart_style.WIDTH, 2.0] and fig.axes == [ax]
    fig, axes = chart_style.new_figure(2.0, [10, 5])
    assert len(axes) == 2 and axes[0].get_position().x1 < axes[1].get_position().x0
    assert plt.get_fignums() == before


def test_long_labels_are_shortened_at_a_word_and_wrapped():
    assert chart_style.shorten("Fabrication de produits informatiques, électroniques et optiques") \
        == "Fabrication de produits informatiques…"
    assert chart_style.shorten("Chimie") == "Chimie"
    assert chart_style.wrap_label("Commerce, transports et services divers", 20).split("\n") == \
        ["Commerce, transports", "et services divers"]
    assert chart_style.label_width(["Commerce, transports et services divers"], 20) == 20


def test_long_legends_take_two_rows():
    assert chart_style.legend_rows({"territory": "T", "france": "France"}) == 1
    names = {lv: "x" * 30 for lv in ("territory", "region", "france", "all_territories")}
    assert chart_style.legend_rows(names) == 2


def test_charts_use_the_shipped_font_and_keep_svg_text_as_text():
    assert chart_style.font_family() == ["Source Sans Pro"]
    params = chart_style.rc()
    assert params["font.family"] == ["Source Sans Pro"] and params["svg.hashsalt"] == "portraits"
    faces = chart_style.font_faces()
    assert ("400", "normal") in faces and ("600", "normal") in faces
    assert params["svg.fonttype"] == "none"  # the font is embedded: no glyph outlines


def test_a_chart_and_its_alt_text_are_typeset_once_made():
    fig, ax = chart_style.new_figure(2.0, [10])
    ax.set_yticks([0, 1], ["Territoire d'industrie", "1,7  (4,1 % des emplois)"])
    ax.set_xlabel("Part des emplois :")
    chart_style.add_source(fig, "Source\u00a0: Insee ; traitement ANCT")
    chart = chart_style.Chart(fig, "Carte de situation : le Territoire d'industrie X, 12,4 % par an")
    assert chart.alt == "Carte de situation\u202f: le Territoire d’industrie X, 12,4\u202f%\u00a0par an"
    texts = {t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()}
    assert {"Territoire d’industrie", "1,7 (4,1\u202f% des emplois)", "Part des emplois\u202f:",
            "Source\u202f: Insee\u202f; traitement ANCT"} <= texts


def test_fixed_tick_labels_are_typeset_when_drawn():
    import io
    fig, ax = chart_style.new_figure(2.0, [10])
    ax.set_yticks([0], ["Part de l'industrie dans l'emploi (3,8 %)"])
    chart_style.Chart(fig, "x")
    fig.savefig(io.BytesIO(), format="svg")  # the formatter redraws the labels
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Part de l’industrie dans l’emploi (3,8\u202f%)"]
