"""Charts as SVG: text stays text (``<text>`` elements) and each SVG embeds the font faces it
uses, lighter and faster than glyph outlines, with the same glyphs in the HTML and Typst.
Identical data give identical SVG (no date, fixed hash salt)."""

from __future__ import annotations

import base64
import io
import re

import matplotlib
from matplotlib.figure import Figure

from portraits.blocks import chart_style


def _embed_fonts(svg: str) -> str:
    """Insert, after the opening <svg> tag, the @font-face rules of the weights and styles the
    SVG's <text> elements use, and keep their spaces. An SVG shown as an image (the HTML's
    <img src="data:…">) sees neither the page's fonts nor, mostly, the reader's: it needs its
    own. Typst ignores the rules and draws the family with the fonts it is given (the same
    files). See docs/RENDERING.md, "Chart text is SVG text"."""
    if "<text" not in svg:
        return svg
    faces = chart_style.font_faces()
    used = {("400", "normal")}
    used |= {(w, "normal") for w in re.findall(r"font-weight: (\d+)", svg)}
    if "font-style: italic" in svg:
        used |= {(w, "italic") for w, _ in used}
    rules = "".join(faces[k] for k in sorted(used) if k in faces)
    head = re.search(r"<svg\b[^>]*>", svg)
    if not rules or head is None:
        return svg
    # runs of spaces (the a38 chart's "2,5  (10 % …)") are kept, as the glyph paths kept them
    body = svg[head.end():].replace("<text ", '<text xml:space="preserve" ')
    return svg[:head.end()] + f'\n <defs>\n  <style type="text/css">{rules}</style>\n </defs>' + body


_PNG = re.compile(r'(xlink:href="data:image/png;base64,)([A-Za-z0-9+/=\s]+)')
PNG_COLOURS = 32  # a chart's raster part (the map's polygons, the positions' dots) needs no more


def _palette_png(m: re.Match) -> str:
    """A raster part of a chart as a palette PNG, when that is lighter (the map of ti-8413:
    94 KB -> 17 KB, the same to the eye), in every output that carries the SVG."""
    from PIL import Image

    raw = base64.b64decode(re.sub(r"\s", "", m.group(2)))
    buf = io.BytesIO()
    with Image.open(io.BytesIO(raw)) as im:
        im.convert("RGBA").quantize(PNG_COLOURS, method=Image.Quantize.FASTOCTREE).save(buf, "PNG")
    return m.group(1) + base64.b64encode(buf.getvalue()).decode("ascii") if buf.tell() < len(raw) else m.group(0)


def _fix_empty_axis_labels(fig: Figure) -> None:
    """Axis labels without text are not drawn, but matplotlib still places them, measuring
    every tick label at draw time: give them a fixed place instead (no change to the drawing;
    the figure is finished when it is serialised: a label set afterwards would need its own
    ``set_label_coords``)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.5, 0.5)


def to_svg(fig: Figure) -> str:
    """The figure as SVG text (what the notebook and the PDF carry)."""
    buf = io.StringIO()
    _fix_empty_axis_labels(fig)
    with matplotlib.rc_context(chart_style.rc()):
        # no date in the metadata and a fixed hash salt: identical data give identical SVG
        fig.savefig(buf, format="svg", metadata={"Date": None})
        svg = _PNG.sub(_palette_png, buf.getvalue())
        if matplotlib.rcParams["svg.fonttype"] == "none":
            svg = _embed_fonts(svg)
    return svg
