import re
import pandas as pd
import pytest

from portraits.blocks import chart_style, charts, svg


def test_same_data_gives_identical_svg():
    df = pd.DataFrame({"a38": ["CG", "CA"], "industry": [True, True], "label": ["Plastique", "Alimentaire"],
                       "jobs": [100.0, 50.0], "share": [10.0, 5.0], "specificity": [2.5, 0.5],
                       "year": ["2023"] * 2})
    first = svg.to_svg(charts.a38(df, name="T").fig)
    assert first == svg.to_svg(charts.a38(df, name="T").fig)


def _a38_frame():
    return pd.DataFrame({"a38": ["CG", "CA"], "industry": [True, True],
                         "label": ["Plastique, caoutchouc", "Alimentaire"],
                         "jobs": [100.0, 50.0], "share": [10.0, 5.0], "specificity": [2.5, 0.5],
                         "year": ["2023"] * 2})


def test_svg_text_is_text_with_the_shipped_font_embedded():
    if not chart_style.font_faces():
        pytest.skip("shipped font unavailable: glyphs are drawn as paths")
    import html
    import re

    image = svg.to_svg(charts.a38(_a38_frame(), name="Vallée de l’Arve").fig)
    texts = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", image)]
    assert all('xml:space="preserve"' in t for t in re.findall(r"<text\b[^>]*>", image))
    # labels, values with French spacing (narrow no-break space before %), source line
    assert "Plastique, caoutchouc" in texts and "Alimentaire" in texts
    assert any(t.startswith("Indice de spécificité") for t in texts)
    assert "2,5 (10,0\u202f% des emplois salariés)" in texts, texts  # one space (typo.french)
    assert any(t.startswith("Source\u202f: Insee, Flores 2023") for t in texts)
    assert not re.search(r'id="[^"]*-(?:[0-9a-f]{2,4})"', image)  # matplotlib's glyph ids
    assert "font-family: 'Source Sans Pro'" in image
    # the font travels with the SVG: an <img> sees neither the page's fonts nor the reader's
    faces = re.findall(r"@font-face\{[^}]*\}", image)
    assert faces and all("Source Sans Pro" in f and "data:font/woff2;base64," in f for f in faces)
    weights = {re.search(r"font-weight:(\d+)", f).group(1) for f in faces}
    assert weights == {"400"}  # a38 has no semibold text: only the regular face is embedded
    est = pd.DataFrame({"dimension": ["sector"] * 2, "label": ["Industrie", "Autres"],
                        "level": ["territory"] * 2, "share": [30.0, 70.0], "year": ["2022"] * 2})
    image = svg.to_svg(charts.establishments(est, name="T").fig)
    weights = {re.search(r"font-weight:(\d+)", f).group(1)
               for f in re.findall(r"@font-face\{[^}]*\}", image)}
    assert weights == {"400", "600"}  # semibold title and territory values
    assert image.count("<svg") == 1 and image.rstrip().endswith("</svg>")




def test_raster_parts_get_a_palette():
    import base64
    import io

    import numpy as np
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    ax.imshow(np.random.default_rng(0).random((40, 40)), cmap="viridis")  # a raster, many colours
    image = svg.to_svg(fig)
    data = re.search(r'xlink:href="data:image/png;base64,([^"]+)"', image).group(1)
    with Image.open(io.BytesIO(base64.b64decode(re.sub(r"\s", "", data)))) as im:
        assert im.mode == "P" and len(im.getcolors()) <= svg.PNG_COLOURS
