"""The one plotting style, set through seaborn: the colour-blind palette, fonts, sizes, titles
and source lines for every figure."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.text import Text

#: A4 text width is about 6.7 inches; figures are drawn at that width so they print unscaled.
FULL_WIDTH_IN = 6.7
HALF_WIDTH_IN = 3.3

#: seaborn's colour-blind palette (ten colours after Okabe & Ito), as hex strings: every figure
#: takes its colours from it.
COLORBLIND: list[str] = sns.color_palette("colorblind").as_hex()
#: Its neutral grey, kept for what is no category of its own: 'other', 'unattributed', 'none'.
OTHER_COLOUR = COLORBLIND[7]
#: Its pale yellow: too faint on white for a thin line or a hollow marker.
_PALE_YELLOW = COLORBLIND[8]
#: One colour per category (event types, groups, regions, datasets), in order: the colour-blind
#: palette without its grey (so that no category looks like 'other') and its pale yellow.
PALETTE: list[str] = [c for c in COLORBLIND if c not in (OTHER_COLOUR, _PALE_YELLOW)]
#: Colour per affiliation, from the palette (blue, vermilion, green, pink); no affiliation grey.
AFFILIATION_COLOURS: dict[str, str] = {
    "al-Qaeda": COLORBLIND[0],
    "Islamic State": COLORBLIND[3],
    "separatist coalition": COLORBLIND[2],
    "pro-government coalition": COLORBLIND[4],
    "none": OTHER_COLOUR,
}
INTERVAL_ALPHA = 0.2
#: The layout rectangle figures are drawn in: a strip at the bottom where their source line
#: once was (the caption names the source now; the strip is cropped away when rendered), so
#: layouts that place labels after their last layout pass keep their places.
SOURCE_RECT = (0, 0.05, 1, 1)

#: The project's choices on top of seaborn's "ticks" style and "paper" context: fonts and sizes,
#: bold titles on the left, a light grid, no top or right spine.
_RC = {
    "figure.dpi": 110,
    "savefig.dpi": 160,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    # the grid above bars and areas, below lines (matplotlib's order; seaborn's puts it below all)
    "axes.axisbelow": "line",
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    # matplotlib's tick lengths, which the figures' layouts were made with (the paper context's
    # are a third longer and push a bare figure's axis label past its edge)
    "xtick.major.size": 3.5,
    "ytick.major.size": 3.5,
    "xtick.minor.size": 2.0,
    "ytick.minor.size": 2.0,
    "svg.fonttype": "none",
    # Text from data (group names, labels, questions) is shown literally: a '$' in a name is a
    # dollar sign, never the start of mathematics (which fails the report on 'x^').
    "text.parse_math": False,
    "text.usetex": False,
}


def apply_style() -> None:
    """Set the project's theme through seaborn: its "ticks" style and "paper" context, the
    palette, then the project's rc choices (idempotent)."""
    # color_codes=False: "k", "r" or "w" keep matplotlib's meaning in every figure
    sns.set_theme(
        context="paper",
        style="ticks",
        palette=PALETTE,
        font="DejaVu Sans",
        color_codes=False,
        rc=_RC,
    )


def literal_text(fig: Figure) -> Figure:
    """Show every text of a figure literally (no mathtext), also texts drawn on axes made
    without new_figure; the style keeps texts made later (tick labels) literal too."""
    apply_style()
    for text in _texts(fig):
        text.set_parse_math(False)
        text.set_usetex(False)
    return fig


def _texts(fig: Figure) -> Iterator[Text]:
    """Every Text of a figure, as ``fig.findobj(Text)`` finds them, but without making each
    axis's ticks to look at them (an axis's children are its ticks, laid out on request):
    ticks made later copy the first one's label, or follow the style."""
    stack: list[Artist] = [fig]
    while stack:
        artist = stack.pop()
        if isinstance(artist, Text):
            yield artist
        if isinstance(artist, Axis):
            stack += [artist.label, artist.offsetText]
            for made in ("majorTicks", "minorTicks"):  # set on the axis once it makes ticks
                stack += vars(artist).get(made, [])
        else:
            stack += artist.get_children()


def new_figure(
    width: str = "full", height_in: float = 3.6, nrows: int = 1, ncols: int = 1, **kwargs
) -> tuple[Figure, Axes]:
    """A figure sized for an A4 page ('full' or 'half' width), in the project style, laid out
    when it is drawn or saved (a tight layout in SOURCE_RECT, unless ``layout`` is given)."""
    apply_style()
    width_in = FULL_WIDTH_IN if width == "full" else HALF_WIDTH_IN
    kwargs.setdefault("layout", TightLayoutEngine(rect=SOURCE_RECT))
    return plt.subplots(nrows, ncols, figsize=(width_in, height_in), **kwargs)


def label_axes(ax: Axes, title: str, xlabel: str, ylabel: str) -> Axes:
    """Give an axes its title and axis labels; the source line is written once, by the code
    that shows the whole figure (``reports.display.figure(..., source=...)``)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def join_sources(sources: str | Sequence[str]) -> str:
    """One source line from several panels' sources, each named once, in order."""
    items = [sources] if isinstance(sources, str) else list(sources)
    parts: list[str] = []
    for item in items:
        for part in str(item).removeprefix("Source: ").split("; "):
            if part.strip() and part.strip() not in parts:
                parts.append(part.strip())
    return "; ".join(parts)


#: Attribute under which a draw function leaves the tooltip of each element of an artist
#: (analysis.reports.hover adds them to the page's SVG as <title>s).
HOVER_ATTRIBUTE = "_hover_labels"


def hover_labels(artist: Artist, labels: Sequence[str]) -> Artist:
    """Say what each element of ``artist`` shows (one label per bar, point or area, in the
    order drawn), for the tooltips of the report's inline SVG."""
    setattr(artist, HOVER_ATTRIBUTE, [str(label) for label in labels])
    return artist
