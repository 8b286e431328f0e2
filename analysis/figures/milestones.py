"""Milestones on a time axis: a faint dashed line each, numbered above the axes, with a key.

The numbers are keyed to a short list ("1 Coup (22 March 2012)") that the figure keeps
(``milestone_key``) and the page prints under it, where text reflows on any screen: no label
thicket on the data, no footnote of numbers. Only the milestones inside the axes' x range are
drawn and keyed (the figure's period); the caller chooses their kinds. A milestone drawn on
several panels of one figure has one number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.core.dates import human_date
from analysis.figures import style

#: Line colour per kind, so a reader tells a coup from a peace agreement at a glance.
KIND_COLOURS: dict[str, str] = {
    "coup": "#B2182B",
    "foreign intervention": "#2166AC",
    "peacekeeping mission": "#4393C3",
    "peace agreement": "#1B7837",
    "state of emergency": "#E08214",
    "election": "#762A83",
    "withdrawal": "#8C510A",
    "designation": "#636363",
    "regional organisation": "#35978F",
    "national policy": "#A6761D",
    "uprising": "#C51B7D",
}
#: Attribute under which a figure keeps its milestone key (a list of KeyEntry).
KEY_ATTRIBUTE = "_milestone_key"
#: Space between rows of numbers, as a share of the numbers' text size.
ROW_SPACING = 1.25


@dataclass(frozen=True)
class KeyEntry:
    """One numbered milestone of a figure: its number, id, kind and what the key says."""

    number: int
    milestone_id: str
    kind: str
    text: str

    @property
    def colour(self) -> str:
        """The colour of its line and number."""
        return KIND_COLOURS.get(self.kind, "#555555")


def _x_value(value: pd.Timestamp, axis_kind: str) -> float:
    """Position of a date on an axis that counts either matplotlib dates or (fractional) years."""
    if axis_kind == "year":
        start = pd.Timestamp(value.year, 1, 1)
        return value.year + (value - start).days / 365.25
    return mdates.date2num(value.to_pydatetime())


def key_text(row: pd.Series) -> str:
    """'Coup (22 March 2012)': the milestone's label and its date at its precision."""
    when = pd.Timestamp(row["date"]).date()
    precision = row.get("date_precision")
    day = human_date(when, precision if isinstance(precision, str) else "day")
    return f"{row.get('label') or row['milestone_id']} ({day})"


def milestone_key(fig: Figure) -> list[KeyEntry]:
    """The numbered milestones drawn on a figure, by number (empty when none)."""
    return list(getattr(fig, KEY_ATTRIBUTE, []))


def _numbered(fig: Figure, rows: list[tuple[float, pd.Series]]) -> list[tuple[float, KeyEntry]]:
    """Each milestone with its number in the figure: the one it already has on another panel,
    else the next, in date order."""
    key = milestone_key(fig)
    known = {entry.milestone_id: entry for entry in key}
    numbered = []
    for x, row in sorted(rows, key=lambda item: (item[0], str(item[1]["milestone_id"]))):
        milestone_id = str(row["milestone_id"])
        if milestone_id not in known:
            entry = KeyEntry(len(key) + 1, milestone_id, str(row["kind"]), key_text(row))
            key.append(entry)
            known[milestone_id] = entry
        numbered.append((x, known[milestone_id]))
    setattr(fig, KEY_ATTRIBUTE, key)
    return numbered


def _inside(ax: Axes, milestones: pd.DataFrame, axis_kind: str) -> list[tuple[float, pd.Series]]:
    """The milestones inside the axes' x range, with their x."""
    if axis_kind not in ("date", "year"):
        raise ValueError("axis_kind must be 'date' or 'year'")
    x_min, x_max = ax.get_xlim()
    rows = []
    for _, row in milestones.iterrows():
        x = _x_value(pd.Timestamp(row["date"]), axis_kind)
        if x_min <= x <= x_max:
            rows.append((x, row))
    return rows


def draw_milestones(
    ax: Axes,
    milestones: pd.DataFrame,
    axis_kind: str = "date",
    labels: bool = True,
    spans: bool = False,
    line_alpha: float = 0.55,
) -> list[Text]:
    """Draw the milestones inside the axes' x range as dashed lines (spans optional), each
    numbered above the axes when ``labels`` (numbers stacked in rows, none overlapping; the
    title moves up over them), and keep their key on the figure. Returns the numbers drawn.

    ``axis_kind`` is "date" for datetime x-axes and "year" for axes in (fractional) years.
    """
    x_min, x_max = ax.get_xlim()
    rows = _inside(ax, milestones, axis_kind)
    for x, row in rows:
        colour = KIND_COLOURS.get(row["kind"], "#555555")
        ax.axvline(x, color=colour, linewidth=0.8, linestyle="--", alpha=line_alpha, zorder=1)
        if spans and pd.notna(row.get("end_date")):
            x_end = min(_x_value(pd.Timestamp(row["end_date"]), axis_kind), x_max)
            ax.axvspan(x, x_end, color=colour, alpha=0.06, zorder=0)
    ax.set_xlim(x_min, x_max)
    if not labels or not rows:
        return []
    return number_above(ax, _numbered(ax.get_figure(), rows))


def number_panels(
    axes: Sequence[Axes], milestones: pd.DataFrame, axis_kind: str = "date"
) -> list[Text]:
    """Number the milestones inside any panel's x range in date order across the figure, and
    write each panel's numbers above it (its lines drawn by draw_milestones, labels=False):
    a milestone has one number in every panel, and the key reads in date order."""
    inside = [(ax, _inside(ax, milestones, axis_kind)) for ax in axes]
    every: dict[str, tuple[float, pd.Series]] = {}
    for _, rows in inside:
        for x, row in rows:
            every.setdefault(str(row["milestone_id"]), (x, row))
    if not every:
        return []
    numbered = dict(
        (entry.milestone_id, entry)
        for _, entry in _numbered(axes[0].get_figure(), list(every.values()))
    )
    texts = []
    # the panels' widths as the figure's layout makes them, laid out once for all of them
    axes[0].get_figure().draw_without_rendering()
    for ax, rows in inside:
        if rows:
            at = [(x, numbered[str(row["milestone_id"])]) for x, row in rows]
            texts += number_above(ax, at, laid_out=True)
    return texts


def number_above(
    ax: Axes, numbered: Sequence[tuple[float, KeyEntry]], laid_out: bool = False
) -> list[Text]:
    """Write each milestone's number above the axes at its x, in the lowest row where it
    overlaps no other number, and lift the axes' title over the rows (``laid_out``: the
    figure was laid out since its axes last changed)."""
    fig = ax.get_figure()
    x_min, x_max = ax.get_xlim()
    # The axes' width as the figure's layout makes it (a draw that paints nothing lays it
    # out); the numbers above the axes change its height, not its width.
    if not laid_out:
        fig.draw_without_rendering()
    # (5% to spare: a number past the axes' right end can still narrow them a little)
    width_pt = 0.95 * ax.get_position().width * fig.get_figwidth() * 72
    fontsize = style.size("small")
    row_pt = ROW_SPACING * fontsize
    ends: list[float] = []  # per row, where its last number ends (points)
    texts = []
    for x, entry in numbered:
        at = (x - x_min) / (x_max - x_min) * width_pt
        half = 0.62 * fontsize * len(str(entry.number)) / 2 + 1.2
        row = next((r for r, end in enumerate(ends) if at - half >= end), len(ends))
        if row == len(ends):
            ends.append(float("-inf"))
        ends[row] = at + half
        texts.append(
            ax.annotate(
                str(entry.number),
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2 + row * row_pt),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=fontsize,
                fontweight="bold",
                color=entry.colour,
                annotation_clip=False,
            )
        )
    pad = 4 + len(ends) * row_pt + 2
    for loc in ("left", "center", "right"):
        title = ax.get_title(loc)
        if title:
            ax.set_title(title, loc=loc, pad=pad)
    return texts


def labels_overlap(texts: Sequence[Text]) -> list[tuple[str, str]]:
    """Pairs of drawn labels whose boxes overlap (empty when placement worked)."""
    if not texts:
        return []
    fig = texts[0].get_figure()
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [
        (a_text, b_text)
        for i, (a_text, a_box) in enumerate(boxes)
        for b_text, b_box in boxes[i + 1 :]
        if a_box.overlaps(b_box)
    ]
