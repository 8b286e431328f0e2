"""Milestones on a time axis: dashed lines with labels that never overlap."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox

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


def _x_value(value: pd.Timestamp, axis_kind: str) -> float:
    """Position of a date on an axis that counts either matplotlib dates or (fractional) years."""
    if axis_kind == "year":
        start = pd.Timestamp(value.year, 1, 1)
        return value.year + (value - start).days / 365.25
    return mdates.date2num(value.to_pydatetime())


def draw_milestones(
    ax: Axes,
    milestones: pd.DataFrame,
    axis_kind: str = "date",
    labels: bool = True,
    spans: bool = False,
    max_levels: int = 4,
    fontsize: float = 6.5,
) -> list[Text]:
    """Draw milestones as vertical lines (spans optional) with short labels that never overlap.

    ``axis_kind`` is "date" for datetime x-axes and "year" for axes in (fractional) years.
    Labels are stacked in up to ``max_levels`` rows under the top of the axes; a label that
    fits in no row is replaced by its number, with a key under the axes. Returns the labels.
    """
    if axis_kind not in ("date", "year"):
        raise ValueError("axis_kind must be 'date' or 'year'")
    x_min, x_max = ax.get_xlim()
    rows = []
    for _, row in milestones.iterrows():
        x = _x_value(pd.Timestamp(row["date"]), axis_kind)
        if not x_min <= x <= x_max:
            continue
        colour = KIND_COLOURS.get(row["kind"], "#555555")
        ax.axvline(x, color=colour, linewidth=0.8, linestyle="--", alpha=0.8, zorder=1)
        if spans and pd.notna(row.get("end_date")):
            x_end = min(_x_value(pd.Timestamp(row["end_date"]), axis_kind), x_max)
            ax.axvspan(x, x_end, color=colour, alpha=0.06, zorder=0)
        rows.append((x, str(row.get("label") or row["milestone_id"]), colour))
    ax.set_xlim(x_min, x_max)
    if not labels or not rows:
        return []
    return _place_labels(ax, rows, max_levels, fontsize)


def _place_labels(
    ax: Axes, rows: list[tuple[float, str, str]], max_levels: int, fontsize: float
) -> list[Text]:
    """Greedy placement: each label takes the highest row where it overlaps nothing."""
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()
    transform = ax.get_xaxis_transform()  # x in data units, y in axes fraction
    placed: list[Bbox] = []
    texts: list[Text] = []
    unplaced: list[tuple[int, str]] = []
    # Row spacing from the real text height, so neighbouring rows never collide.
    probe = ax.text(0, 0, "Ag", fontsize=fontsize, transform=ax.transAxes)
    text_height = probe.get_window_extent(renderer).height
    probe.remove()
    level_height = 1.2 * text_height / max(ax.get_window_extent(renderer).height, 1.0)
    for number, (x, label, colour) in enumerate(sorted(rows), start=1):
        for level in range(max_levels):
            y = 0.985 - level * level_height
            text = ax.text(
                x,
                y,
                f" {label}",
                transform=transform,
                fontsize=fontsize,
                color=colour,
                ha="left",
                va="top",
                clip_on=False,
                zorder=5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.5},
            )
            box = text.get_window_extent(renderer).expanded(1.02, 1.05)
            axes_box = ax.get_window_extent(renderer)
            inside = box.x1 <= axes_box.x1 + 1
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                texts.append(text)
                break
            text.remove()
        else:
            unplaced.append((number, label))
            marker = ax.text(
                x,
                0.02,
                f"{number}",
                transform=transform,
                fontsize=fontsize - 1,
                color=colour,
                ha="center",
                va="bottom",
                zorder=5,
            )
            box = marker.get_window_extent(renderer)
            if any(box.overlaps(other) for other in placed):
                marker.remove()
            else:
                placed.append(box)
                texts.append(marker)
    if unplaced:
        key = "; ".join(f"{n} {label}" for n, label in unplaced)
        note = ax.annotate(
            f"Milestones: {key}",
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -28),
            textcoords="offset points",
            fontsize=fontsize - 0.5,
            color="#444444",
            va="top",
            wrap=True,
        )
        texts.append(note)
    return texts


def labels_overlap(texts: Sequence[Text]) -> list[tuple[str, str]]:
    """Pairs of drawn labels whose boxes overlap (empty when placement worked)."""
    if not texts:
        return []
    renderer = texts[0].get_figure().canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [
        (a_text, b_text)
        for i, (a_text, a_box) in enumerate(boxes)
        for b_text, b_box in boxes[i + 1 :]
        if a_box.overlaps(b_box)
    ]
