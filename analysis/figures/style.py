"""The one plotting style, set through seaborn: the colour-blind palette, fonts, sizes, titles
and source lines for every figure, and the two widths a figure is drawn at.

A figure is drawn at the width it is shown (its text then reads at the size it was set in, 1 pt
= 4/3 CSS px): once for the page's column on a desktop window and once for a phone's column
(``rendition``). Text sizes are the current rendition's (``size``); draw functions never set
a size in points of their own.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

#: CSS pixels per inch (a browser shows 1 pt of text as 4/3 px).
PX_PER_IN = 96


@dataclass(frozen=True)
class Rendition:
    """A width a figure is drawn at, with the text sizes that read at that width.

    ``width_in`` is the column the figure is shown in (CSS px / 96): drawn at that width, the
    SVG is shown unscaled, so text set in ``tick_pt`` points reads at ``tick_pt * 4/3`` px.
    ``height_scale`` turns a figure's height (inches, set for the desktop column) into this
    rendition's; ``columns`` is how many legend entries fit side by side; ``wrap`` scales the
    characters per line of long labels.
    """

    name: str
    width_in: float
    text_pt: float
    tick_pt: float
    title_pt: float
    small_pt: float
    height_scale: float
    columns: int
    wrap: float

    @property
    def narrow(self) -> bool:
        """A phone's column: legends and panels go under each other, not side by side."""
        return self.width_in < 5


#: The report's column on a desktop window: .page is 46rem wide with 1.25rem padding on each
#: side (analysis/pipeline/templates/report/report.css), 736 - 40 = 696 px. Ticks at 8.25 pt
#: read at 11 px; the smallest text (7.75 pt) at 10.3 px.
DESKTOP = Rendition(
    name="desktop",
    width_in=696 / PX_PER_IN,
    text_pt=8.5,
    tick_pt=8.25,
    title_pt=10.5,
    small_pt=7.75,
    height_scale=1.0,
    columns=4,
    wrap=1.0,
)
#: The column on a phone 390 px wide: the page's padding is 0.75rem on each side under 40rem
#: (report.css), 390 - 24 = 366 px. Shown at 390 px, ticks (7.25 pt) read at 9.7 px and the
#: smallest text (6.75 pt) at 9 px; on a 360 px phone at 8.9 and 8.3 px.
PHONE = Rendition(
    name="phone",
    width_in=366 / PX_PER_IN,
    text_pt=7.5,
    tick_pt=7.25,
    title_pt=8.75,
    small_pt=6.75,
    height_scale=1.2,
    columns=2,
    wrap=0.5,
)
RENDITIONS: tuple[Rendition, ...] = (DESKTOP, PHONE)
_current: list[Rendition] = [DESKTOP]

#: The desktop column's width: figures saved for papers are drawn at it (7.25 in; an A4 page's
#: text width of 7.1 in prints them at 98%).
FULL_WIDTH_IN = DESKTOP.width_in


def current() -> Rendition:
    """The rendition figures are being drawn for (DESKTOP unless ``rendition`` says)."""
    return _current[-1]


@contextmanager
def rendition(chosen: Rendition) -> Iterator[Rendition]:
    """Draw figures for ``chosen`` inside the block (widths, text sizes), then go back."""
    _current.append(chosen)
    apply_style()
    try:
        yield chosen
    finally:
        _current.pop()
        apply_style()


def size(kind: str = "text") -> float:
    """A text size in points for the current rendition: "text" (labels, legends, direct
    labels), "tick", "title" or "small" (notes and dense labels; never smaller)."""
    chosen = current()
    return {
        "text": chosen.text_pt,
        "tick": chosen.tick_pt,
        "title": chosen.title_pt,
        "small": chosen.small_pt,
    }[kind]


def wrap(text: str, width: int, lines: int | None = None, scaled: bool = True) -> str:
    """A long label wrapped to ``width`` characters at the desktop width (fewer on a phone,
    unless not ``scaled``), cut with an ellipsis after ``lines`` lines when given."""
    chars = max(12, round(width * current().wrap)) if scaled else width
    parts = textwrap.wrap(str(text), chars)
    if lines is not None and len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" .,;") + " …"
    return "\n".join(parts)


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

#: The project's choices on top of seaborn's "ticks" style and "paper" context: bold titles on
#: the left, a light grid, no top or right spine (text sizes: the rendition's, _sizes).
_RC = {
    "figure.dpi": 110,
    "savefig.dpi": 160,
    "font.family": "DejaVu Sans",
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    # the grid above bars and areas, below lines (matplotlib's order; seaborn's puts it below all)
    "axes.axisbelow": "line",
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
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


def _sizes(chosen: Rendition) -> dict[str, float]:
    """The rc text sizes of a rendition."""
    return {
        "font.size": chosen.text_pt,
        "axes.titlesize": chosen.title_pt,
        "figure.titlesize": chosen.title_pt,
        "axes.labelsize": chosen.text_pt,
        "legend.fontsize": chosen.text_pt,
        "legend.title_fontsize": chosen.text_pt,
        "xtick.labelsize": chosen.tick_pt,
        "ytick.labelsize": chosen.tick_pt,
    }


def apply_style() -> None:
    """Set the project's theme through seaborn: its "ticks" style and "paper" context, the
    palette, then the project's rc choices and the current rendition's sizes (idempotent)."""
    # color_codes=False: "k", "r" or "w" keep matplotlib's meaning in every figure
    sns.set_theme(
        context="paper",
        style="ticks",
        palette=PALETTE,
        font="DejaVu Sans",
        color_codes=False,
        rc={**_RC, **_sizes(current())},
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
    """A figure as wide as the current rendition's column ('full', or 'half' of it) and
    ``height_in`` (set for the desktop column) scaled for it, in the project style, laid out
    when it is drawn or saved (a tight layout in SOURCE_RECT, unless ``layout`` is given)."""
    apply_style()
    chosen = current()
    width_in = chosen.width_in if width == "full" else chosen.width_in / 2
    kwargs.setdefault("layout", TightLayoutEngine(rect=SOURCE_RECT))
    return plt.subplots(nrows, ncols, figsize=(width_in, height_in * chosen.height_scale), **kwargs)


def _below_axis_pt(ax: Axes) -> float:
    """How far (points) the x axis's ticks, tick labels and label reach under the axes."""
    params = ax.xaxis.get_tick_params(which="major")
    reach = float(plt.rcParams["xtick.major.size"]) + float(plt.rcParams["xtick.major.pad"])
    if params.get("labelbottom", True):
        reach += 1.3 * size("tick")
    if ax.get_xlabel():
        reach += float(plt.rcParams["axes.labelpad"]) + 1.3 * size("text")
    return reach


def legend_below(
    ax: Axes,
    handles: Sequence[Artist] | None = None,
    labels: Sequence[str] | None = None,
    ncols: int | None = None,
    **kwargs,
) -> Legend | None:
    """The axes' legend off the data: under the axes, past its tick labels and axis label,
    in as many columns as the rendition's width holds (call it after the axis label is set)."""
    if handles is None:
        handles, found = ax.get_legend_handles_labels()
        labels = found if labels is None else labels
    elif labels is None:
        labels = [h.get_label() for h in handles]
    if not handles:
        return None
    below = _below_axis_pt(ax) + 3
    fig = ax.get_figure()
    # from the figure's left edge (under the y axis's labels too), under the axes
    anchor = blended_transform_factory(fig.transFigure, ax.transAxes) + ScaledTranslation(
        0, -below / 72, fig.dpi_scale_trans
    )
    columns = ncols or min(len(handles), current().columns)
    # a label longer than its column's share of the width wraps, so the key stays as wide
    # as the figure (a wider one would shrink the whole figure on the page)
    handle_pt = (kwargs.get("handlelength", 1.6) + 1.2) * size("text")
    chars = int((fig.get_figwidth() * 72 * 0.85 / columns - handle_pt) / (0.55 * size("text")))
    labels = [textwrap.fill(str(label), max(chars, 12)) for label in labels]
    kwargs.setdefault("handlelength", 1.6)
    kwargs.setdefault("columnspacing", 1.2)
    return ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.01, 0.0),
        bbox_transform=anchor,
        ncols=columns,
        borderaxespad=0,
        **kwargs,
    )


def label_ends(
    ax: Axes,
    ends: Sequence[tuple[float, float, str, str]],
    gap_pt: float = 4.0,
) -> list[Text]:
    """Direct labels at the right end of lines: one per (x, y, text, colour), placed right of
    its point and moved apart vertically so that none overlaps another (text may hold
    newlines). Call it once the axes' limits are final."""
    if not ends:
        return []
    fig = ax.get_figure()
    height_pt = ax.get_position().height * fig.get_figheight() * 72
    low, high = ax.get_ylim()
    line_pt = 1.25 * size("small")
    wanted = []
    for x, y, text, colour in ends:
        position = (y - low) / (high - low) * height_pt if high != low else 0.0
        wanted.append([position, text.count("\n") + 1, x, y, text, colour])
    wanted.sort(key=lambda item: item[0])
    # Push each label up past the one under it, then the whole stack down into the axes.
    placed: list[float] = []
    for k, (position, lines, *_rest) in enumerate(wanted):
        if k:
            previous, previous_lines = placed[-1], wanted[k - 1][1]
            position = max(position, previous + line_pt * (previous_lines + lines) / 2)
        placed.append(position)
    overflow = placed[-1] + line_pt * wanted[-1][1] / 2 - height_pt
    if overflow > 0:
        placed = [max(p - overflow, line_pt * wanted[k][1] / 2) for k, p in enumerate(placed)]
    texts = []
    for position, (wanted_at, _lines, x, y, text, colour) in zip(placed, wanted, strict=True):
        texts.append(
            ax.annotate(
                text,
                (x, y),
                xytext=(gap_pt, position - wanted_at),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=size("small"),
                color=colour,
                annotation_clip=False,
            )
        )
    return texts


def label_totals(ax: Axes, positions: Sequence[float], totals: Sequence[float]) -> None:
    """Each bar's total over it when every total fits over its bar; else the highest and the
    last (bars at ``positions``, one unit apart)."""
    if not len(positions):
        return
    fig = ax.get_figure()
    width_pt = 0.85 * ax.get_position().width * fig.get_figwidth() * 72
    span = max(positions) - min(positions) + 1
    pitch_pt = width_pt / span
    texts = [format_count(t) if t > 0 else "" for t in totals]
    widest = max((len(t) for t in texts), default=0) * 0.6 * size("small")
    chosen = range(len(positions))
    if widest > 0.95 * pitch_pt:
        highest = max(range(len(totals)), key=lambda k: totals[k])
        chosen = sorted({highest, len(positions) - 1})
    for k in chosen:
        if texts[k]:
            ax.annotate(
                texts[k],
                (positions[k], totals[k]),
                xytext=(0, 1.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=size("small"),
                color="#333333",
                annotation_clip=False,
            )
    ax.set_ylim(top=max(totals) * 1.08 if max(totals) > 0 else 1)


def format_count(value: float) -> str:
    """A number as a direct label shows it: thousands separators, no decimals unless under 10
    and not whole."""
    if math.isnan(value):
        return ""
    if value == int(value) or abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}"


#: Characters per line of a title at the desktop column's width (half as many on a phone's).
TITLE_CHARS = 64


def label_axes(
    ax: Axes, title: str, xlabel: str, ylabel: str, title_chars: int = TITLE_CHARS
) -> Axes:
    """Give an axes its title (wrapped to ``title_chars`` at the desktop width: fewer where
    long tick labels narrow the axes) and axis labels; the source line is written once, by
    the code that shows the whole figure (``reports.display.figure(..., source=...)``)."""
    ax.set_title(wrap(title, title_chars) if title else title)
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
