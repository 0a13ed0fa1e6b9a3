"""The charts' common ground: the ``Chart`` type, the house style and the fixed-margin layout.

- Figures are ``matplotlib.figure.Figure`` objects, not pyplot figures: nothing is left in
  pyplot's global state of a reused kernel, and a figure is displayed once, when the report
  shows it (the inline backend would otherwise show every pyplot figure of the cell).
- Style: the territory in a strong colour, benchmarks in greys and muted tones; the project's
  font (``portraits.core.fonts``), else DejaVu Sans; applied with ``rc_context`` so that no
  global matplotlib setting changes.
- Every chart carries a source line under the plot (``add_source``, ``source_line``).
- Missing data never raise: the chart is ``None`` and the alt text says it is unavailable
  (``unavailable``).
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass
from typing import Iterable

import matplotlib
import matplotlib.text
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FuncFormatter

from portraits.core import levels
from portraits.text import fmt, typo


# --- house style -----------------------------------------------------------------------------
TERRITORY, REGION = levels.TERRITORY.colour, levels.REGION.colour
GRID = "#e6e6e6"
TEXT = "#333333"
SOURCE_GREY = "#6f6f6f"
LEVEL_COLORS = {lv.id: lv.colour for lv in levels.LEVELS}
LEVEL_ORDER = tuple(lv.id for lv in levels.LEVELS)
LEVEL_NAMES = {lv.id: lv.label for lv in levels.LEVELS}
RASTER_DPI = 200            # resolution of rasterised layers inside SVG figures
WIDTH = 6.3                 # inches: the A4 text width (16 cm)
FONT_SIZE = 8
SOURCE_SIZE = 6.5


@dataclass
class Chart:
    """A figure (None when data are missing) and its alternative text, both typeset the French
    way when the chart is made (``typeset``): no filter sees a chart's text or its alt text."""
    fig: Figure | None
    alt: str

    def __post_init__(self) -> None:
        self.alt = typo.french(self.alt)
        typeset(self.fig)

    def __iter__(self):  # allows ``fig, alt = charts.sectors(...)``
        return iter((self.fig, self.alt))


def typeset(fig: Figure | None) -> None:
    """French typography (``portraits.text.typo``) on every text of the figure: labels, legend,
    annotations, source line, and tick labels set as text (formatted ticks come from
    ``portraits.text.fmt``, already French)."""
    if fig is None:
        return
    # labels given with set_*ticks(…, labels) live in the axis' formatter, which redraws them:
    # a FixedFormatter, or (matplotlib >= 3.5) a FuncFormatter over a {tick: label} dict
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter):
                    formatter.seq = [typo.french(str(x)) for x in formatter.seq]
                func = getattr(formatter, "func", None)
                for arg in getattr(func, "args", ()):
                    if isinstance(arg, dict):
                        arg.update({k: typo.french(str(v)) for k, v in arg.items()})
    for artist in fig.findobj(matplotlib.text.Text):
        text = artist.get_text()
        if text:
            fixed = typo.french(text)
            if fixed != text:
                artist.set_text(fixed)


@functools.cache
def font_family() -> list[str]:
    """The project's font registered with matplotlib (once per process), with fallbacks."""
    try:
        from matplotlib import font_manager

        from portraits.core import fonts

        for path in fonts.font_paths():
            font_manager.fontManager.addfont(str(path))
        # the shipped family only: listing a fallback makes matplotlib look up every weight in
        # it too, and warn for DejaVu's missing semibold
        return [fonts.font_family()]
    except Exception:  # the font package is optional for the charts: fall back, never fail
        return ["DejaVu Sans"]


@functools.cache
def font_faces() -> dict[tuple[str, str], str]:
    """The shipped font's @font-face rules (subset WOFF2 as data URIs, the HTML page's own)
    by (CSS weight, style); empty when the font package is missing."""
    if font_family() == ["DejaVu Sans"]:
        return {}
    try:
        from portraits.core import fonts

        faces = fonts.font_faces()
    except Exception:  # optional for the charts: glyphs are then drawn as paths
        return {}
    return faces if ("400", "normal") in faces else {}


def rc() -> dict:
    """rcParams of the house style (seaborn's white style, small sizes, project font)."""
    params = dict(sns.axes_style("white"))
    params.update({
        # concrete families, not "sans-serif": a generic family is resolved at draw time,
        # outside this context (inline backend), and would fall back to matplotlib's default
        "font.family": font_family(),
        "font.sans-serif": font_family(),
        "font.size": FONT_SIZE,
        "axes.titlesize": FONT_SIZE + 1,
        "axes.labelsize": FONT_SIZE,
        "axes.labelcolor": TEXT,
        "axes.edgecolor": "#999999",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "legend.fontsize": FONT_SIZE,
        "legend.frameon": False,
        # text as <text> elements (glyph paths cost ~40 % of the serialisation and most of
        # the SVG's weight); ``to_svg`` embeds the font so that every viewer draws the same
        # glyphs. Paths when the shipped font is missing (nothing to embed).
        "svg.fonttype": "none" if font_faces() else "path",
        "svg.hashsalt": "portraits",  # stable ids: identical SVG for identical data
        "axes.unicode_minus": True,
        "figure.dpi": 100,
    })
    return params


LEGEND_ROW_CHARS = 80  # characters that fit on one legend row across the plot
CHAR_WIDTH = 0.062   # inches per character of a tick label at FONT_SIZE (generous estimate)
LINE_HEIGHT = 0.16   # inches per text line at FONT_SIZE


def new_figure(height: float, label_chars: Iterable[int] = (0,), width: float = WIDTH,
               legend: int = 0, xlabel: bool = True, title: bool = False,
               right: float = 0.15) -> tuple[Figure, object]:
    """A figure with one panel per entry of ``label_chars`` (the width, in characters, of
    each panel's y tick labels), laid out side by side with fixed margins in inches;
    ``legend`` = number of legend rows above the plot.

    Fixed margins instead of constrained layout: the layout engine costs more than drawing
    the chart (about 0.15 s per figure), and our charts have predictable text."""
    label_chars = list(label_chars)
    bottom = 0.22 + 0.2 + (LINE_HEIGHT + 0.05 if xlabel else 0)  # source line, ticks, x label
    top = 0.08 + (int(legend) * LINE_HEIGHT + 0.1 if legend else 0) + (LINE_HEIGHT + 0.06 if title else 0)
    lefts = [0.12 + CHAR_WIDTH * n for n in label_chars]
    gap = 0.25
    plot_width = width - sum(lefts) - right * len(label_chars) - gap * (len(label_chars) - 1)
    weights = [1.35] + [1.0] * (len(label_chars) - 1) if len(label_chars) > 1 else [1.0]
    with matplotlib.rc_context(rc()):
        fig = Figure(figsize=(width, height))
        axes, x = [], 0.0
        for n, left, w in zip(label_chars, lefts, weights):
            x += left
            pw = plot_width * w / sum(weights)
            ax = fig.add_axes((x / width, bottom / height, pw / width, (height - bottom - top) / height))
            # tick labels are created at draw time, outside this rc_context: pin the font
            ax.tick_params(labelfontfamily=font_family()[0])
            axes.append(ax)
            x += pw + right + gap
    return fig, (axes[0] if len(axes) == 1 else axes)


def add_source(fig: Figure, source: str | None) -> None:
    """The source line under the chart ("Source : Insee, RP 2021 ; traitement ANCT")."""
    if source:
        fig.text(0.005, 0.008, source, fontsize=SOURCE_SIZE, color=SOURCE_GREY,
                 ha="left", va="bottom", fontfamily=font_family())


def source_line(*sources: str, treatment: str = "traitement ANCT") -> str:
    """"Source : Insee, RP 2021 ; traitement ANCT" with French spacing before : and ;."""
    parts = [s for s in sources if s] + ([treatment] if treatment else [])
    label = "Sources" if len(parts) > 2 or (len(parts) == 2 and not treatment) else "Source"
    return f"{label}{fmt.NNBSP}: " + f"{fmt.NNBSP}; ".join(parts)


def pct_axis(ax, axis: str = "x", digits: int = 0) -> None:
    formatter = FuncFormatter(lambda v, _: fmt.percent(v, digits))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def num_axis(ax, axis: str = "y", digits: int = 0) -> None:
    formatter = FuncFormatter(lambda v, _: fmt.number(v, digits))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def is_empty(df) -> bool:
    """No data frame, or an empty one."""
    return df is None or len(df) == 0


def unavailable(what: str) -> Chart:
    """The chart without a figure, its alt text saying what is missing."""
    return Chart(None, f"Graphique non disponible{fmt.NNBSP}: {what} ({fmt.MISSING}).")


def label_width(labels, width: int = 30) -> int:
    """Characters of the widest line of the wrapped labels."""
    return max((len(line) for lab in labels for line in wrap_label(lab, width).split("\n")), default=0)


def wrap_label(label: str, width: int = 30) -> str:
    return textwrap.fill(str(label), width)


def legend_rows(names: dict[str, str]) -> int:
    n = len(names)
    return 1 if sum(len(v) + 6 for v in names.values()) <= LEGEND_ROW_CHARS else (n + 1) // 2


def legend_top(ax, ncols: int, handles=None, labels=None) -> None:
    """Legend in one row above the plot (constrained layout makes room for it)."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if sum(len(lab) + 6 for lab in labels) > LEGEND_ROW_CHARS:
        ncols = min(ncols, 2)  # long names (territory, region): two rows rather than clipping
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=ncols,
              borderaxespad=0, handlelength=1.4, columnspacing=1.2)


def shorten(label: str, width: int = 42) -> str:
    """Shorten long A38 labels at a word boundary (… appended)."""
    if len(label) <= width:
        return label
    cut = label[:width].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"

