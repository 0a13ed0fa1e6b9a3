"""Code cells as Quarto shows them (code_cells.lua, cell_options.lua): include, output, asis, warning, alt text."""

from __future__ import annotations

from _cells_support import SVG, code, display, render_html, stream


def test_include_false_and_output_false(tmp_path):
    main = render_html(
        tmp_path,
        code("#| include: false\nprint('caché')", stream("caché")),
        code("#| output: false\nprint('muet')", stream("muet")),
        code("#| echo: false\nprint('visible')", stream("visible")),
    )
    text = main.get_text()
    assert "caché" not in text and "muet" not in text and "print" not in text
    assert "visible" in text


def test_asis_prints_split_across_stream_outputs(tmp_path):
    main = render_html(tmp_path, code("#| output: asis\nprint(...)",
                                      stream("::: {.key-figures}\n::: {.key-figure}\n"),
                                      stream("[1]{.value}\n[un]{.label}\n:::\n"),
                                      stream(":::\n")))
    assert main.select_one(".key-figures .key-figure .value").get_text() == "1"
    assert ":::" not in main.get_text()


def test_warnings_hidden_unless_asked(tmp_path):
    main = render_html(
        tmp_path,
        code("a", stream("UserWarning: caché", "stderr")),
        code("#| warning: true\nb", stream("UserWarning: montré", "stderr")),
    )
    assert "caché" not in main.get_text() and "montré" in main.get_text()


def test_image_alt_from_output_metadata_wins_over_static_fig_alt(tmp_path):
    # the static fig-alt is the fallback (what Quarto shows); the per-image alt written from the
    # data wins with the builtin engine
    main = render_html(
        tmp_path,
        code("#| fig-alt: Texte statique\n#| label: fig-a\n#| fig-cap: Un graphique\na",
             display({"image/svg+xml": SVG}, {"image/svg+xml": {"alt": "Texte écrit à partir des données"}})),
        code("#| fig-alt: Texte statique\nb", display({"image/svg+xml": SVG})),
    )
    labels = [i["aria-label"] for i in main.find_all("svg")]  # inline SVG (inline_images.lua)
    assert labels == ["Texte écrit à partir des données", "Texte statique"]
