import base64
import io
import re

from portraits.core import fonts


def test_the_shipped_family_and_its_files():
    paths = fonts.font_paths()
    assert fonts.font_family() == "Source Sans Pro"
    assert [p.stem for p in paths] == ["SourceSansPro-Regular", "SourceSansPro-It", "SourceSansPro-Semibold",
                                       "SourceSansPro-Bold", "SourceSansPro-BoldIt"]
    assert all(p.suffix == ".ttf" and p.is_file() for p in paths)
    assert fonts.font_dir() == paths[0].parent  # what Typst's font_paths is given


def test_html_css_has_one_subset_woff2_face_per_style():
    css = fonts.html_font_css()
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    styles = {(re.search(r"font-weight:(\d+)", f).group(1), re.search(r"font-style:(\w+)", f).group(1))
              for f in faces}
    assert styles == {("400", "normal"), ("400", "italic"), ("600", "normal"), ("700", "normal"),
                      ("700", "italic")}
    assert all('font-family:"Source Sans Pro"' in f and "font-display:swap" in f for f in faces)
    assert fonts.html_font_css() is css  # cached per process


def test_font_faces_are_the_css_rules_by_weight_and_style():
    faces = fonts.font_faces()
    assert "".join(f"{rule}\n" for rule in faces.values()) == fonts.html_font_css()
    for (weight, style), rule in faces.items():
        assert f"font-weight:{weight};font-style:{style};" in rule


def test_the_subset_keeps_french_typography_and_drops_other_scripts():
    from fontTools.ttLib import TTFont

    css = fonts.html_font_css()
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    # narrow no-break space (before %, ;), œ, €, the minus sign, typographic apostrophe
    assert {0x202F, 0x153, 0x20AC, 0x2212, 0x2019, ord("é")} <= set(cmap)
    assert 0x416 not in cmap  # Cyrillic: not needed, left out of the subset
    # the OFL's copyright and licence notices stay in the font
    assert font["name"].getDebugName(13)


def test_css_is_cached_on_disk_keyed_by_the_font_files(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    fonts.html_font_css.cache_clear()
    try:
        cached = list(tmp_path.glob("portraits-fonts-*.css"))
        assert cached == []
        css = fonts.html_font_css()
        cached = list(tmp_path.glob("portraits-fonts-*.css"))
        assert len(cached) == 1 and cached[0].read_text(encoding="ascii") == css
        cached[0].write_text("/* from the disk cache */\n", encoding="ascii")
        fonts.html_font_css.cache_clear()
        assert fonts.html_font_css() == "/* from the disk cache */\n"
    finally:
        fonts.html_font_css.cache_clear()


def test_a_page_subset_holds_its_characters_and_is_shared_by_similar_pages():
    from fontTools.ttLib import TTFont

    css = fonts.page_font_css("Vallée de l’Arve : 12\u202f345 habitants, ≈ 3,4\u202f% — Peñíscola")
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    assert len(faces) == 5  # every style, once for the page and its charts
    font = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", faces[0]).group(1))))
    cmap = set(font.getBestCmap())
    assert {ord(c) for c in "Vallée’≈—ñí\u202f"} <= cmap  # the page's rarer letters join the base
    assert 0x416 not in cmap and ord("þ") not in cmap  # nothing the page does not show
    assert font["name"].getDebugName(13)  # the OFL notices, kept whole
    # characters of the base set or absent from the font do not make a new subset
    assert fonts.page_font_css("Oyonnax") is fonts.page_font_css("Oyonnax é \u202f «»\u4e00")
    assert len(fonts.page_font_css("Oyonnax")) < 0.8 * len(fonts.html_font_css())
