"""Figures of attack trends: national trend, splits, geographic shift, change points, Sahel.

Every ``draw_*`` function draws on the ``ax`` it is given, in the project style
(analysis.figures.style), gives it a title and axis labels, and returns it; it never touches the
figure. The source line is written once under the whole figure by the code that shows it
(``reports.display.figure(..., source=...)``). ``trend_layout`` draws the two-panel figure of
events and deaths per period.

Groups, event types and countries take their colours from analysis.figures.colours; keys sit
under the axes (style.legend_below) or at the lines' ends, never on the data; the values a
reader looks for (a peak, the last year, a bar's total) are written on the figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from analysis.analyses.changepoints import ChangePoint
from analysis.figures import colours, style
from analysis.figures.milestones import draw_milestones

#: North to south from warm to cool, in the palette's vermilion, orange and blue.
ZONE_COLOURS = {
    "north": style.COLORBLIND[3],
    "centre": style.COLORBLIND[1],
    "south": style.COLORBLIND[0],
}
OTHER_COLOUR = colours.OTHER_COLOUR


def draw_trend(
    ax: Axes,
    table: pd.DataFrame,
    title: str,
    measure: str = "deaths_best",
    period_label: str = "month",
    label: str | None = None,
) -> Axes:
    """Deaths (line, with the low-high band where there is one) or events (bars) per period."""
    x = table.index
    width = _bar_width(table.index, period_label)
    if measure == "events":
        ax.bar(x, table["events"], width=width, color=style.PALETTE[0], label=label or "events",
               align="edge")  # fmt: skip
        ylabel = f"Events per {period_label}"
        _label_peak(ax, table["events"], style.PALETTE[0], period_label)
    else:
        ax.plot(x, table["deaths_best"], color=style.PALETTE[1], linewidth=1.4,
                label=label or "deaths (best estimate)", drawstyle="steps-post")  # fmt: skip
        end = _after_last(x)  # a 'post' step gives the last period no width otherwise
        if end is not None:
            last = float(table["deaths_best"].iloc[-1])
            ax.plot([x[-1], end], [last, last], color=style.PALETTE[1], linewidth=1.4)
        if "deaths_low" in table and table["deaths_low"].notna().any():
            ax.fill_between(x, table["deaths_low"], table["deaths_high"], step="post",
                            color=style.PALETTE[1], alpha=style.INTERVAL_ALPHA,
                            label="low-high estimates")  # fmt: skip
        ylabel = f"Deaths per {period_label}"
        _label_peak(ax, table["deaths_best"], style.PALETTE[1], period_label)
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    # One series per panel, named by its axis label; the band is said in the caption.
    return style.label_axes(ax, title, "", ylabel)


def _label_peak(ax: Axes, values: pd.Series, colour: str, period_label: str) -> None:
    """Write the highest value of a series over it, with its period ('peak 15, Mar 2013')."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.dropna().empty or not numeric.max() > 0:
        return
    when = numeric.idxmax()
    shown = {"year": "%Y", "quarter": "%b %Y"}.get(period_label, "%b %Y")
    period = when.strftime(shown) if isinstance(when, pd.Timestamp) else str(when)
    ax.annotate(
        f"peak {style.format_count(float(numeric.max()))}, {period}",
        (when, float(numeric.max())),
        xytext=(3, 2),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=style.size("small"),
        color=colour,
        annotation_clip=False,
    )
    ax.set_ylim(top=float(numeric.max()) * 1.15)


def draw_annual_series(
    ax: Axes,
    series: Mapping[str, pd.DataFrame],
    title: str,
    ylabel: str = "Deaths per year",
    colours_by_label: Mapping[str, str] | None = None,
) -> Axes:
    """Several annual death series (year, deaths_best, optional deaths_low/high) as lines, each
    named at its end with its last value. A series takes its colour from
    ``colours_by_label``, else the palette in the order the series are given."""
    # Names at the lines' ends where they are short or the column is wide; on a phone's
    # column long names go in a key under the axes and the ends say only the last value.
    named_at_ends = not style.current().narrow or all(len(str(k)) <= 14 for k in series)
    ends = []
    for i, (label, table) in enumerate(series.items()):
        colour = (colours_by_label or {}).get(label) or style.PALETTE[i % len(style.PALETTE)]
        years = table["year"].astype(float)
        best = table["deaths_best"].astype(float)
        (line,) = ax.plot(years, best, marker="o", markersize=3, color=colour, label=label)
        if colours_by_label and label in colours_by_label:
            colours.tag(line, "country", label)
        low = table.get("deaths_low")
        if low is not None and low.notna().any():
            ax.fill_between(table["year"], low.astype(float), table["deaths_high"].astype(float),
                            color=colour, alpha=style.INTERVAL_ALPHA)  # fmt: skip
        shown = best.notna().to_numpy()
        if shown.any():
            year, value = float(years[shown].iloc[-1]), float(best[shown].iloc[-1])
            last = f"{style.format_count(value)} in {year:.0f}"
            name = textwrap.fill(str(label), 24)
            ends.append((year, value, f"{name}\n{last}" if named_at_ends else last, colour))
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(_year_locator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    style.label_axes(ax, title, "Year", ylabel)
    style.label_ends(ax, ends)
    if not named_at_ends:
        style.legend_below(ax, ncols=1)
    return ax


def draw_national_trend(
    ax: Axes,
    series: Mapping[str, pd.DataFrame],
    title: str,
    milestones: pd.DataFrame,
    **options: str,
) -> Axes:
    """The national annual death series (draw_annual_series) with the timeline's milestones
    marked on the year axis."""
    draw_annual_series(ax, series, title, **options)
    draw_milestones(ax, milestones, axis_kind="year")
    return ax


def draw_split(
    ax: Axes,
    wide_table: pd.DataFrame,
    title: str,
    ylabel: str,
    top: int = 6,
    colours_by_part: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "",
    kind: str | None = None,
    keys: Mapping[str, str] | None = None,
) -> Axes:
    """Stacked bars per period of the largest ``top`` parts; the rest are summed as 'other'.

    ``kind`` ("group", "type": analysis.figures.colours.KINDS) colours each part by what it
    is: the column's name, or its register key in ``keys`` (a UCDP side's group id); a group
    without a colour of its own is grey with its hatch. ``colours_by_part`` overrides a part's
    colour. The key sits under the axes; each bar's total is written over it where all fit.
    """
    table = wide_table.copy()
    if table.shape[1] > top:
        # The largest parts by total over the period, whatever order the columns came in
        # (alphabetical columns once hid JNIM, the largest, in 'other').
        totals = wide_table.sum(axis=0, numeric_only=True)
        ranked = totals.sort_values(ascending=False, kind="stable").index
        kept = [column for column in wide_table.columns if column in set(ranked[:top])]
        table = table[kept].assign(other=wide_table.drop(columns=kept).sum(axis=1))
    index = table.index
    positions = index.year if isinstance(index, pd.DatetimeIndex) else index
    bottom = pd.Series(0.0, index=index)
    for i, column in enumerate(table.columns):
        key = (keys or {}).get(column, column)
        colour, hatch = _part_colour(column, key, i, kind, colours_by_part)
        bars = ax.bar(positions, table[column], bottom=bottom, color=colour, width=0.8,
                      label=(labels or {}).get(column, str(column)), hatch=hatch,
                      hatchcolor="white", linewidth=0)  # fmt: skip
        if kind is not None and column != "other":
            colours.tag(bars, kind, key)
        bottom = bottom + table[column]
    ax.xaxis.set_major_locator(_year_locator())
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole ticks
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    style.label_axes(ax, title, xlabel or "Year", ylabel)
    style.label_totals(ax, list(positions), bottom.to_numpy(dtype=float))
    style.legend_below(ax)
    return ax


def _part_colour(
    column: str, key: str, position: int, kind: str | None, given: Mapping[str, str] | None
) -> tuple[str, str | None]:
    """A stacked part's colour and hatch: given, the register's for its kind, grey for
    'other', else the palette by position (parts of no kind in the register)."""
    if given and column in given:
        return given[column], None
    if column == "other":
        return OTHER_COLOUR, None
    if kind == "group":
        return colours.group_colour(key), colours.group_hatch(key)
    if kind is not None:
        return colours.colour(kind, key), None
    return style.PALETTE[position % len(style.PALETTE)], None


def draw_shift(ax: Axes, shift: pd.DataFrame, title: str) -> Axes:
    """Share of deaths per zone per year (stacked) and the deaths-weighted mean latitude."""
    years = shift.index
    bottom = pd.Series(0.0, index=years)
    for zone in ("north", "centre", "south"):
        share = shift[f"share_deaths_{zone}"].fillna(0)
        ax.bar(years, share, bottom=bottom, color=ZONE_COLOURS[zone], width=0.8, label=zone)
        bottom = bottom + share
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    twin = ax.twinx()
    (latitude_line,) = twin.plot(years, shift["deaths_weighted_latitude"], color="black",
                                 marker="o", markersize=3, linewidth=1.2,
                                 label="deaths-weighted latitude")  # fmt: skip
    if "deaths_with_coordinates" in shift:
        # A year's latitude may rest on a few of its deaths (a chronology gives coordinates
        # for few): each point says how many.
        placed = shift[[f"deaths_{zone}" for zone in ZONE_COLOURS]].sum(axis=1)
        style.hover_labels(
            latitude_line,
            [
                f"deaths-weighted latitude: {year}: {latitude:.1f}°N "
                f"({located:,.0f} of {placed[year]:,.0f} deaths have coordinates)"
                for year, latitude, located in zip(
                    years,
                    shift["deaths_weighted_latitude"],
                    shift["deaths_with_coordinates"],
                    strict=True,
                )
                if pd.notna(latitude)
            ],
        )
    twin.set_ylabel("Mean latitude of deaths (°N)")
    twin.grid(False)
    handles, names = ax.get_legend_handles_labels()
    twin_handles, twin_names = twin.get_legend_handles_labels()
    ax.xaxis.set_major_locator(_year_locator())
    style.label_axes(ax, title, "Year", "Share of deaths by zone")
    # Below the axes: inside, the legend hides the latitude line in some years.
    style.legend_below(ax, handles + twin_handles, names + twin_names)
    return ax


def _after_last(index: pd.Index) -> object | None:
    """Where the period after the last one starts (a month, a year on), or None when the index
    has too few points to tell its step."""
    if len(index) < 2:
        return None
    last, before = index[-1], index[-2]
    if isinstance(index, pd.DatetimeIndex) and last.day == before.day == 1:
        # months and years differ in days: step by whole months (12 for a year)
        months = (last.year - before.year) * 12 + last.month - before.month
        if months > 0:
            return last + pd.DateOffset(months=months)
    return last + (last - before)


def draw_change_points(
    ax: Axes,
    series: pd.Series,
    points: Sequence[ChangePoint],
    title: str,
    ylabel: str,
) -> Axes:
    """A series with its change points (dashed lines, dated) and segment means (flat lines)."""
    ax.plot(series.index, series.to_numpy(dtype=float), color=style.PALETTE[0], linewidth=1.0,
            drawstyle="steps-post", label=ylabel.lower())  # fmt: skip
    # A 'post' step ends at its last point: the last period (2023's deaths) had no width.
    end = _after_last(series.index)
    if end is not None:
        ax.hlines(float(series.iloc[-1]), series.index[-1], end, color=style.PALETTE[0],
                  linewidth=1.0)  # fmt: skip
    cuts = [0, *[p.position for p in points], len(series)]
    for k, (first, stop) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        part = series.iloc[first:stop]
        right = series.index[stop] if stop < len(series) else (end or series.index[-1])
        ax.hlines(part.mean(), part.index[0], right,
                  color=style.PALETTE[1], linewidth=2,
                  label="segment mean" if k == 0 else None)  # fmt: skip
    for point in points:
        when = point.date
        label = when.strftime("%b %Y") if isinstance(when, pd.Timestamp) else str(when)
        ax.axvline(when, color="#333333", linestyle="--", linewidth=0.8)
        ax.annotate(label, (when, 1.0),
                    xycoords=("data", "axes fraction"), rotation=90, va="top", ha="right",
                    fontsize=style.size("small"), color="#333333")  # fmt: skip
    ax.set_ylim(bottom=0)
    if isinstance(series.index, pd.DatetimeIndex):
        _date_axis(ax)
    style.label_axes(ax, title, "", ylabel)
    style.legend_below(ax)
    return ax


def draw_sahel(
    ax: Axes,
    annual: pd.DataFrame,
    title: str,
    countries: Sequence[str] = ("Mali", "Burkina Faso", "Niger"),
) -> Axes:
    """Deaths per year in each Sahel country (an annual table with country, year, deaths),
    each country in its own colour (analysis.figures.colours)."""
    series = {
        country: annual[annual["country"] == country].sort_values("year")
        for country in countries
        if (annual["country"] == country).any()
    }
    return draw_annual_series(
        ax, series, title, colours_by_label=colours.colours("country", series)
    )


def trend_layout(
    monthly: pd.DataFrame, titles: tuple[str, str], period: str = "month"
) -> tuple[Figure, tuple[Axes, Axes]]:
    """Events (top, bars) and deaths (bottom, line and band) per period, on a shared x axis."""
    fig, (top, bottom) = style.new_figure(height_in=5.2, nrows=2, sharex=True)
    draw_trend(top, monthly, titles[0], measure="events", period_label=period)
    draw_trend(bottom, monthly, titles[1], period_label=period)
    return fig, (top, bottom)


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _year_locator():
    return MaxNLocator(integer=True, nbins=8)


def _bar_width(index: pd.Index, period: str) -> float:
    days = {"month": 28, "quarter": 85, "year": 330}.get(period, 28)
    return float(days)
