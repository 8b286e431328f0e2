"""Figures on armed groups: the lineage timeline, active groups per year, battle deaths per dyad.

Every ``draw_*`` function draws on the axes it is given and returns it; none writes a source
line (the code that shows the figure does, once: reports.display.figure(..., source=...)).
``lineage_figure`` is the headline figure's layout: a milestone strip, the lanes, the legend
and the notes. The lanes and their order come from analysis.figures.lineage_lanes.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from analysis.core.dates import period_end
from analysis.core.vocab import AFFILIATIONS
from analysis.figures import style
from analysis.figures.lineage_lanes import DRAWN_RELATIONS, TimelineData
from analysis.figures.milestones import KIND_COLOURS, draw_milestones

#: Line style per drawn relation: (label, linestyle, colour, arrow from -> to).
RELATION_STYLES: dict[str, dict] = {
    "split_from": {"label": "split from", "linestyle": (0, (3, 1.5)), "color": "#333333"},
    "merged_into": {"label": "merged into", "linestyle": "-", "color": "#000000"},
    "renamed_to": {"label": "renamed", "linestyle": (0, (1, 1)), "color": "#000000"},
    "joined": {"label": "joined", "linestyle": "-", "color": "#8C8C8C"},
    "pledged_to": {
        "label": "pledged allegiance",
        "linestyle": (0, (4, 1.5, 1, 1.5)),
        "color": "#9E1B32",
    },
}
#: The source line of figures drawn from groups.csv and lineage.csv, in words for readers (it
#: names the register's curated tables, whose licence the figure's data link states).
CURATED_SOURCE = "curated tables of this project: groups and lineage (each row cites its sources)"
#: What the lineage figure adds to its source line when it shows milestones.
MILESTONES_SOURCE = "milestones from the same tables"
#: Spread between arrows drawn at the same date (years).
ARROW_SPREAD_YEARS = 0.09
LANE_HEIGHT_IN = 0.21


@dataclass
class TimelineLayout:
    """What lineage_figure drew, for tests: the lanes' order, labels placed, legend, notes."""

    order: list[str]
    labels: list[Text]
    not_drawn: list[str]
    attested: list[str]
    legend: object | None = None
    milestone_key: str = ""


def _num(value: pd.Timestamp) -> float:
    return mdates.date2num(value.to_pydatetime())


def _partial_date(value: object, precision: object) -> str:
    """A date as precisely as the data knows it: '2011', '2017-03' or '2017-03-02'."""
    text = pd.Timestamp(value).date().isoformat()
    return {"year": text[:4], "month": text[:7]}.get(str(precision), text)


def _span_text(span: pd.Series) -> str:
    """A lane's tooltip: 'JNIM (al-Qaeda): 2017-03-02 to today' or '... first attested 2019'."""
    name = f"{span['name']} ({span['affiliation']})"
    if span["attested"]:
        return f"{name}: first attested {_partial_date(span['first_seen'], span['first_seen_precision'])}"
    start = _partial_date(span["start"], span["start_precision"])
    end = _partial_date(span["end"], span["end_precision"]) if pd.notna(span["end"]) else "today"
    return f"{name}: {start} to {end}"


def draw_lineage_timeline(
    ax: Axes,
    data: TimelineData,
    order: Sequence[str],
    legend_ax: Axes | None = None,
    title: str | None = None,
    label_fontsize: float = 7.0,
) -> Axes:
    """Draw the lineage timeline on `ax` (lanes = groups in `order`, top to bottom; x = dates);
    legend on `legend_ax` when given (else inside `ax`, lower left)."""
    order = list(order)
    spans = data.spans.set_index("group_id")
    lane = {gid: i for i, gid in enumerate(order)}
    bar_height = 0.56
    for gid in order:
        span = spans.loc[gid]
        colour = style.AFFILIATION_COLOURS.get(span["affiliation"], "#7F7F7F")
        left = max(span["draw_start"], data.start)
        right = span["draw_end"]
        y = lane[gid]
        tooltip = [_span_text(span)]
        if span["attested"]:
            attested = ax.barh(
                y,
                _num(right) - _num(left),
                left=_num(left),
                height=bar_height,
                color=colour,
                alpha=0.25,
                hatch="////",
                edgecolor=colour,
                linewidth=0,
                zorder=2,
            )
            style.hover_labels(attested, tooltip)
            continue
        # The founding period (e.g. the whole year '2011') is drawn paler: the day is unknown.
        uncertain_end = pd.Timestamp(period_end(span["start"].date(), span["start_precision"]))
        if span["start_precision"] == "year" and uncertain_end > left:
            founding = ax.barh(
                y,
                _num(min(uncertain_end, right)) - _num(left),
                left=_num(left),
                height=bar_height,
                color=colour,
                alpha=0.45,
                linewidth=0,
                zorder=2,
            )
            style.hover_labels(founding, tooltip)
            left = min(uncertain_end, right)
        active = ax.barh(
            y,
            max(_num(right) - _num(left), 2.0),
            left=_num(left),
            height=bar_height,
            color=colour,
            linewidth=0,
            zorder=2,
        )
        style.hover_labels(active, tooltip)
        if pd.notna(span["end"]) and span["end_last_day"] <= data.end:
            ax.plot(_num(right), y, marker="|", color="#222222", markersize=7, zorder=3)
    _draw_arrows(ax, data, lane)
    ax.set_ylim(len(order) - 0.4, -0.6)
    ax.set_xlim(_num(data.start), _num(data.end))
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_minor_locator(mdates.YearLocator(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="y", visible=False)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([_lane_label(spans.loc[g], data.start) for g in order])
    ax.tick_params(axis="y", labelsize=label_fontsize, length=0)
    handles = _legend_handles(data)
    if legend_ax is not None:
        legend_ax.axis("off")
        legend_ax.legend(
            handles=handles,
            loc="upper center",
            ncol=4,
            fontsize=6.5,
            handlelength=2.6,
            columnspacing=1.2,
        )
    else:
        ax.legend(handles=handles, loc="lower left", fontsize=6, ncol=2, framealpha=0.9)
    ax.set_xlabel("Year")
    ax.set_ylabel("Armed group")
    if title:
        ax.set_title(title)
    return ax


def _lane_label(span: pd.Series, start: pd.Timestamp) -> str:
    label = span["label"]
    if span["draw_start"] < start:
        label += f" (from {span['draw_start'].year})"
    if span["attested"]:
        label += " *"
    return label


def _draw_arrows(ax: Axes, data: TimelineData, lane: dict[str, int]) -> None:
    """Arrows at their dates; arrows of the same date that overlap are spread apart."""
    placed: list[tuple[float, int, int]] = []
    for arrow in data.arrows:
        a, b = lane[arrow.source], lane[arrow.target]
        low, high = sorted((a, b))
        x = _num(arrow.when)
        step = ARROW_SPREAD_YEARS * 365.25
        shift = 0
        while any(
            abs(x + shift - px) < step * 0.9 and max(low, pl) < min(high, ph) + 0.5
            for px, pl, ph in placed
        ):
            shift = -shift + step if shift <= 0 else -shift
        x += shift
        placed.append((x, low, high))
        look = RELATION_STYLES[arrow.relation]
        ax.annotate(
            "",
            xy=(x, b),
            xytext=(x, a),
            arrowprops={
                "arrowstyle": "-|>,head_length=0.35,head_width=0.18",
                "color": look["color"],
                "linestyle": look["linestyle"],
                "linewidth": 0.9,
                "shrinkA": 0,
                "shrinkB": 4,
            },
            zorder=4,
        )
        ax.plot(x, a, marker="o", markersize=2.4, color=look["color"], zorder=4)


def _legend_handles(data: TimelineData) -> list:
    present = [a for a in AFFILIATIONS if a in set(data.spans["affiliation"])]
    handles: list = [
        Patch(color=style.AFFILIATION_COLOURS[a], label=a if a != "none" else "no affiliation")
        for a in present
    ]
    if data.spans["attested"].any():
        handles.append(
            Patch(
                facecolor="#bbbbbb", hatch="////", edgecolor="#777777", label="* founding unknown"
            )
        )
    relations = [r for r in DRAWN_RELATIONS if any(a.relation == r for a in data.arrows)]
    for relation in relations:
        look = RELATION_STYLES[relation]
        handles.append(
            Line2D(
                [0],
                [0],
                color=look["color"],
                linestyle=look["linestyle"],
                linewidth=1,
                marker=">",
                markersize=3,
                label=look["label"],
            )
        )
    return handles


def draw_milestone_lines(ax: Axes, milestones: pd.DataFrame) -> None:
    """Faint vertical lines for milestones on the lanes (labels go in the strip above)."""
    for _, row in milestones.iterrows():
        ax.axvline(
            _num(pd.Timestamp(row["date"])),
            color=KIND_COLOURS.get(row["kind"], "#555555"),
            linewidth=0.6,
            linestyle="--",
            alpha=0.35,
            zorder=1,
        )


def lineage_figure(
    data: TimelineData,
    order: Sequence[str],
    milestones: pd.DataFrame | None = None,
    title: str = "How Mali's armed groups split, merged and pledged allegiance",
) -> tuple[Figure, TimelineLayout]:
    """The headline figure at A4 width: milestone strip, lineage timeline, legend and notes.

    Milestone labels that do not fit in the strip are numbered there and keyed in the notes
    under the legend. Labels are placed after the layout is fixed (leaving room under the axes
    for display.figure's source line) and kept out of later layouts, so none overlap.
    """

    style.apply_style()
    with_strip = milestones is not None and len(milestones) > 0
    strip_in = 1.3 if with_strip else 0.0
    lanes_in = max(len(data.spans), 4) * LANE_HEIGHT_IN
    notes_in = 0.5 if with_strip else (0.2 if data.not_drawn else 0.0)
    legend_in = 0.5 + notes_in
    fig, (ax, legend_ax) = plt.subplots(
        2,
        1,
        figsize=(style.FULL_WIDTH_IN, strip_in + lanes_in + legend_in + 1.0),
        gridspec_kw={"height_ratios": [lanes_in, legend_in]},
    )
    # The strip sits right on top of the lanes (an inset), so it shares their x-axis exactly.
    strip = ax.inset_axes((0, 1.0, 1, strip_in / lanes_in)) if with_strip else None
    draw_lineage_timeline(ax, data, order, legend_ax=legend_ax)
    layout = TimelineLayout(
        order=list(order),
        labels=list(ax.get_yticklabels()),
        not_drawn=data.not_drawn,
        attested=sorted(data.spans.loc[data.spans["attested"], "group_id"]),
        legend=legend_ax.get_legend(),
    )
    if strip is not None:
        draw_milestone_lines(ax, milestones)
        strip.set_xlim(ax.get_xlim())
        strip.set_ylim(0, 1)
        strip.set_yticks([])
        strip.grid(False)
        for side in ("left", "bottom", "top", "right"):
            strip.spines[side].set_visible(False)
        strip.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    # The title belongs to the lanes (where readers of fig.axes look for it), lifted above
    # the strip.
    ax.set_title(title, pad=strip_in * 72 + 6)
    fig.tight_layout(rect=style.SOURCE_RECT)  # the final layout; labels come after
    # places the inset strip where the final layout puts it (a draw that paints nothing)
    fig.draw_without_rendering()
    notes = []
    if layout.not_drawn:
        shown = ", ".join(data.not_drawn_labels)
        notes.append(f"Not drawn (no date in the sources): {shown}.")
    if strip is not None:
        texts = draw_milestones(strip, milestones, axis_kind="date", max_levels=5)
        strip.set_xlim(_num(data.start), _num(data.end))
        key = [t for t in texts if t.get_text().startswith("Milestones:")]
        for text in key:
            layout.milestone_key = text.get_text()
            text.remove()
        layout.labels += [t for t in texts if t not in key]
        if layout.milestone_key:
            notes.append(f"{layout.milestone_key}.")
    if notes:
        layout.labels.append(_fitted_note(legend_ax, " ".join(notes)))
    for text in layout.labels[len(order) :]:
        # Placed on the fixed layout: the layout display.figure redoes for the source line
        # leaves them out (they fit where they are).
        text.set_in_layout(False)
    return fig, layout


def _fitted_note(ax: Axes, text: str, fontsize: float = 6.0) -> Text:
    """Wrapped text under the legend of an axis-off axes, as wide as fits inside it."""

    renderer = ax.get_figure().canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    legend = ax.get_legend()
    below = legend.get_window_extent(renderer).y0 - 3 if legend is not None else box.y1
    top = (below - box.y0) / box.height
    for width in range(170, 40, -5):
        note = ax.text(
            0.0,
            top,
            textwrap.fill(text, width=width),
            transform=ax.transAxes,
            fontsize=fontsize,
            va="top",
            ha="left",
            color="#444444",
        )
        if note.get_window_extent(renderer).x1 <= box.x1:
            return note
        note.remove()
    raise ValueError("note does not fit under the legend")


# ---------------------------------------------------------------------------------------------
# Active groups per year


def draw_active_groups(ax: Axes, counts: pd.DataFrame) -> Axes:
    """Stacked bars: groups active in each year, by affiliation (from lineage.active_by_year)."""
    bottom = np.zeros(len(counts))
    years = counts.index.to_numpy()
    for affiliation in counts.columns:
        values = counts[affiliation].to_numpy()
        if not values.any():
            continue
        ax.bar(
            years,
            values,
            bottom=bottom,
            color=style.AFFILIATION_COLOURS.get(affiliation, "#7F7F7F"),
            label=affiliation if affiliation != "none" else "no affiliation",
            width=0.8,
        )
        bottom += values
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", ncol=2, fontsize=7)
    ax.set_ylim(0, max(bottom.max(), 1) * 1.35)
    return style.label_axes(
        ax,
        "Armed groups active each year, by affiliation",
        "Year",
        "Groups active during the year",
    )


# ---------------------------------------------------------------------------------------------
# Battle deaths per dyad


def draw_battle_deaths(ax: Axes, dyads: pd.DataFrame, top: int = 7) -> Axes:
    """Battle deaths (best, with low-high band) per year for each government-vs-group dyad.

    `dyads` is analyses.actors.dyad_deaths(): year, dyad_label, affiliation, deaths_best/low/high,
    battle_countries. The `top` dyads by total deaths get their own line; the others are
    summed into one grey line. Years below UCDP's 25-death threshold are gaps, not zeros.
    Points of dyads also fought outside the country are hollow.
    """
    totals = dyads.groupby("dyad_label")["deaths_best"].sum().sort_values(ascending=False)
    shown = list(totals.index[:top])
    years = range(int(dyads["year"].min()), int(dyads["year"].max()) + 1)
    markers = itertools.cycle(["o", "s", "^", "D", "v", "P", "X"])
    by_affiliation_count: dict[str, int] = {}
    any_several = False
    for label in shown:
        frame = dyads[dyads["dyad_label"] == label].set_index("year").reindex(years)
        affiliation = dyads.loc[dyads["dyad_label"] == label, "affiliation"].iloc[0]
        colour = style.AFFILIATION_COLOURS.get(affiliation, "#7F7F7F")
        by_affiliation_count[affiliation] = by_affiliation_count.get(affiliation, 0) + 1
        dashes = ["-", "--", ":", "-."][(by_affiliation_count[affiliation] - 1) % 4]
        marker = next(markers)
        best = frame["deaths_best"].astype("float")
        ax.plot(
            list(years),
            best,
            color=colour,
            linestyle=dashes,
            linewidth=1.3,
            marker=marker,
            markersize=3.5,
            label=label,
        )
        ax.fill_between(
            list(years),
            frame["deaths_low"].astype("float"),
            frame["deaths_high"].astype("float"),
            color=colour,
            alpha=style.INTERVAL_ALPHA * 0.7,
            linewidth=0,
        )
        several = (frame["battle_countries"].fillna(1) > 1).to_numpy()
        if several.any():
            any_several = True
            (hollow,) = ax.plot(
                [y for y, s in zip(years, several, strict=True) if s],
                best[several],
                linestyle="none",
                marker=marker,
                markersize=4.5,
                markerfacecolor="white",
                color=colour,
                zorder=5,
            )
            # titled with its pair of sides: the bare '2013: 333' named none
            style.hover_labels(
                hollow,
                [
                    f"{label}: {y}: {value:,.0f} (these two sides also fought in other countries)"
                    for y, value, s in zip(years, best, several, strict=True)
                    if s
                ],
            )
    rest = dyads[~dyads["dyad_label"].isin(shown)]
    if not rest.empty:
        summed = rest.groupby("year")["deaths_best"].sum().reindex(years)
        count = rest["dyad_label"].nunique()
        ax.plot(
            list(years),
            summed.astype("float"),
            color="#9a9a9a",
            linewidth=1,
            marker=".",
            label=f"{count} other pair{'s' if count > 1 else ''} (sum)",
        )
    ax.set_ylim(bottom=0)
    handles, _ = ax.get_legend_handles_labels()
    if any_several:
        handles.append(
            Line2D(
                [0],
                [0],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                color="#555555",
                label="hollow: the two sides also fought in other countries",
            )
        )
    ax.legend(handles=handles, loc="upper left", fontsize=6.5, ncol=2)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return style.label_axes(
        ax,
        "Battle deaths per year, government against each group",
        "Year",
        "Battle-related deaths (best estimate)",
    )
