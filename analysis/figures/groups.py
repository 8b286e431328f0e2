"""Figures on armed groups: the lineage timeline, active groups per year, battle deaths per dyad.

The lineage timeline draws one lane per group (its active span), coloured by affiliation, and
an arrow for each split, merger, renaming, join and pledge. Lanes are ordered to keep arrows
short and to stop them crossing other groups' bars:

1. Groups are blocked by family (affiliation). Every order of the families present is tried
   (at most 5! = 120), since arrows also run between families (ISGS split from al-Mourabitoun).
2. Inside each family, lanes start in founding order and are re-sorted by the barycentre (mean
   lane position) of the groups they are linked to, a few sweeps (Sugiyama-style barycentric
   ordering), then lanes of a family are swapped or moved while that lowers the cost.
3. The cost is (arrow crossings, total arrow length): an arrow crossing is an arrow passing a
   bar active at its date, or two arrows within a few months whose spans overlap.

Arrows of the same date that would draw on top of each other are spread by a few weeks.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from analysis.analyses.lineage import build_graph, group_spans, related_groups
from analysis.analyses.milestones import load_milestones_in
from analysis.core.dates import period_end
from analysis.curated import schema
from analysis.figures import style
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
DEFAULT_EXCLUDED_KINDS: tuple[str, ...] = ("state", "foreign force")
CURATED_SOURCE = "curated groups.csv and lineage.csv (this project; sources cited per row)"
#: Two arrows closer than this (in years) count as overlapping when their spans overlap.
ARROW_CLASH_YEARS = 0.35
#: Spread between arrows drawn at the same date (years).
ARROW_SPREAD_YEARS = 0.09
LANE_HEIGHT_IN = 0.21


@dataclass(frozen=True)
class Arrow:
    """One drawn relation: from lane `source` to lane `target` at date `when`."""

    source: str
    target: str
    relation: str
    when: pd.Timestamp


@dataclass
class TimelineData:
    """What the lineage timeline draws: lanes (spans) and arrows, before ordering."""

    spans: pd.DataFrame
    arrows: list[Arrow]
    start: pd.Timestamp
    end: pd.Timestamp
    not_drawn: list[str] = field(default_factory=list)
    not_drawn_labels: list[str] = field(default_factory=list)


def timeline_data(
    start: str | pd.Timestamp = "2000-01-01",
    end: str | pd.Timestamp = "2025-12-31",
    groups: Sequence[str] | None = None,
    exclude_kinds: Sequence[str] = DEFAULT_EXCLUDED_KINDS,
    curated_dir: Path | None = None,
) -> TimelineData:
    """Lanes and arrows for the timeline: groups active in [start, end] (all, or the given
    groups with their ancestors and descendants), without the excluded kinds.

    A group with no founding date is drawn from its first dated mention (``attested``);
    a group with neither is listed in ``not_drawn``.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    spans = group_spans(curated_dir)
    if groups:
        spans = spans[spans["group_id"].isin(related_groups(groups, curated_dir))]
    spans = spans[~spans["kind"].isin(list(exclude_kinds))].copy()
    spans["attested"] = spans["start"].isna() & spans["first_seen"].notna()
    spans["draw_start"] = spans["start"].fillna(spans["first_seen"])
    undated = spans[spans["draw_start"].isna()].sort_values("group_id")
    not_drawn, not_drawn_labels = list(undated["group_id"]), list(undated["label"])
    spans = spans[spans["draw_start"].notna()]
    spans["draw_end"] = spans["end_last_day"].fillna(last).clip(upper=last)
    spans = spans[(spans["draw_start"] <= last) & (spans["draw_end"] >= first)]
    drawn = set(spans["group_id"])
    graph = build_graph(curated_dir)
    arrows = []
    for group, other, data in graph.edges(data=True):
        relation = data["relation"]
        if relation not in RELATION_STYLES or pd.isna(data["date"]):
            continue
        if group not in drawn or other not in drawn or not first <= data["date"] <= last:
            continue
        source, target = (other, group) if relation == "split_from" else (group, other)
        arrows.append(Arrow(source, target, relation, data["date"]))
    arrows.sort(key=lambda a: (a.when, a.source, a.target, a.relation))
    return TimelineData(
        spans.reset_index(drop=True), arrows, first, last, not_drawn, not_drawn_labels
    )


# ---------------------------------------------------------------------------------------------
# Lane order


def _years(value: pd.Timestamp) -> float:
    return value.year + (value.day_of_year - 1) / 365.25


class _CostModel:
    """Pre-computed arrow geometry, so that scoring a lane order is cheap."""

    def __init__(self, data: TimelineData):
        spans = data.spans.set_index("group_id")
        starts = {g: _years(v) for g, v in spans["draw_start"].items()}
        ends = {g: _years(v) for g, v in spans["draw_end"].items()}
        self.arrows = []
        for arrow in data.arrows:
            x = _years(arrow.when)
            active = [g for g in starts if starts[g] <= x <= ends[g]]
            self.arrows.append((arrow.source, arrow.target, active))
        xs = [_years(a.when) for a in data.arrows]
        self.close_pairs = [
            (i, j)
            for i, j in itertools.combinations(range(len(xs)), 2)
            if abs(xs[i] - xs[j]) < ARROW_CLASH_YEARS
        ]

    def __call__(self, order: Sequence[str]) -> tuple[int, int]:
        position = {gid: i for i, gid in enumerate(order)}
        crossings, length, spans = 0, 0, []
        for source, target, active in self.arrows:
            a, b = sorted((position[source], position[target]))
            length += b - a
            crossings += sum(1 for g in active if a < position[g] < b)
            spans.append((a, b))
        for i, j in self.close_pairs:
            (a1, b1), (a2, b2) = spans[i], spans[j]
            if max(a1, a2) < min(b1, b2):
                crossings += 1
        return crossings, length


def lane_cost(order: Sequence[str], data: TimelineData) -> tuple[int, int]:
    """(arrow crossings, total arrow length in lanes) of a lane order; lower is better.

    An arrow crossing is an arrow passing over a bar active at its date, or two arrows less
    than ARROW_CLASH_YEARS apart whose vertical spans overlap.
    """
    return _CostModel(data)(order)


def _barycentric(block: list[str], order: list[str], data: TimelineData) -> list[str]:
    """Re-sort one family's lanes by the mean position of the lanes they are linked to."""
    position = {gid: i for i, gid in enumerate(order)}
    neighbours: dict[str, list[int]] = {g: [] for g in block}
    for arrow in data.arrows:
        for mine, theirs in ((arrow.source, arrow.target), (arrow.target, arrow.source)):
            if mine in neighbours:
                neighbours[mine].append(position[theirs])
    centre = {
        g: (float(np.mean(neighbours[g])) if neighbours[g] else float(position[g])) for g in block
    }
    return sorted(block, key=lambda g: (centre[g], position[g]))


def order_lanes(data: TimelineData, sweeps: int = 6, polish: int = 6) -> list[str]:
    """Lane order (top to bottom) by family, barycentric sweeps and local swaps.

    Every order of the families is swept; the `polish` best are then improved by swaps.
    """
    if data.spans.empty:
        return []
    cost_of = _CostModel(data)
    spans = data.spans.sort_values(["draw_start", "group_id"])
    families = [a for a in schema.AFFILIATIONS if a in set(spans["affiliation"])]
    blocks0 = {f: list(spans.loc[spans["affiliation"] == f, "group_id"]) for f in families}
    candidates = []
    for family_order in itertools.permutations(families):
        blocks = {f: list(blocks0[f]) for f in family_order}
        order = [g for f in family_order for g in blocks[f]]
        best, best_cost = order, cost_of(order)
        for _ in range(sweeps):
            for f in family_order:
                blocks[f] = _barycentric(blocks[f], order, data)
                order = [g for fam in family_order for g in blocks[fam]]
            cost = cost_of(order)
            if cost < best_cost:
                best, best_cost = order, cost
        candidates.append((best_cost, len(candidates), best))
    candidates.sort()
    polished = [
        (*_swap_down(order, cost, data, cost_of)[::-1], rank)
        for cost, rank, order in candidates[:polish]
    ]
    return min(polished, key=lambda item: (item[0], item[2]))[1]


def _swap_down(order: list[str], cost: tuple[int, int], data: TimelineData, cost_of: _CostModel):
    """Swap two lanes of the same family (and move one lane within it) while that lowers the
    cost; a local search after the barycentric sweeps."""
    family = data.spans.set_index("group_id")["affiliation"].to_dict()
    improved = True
    while improved:
        improved = False
        for i, j in itertools.combinations(range(len(order)), 2):
            if family[order[i]] != family[order[j]]:
                continue
            swapped = list(order)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            moved = order[:i] + order[i + 1 : j + 1] + [order[i]] + order[j + 1 :]
            for trial in (swapped, moved):
                trial_cost = cost_of(trial)
                if trial_cost < cost:
                    order, cost, improved = trial, trial_cost, True
                    break
    return order, cost


# ---------------------------------------------------------------------------------------------
# Drawing the timeline


@dataclass
class TimelineLayout:
    """What lineage_timeline drew, for tests and captions."""

    order: list[str]
    cost: tuple[int, int]
    labels: list[Text]
    not_drawn: list[str]
    attested: list[str]
    legend: object | None = None
    milestone_key: str = ""


def _num(value: pd.Timestamp) -> float:
    return mdates.date2num(value.to_pydatetime())


def lineage_timeline(
    ax: Axes,
    data: TimelineData,
    order: Sequence[str] | None = None,
    legend_ax: Axes | None = None,
    title: str | None = "How the armed groups split, merged and pledged allegiance",
    source: str = CURATED_SOURCE,
    label_fontsize: float = 7.0,
) -> TimelineLayout:
    """Draw the lineage timeline on `ax` (lanes = groups, x = dates); legend on `legend_ax`
    when given (else inside `ax`, lower left). Returns the layout drawn."""
    order = list(order) if order is not None else order_lanes(data)
    spans = data.spans.set_index("group_id")
    lane = {gid: i for i, gid in enumerate(order)}
    bar_height = 0.56
    for gid in order:
        span = spans.loc[gid]
        colour = style.AFFILIATION_COLOURS.get(span["affiliation"], "#7F7F7F")
        left = max(span["draw_start"], data.start)
        right = span["draw_end"]
        y = lane[gid]
        if span["attested"]:
            ax.barh(
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
            continue
        # The founding period (e.g. the whole year '2011') is drawn paler: the day is unknown.
        uncertain_end = pd.Timestamp(period_end(span["start"].date(), span["start_precision"]))
        if span["start_precision"] == "year" and uncertain_end > left:
            ax.barh(
                y,
                _num(min(uncertain_end, right)) - _num(left),
                left=_num(left),
                height=bar_height,
                color=colour,
                alpha=0.45,
                linewidth=0,
                zorder=2,
            )
            left = min(uncertain_end, right)
        ax.barh(
            y,
            max(_num(right) - _num(left), 2.0),
            left=_num(left),
            height=bar_height,
            color=colour,
            linewidth=0,
            zorder=2,
        )
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
    legend = None
    if legend_ax is not None:
        legend_ax.axis("off")
        legend = legend_ax.legend(
            handles=handles,
            loc="upper center",
            ncol=4,
            fontsize=6.5,
            handlelength=2.6,
            columnspacing=1.2,
        )
    else:
        legend = ax.legend(handles=handles, loc="lower left", fontsize=6, ncol=2, framealpha=0.9)
    if title:
        style.finish(ax, title, "Year", "Armed group", source)
    else:
        ax.set_xlabel("Year")
        ax.set_ylabel("Armed group")
    return TimelineLayout(
        order=order,
        cost=lane_cost(order, data),
        labels=list(ax.get_yticklabels()),
        not_drawn=data.not_drawn,
        attested=sorted(spans.index[spans["attested"]]),
        legend=legend,
    )


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
    present = [a for a in schema.AFFILIATIONS if a in set(data.spans["affiliation"])]
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
    relations = [r for r in RELATION_STYLES if any(a.relation == r for a in data.arrows)]
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
    milestones: pd.DataFrame | None = None,
    title: str = "How Mali's armed groups split, merged and pledged allegiance",
    source: str = CURATED_SOURCE,
) -> tuple[Figure, TimelineLayout]:
    """The headline figure at A4 width: milestone strip, lineage timeline, legend and notes.

    Milestone labels that do not fit in the strip are numbered there and keyed in the notes
    under the legend. Labels are placed after the layout is fixed, so none overlap.
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
    layout = lineage_timeline(ax, data, legend_ax=legend_ax, title=None)
    ax.set_xlabel("Year")
    ax.set_ylabel("Armed group")
    sources = f"Source: {source}"
    if strip is not None:
        draw_milestone_lines(ax, milestones)
        strip.set_xlim(ax.get_xlim())
        strip.set_ylim(0, 1)
        strip.set_yticks([])
        strip.grid(False)
        for side in ("left", "bottom", "top", "right"):
            strip.spines[side].set_visible(False)
        strip.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
        sources += "; milestones: curated milestones.csv"
    # The title belongs to the lanes (where readers of fig.axes look for it), lifted above
    # the strip.
    ax.set_title(title, pad=strip_in * 72 + 6)
    style.add_source(fig, sources)  # fixes the layout (tight_layout); labels come after
    fig.canvas.draw()  # places the inset strip where the final layout puts it
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


def active_groups_chart(ax: Axes, counts: pd.DataFrame, source: str = CURATED_SOURCE) -> Figure:
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
    return style.finish(
        ax,
        "Armed groups active each year, by affiliation",
        "Year",
        "Groups active during the year",
        source,
    )


# ---------------------------------------------------------------------------------------------
# Battle deaths per dyad


BRD_SOURCE = "UCDP Battle-Related Deaths Dataset 24.1 (dyadic); groups: UCDP Actor Dataset 22.1"


def battle_deaths_chart(
    ax: Axes, dyads: pd.DataFrame, source: str = BRD_SOURCE, top: int = 7
) -> Figure:
    """Battle deaths (best, with low-high band) per year for each government-vs-group dyad.

    `dyads` is ucdp_actors.dyad_deaths(): year, dyad_label, affiliation, deaths_best/low/high,
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
            ax.plot(
                [y for y, s in zip(years, several, strict=True) if s],
                best[several],
                linestyle="none",
                marker=marker,
                markersize=4.5,
                markerfacecolor="white",
                color=colour,
                zorder=5,
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
            label=f"{count} other dyad{'s' if count > 1 else ''} (sum)",
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
                label="hollow: dyad also fought in other countries",
            )
        )
    ax.legend(handles=handles, loc="upper left", fontsize=6.5, ncol=2)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return style.finish(
        ax,
        "Battle deaths per year, government against each group",
        "Year",
        "Battle-related deaths (best estimate)",
        source,
    )


def save_lineage_png(path: Path, end: str | None = None, dpi: int = 200) -> Path:
    """Render the headline lineage figure from the curated data to a PNG at A4 width."""

    last = pd.Timestamp(end) if end else pd.Timestamp.today().normalize()
    data = timeline_data("2000-01-01", last)
    fig, _ = lineage_figure(data, load_milestones_in("2000-01-01", last))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".png")
    os.close(handle)
    fig.savefig(temporary, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    os.replace(temporary, path)
    return path


if __name__ == "__main__":  # python -m analysis.figures.groups [PATH]: refresh docs/img
    import sys

    from analysis.config import PROJECT_ROOT

    target = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "docs/img/lineage_timeline.png"
    )
    print(save_lineage_png(target))
