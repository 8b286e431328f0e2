"""A figure rendered to the bytes the page, the figures folder and the spreadsheet take."""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.transforms import Bbox
from PIL import Image, PngImagePlugin

from analysis.core.outputs import FIGURES_DIR_ENV
from analysis.figures.style import literal_text

#: Resolution of the one PNG rendering: written to the figures folder (for reuse in papers)
#: and, when smaller than the SVG, embedded in the page.
PNG_DPI = 200
FORMATS = ("svg", "png")


def render(
    fig: Figure,
    annotate: Callable[[Figure], Any] | None = None,
    layout: Callable[[Figure], Any] | None = None,
) -> dict[str, bytes]:
    """The figure rendered once per format, cropped to its drawn area ('tight', padded, on
    whole pixels: the PNG is then the one a savefig to that box gives, pixel for pixel).

    ``layout(fig)`` (a tight_layout) runs at PNG_DPI, on the Agg renderer the figure is then
    drawn with, so text is measured once. The tight box is measured on it before the draw
    (after it, for a figure whose layout engine places the axes at draw time). The PNG is one
    Agg draw of the whole figure cut to the box, or, for a figure that reaches past its edge,
    one savefig to the box. ``annotate(fig)`` runs next (tick labels are set), then the SVG is
    drawn to the same box with the layout left as it is: ``savefig(bbox_inches="tight")``, or a
    layout engine left on the figure, would lay it out and draw it once more inside savefig.
    """
    literal_text(fig)
    # Private matplotlib helpers, as savefig itself uses them: the dpi and 'saving' state are
    # set for the draw and restored after, and no window is resized.
    with (
        cbook._setattr_cm(fig.canvas, manager=None),
        cbook._setattr_cm(fig, dpi=PNG_DPI),
        cbook._setattr_cm(fig.canvas, _is_saving=True),
    ):
        if layout is not None:
            layout(fig)
        engine = fig.get_layout_engine()
        if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
            # its layout engine places the axes when the figure is drawn: draw, then measure
            renderer = _draw_agg(fig)
            drawn = fig.get_tightbbox(renderer)
        else:
            # measured before the draw, on the renderer it draws with: a figure that reaches
            # past its edge is then drawn once, to its box, not once more
            measured = _agg_renderer(fig)
            drawn = fig.get_tightbbox(measured)
            renderer = _draw_agg(fig, measured) if _inside(fig, drawn) else None
        box = on_pixels(drawn.padded(plt.rcParams["savefig.pad_inches"]))
        png = _cropped_png(fig, renderer, drawn, box) if renderer is not None else None
    if annotate is not None:
        annotate(fig)
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    rendered = {}
    try:
        for fmt in FORMATS:
            if fmt == "png" and png is not None:
                rendered[fmt] = png
                continue
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, bbox_inches=box, dpi=PNG_DPI)
            rendered[fmt] = buffer.getvalue()
    finally:
        fig.set_layout_engine(engine)
    return rendered


def on_pixels(box: Bbox) -> Bbox:
    """``box`` (inches) widened to whole pixels at PNG_DPI: cutting it from a whole-figure draw
    then gives the pixels of a draw to the box (no sub-pixel shift)."""
    return Bbox.from_extents(
        math.floor(box.x0 * PNG_DPI) / PNG_DPI,
        math.floor(box.y0 * PNG_DPI) / PNG_DPI,
        math.ceil(box.x1 * PNG_DPI) / PNG_DPI,
        math.ceil(box.y1 * PNG_DPI) / PNG_DPI,
    )


def _whole_pixels(size: float) -> int:
    """A size in pixels as matplotlib's canvases count it (FigureCanvasBase.get_width_height):
    truncated, but a hair under a whole number (a box on whole pixels) is that number."""
    return int(size + 1e-8)


def _agg_renderer(fig: Figure) -> RendererAgg:
    """The Agg renderer _draw_agg will draw the figure with (text measured on it is kept)."""
    if isinstance(fig.canvas, FigureCanvasAgg):
        return fig.canvas.get_renderer()
    width, height = fig.bbox.size
    return RendererAgg(_whole_pixels(width), _whole_pixels(height), fig.dpi)


def _inside(fig: Figure, drawn: Any) -> bool:
    """Whether the drawn box (inches) lies within the figure."""
    width, height = fig.get_size_inches()
    return drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height


def _draw_agg(fig: Figure, renderer: RendererAgg | None = None) -> RendererAgg:
    """Draw the whole figure with Agg at its current dpi, on ``renderer`` if given (from
    _agg_renderer); returns the renderer drawn on."""
    if isinstance(fig.canvas, FigureCanvasAgg):
        # the canvas's own renderer (the one _agg_renderer gives, and its layout engine uses)
        fig.canvas.draw()
        return fig.canvas.get_renderer()
    renderer = renderer or _agg_renderer(fig)
    fig.draw(renderer)
    return renderer


def _cropped_png(fig: Figure, renderer: RendererAgg, drawn: Any, box: Any) -> bytes | None:
    """The PNG of ``box`` (inches; ``drawn`` padded) cut from the renderer's pixels, the
    padding past the figure's edge in its face colour; None when something drawn reaches
    past the edge (only a draw to the box shows it)."""
    if not _inside(fig, drawn):
        return None
    # the size savefig gives a draw to the box; rows count from the top
    columns, rows = _whole_pixels(box.width * PNG_DPI), _whole_pixels(box.height * PNG_DPI)
    left = round(box.x0 * PNG_DPI)
    top = renderer.height - rows - round(box.y0 * PNG_DPI)
    drawn_pixels = np.asarray(renderer.buffer_rgba())
    face = matplotlib.colors.to_rgba(fig.get_facecolor())
    if face[3] not in (0.0, 1.0):  # a half-transparent face: only a draw blends it the same
        return None
    # Agg starts from transparent white, which a transparent face leaves as it is
    background = np.round(np.array(face) * 255) if face[3] else np.array([255, 255, 255, 0])
    pixels = np.empty((rows, columns, 4), dtype=np.uint8)
    pixels[...] = background.astype(np.uint8)
    inside_rows = slice(max(top, 0), min(top + rows, renderer.height))
    inside_columns = slice(max(left, 0), min(left + columns, renderer.width))
    pixels[
        inside_rows.start - top : inside_rows.stop - top,
        inside_columns.start - left : inside_columns.stop - left,
    ] = drawn_pixels[inside_rows, inside_columns]
    if (pixels[..., 3] == 255).all():  # opaque (the usual figure): RGB is a quarter less to pack
        pixels = np.ascontiguousarray(pixels[..., :3])
    info = PngImagePlugin.PngInfo()
    info.add_text(
        "Software", f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"
    )
    buffer = io.BytesIO()
    # zlib level 3 instead of PIL's 6: a third less time, for these flat-coloured charts a few
    # per cent larger (all reports' figures: 2.64 MB as RGB at 3, 2.80 MB as RGBA at 6)
    Image.fromarray(pixels).save(
        buffer, format="png", pnginfo=info, dpi=(PNG_DPI, PNG_DPI), compress_level=3
    )
    return buffer.getvalue()


def save_figure_files(
    fig: Figure,
    slug: str,
    folder: Path | None = None,
    rendered: dict[str, bytes] | None = None,
) -> list[Path]:
    """Save a figure as SVG and PNG (for reuse in papers) when a figures folder is set; the
    bytes are those of ``rendered`` (the page's renderings) when given."""
    target = folder or (
        Path(os.environ[FIGURES_DIR_ENV]) if os.environ.get(FIGURES_DIR_ENV) else None
    )
    if target is None:
        return []
    target.mkdir(parents=True, exist_ok=True)
    rendered = rendered or render(fig)
    paths = []
    for fmt in FORMATS:
        path = target / f"{slug}.{fmt}"
        path.write_bytes(rendered[fmt])
        paths.append(path)
    return paths
