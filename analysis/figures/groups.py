"""Figures on armed groups: the lineage timeline, active groups per year, battle deaths per dyad.

Every ``draw_*`` function draws on the axes it is given and returns it; none writes a source
line (the code that shows the figure does, once: reports.display.figure(..., source=...)).
``lineage_figure`` is the headline figure's layout: the lanes with the milestones numbered
above them, the legend and the notes. The lanes and their order come from
analysis.figures.lineage_lanes. The lanes are coloured by affiliation family
(style.AFFILIATION_COLOURS); the battle-deaths chart colours each group as every figure does
(analysis.figures.colours).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory

from analysis.core.dates import period_end
from analysis.core.vocab import AFFILIATIONS
from analysis.figures import colours, style
from analysis.figures.lineage_lanes import DRAWN_RELATIONS, TimelineData
from analysis.figures.milestones import draw_milestones, milestone_key

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
) -> Axes:
    """Draw the lineage timeline on `ax` (lanes = groups in `order`, top to bottom; x = dates);
    legend on `legend_ax` when given (else inside `ax`, lower left)."""
    order = list(order)
    spans = data.spans.set_index("group_id")
    lane = {gid: i for i, gid in enumerate(order)}
    bar_height = 0.56
    for gid in order:
        span = spans.loc[gid]
        colour = colours.affiliation_colour(span["affiliation"])
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
    # a label every 2 years on a desktop column, every 5 on a phone's
    every = 5 if style.current().narrow else 2
    ax.xaxis.set_major_locator(mdates.YearLocator(every))
    ax.xaxis.set_minor_locator(mdates.YearLocator(1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="y", visible=False)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([_lane_label(spans.loc[g], data.start) for g in order])
    ax.tick_params(axis="y", length=0)
    handles = _legend_handles(data)
    if legend_ax is not None:
        legend_ax.axis("off")
        # from the figure's left edge: centred on the lanes it would run past the right one
        legend_ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.01, 1.0),
            bbox_transform=blended_transform_factory(
                legend_ax.get_figure().transFigure, legend_ax.transAxes
            ),
            ncol=2 if style.current().narrow else 4,
            handlelength=2.6,
            columnspacing=1.2,
        )
    ax.set_xlabel("Year")
    ax.set_ylabel("Armed group")
    if title:
        ax.set_title(title)
    if legend_ax is None:
        style.legend_below(ax, handles)
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
        Patch(color=colours.affiliation_colour(a), label=a if a != "none" else "no affiliation")
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


def lineage_figure(
    data: TimelineData,
    order: Sequence[str],
    milestones: pd.DataFrame | None = None,
    title: str = "How Mali's armed groups split, merged and pledged allegiance",
) -> tuple[Figure, TimelineLayout]:
    """The headline figure at the column's width: the lineage timeline with the milestones
    of its period numbered above the lanes (their key is listed under the figure: see
    analysis.figures.milestones), the legend and a note on the groups not drawn under it."""
    style.apply_style()
    chosen = style.current()
    lanes_in = max(len(data.spans), 4) * LANE_HEIGHT_IN * (1.0 if not chosen.narrow else 0.85)
    handles = _legend_handles(data)
    legend_rows = -(-len(handles) // (2 if chosen.narrow else 4))
    note = (
        style.wrap(f"Not drawn (no date in the sources): {', '.join(data.not_drawn_labels)}.", 100)
        if data.not_drawn
        else ""
    )
    # the legend (rows of entries, its border padding) and the note under it, in points
    legend_pt = (legend_rows * 1.5 + 1.2) * chosen.text_pt
    note_pt = (note.count("\n") + 1) * 1.3 * chosen.small_pt + 4 if note else 0
    legend_in = (legend_pt + note_pt) / 72
    # the numbers' rows and the title over the lanes; the axis label and ticks under them
    top_in = 1.1 if milestones is not None and len(milestones) else 0.5
    fig, (ax, legend_ax) = plt.subplots(
        2,
        1,
        figsize=(chosen.width_in, top_in + lanes_in + legend_in + 0.6),
        gridspec_kw={"height_ratios": [lanes_in, legend_in]},
        layout=TightLayoutEngine(rect=style.SOURCE_RECT, h_pad=0.2),
    )
    title = style.wrap(title, 52)
    draw_lineage_timeline(ax, data, order, legend_ax=legend_ax, title=title)
    layout = TimelineLayout(
        order=list(order),
        labels=list(ax.get_yticklabels()),
        not_drawn=data.not_drawn,
        attested=sorted(data.spans.loc[data.spans["attested"], "group_id"]),
        legend=legend_ax.get_legend(),
    )
    if milestones is not None and len(milestones):
        layout.labels += draw_milestones(ax, milestones, axis_kind="date", line_alpha=0.35)
        layout.milestone_key = "; ".join(
            f"{entry.number} {entry.text}" for entry in milestone_key(fig)
        )
    if note:
        # anchored to the legend's lower left corner, wherever the layout puts the legend
        layout.labels.append(
            legend_ax.annotate(
                note,
                (0.0, 0.0),
                xycoords=layout.legend,
                xytext=(0, -3),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=style.size("small"),
                color="#444444",
            )
        )
    return fig, layout


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
        bars = ax.bar(
            years,
            values,
            bottom=bottom,
            color=colours.affiliation_colour(affiliation),
            label=affiliation if affiliation != "none" else "no affiliation",
            width=0.8,
        )
        colours.tag(bars, "affiliation", affiliation)
        bottom += values
    ax.yaxis.get_major_locator().set_params(integer=True)
    style.label_totals(ax, list(years), bottom)
    style.label_axes(
        ax,
        "Armed groups active each year, by affiliation",
        "Year",
        "Groups active during the year",
    )
    style.legend_below(ax)
    return ax


# ---------------------------------------------------------------------------------------------
# Battle deaths per dyad


def draw_battle_deaths(ax: Axes, dyads: pd.DataFrame, top: int = 7) -> Axes:
    """Battle deaths (best, with low-high band) per year for each government-vs-group dyad.

    `dyads` is analyses.actors.dyad_deaths(): year, dyad_label, affiliation, deaths_best/low/high,
    battle_countries (and group_id: each dyad then takes its latest group's colour, as in
    every figure; else its affiliation's). The `top` dyads by total deaths get their own line;
    the others are summed into one grey line. Years below UCDP's 25-death threshold are gaps,
    not zeros. Points of dyads also fought outside the country are hollow.
    """
    totals = dyads.groupby("dyad_label")["deaths_best"].sum().sort_values(ascending=False)
    shown = list(totals.index[:top])
    years = range(int(dyads["year"].min()), int(dyads["year"].max()) + 1)
    markers = itertools.cycle(["o", "s", "^", "D", "v", "P", "X"])
    by_affiliation_count: dict[str, int] = {}
    any_several = False
    for label in shown:
        frame = dyads[dyads["dyad_label"] == label].set_index("year").reindex(years)
        rows = dyads[dyads["dyad_label"] == label]
        affiliation = rows["affiliation"].iloc[0]
        group = rows.sort_values("year")["group_id"].dropna().iloc[-1] if (
            "group_id" in rows and rows["group_id"].notna().any()
        ) else None  # fmt: skip
        colour = colours.group_colour(group) if group else colours.affiliation_colour(affiliation)
        # lines of one colour (groups without their own, or one family) differ by dashes
        by_affiliation_count[colour] = by_affiliation_count.get(colour, 0) + 1
        dashes = ["-", "--", ":", "-."][(by_affiliation_count[colour] - 1) % 4]
        marker = next(markers)
        best = frame["deaths_best"].astype("float")
        (line,) = ax.plot(
            list(years),
            best,
            color=colour,
            linestyle=dashes,
            linewidth=1.3,
            marker=marker,
            markersize=3.5,
            label=label,
        )
        if group:
            colours.tag(line, "group", group)
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
    # the last value of each line that runs to the last year, at its end
    last_year = years[-1]
    style.label_ends(
        ax,
        [
            (float(last_year), float(value), style.format_count(float(value)), line.get_color())
            for line in ax.get_lines()
            if not str(line.get_label()).startswith("_")
            and len(line.get_ydata())
            and pd.notna(
                value := pd.Series(line.get_ydata(), index=line.get_xdata()).get(last_year)
            )
        ],
    )
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
    ax.xaxis.get_major_locator().set_params(integer=True)
    style.label_axes(
        ax,
        "Battle deaths per year, government against each group",
        "Year",
        "Battle-related deaths (best estimate)",
    )
    style.legend_below(ax, handles, ncols=2 if style.current().narrow else 3)
    return ax
