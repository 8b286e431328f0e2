"""A figure saved with matplotlib's ``savefig`` in the two formats the report uses.

SVG: inline on the page (with tooltips, analysis.reports.hover) and in the figures folder.
PNG: in the figures folder (for papers), as the run index's picture, and on the page where the
SVG is much larger or its rows may not be put in the page's markup. The spreadsheet takes only
the figure's data, and the PDF prints the page, so no other format is made.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from analysis.core.outputs import FIGURES_DIR_ENV
from analysis.figures.style import literal_text

#: Resolution of the PNG (about 1,450 pixels across a figure drawn for the desktop column).
PNG_DPI = 200
FORMATS = ("svg", "png")
#: Each file cut to what is drawn, with savefig's padding: a label or legend placed past the
#: figure's edge is kept, not cut off. The layout itself is the figure's (style.new_figure).
SAVE_OPTIONS: dict[str, Any] = {"bbox_inches": "tight", "dpi": PNG_DPI}


def saved(fig: Figure, fmt: str, box: Bbox | str = "tight") -> bytes:
    """The figure saved in one format (``"svg"`` or ``"png"``), as bytes, cut to ``box``
    (inches; "tight": what is drawn, measured by savefig)."""
    buffer = io.BytesIO()
    # no date in the SVG: the same figure gives the same file on every build
    metadata = {"Date": None} if fmt == "svg" else None
    fig.savefig(buffer, format=fmt, metadata=metadata, **{**SAVE_OPTIONS, "bbox_inches": box})
    return buffer.getvalue()


def render(
    fig: Figure,
    annotate: Callable[[Figure], Any] | None = None,
    formats: tuple[str, ...] = FORMATS,
) -> dict[str, bytes]:
    """The figure in ``formats`` (``{"png": ..., "svg": ...}``), its texts shown literally (no
    mathtext).

    The figure is laid out once, by a draw that paints nothing (``draw_without_rendering``:
    its layout engine runs and its ticks are made, which ``annotate(fig)``, the tooltips'
    labels and ids, then reads), and its layout then fixed: laid out again on the SVG's text
    sizes, the axes would move (a legend under them by 13 pt) and the files would show
    different figures. The box drawn on (what savefig's "tight" measures, padded as it pads)
    is measured once on that layout, and each format is saved to it with one draw.
    """
    literal_text(fig)
    if not hasattr(fig.canvas, "get_renderer"):  # a Figure made without pyplot: give it Agg's
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    box = drawn.padded(matplotlib.rcParams["savefig.pad_inches"])
    if annotate is not None:
        annotate(fig)
    return {fmt: saved(fig, fmt, box) for fmt in ("png", "svg") if fmt in formats}


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
