"""Figures of public opinion: poll series, Afrobarometer trends, north vs rest, region heat map.

Every figure shows each figure's uncertainty (95% error bars, none where none can be computed,
with the reason marked), and its source line names the question wording, the population, the
fieldwork dates and the source. Each function draws on the ``ax`` it is given (or a new one).
Caption helpers return the same facts as a sentence for ``analysis.reports.display.figure``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.analyses.opinion import region_round_table
from analysis.analyses.polls import NOT_RANDOM
from analysis.figures import style
from analysis.figures.milestones import draw_milestones
from analysis.sources.afrobarometer import NOT_GIVEN, SOURCE_NAME

SOURCE_WRAP = 108  # characters per source line at 7.5 pt on a full-width figure
NO_INTERVAL_MARKER = "D"
RANDOM_MARKER = "o"
#: The palette without its pale yellow, which hollow markers would make invisible.
TIMELINE_COLOURS = [c for c in style.PALETTE if c != "#F0E442"]


def _new_axes(ax: Axes | None, height_in: float = 3.6) -> Axes:
    if ax is not None:
        return ax
    _, new = style.new_figure(height_in=height_in)
    return new


def _fit_source(fig: Figure, text: str) -> None:
    """Write a (wrapped) source line and leave room for all of its lines under the axes."""
    wrapped = "\n".join(textwrap.wrap(text, SOURCE_WRAP)) or text
    style.add_source(fig, wrapped)
    lines = wrapped.count("\n") + 1
    bottom = min(0.5, (0.08 + 0.125 * lines) / fig.get_figheight())
    fig.tight_layout(rect=(0, bottom, 1, 1))
    for item in fig.texts:
        if getattr(item, "_is_source_line", False):
            item.set_verticalalignment("bottom")
            item.set_y(0.005)


def _wrap(text: str, width: int = 60, lines: int = 3) -> str:
    parts = textwrap.wrap(str(text), width)
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" .,;") + " …"
    return "\n".join(parts)


def _period(start: object, end: object) -> str:
    if start is None or pd.isna(start):
        return "dates not given"
    first = pd.Timestamp(start).date().isoformat()
    last = pd.Timestamp(end).date().isoformat() if end is not None and pd.notna(end) else first
    return first if first == last else f"{first} to {last}"


# ----------------------------------------------------------------------------- published polls


def _error_bars(rows: pd.DataFrame) -> np.ndarray | None:
    if rows["low"].isna().all():
        return None
    lower = (rows["share"] - rows["low"]).astype(float).fillna(0).to_numpy()
    upper = (rows["high"] - rows["share"]).astype(float).fillna(0).to_numpy()
    return np.vstack([lower, upper])


def plot_poll_series(
    frame: pd.DataFrame,
    question_id: str,
    ax: Axes | None = None,
    milestones: pd.DataFrame | None = None,
    milestone_labels: bool = True,
    source: bool = True,
) -> Axes:
    """One question series over time: a line per answer and population, 95% error bars.

    Points are joined only within one question_id, answer and population. Hollow markers are
    figures from non-random samples (marked "not a random sample"); diamonds are random samples
    whose size is not reported (no interval can be computed).
    """
    ax = _new_axes(ax)
    rows = frame[(frame["question_id"] == question_id) & frame["when"].notna()]
    rows = rows.sort_values("when")
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
                mdates.date2num(point["when"].to_pydatetime()),
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
                    (mdates.date2num(point["when"].to_pydatetime()), float(point["share"])),
                    xytext=(4, -9),
                    textcoords="offset points",
                    fontsize=6,
                    color="#555555",
                )
    ax.set_ylim(0, 105)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    if len(rows):
        dates = rows["when"]
        pad = pd.Timedelta(days=300)
        ax.set_xlim(mdates.date2num(dates.min() - pad), mdates.date2num(dates.max() + pad))
    if milestones is not None and len(milestones):
        draw_milestones(ax, milestones, axis_kind="date", labels=milestone_labels, max_levels=2)
    question = rows["question"].iloc[0] if len(rows) else question_id
    ax.set_title(_wrap(question, 70, 2), fontsize=8.5)
    ax.set_xlabel("Fieldwork (middle of the period)")
    ax.set_ylabel("% of respondents")
    ax.legend(loc="lower left", fontsize=6.5)
    if source:
        _fit_source(ax.get_figure(), poll_source_line(frame, [question_id]))
    return ax


def poll_series_figure(
    frame: pd.DataFrame,
    question_ids: Sequence[str],
    ax: Sequence[Axes] | None = None,
    milestones: pd.DataFrame | None = None,
) -> Figure:
    """One panel per question series (see plot_poll_series), with a shared source line."""
    ids = list(question_ids)
    if not ids:
        raise ValueError("no question series to draw")
    if ax is None:
        height = 1.0 + 2.4 * len(ids)
        fig, axes = style.new_figure(height_in=height, nrows=len(ids), ncols=1, squeeze=False)
        axes = list(axes[:, 0])
    else:
        axes = list(ax)
        fig = axes[0].get_figure()
    fig.suptitle("Repeated questions over time, one panel per question", fontweight="bold")
    for qid, panel in zip(ids, axes, strict=True):
        plot_poll_series(frame, qid, panel, milestones, source=False)
        if panel is not axes[-1]:
            panel.set_xlabel("")
    _fit_source(fig, poll_source_line(frame, ids))
    return fig


def poll_source_line(frame: pd.DataFrame, question_ids: Sequence[str]) -> str:
    """Source line of a poll figure: pollsters, populations, fieldwork and how to read marks."""
    rows = frame[frame["question_id"].isin(list(question_ids))]
    surveys = []
    for _poll_id, block in rows.groupby("poll_id", sort=False):
        first = block.iloc[0]
        surveys.append(
            f"{first['pollster']} {_period(first['fieldwork_start'], first['fieldwork_end'])}, "
            f"{'; '.join(dict.fromkeys(block['population']))}"
            f"{', press-reported' if block['press_reported'].any() else ''}"
        )
    return (
        f"Source: {'; '.join(surveys)} (curated in polls.csv). Bars: 95% Wilson intervals; "
        "hollow = not a random sample; diamond = sample size not reported (no interval)."
    )


def poll_series_caption(frame: pd.DataFrame, question_ids: Sequence[str]) -> str:
    """Caption naming each series' wording, populations and fieldwork."""
    parts = []
    for qid in question_ids:
        rows = frame[frame["question_id"] == qid]
        if rows.empty:
            continue
        periods = ", ".join(
            dict.fromkeys(
                _period(r["fieldwork_start"], r["fieldwork_end"]) for _, r in rows.iterrows()
            )
        )
        parts.append(
            f"'{rows['question'].iloc[0]}' (populations: {', '.join(dict.fromkeys(rows['population']))}; "
            f"fieldwork: {periods})"
        )
    return "Questions: " + "; ".join(parts) + "."


def plot_side_by_side(
    frame: pd.DataFrame, question_ids: Sequence[str], ax: Axes | None = None
) -> Axes:
    """Figures of questions that only resemble each other, as separate labelled bars."""
    ax = _new_axes(ax, height_in=1.2 + 1.0 * len(question_ids))
    rows = frame[frame["question_id"].isin(list(question_ids))].sort_values("when")
    labels = []
    for position, (_, row) in enumerate(rows.iterrows()):
        random = bool(row["probability_sample"])
        colour = style.PALETTE[position % len(style.PALETTE)]
        ax.barh(
            position, float(row["share"]), color=colour if random else "white", edgecolor=colour
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
        ax.text(float(row["share"]) + 1, position, row["shown"], va="center", fontsize=7)
        year = row["when"].year if pd.notna(row["when"]) else "undated"
        labels.append(
            f"{row['pollster']} {year}, {row['population']}:\n"
            + _wrap(f"'{row['question']}' – {row['response']}", 55, 3)
        )
    ax.set_yticks(range(len(labels)), labels, fontsize=6.5)
    ax.set_xlim(0, 115)
    ax.invert_yaxis()
    style.finish(
        ax,
        "Different questions, shown side by side",
        "% of respondents",
        "",
        "",
    )
    _fit_source(ax.get_figure(), poll_source_line(frame, question_ids))
    return ax


def plot_survey_timeline(
    timeline: pd.DataFrame,
    afrobarometer_rounds: pd.DataFrame | None = None,
    ax: Axes | None = None,
    milestones: pd.DataFrame | None = None,
) -> Axes:
    """When each survey was in the field, one row per pollster; hollow = not a random sample."""
    columns = ["pollster", "when", "random_sample", "figures"]
    entries = (
        timeline.dropna(subset=["when"])[columns]
        if len(timeline)
        else pd.DataFrame(columns=columns)
    )
    if afrobarometer_rounds is not None and len(afrobarometer_rounds):
        extra = afrobarometer_rounds.assign(
            pollster="Afrobarometer microdata",
            when=pd.to_datetime(afrobarometer_rounds["fieldwork_mid"]),
            random_sample=True,
            figures=np.nan,
        )[["pollster", "when", "random_sample", "figures"]]
        entries = pd.concat([e for e in (entries, extra) if len(e)], ignore_index=True)
    pollsters = list(dict.fromkeys(entries.sort_values("when")["pollster"]))
    ax = _new_axes(ax, height_in=1.4 + 0.28 * len(pollsters))
    for _, row in entries.iterrows():
        y = pollsters.index(row["pollster"])
        colour = TIMELINE_COLOURS[y % len(TIMELINE_COLOURS)]
        ax.plot(
            mdates.date2num(row["when"].to_pydatetime()),
            y,
            marker="o",
            markersize=6,
            color=colour,
            markerfacecolor=colour if row["random_sample"] else "white",
            linestyle="none",
        )
    ax.set_yticks(range(len(pollsters)), [_wrap(p, 38, 2) for p in pollsters], fontsize=6.5)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    if len(entries):
        pad = pd.Timedelta(days=200)
        ax.set_xlim(
            mdates.date2num(entries["when"].min() - pad),
            mdates.date2num(entries["when"].max() + pad),
        )
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
    ax.legend(handles=handles, loc="upper right", fontsize=6.5)
    style.finish(ax, "When Malians were asked", "Fieldwork (middle of the period)", "", "")
    _fit_source(
        ax.get_figure(),
        "Source: polls.csv (published toplines, dated by fieldwork or, where none is given, "
        f"publication) and {SOURCE_NAME} (fieldwork dates from the interview dates in the files).",
    )
    return ax


# ----------------------------------------------------------------------------- Afrobarometer


def fieldwork_mid(estimates: pd.DataFrame) -> pd.Series:
    """Middle of each round's fieldwork, as a timestamp."""
    start = pd.to_datetime(estimates["fieldwork_start"])
    end = pd.to_datetime(estimates["fieldwork_end"])
    return start + (end - start) / 2


def afrobarometer_source_line(estimates: pd.DataFrame, population: str = "") -> str:
    """Rounds and fieldwork dates, population, denominator, and the wording when one question.

    Figures of several questions carry their wordings in the caption instead
    (afrobarometer_caption), which keeps the source line readable.
    """
    rounds = estimates.drop_duplicates("round").sort_values("round")
    fieldwork = "; ".join(
        f"R{int(r['round'])} {_period(r['fieldwork_start'], r['fieldwork_end'])}"
        for _, r in rounds.iterrows()
    )
    question = ""
    if estimates["question_id"].nunique() == 1:
        first = estimates.iloc[0]
        wordings = " / ".join(dict.fromkeys(estimates["wording"]))
        question = f" Q ({first['positive_label']}): {wordings}"
    denominator = estimates["denominator"].iloc[0] if len(estimates) else ""
    population = population or "adults 18+, national random sample (about 1,200 per round)"
    return (
        f"Source: {SOURCE_NAME}, {fieldwork}. Population: {population}.{question} "
        f"Weighted (withinwt); bars: 95% intervals (Wilson on Kish effective n); "
        f"denominator: {denominator}."
    )


def plot_trends(
    estimates: pd.DataFrame,
    ax: Axes | None = None,
    published: pd.DataFrame | None = None,
    title: str = "Trust in institutions, Afrobarometer rounds",
) -> Axes:
    """Shares across rounds with 95% error bars, one line per question (national figures).

    ``published`` (optional, from polls toplines) adds later published figures for the same
    question ids as hollow markers, not joined to the microdata line.
    """
    ax = _new_axes(ax)
    data = estimates[estimates["breakdown"] == "none"] if "breakdown" in estimates else estimates
    data = data.assign(when=fieldwork_mid(data))
    drawn_notes: list[str] = []
    for index, (qid, block) in enumerate(data.groupby("question_id", sort=False)):
        colour = style.PALETTE[index % len(style.PALETTE)]
        block = block.sort_values("when")
        shown = block[~block["suppressed"].astype(bool)]
        x = mdates.date2num(shown["when"].dt.to_pydatetime())
        ax.errorbar(
            x,
            shown["share"].astype(float),
            yerr=_error_bars(shown),
            fmt="-o",
            color=colour,
            markersize=4,
            capsize=2.5,
            linewidth=1.2,
            label=f"{block['short'].iloc[0]} ({block['positive_label'].iloc[0]})",
            gid=qid,
        )
        if published is not None and len(published):
            later = published[
                (published["question_id"] == qid)
                & published["response"]
                .str.casefold()
                .eq(block["positive_label"].iloc[0].casefold())
            ]
            for _, point in later.iterrows():
                drawn_notes.append(str(point["interval_note"] or ""))
                ax.plot(
                    mdates.date2num(point["when"].to_pydatetime()),
                    float(point["share"]),
                    marker="o",
                    markerfacecolor="white",
                    color=colour,
                    linestyle="none",
                )
                ax.annotate(
                    f"{point['share']:g}% ({point['when'].year}, published)",
                    (mdates.date2num(point["when"].to_pydatetime()), float(point["share"])),
                    xytext=(-6, -3),
                    textcoords="offset points",
                    fontsize=6,
                    ha="right",
                    color=colour,
                )
    ax.set_ylim(0, 100)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.legend(loc="lower left", fontsize=6.5)
    style.finish(ax, title, "Fieldwork (middle of each round)", "% of adults", "")
    source = afrobarometer_source_line(estimates)
    if drawn_notes:
        notes = "; ".join(dict.fromkeys(n for n in drawn_notes if n))
        source += (
            " Hollow markers: the same questions as published later (polls.csv), without "
            f"microdata{f' ({notes})' if notes else ''}."
        )
    _fit_source(ax.get_figure(), source)
    return ax


def plot_national_vs_north(
    national: pd.DataFrame, north: pd.DataFrame, ax: Axes | None = None
) -> Axes:
    """One question: national share against the north and the rest of Mali, per round."""
    ax = _new_axes(ax)
    frames = [national.assign(group="National"), north[north["group"] != NOT_GIVEN]]
    combined = pd.concat([f for f in frames if len(f)], ignore_index=True)
    if combined.empty:
        raise ValueError("no estimates to draw")
    combined = combined.assign(when=fieldwork_mid(combined))
    groups = list(dict.fromkeys(combined["group"]))
    offsets = {g: (i - (len(groups) - 1) / 2) * 40 for i, g in enumerate(groups)}  # days
    for index, group in enumerate(groups):
        block = combined[combined["group"] == group].sort_values("when")
        shown = block[~block["suppressed"].astype(bool)]
        colour = style.PALETTE[index % len(style.PALETTE)]
        x = mdates.date2num(
            (shown["when"] + pd.to_timedelta(offsets[group], unit="D")).dt.to_pydatetime()
        )
        ax.errorbar(
            x,
            shown["share"].astype(float),
            yerr=_error_bars(shown),
            fmt="-o",
            color=colour,
            markersize=4,
            capsize=2.5,
            linewidth=1.2,
            label=group,
        )
        for _, row in block[block["suppressed"].astype(bool)].iterrows():
            ax.annotate(
                f"{group}: {row['note']}",
                (mdates.date2num(row["when"].to_pydatetime()), 5),
                fontsize=6,
                color=colour,
                rotation=90,
                va="bottom",
            )
    ax.set_ylim(0, 100)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.legend(loc="lower left", fontsize=6.5)
    short = combined["short"].iloc[0]
    style.finish(ax, f"{short}: national, north and rest of Mali", "Fieldwork", "% of adults", "")
    note = " ".join(dict.fromkeys(n for n in combined["round_note"] if isinstance(n, str) and n))
    _fit_source(
        ax.get_figure(),
        afrobarometer_source_line(
            combined, "adults 18+; north = Tombouctou, Gao and Kidal regions as sampled"
        )
        + (f" {note}" if note else ""),
    )
    return ax


def plot_region_heatmap(estimates: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Region x round shares for one question; grey cells were not sampled or suppressed."""
    table = region_round_table(estimates)
    ax = _new_axes(ax, height_in=1.4 + 0.3 * max(len(table), 1))
    values = table.to_numpy(dtype=float)
    masked = np.ma.masked_invalid(values)
    cmap = mpl.colormaps["Blues"].with_extremes(bad="#e0e0e0")
    image = ax.imshow(masked, cmap=cmap, vmin=0, vmax=100, aspect="auto")
    suppressed = estimates[estimates["suppressed"].astype(bool)].set_index(["group", "round"])
    for i, region in enumerate(table.index):
        for j, number in enumerate(table.columns):
            value = values[i, j]
            if np.isnan(value):
                text = "n<min" if (region, number) in suppressed.index else "not sampled"
                ax.text(j, i, text, ha="center", va="center", fontsize=6, color="#555555")
            else:
                ax.text(
                    j,
                    i,
                    f"{value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > 60 else "black",
                )
    ax.set_xticks(range(len(table.columns)), [f"R{c}" for c in table.columns])
    ax.set_yticks(range(len(table.index)), list(table.index))
    ax.grid(False)
    colourbar = ax.get_figure().colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    colourbar.set_label("% of adults", fontsize=7)
    short = estimates["short"].iloc[0] if len(estimates) else ""
    style.finish(ax, f"{short} by region and round", "Afrobarometer round", "", "")
    _fit_source(
        ax.get_figure(),
        afrobarometer_source_line(estimates, "adults 18+ in each region as sampled")
        + " Cells below the minimum sample are suppressed (n<min).",
    )
    return ax


def afrobarometer_caption(estimates: pd.DataFrame, what: str) -> str:
    """Caption: what is shown, then per question its answer counted, rounds with fieldwork
    dates and variable, and its wording (once when every round asked it the same way)."""
    parts = []
    for _qid, block in estimates.groupby("question_id", sort=False):
        block = block.drop_duplicates("round").sort_values("round")
        rounds = ", ".join(
            f"R{r['round']} {r['variable']} ({_period(r['fieldwork_start'], r['fieldwork_end'])})"
            for _, r in block.iterrows()
        )
        wordings = list(dict.fromkeys(block["wording"]))
        wording = (
            f"'{wordings[0]}'"
            if len(wordings) == 1
            else "; ".join(f"R{r['round']}: '{r['wording']}'" for _, r in block.iterrows())
        )
        first = block.iloc[0]
        parts.append(f"{first['short']} ({first['positive_label']}; {rounds}): {wording}")
    return f"{what}. Population: Malian adults, Afrobarometer national random samples. " + " ".join(
        f"{part}." if not part.endswith((".", "?")) else part for part in parts
    )


def plot_estimate_bars(
    estimates: pd.DataFrame, ax: Axes | None = None, title: str = "What Malians said"
) -> Axes:
    """Several questions (or groups) side by side as bars with 95% error bars and DK shares."""
    rows = estimates.reset_index(drop=True)
    ax = _new_axes(ax, height_in=1.6 + 0.42 * max(len(rows), 1))
    labels = []
    for position, row in rows.iterrows():
        group = "" if row["group"] == "All respondents" else f", {row['group']}"
        labels.append(
            _wrap(f"{row['short']}: {row['positive_label']} (R{row['round']}{group})", 58, 2)
        )
        if row["suppressed"]:
            ax.text(1, position, row["note"], va="center", fontsize=6.5, color="#555555")
            continue
        ax.barh(position, float(row["share"]), color=style.PALETTE[0], alpha=0.85, height=0.7)
        ax.errorbar(
            float(row["share"]),
            position,
            xerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
            fmt="none",
            color="black",
            capsize=2.5,
            linewidth=0.9,
        )
        ax.text(
            float(row["high"]) + 1.5,
            position,
            f"{row['share']:.0f}% (don't know {row['dont_know']:.0f}%)",
            va="center",
            fontsize=6.5,
        )
    ax.set_yticks(range(len(labels)), labels, fontsize=6.5)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, 118)
    style.finish(ax, title, "% of adults (95% interval)", "", "")
    _fit_source(ax.get_figure(), afrobarometer_source_line(rows))
    return ax
