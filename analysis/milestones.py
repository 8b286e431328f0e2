"""Political and military milestones, and drawing them on any time axis without label overlap."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from analysis.schema import MILESTONE_KINDS
from analysis.tables import load_milestones

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
}


def _as_timestamp(value: date | str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if value is None or value == "" else pd.Timestamp(value)


def load_milestones_in(
    start: date | str | None = None,
    end: date | str | None = None,
    kinds: Sequence[str] | None = None,
    curated_dir: Path | None = None,
) -> pd.DataFrame:
    """Milestones of the chosen kinds (all when empty) that overlap [start, end], by date."""
    frame = load_milestones(curated_dir)
    unknown = sorted(set(kinds or ()) - set(MILESTONE_KINDS))
    if unknown:
        raise ValueError(
            f"unknown milestone kind(s) {unknown}; known: {', '.join(MILESTONE_KINDS)}"
        )
    if kinds:
        frame = frame[frame["kind"].isin(list(kinds))]
    first, last = _as_timestamp(start), _as_timestamp(end)
    finish = frame["end_date"].fillna(frame["date"])
    if first is not None:
        frame = frame[finish >= first]
    if last is not None:
        frame = frame[frame["date"] <= last]
    if "label" not in frame.columns or frame["label"].isna().all():
        frame = frame.assign(label=frame["milestone_id"].map(short_label))
    else:
        frame = frame.assign(label=frame["label"].fillna(frame["milestone_id"].map(short_label)))
    return frame.sort_values(["date", "milestone_id"]).reset_index(drop=True)


def short_label(milestone_id: str) -> str:
    """A readable short label from an id: 'coup-2012' -> 'Coup 2012', 'minusma' -> 'MINUSMA'."""
    words = milestone_id.replace("_", "-").split("-")
    shown = [w.upper() if w in _ACRONYMS else w for w in words]
    first = shown[0]
    shown[0] = first if first.isupper() else first.capitalize()
    return " ".join(shown)


_ACRONYMS = {"un", "minusma", "afisma", "g5", "ecowas", "aes", "eutm", "fc", "cma", "us", "eu"}


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


def milestone_table(milestones: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of milestones: date (at its precision), kind, what happened, sources."""
    from analysis.dates import human_date

    def when(row: pd.Series) -> str:
        text = human_date(row["date"].date(), row["date_precision"])
        if pd.notna(row.get("end_date")):
            text += f" – {human_date(row['end_date'].date(), row['end_date_precision'])}"
        return text

    return pd.DataFrame(
        {
            "Date": milestones.apply(when, axis=1) if len(milestones) else [],
            "Kind": milestones["kind"],
            "What happened": milestones["description"],
            "Sources": milestones["sources"].map(", ".join),
        }
    )


def nearest_before(when: date | str | pd.Timestamp, milestones: pd.DataFrame) -> pd.Series | None:
    """The latest milestone on or before a date (a reading aid, not a causal claim)."""
    moment = pd.Timestamp(when)
    earlier = milestones[milestones["date"] <= moment]
    if earlier.empty:
        return None
    return earlier.sort_values("date").iloc[-1]


def milestones_before(
    moments: Sequence[date | str | pd.Timestamp | int], milestones: pd.DataFrame
) -> list[pd.Series | None]:
    """For each moment (a date, or a year as an int), the latest milestone on or before it.

    A year counts up to its last day, so a break in 2018 is read against milestones up to
    31 December 2018. A reading aid for change points, never a causal claim.
    """
    found = []
    for moment in moments:
        if isinstance(moment, numbers.Integral) and not isinstance(moment, bool):
            moment = pd.Timestamp(int(moment), 12, 31)
        found.append(nearest_before(moment, milestones))
    return found


def label_with_date(milestone: pd.Series | None) -> str:
    """'Coup (18 August 2020)' for a milestone row, or an en dash when there is none."""
    from analysis.dates import human_date

    if milestone is None:
        return "–"
    when = human_date(milestone["date"].date(), milestone["date_precision"])
    return f"{milestone.get('label') or short_label(milestone['milestone_id'])} ({when})"
