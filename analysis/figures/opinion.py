"""Figures of public opinion: poll series, Afrobarometer trends, north vs rest, region heat map.

Every figure shows each figure's uncertainty (95% error bars, none where none can be computed,
with the reason marked). Each ``draw_*`` function draws on the ``ax`` it is given and returns
it; it never touches the figure. ``layout``, ``chart_height`` and ``poll_series_layout`` give
figures of the right size. Only drawing lives here: the captions, source lines and the data
shaped for them (published points, timeline entries) are the report's
(analysis.reports.opinion_captions).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.analyses.opinion import not_sampled, region_round_table
from analysis.analyses.polls import NOT_RANDOM, fieldwork_span
from analysis.core.vocab import ALL_GROUP
from analysis.figures import style
from analysis.figures.milestones import draw_milestones, number_panels

NO_INTERVAL_MARKER = "D"
RANDOM_MARKER = "o"
#: The palette without its pale yellow, which hollow markers would make invisible.
TIMELINE_COLOURS = [c for c in style.PALETTE if c != "#F0E442"]
#: Figure height per kind of chart: inches for the frame, plus inches per row shown.
HEIGHTS: dict[str, tuple[float, float]] = {
    "timeline": (1.4, 0.28),
    "bars": (1.6, 0.42),
    "side_by_side": (1.2, 1.0),
    "trends": (3.6, 0.0),
    "heatmap": (1.4, 0.3),
}
#: Height of one panel of the poll-series figure, and of the frame around the panels.
SERIES_PANEL_IN, SERIES_FRAME_IN = 3.0, 1.0
SERIES_TITLE = "Repeated questions over time, one panel per question"


#: On a phone's column long labels wrap to twice the lines: each row needs this much more room.
NARROW_ROW_FACTOR = 1.6


def chart_height(kind: str, rows: int = 1) -> float:
    """Inches a chart of this kind with ``rows`` rows (pollsters, bars, regions) needs at the
    current rendition's width (more per row on a phone); kinds are the keys of HEIGHTS."""
    base, per_row = HEIGHTS[kind]
    if style.current().narrow:
        per_row *= NARROW_ROW_FACTOR
    return base + per_row * max(rows, 1)


def layout(kind: str, rows: int = 1) -> tuple[Figure, Axes]:
    """A full-width figure with one axes, as tall as a chart of this kind needs."""
    return style.new_figure(height_in=chart_height(kind, rows))


def _wrap(text: str, width: int = 60, lines: int = 3) -> str:
    """A long label wrapped for the current rendition (style.wrap), at most ``lines`` lines."""
    return style.wrap(text, width, lines)


#: Characters per line of a label over its bar on a phone's column (its whole width).
NARROW_LINE_CHARS = 66
#: Bar thickness (share of a row) on a desktop column, and on a phone's, where each bar's
#: label sits over it.
BAR_WIDTH, NARROW_BAR_WIDTH = 0.7, 0.34


def _bar_width() -> float:
    """The bars' thickness at the current rendition's width."""
    return NARROW_BAR_WIDTH if style.current().narrow else BAR_WIDTH


def _label_rows(ax: Axes, labels: Sequence[str], width: int, lines: int) -> None:
    """Name each row of horizontal bars (rows 0, 1, ... top to bottom): tick labels left of
    the bars on a desktop column; on a phone's, each label over its bar across the whole width
    (labels left of the bars would leave the bars no room)."""
    if not style.current().narrow:
        shown = [style.wrap(label, width, lines) for label in labels]
        ax.set_yticks(range(len(labels)), shown, fontsize=style.size("small"))
        ax.set_ylim(len(labels) - 0.5, -0.5)
        return
    ax.set_yticks([])
    for position, label in enumerate(labels):
        ax.text(
            0,
            position - NARROW_BAR_WIDTH / 2 - 0.04,
            style.wrap(label, NARROW_LINE_CHARS, lines, scaled=False),
            ha="left",
            va="bottom",
            fontsize=style.size("small"),
            color="#222222",
        )
    ax.set_ylim(len(labels) - 0.5 + NARROW_BAR_WIDTH / 2, -1.0)


def _title_chars() -> int:
    """Characters per line of a bar chart's title: its labels take half the desktop column
    (on a phone's they sit over the bars, and the axes take the whole width)."""
    return style.TITLE_CHARS if style.current().narrow else style.TITLE_CHARS // 2 + 4


def _share_axis(ax: Axes) -> None:
    """A percentage axis with room right of 100 for the values written at the bars' ends."""
    ax.set_xlim(0, 135)
    ax.set_xticks(range(0, 101, 20))


def _date_num(value: pd.Timestamp) -> float:
    return mdates.date2num(value.to_pydatetime())


# ----------------------------------------------------------------------------- published polls


def _error_bars(rows: pd.DataFrame) -> np.ndarray | None:
    if rows["low"].isna().all():
        return None
    lower = (rows["share"] - rows["low"]).astype(float).fillna(0).to_numpy()
    upper = (rows["high"] - rows["share"]).astype(float).fillna(0).to_numpy()
    return np.vstack([lower, upper])


def draw_poll_series(
    ax: Axes,
    frame: pd.DataFrame,
    question_id: str,
    milestones: pd.DataFrame | None = None,
    milestone_labels: bool = True,
    xlabel: bool = True,
) -> Axes:
    """One question series over time: a line per answer and population, 95% error bars.

    Points are joined only within one question_id, answer and population. Hollow markers are
    figures from non-random samples (marked "not a random sample"); diamonds are random samples
    whose size is not reported (no interval can be computed).
    """
    rows = frame[(frame["question_id"] == question_id) & frame["when"].notna()]
    rows = rows.sort_values("when")
    question = rows["question"].iloc[0] if len(rows) else question_id
    # the title first: the milestones' numbers lift it over them
    ax.set_title(_wrap(question, 70, 2), fontsize=style.size("text"))
    for index, ((response, population), block) in enumerate(
        rows.groupby(["response", "population_group"], sort=False)
    ):
        colour = style.PALETTE[index % len(style.PALETTE)]
        x = mdates.date2num(block["when"].dt.to_pydatetime())
        label = f"{response} ({population})"
        if len(block) > 1:
            # Dashed where any point is from a non-random sample: a trend in opinions of
            # whoever answered, not of a population.
            dashed = not block["probability_sample"].astype(bool).all()
            (line,) = ax.plot(
                x,
                block["share"].astype(float),
                color=colour,
                linewidth=1.2,
                linestyle="--" if dashed else "-",
            )
            line.set_gid(f"{question_id}|{population}|{response}")
        first = True
        for _, point in block.iterrows():
            random = bool(point["probability_sample"])
            has_interval = pd.notna(point["low"])
            marker = RANDOM_MARKER if (not random or has_interval) else NO_INTERVAL_MARKER
            ax.errorbar(
                _date_num(point["when"]),
                float(point["share"]),
                yerr=_error_bars(block.loc[[point.name]]),
                fmt=marker,
                color=colour,
                markerfacecolor=colour if random else "white",
                markersize=5,
                capsize=2.5,
                linewidth=1,
                label=label if first else None,
                gid=f"{question_id}|{population}|{response}",
            )
            first = False
            if not random:
                ax.annotate(
                    NOT_RANDOM,
                    (_date_num(point["when"]), float(point["share"])),
                    xytext=(4, -9),
                    textcoords="offset points",
                    fontsize=style.size("small"),
                    color="#555555",
                )
    ax.set_ylim(0, 105)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    if len(rows):
        dates = rows["when"]
        pad = pd.Timedelta(days=300)
        ax.set_xlim(_date_num(dates.min() - pad), _date_num(dates.max() + pad))
    if milestones is not None and len(milestones):
        draw_milestones(ax, milestones, axis_kind="date", labels=milestone_labels)
    ax.set_xlabel("Fieldwork (middle of the period)" if xlabel else "")
    ax.set_ylabel("% of respondents")
    style.legend_below(ax, ncols=1 if style.current().narrow else 2)
    return ax


def poll_series_layout(
    frame: pd.DataFrame, question_ids: Sequence[str], milestones: pd.DataFrame | None = None
) -> tuple[Figure, list[Axes]]:
    """One panel per question series (draw_poll_series on each), under one title."""
    ids = list(question_ids)
    if not ids:
        raise ValueError("no question series to draw")
    # on a phone's column each panel's key and numbers take a larger share of its height
    panel_in = SERIES_PANEL_IN * (1.5 if style.current().narrow else 1.0)
    fig, axes = style.new_figure(
        height_in=SERIES_FRAME_IN + panel_in * len(ids), nrows=len(ids), squeeze=False
    )
    panels = list(axes[:, 0])
    # its top 0.05 in under the figure's: the layout keeps the panels under it at any height
    fig.suptitle(
        style.wrap(SERIES_TITLE, style.TITLE_CHARS),
        fontweight="bold",
        y=1 - 0.05 / fig.get_figheight(),
        va="top",
    )
    for qid, panel in zip(ids, panels, strict=True):
        draw_poll_series(
            panel, frame, qid, milestones, milestone_labels=False, xlabel=panel is panels[-1]
        )
    if milestones is not None and len(milestones):
        # numbered in date order across the panels, one number per milestone
        number_panels(panels, milestones, axis_kind="date")
    return fig, panels


def draw_side_by_side(ax: Axes, frame: pd.DataFrame, question_ids: Sequence[str]) -> Axes:
    """Figures of questions that only resemble each other, as separate labelled bars."""
    rows = frame[frame["question_id"].isin(list(question_ids))].sort_values("when")
    labels = []
    for position, (_, row) in enumerate(rows.iterrows()):
        random = bool(row["probability_sample"])
        colour = style.PALETTE[position % len(style.PALETTE)]
        ax.barh(
            position,
            float(row["share"]),
            height=_bar_width(),
            color=colour if random else "white",
            edgecolor=colour,
        )
        if pd.notna(row["low"]):
            ax.errorbar(
                float(row["share"]),
                position,
                xerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
                fmt="none",
                color="black",
                capsize=3,
            )
        ax.text(
            float(row["share"]) + 1,
            position,
            style.wrap(row["shown"], 22, scaled=False),
            va="center",
            fontsize=style.size("text"),  # a value: at the body text size
        )
        year = row["when"].year if pd.notna(row["when"]) else "undated"
        labels.append(
            f"{row['pollster']} {year}, {row['population']}: "
            f"'{row['question']}' – {row['response']}"
        )
    _label_rows(ax, labels, 55, 4)
    _share_axis(ax)
    return style.label_axes(
        ax, "Different questions, shown side by side", "% of respondents", "", _title_chars()
    )


def draw_survey_timeline(
    ax: Axes, entries: pd.DataFrame, milestones: pd.DataFrame | None = None
) -> Axes:
    """When each survey was in the field, one row per pollster; hollow = not a random sample.

    ``entries`` has one dot per wave: pollster, when (a timestamp) and random_sample."""
    pollsters = list(dict.fromkeys(entries.sort_values("when")["pollster"]))
    for _, row in entries.iterrows():
        y = pollsters.index(row["pollster"])
        colour = TIMELINE_COLOURS[y % len(TIMELINE_COLOURS)]
        ax.plot(
            _date_num(row["when"]),
            y,
            marker="o",
            markersize=6,
            color=colour,
            markerfacecolor=colour if row["random_sample"] else "white",
            linestyle="none",
        )
    ax.set_yticks(
        range(len(pollsters)), [_wrap(p, 38, 2) for p in pollsters], fontsize=style.size("small")
    )
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    if len(entries):
        pad = pd.Timedelta(days=200)
        ax.set_xlim(_date_num(entries["when"].min() - pad), _date_num(entries["when"].max() + pad))
    if milestones is not None and len(milestones):
        draw_milestones(ax, milestones, axis_kind="date", labels=False)
    handles = [
        Line2D([], [], marker="o", linestyle="none", color="#555555", label="random sample"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            color="#555555",
            markerfacecolor="white",
            label=NOT_RANDOM,
        ),
    ]
    style.label_axes(ax, "When Malians were asked", "Fieldwork (middle of the period)", "")
    style.legend_below(ax, handles)
    return ax


# ----------------------------------------------------------------------------- Afrobarometer


def fieldwork_mid(estimates: pd.DataFrame) -> pd.Series:
    """Middle of each round's fieldwork, as a timestamp."""
    start = pd.to_datetime(estimates["fieldwork_start"])
    end = pd.to_datetime(estimates["fieldwork_end"])
    return start + (end - start) / 2


def joined_runs(shown: pd.DataFrame) -> list[pd.DataFrame]:
    """The points a line may join, in runs: consecutive rounds sampled in the same regions. A
    round that sampled other regions (round 5 did not sample the north) starts a new run, so
    no line joins figures of different populations."""
    rows = [row for _, row in shown.iterrows()]
    starts = [0] + [i for i in range(1, len(rows)) if not_sampled(rows[i - 1], rows[i])]
    ends = starts[1:] + [len(rows)]
    return [shown.iloc[a:b] for a, b in zip(starts, ends, strict=True) if b > a]


def _legend_once(ax: Axes, ncols: int | None = None) -> None:
    """The legend under the axes with one entry per series, however many unjoined runs a
    series is drawn in (each run keeps the series' label, which its tooltips read)."""
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    style.legend_below(ax, list(unique.values()), list(unique), ncols=ncols)


def draw_trends(
    ax: Axes,
    estimates: pd.DataFrame,
    published: pd.DataFrame | None = None,
    title: str = "Trust in institutions, Afrobarometer rounds",
) -> Axes:
    """Shares across rounds with 95% error bars, one line per question (national figures).

    ``published`` (optional): published figures of the same questions and answers (question_id,
    when, share, pollster), drawn as hollow markers beside their question's line, not joined
    to it.
    """
    data = estimates[estimates["breakdown"] == "none"] if "breakdown" in estimates else estimates
    data = data.assign(when=fieldwork_mid(data))
    points = published if published is not None else data.iloc[0:0]
    for index, (qid, block) in enumerate(data.groupby("question_id", sort=False)):
        colour = style.PALETTE[index % len(style.PALETTE)]
        block = block.sort_values("when")
        shown = block[~block["suppressed"].astype(bool)]
        for number, run in enumerate(joined_runs(shown)):
            ax.errorbar(
                mdates.date2num(run["when"].dt.to_pydatetime()),
                run["share"].astype(float),
                yerr=_error_bars(run),
                fmt="-o",
                color=colour,
                markersize=4,
                capsize=2.5,
                linewidth=1.2,
                label=f"{block['short'].iloc[0]} ({block['positive_label'].iloc[0]})",
                gid=qid if number == 0 else f"{qid}|{number}",
            )
        for _, point in points[points["question_id"] == qid].iterrows():
            (marker,) = ax.plot(
                _date_num(point["when"]),
                float(point["share"]),
                marker="o",
                markerfacecolor="white",
                color=colour,
                linestyle="none",
            )
            # Titled with its question and pollster: '2020-03-31: 82' named neither.
            by = f" by {point['pollster']}" if pd.notna(point.get("pollster")) else ""
            style.hover_labels(
                marker,
                [
                    f"{block['short'].iloc[0]} ({block['positive_label'].iloc[0]}), published"
                    f"{by}, {point['when']:%Y-%m-%d}: {float(point['share']):g}%"
                ],
            )
            ax.annotate(
                f"{point['share']:g}% ({point['when'].year}, published)",
                (_date_num(point["when"]), float(point["share"])),
                xytext=(-6, -3),
                textcoords="offset points",
                fontsize=style.size("small"),
                ha="right",
                color=colour,
            )
    ax.set_ylim(0, 100)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    style.label_axes(ax, title, "Fieldwork (middle of each round)", "% of adults")
    _legend_once(ax, ncols=1 if style.current().narrow else 2)
    return ax


def _round_point_text(group: str, row: pd.Series) -> str:
    """'North, round 7 (fieldwork 8 February 2017 to 24 February 2017): 63.1% (51.9–73.0)'."""
    period = fieldwork_span(row.get("fieldwork_start"), row.get("fieldwork_end"))
    text = f"{group}, round {row.get('round')} (fieldwork {period}): {float(row['share']):.1f}%"
    low, high = row.get("low"), row.get("high")
    if low is not None and high is not None and pd.notna(low) and pd.notna(high):
        text += f" ({float(low):.1f}–{float(high):.1f})"
    return text


def draw_national_vs_north(ax: Axes, combined: pd.DataFrame) -> Axes:
    """One question: national share against the north and the rest of Mali, per round;
    ``combined`` holds the estimates of each group (its ``group`` column), in drawing order."""
    if combined.empty:
        raise ValueError("no estimates to draw")
    combined = combined.assign(when=fieldwork_mid(combined))
    groups = list(dict.fromkeys(combined["group"]))
    offsets = {g: (i - (len(groups) - 1) / 2) * 40 for i, g in enumerate(groups)}  # days
    for index, group in enumerate(groups):
        block = combined[combined["group"] == group].sort_values("when")
        shown = block[~block["suppressed"].astype(bool)]
        colour = style.PALETTE[index % len(style.PALETTE)]
        for run in joined_runs(shown):
            x = mdates.date2num(
                (run["when"] + pd.to_timedelta(offsets[group], unit="D")).dt.to_pydatetime()
            )
            points_line, _, _ = ax.errorbar(
                x,
                run["share"].astype(float),
                yerr=_error_bars(run),
                fmt="-o",
                color=colour,
                markersize=4,
                capsize=2.5,
                linewidth=1.2,
                label=group,
            )
            # The x positions are dodged by some days: the titles say the round's fieldwork.
            style.hover_labels(
                points_line, [_round_point_text(group, row) for _, row in run.iterrows()]
            )
        for _, row in block[block["suppressed"].astype(bool)].iterrows():
            ax.annotate(
                f"{group}: {row['note']}",
                (_date_num(row["when"]), 5),
                fontsize=style.size("small"),
                color=colour,
                rotation=90,
                va="bottom",
            )
    ax.set_ylim(0, 100)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    short = combined["short"].iloc[0]
    style.label_axes(ax, f"{short}: national, north and rest of Mali", "Fieldwork", "% of adults")
    _legend_once(ax)
    return ax


def draw_region_heatmap(ax: Axes, estimates: pd.DataFrame) -> Axes:
    """Region x round shares for one question as a seaborn heat map; grey cells were not
    sampled, or hold fewer respondents than the minimum ('too few respondents')."""
    table = region_round_table(estimates)
    values = table.to_numpy(dtype=float)
    # seaborn masks the missing cells (not drawn, so never read as 0): the axes' grey shows
    sns.heatmap(
        table.rename(columns=lambda number: f"R{number}"),
        ax=ax,
        cmap="Blues",
        vmin=0,
        vmax=100,
        annot=True,
        fmt=".0f",
        annot_kws={"fontsize": style.size("text")},
        cbar_kws={"fraction": 0.04, "pad": 0.02},
    )
    ax.collections[0].colorbar.set_label("% of adults", fontsize=style.size("small"))
    ax.set_facecolor("#e0e0e0")
    suppressed = estimates[estimates["suppressed"].astype(bool)].set_index(["group", "round"])
    for i, region in enumerate(table.index):
        for j, number in enumerate(table.columns):
            if np.isnan(values[i, j]):
                text = (
                    "too few\nrespondents"
                    if (region, number) in suppressed.index
                    else "not sampled"
                )
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    text,
                    ha="center",
                    va="center",
                    fontsize=style.size("small"),
                    color="#555555",
                )
    ax.tick_params(axis="y", rotation=0)
    ax.grid(False)
    short = estimates["short"].iloc[0] if len(estimates) else ""
    return style.label_axes(ax, f"{short} by region and round", "Afrobarometer round", "")


def draw_estimate_bars(ax: Axes, estimates: pd.DataFrame, title: str = "What Malians said") -> Axes:
    """Several questions (or groups) side by side as bars with 95% error bars and DK shares;
    a suppressed row keeps its place and says why it has no bar.

    The bars are seaborn's, one per row (``errorbar=None``: seaborn would compute its own
    intervals from respondent-level rows); the error bars are the design-based intervals
    already estimated (analysis.analyses.opinion)."""
    rows = estimates.reset_index(drop=True)
    labels = [
        f"{row['short']}: {row['positive_label']} (R{row['round']}"
        f"{'' if row['group'] == ALL_GROUP else ', ' + str(row['group'])})"
        for _, row in rows.iterrows()
    ]
    shown = rows[~rows["suppressed"].astype(bool)]
    share = shown["share"].astype(float)
    if len(shown):
        # Rows are placed by their position, not their label: two rows never share a bar.
        sns.barplot(
            x=share.to_numpy(),
            y=shown.index.to_numpy(),
            order=list(rows.index),
            orient="h",
            errorbar=None,
            color=style.PALETTE[0],
            saturation=1,
            alpha=0.85,
            width=_bar_width(),
            ax=ax,
        )
        ax.errorbar(
            share,
            shown.index,
            xerr=[share - shown["low"].astype(float), shown["high"].astype(float) - share],
            fmt="none",
            color="black",
            capsize=2.5,
            linewidth=0.9,
        )
    for position, row in rows.iterrows():
        if row["suppressed"]:
            ax.text(
                1, position, row["note"], va="center", fontsize=style.size("small"), color="#555555"
            )
        else:
            ax.text(
                float(row["high"]) + 1.5,
                position,
                f"{row['share']:.0f}%\n(don't know {row['dont_know']:.0f}%)",
                va="center",
                fontsize=style.size("text"),  # a value: at the body text size
            )
    _label_rows(ax, labels, 58, 2)
    _share_axis(ax)
    return style.label_axes(ax, title, "% of adults (95% interval)", "", _title_chars())
