"""Counts and deaths over time from the canonical event table: totals, splits, lethality.

Conventions, shared by every function here:

* **Periods** are calendar months, quarters or years, labelled by their first day.
* **Coverage.** No data is not zero. ``per_period`` takes the days the dataset covers (a
  ``Coverage`` record from analysis.tables.events, by default the frame's
  ``attrs["coverage"]``): a period with no covered day has missing (NaN) counts, a covered
  period with no events has zeros, and ``covered_share`` says which share of each period's
  days is covered (within the report period), so that a partial period (a month half
  covered) is marked and can be left out of comparisons (``whole_periods``). Without any
  coverage record, ``start`` to ``end`` are taken as covered, as the caller states them.
* **Deaths** are summed from ``deaths_best``; an event without a figure adds 0 and is counted
  in ``events_without_deaths``.
* **Bands.** ``deaths_low``/``deaths_high`` are given only when the dataset has bands (UCDP
  GED; curated rows where a source gives them). An event without a band adds its best
  estimate to both bounds; where a source's best falls outside its own low-high range (6
  rows of the GED 19.1 sample), the band is widened to include it. ``band_events`` counts
  the events that had a band. Datasets with no band at all (ACLED) get no bounds.
* **Splits** by a list column (groups, targets) count an event once under each of its
  groups or targets, so the parts can add up to more than the total.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from analysis.core import regions
from analysis.core.dates import period_text
from analysis.core.period import as_date
from analysis.tables.events import Coverage

PERIOD_FREQUENCIES: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}
#: Split keys and the column each reads; list columns are exploded.
SPLITS: dict[str, str] = {
    "group": "group_ids",
    "event_type": "event_type",
    "target": "target",
    "civilian": "civilian_targeted",
    "admin1": "admin1",
    "admin2": "admin2",
    "zone": "zone",
    "dataset": "dataset",
    "country": "country",
}
_EMPTY_LABEL = {
    "group": "unattributed",
    "target": "unspecified",
    "admin1": "unknown",
    "admin2": "unknown",
    "zone": "unknown",
}


def period_start(dates: pd.Series, period: str = "month") -> pd.Series:
    """The first day of the month, quarter or year each date falls in."""
    if period not in PERIOD_FREQUENCIES:
        raise ValueError(f"period must be one of {', '.join(PERIOD_FREQUENCIES)}, not {period!r}")
    return pd.to_datetime(dates).dt.to_period(PERIOD_FREQUENCIES[period]).dt.start_time


def period_range(start: object, end: object, period: str = "month") -> pd.DatetimeIndex:
    """Every period start from the period holding ``start`` to the one holding ``end``."""
    frequency = PERIOD_FREQUENCIES[period]
    periods = pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq=frequency)
    return periods.start_time


def per_period(
    events: pd.DataFrame,
    period: str = "month",
    start: object = None,
    end: object = None,
    coverage: Coverage | None = None,
) -> pd.DataFrame:
    """Events and deaths (best, with low/high where the data has bands) per period, and the
    share of each period's days the data covers; uncovered periods are NaN, never 0."""
    frame = _prepared(events, period)
    grouped = frame.groupby("period")
    table = pd.DataFrame(
        {
            "events": grouped.size(),
            "deaths_best": grouped["best"].sum(),
            "deaths_low": grouped["low"].sum(),
            "deaths_high": grouped["high"].sum(),
            "band_events": grouped["has_band"].sum(),
            "events_without_deaths": grouped["no_deaths"].sum(),
        }
    )
    coverage = coverage if coverage is not None else events.attrs.get("coverage")
    if coverage is not None and start is None and end is None and coverage.spans:
        start, end = coverage.first, coverage.last
    index = _full_index(frame, period, start, end)
    table = table.reindex(index, fill_value=0)
    table.index.name = "period"
    if not frame["has_band"].any():
        table["deaths_low"] = float("nan")
        table["deaths_high"] = float("nan")
    counts = ["events", "deaths_best", "band_events", "events_without_deaths"]
    table["covered_share"] = covered_share(index, period, coverage, start, end)
    uncovered = table["covered_share"] == 0
    if uncovered.any():
        measures = [*counts, "deaths_low", "deaths_high"]
        table[measures] = table[measures].astype("float64")
        table.loc[uncovered, measures] = float("nan")
        return table
    return table.astype(dict.fromkeys(counts, "int64"))


def covered_share(
    index: pd.DatetimeIndex,
    period: str,
    coverage: Coverage | None,
    start: object = None,
    end: object = None,
) -> pd.Series:
    """The share of each period's days that the data covers and the report period includes
    (1.0 everywhere when there is no coverage record)."""
    if coverage is None:
        return pd.Series(1.0, index=index, dtype="float64")
    low = as_date(start) if start is not None else date.min
    high = as_date(end) if end is not None else date.max
    shares = []
    for first in index:
        last = (first.to_period(PERIOD_FREQUENCIES[period]).end_time).date()
        first_day = first.date()
        days = (last - first_day).days + 1
        shares.append(coverage.days_covered(max(first_day, low), min(last, high)) / days)
    return pd.Series(shares, index=index, dtype="float64")


def coverage_caption(table: pd.DataFrame, period: str, name: str) -> str:
    """What a chart of ``per_period``'s table does not show, in words: where the data starts
    late, stops early or has a gap, and which periods are partial ('' when all are whole)."""
    if "covered_share" not in table or not len(table):
        return ""
    share = table["covered_share"]
    covered = share > 0
    if not covered.any():
        return f"The {name} covers none of these {period}s: nothing is drawn."
    fmt = {"month": "%B %Y", "quarter": "%B %Y", "year": "%Y"}[period]
    parts = []
    first, last = covered.idxmax(), covered[::-1].idxmax()
    if first != share.index[0]:
        parts.append(
            f"the {name} starts in {first.strftime(fmt)}: earlier {period}s are not covered"
        )
    if last != share.index[-1]:
        parts.append(
            f"the {name} ends in {last.strftime(fmt)}: the {period}s after it are not covered "
            "and not drawn (missing, not zero)"
        )
    inside = share[first:last]
    if (inside == 0).any():
        holes = inside.index[inside == 0]
        parts.append(
            f"it has no data for {len(holes)} {period}{'s' if len(holes) > 1 else ''} in between "
            f"({holes[0].strftime(fmt)} to {holes[-1].strftime(fmt)}), left blank"
        )
    partial = share.index[(share > 0) & (share < 1)]
    if len(partial):
        names = ", ".join(f"{p.strftime(fmt)} ({share[p]:.0%} covered)" for p in partial[:3]) + (
            " ..." if len(partial) > 3 else ""
        )
        parts.append(
            f"partly covered {period}s are counted as far as they are covered but left out of "
            f"comparisons and change points: {names}"
        )
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def whole_periods(table: pd.DataFrame) -> pd.DataFrame:
    """The periods the data covers whole (partial and uncovered ones left out)."""
    if "covered_share" not in table:
        return table
    return table[table["covered_share"] >= 1.0]


def split(
    events: pd.DataFrame,
    by: str,
    period: str = "year",
    start: object = None,
    end: object = None,
) -> pd.DataFrame:
    """Events and deaths per period and per value of ``by`` (group, event_type, target,
    civilian, admin1, admin2, zone, dataset, country), as a long table."""
    if by not in SPLITS:
        raise ValueError(f"cannot split by {by!r}; use one of: {', '.join(SPLITS)}")
    frame = _prepared(events, period)
    column = SPLITS[by]
    if by == "zone":
        frame["zone"] = regions.zones_of(frame)
    values = frame[column]
    if by in ("group", "target"):
        # plain lists in an object column: where every list is empty, a column pandas infers
        # from Arrow lists holds list<null>, which cannot be exploded
        values = pd.Series(
            [list(items) if items is not None else [] for items in values],
            index=values.index,
            dtype="object",
        )
        frame = frame.assign(key=values).explode("key")
    elif by == "civilian":
        frame = frame.assign(
            key=values.map(lambda v: "civilians targeted" if v is True else "other targets")
        )
    else:
        frame = frame.assign(key=values)
    frame["key"] = frame["key"].astype("object").where(frame["key"].notna(), None)
    frame["key"] = frame["key"].fillna(_EMPTY_LABEL.get(by, "unknown"))
    grouped = frame.groupby(["period", "key"])
    table = pd.DataFrame(
        {
            "events": grouped.size(),
            "deaths_best": grouped["best"].sum().astype("int64"),
            "deaths_low": grouped["low"].sum(),
            "deaths_high": grouped["high"].sum(),
        }
    ).reset_index()
    if start is not None or end is not None:
        table = table[table["period"].isin(_full_index(frame, period, start, end))]
    return table.rename(columns={"key": by}).reset_index(drop=True)


def wide(split_table: pd.DataFrame, by: str, measure: str = "deaths_best") -> pd.DataFrame:
    """A split table as periods x values (zeros where a value has no events)."""
    table = split_table.pivot_table(
        index="period", columns=by, values=measure, aggfunc="sum", fill_value=0
    )
    return table[table.sum().sort_values(ascending=False).index]


def lethality(events: pd.DataFrame, period: str = "year", by: str | None = None) -> pd.DataFrame:
    """Deaths per event (best estimate) per period, overall or by a split key."""
    table = split(events, by, period) if by else per_period(events, period).reset_index()
    table = table[table["events"] > 0].copy()
    table["deaths_per_event"] = table["deaths_best"] / table["events"]
    columns = ["period", *([by] if by else []), "events", "deaths_best", "deaths_per_event"]
    return table[columns].reset_index(drop=True)


def deadliest(events: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The n events with the most deaths (best estimate), newest first among ties."""
    columns = [
        "date",
        "country",
        "admin1",
        "location",
        "event_type",
        "event_type_original",
        "actors",
        "group_ids",
        "deaths_best",
        "deaths_low",
        "deaths_high",
        "description",
        "dataset",
        "event_id",
    ]
    known = events[events["deaths_best"].notna()]
    ordered = known.sort_values(["deaths_best", "date"], ascending=[False, False], kind="stable")
    return ordered.head(n)[columns].reset_index(drop=True)


def annual_totals(annual: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sum an annual table (ucdp-brd, owid) per year, or per year and ``by`` (country, side_b)."""
    keys = ["year", by] if by else ["year"]
    table = annual.groupby(keys)[["deaths_best", "deaths_low", "deaths_high"]].sum(min_count=1)
    return table.reset_index()


def _prepared(events: pd.DataFrame, period: str) -> pd.DataFrame:
    """Period labels, and best/low/high as floats with the band rules applied."""
    best = pd.to_numeric(events["deaths_best"], errors="coerce").astype("float64")
    low = pd.to_numeric(events["deaths_low"], errors="coerce").astype("float64")
    high = pd.to_numeric(events["deaths_high"], errors="coerce").astype("float64")
    has_band = low.notna() & high.notna() & best.notna()
    frame = events.copy()
    frame["period"] = period_start(events["date"], period)
    frame["best"] = best.fillna(0.0)
    frame["no_deaths"] = best.isna()
    frame["has_band"] = has_band
    frame["low"] = np.where(has_band, np.fmin(low, frame["best"]), frame["best"])
    frame["high"] = np.where(has_band, np.fmax(high, frame["best"]), frame["best"])
    return frame


def _full_index(frame: pd.DataFrame, period: str, start: object, end: object) -> pd.DatetimeIndex:
    first = start if start is not None else frame["period"].min()
    last = end if end is not None else frame["period"].max()
    if pd.isna(first) or pd.isna(last):
        return pd.DatetimeIndex([], name="period")
    return pd.DatetimeIndex(period_range(first, last, period), name="period")


def annual_wide(annual: pd.DataFrame, by: str = "country") -> pd.DataFrame:
    """An annual table as years x ``by`` (country, side_b) of best-estimate deaths.

    By country, a year a country's series does not cover is missing (NaN), never 0; by group
    (side_b), a year the table covers in which a group has no row had no deaths from it."""
    table = annual.pivot_table(index="year", columns=by, values="deaths_best", aggfunc="sum")
    if by != "country":
        return table.fillna(0).astype("int64")
    return table.astype("Int64") if table.notna().all().all() else table.astype("float64")


def first_year_above(wide_table: pd.DataFrame, country: str, other: str) -> int | None:
    """The first year in which ``country`` had more deaths than ``other`` (None if never);
    only years both series cover are compared."""
    if country not in wide_table or other not in wide_table or country == other:
        return None
    both = wide_table[[country, other]].dropna().astype("float64")
    above = both.index[both[country] > both[other]]
    return int(above[0]) if len(above) else None


def groups_per_year(brd: pd.DataFrame) -> pd.Series:
    """How many distinct armed groups (side_b) UCDP records fighting in each year."""
    fought = brd[pd.to_numeric(brd["deaths_best"], errors="coerce").fillna(0) > 0]
    return fought.groupby("year")["side_b"].nunique().rename("groups")


# --- the latest weeks against the weeks before and the year before --------------------------

#: The "Latest" comparison: the last 4 weeks against the 4 before and the same 4 a year (52
#: weeks, so the same weekdays) earlier, as ACLED's Trendfinder compares weeks.
LATEST_DAYS = 28
YEAR_DAYS = 364


def latest_windows(last: date, days: int = LATEST_DAYS) -> dict[str, tuple[date, date]]:
    """The three windows ending on ``last`` (the last day the data covers): latest, previous,
    and the same days a year (52 weeks) earlier."""

    def window(end: date) -> tuple[date, date]:
        return end - timedelta(days=days - 1), end

    return {
        "latest": window(last),
        "previous": window(last - timedelta(days=days)),
        "year before": window(last - timedelta(days=YEAR_DAYS)),
    }


def latest_table(
    events: pd.DataFrame,
    coverage: Coverage,
    by: str | None = None,
    days: int = LATEST_DAYS,
) -> pd.DataFrame:
    """Events and deaths in each window (``latest_windows`` from the coverage's last day), in
    total or per value of ``by`` (admin1, group); a window the data does not cover whole is
    missing (NaN), never 0, and so are the deaths of events that give no death figure. Rows
    sorted by the latest window's events."""
    if coverage.last is None:
        return pd.DataFrame()
    windows = latest_windows(coverage.last, days)
    dates = pd.to_datetime(events["date"]).dt.date
    deaths = pd.to_numeric(events["deaths_best"], errors="coerce")
    if by is None:
        keys = pd.Series("all", index=events.index)
    elif by == "group":
        keys = events["group_ids"].map(lambda ids: list(ids) if len(ids) else ["unattributed"])
    else:
        keys = events[SPLITS.get(by, by)].fillna(_EMPTY_LABEL.get(by, "unknown"))
    frame = pd.DataFrame({"key": keys, "date": dates, "deaths": deaths}).explode("key")
    table = pd.DataFrame(index=pd.Index(sorted(frame["key"].unique()), name=by or "all"))
    for name, (first, last) in windows.items():
        inside = frame[(frame["date"] >= first) & (frame["date"] <= last)].groupby("key")
        whole = coverage.days_covered(first, last) == days
        events_in = inside.size().reindex(table.index, fill_value=0).astype("float64")
        # events none of which gives a death figure have unknown deaths (NaN), not 0; a
        # covered window without events has 0
        deaths_in = (
            inside["deaths"].sum(min_count=1).astype("float64").reindex(table.index)
            .where(events_in > 0, 0.0)
        )  # fmt: skip
        table[f"events {name}"] = events_in if whole else float("nan")
        table[f"deaths {name}"] = deaths_in if whole else float("nan")
    return table.sort_values("events latest", ascending=False, kind="stable")


def highest_in(series: pd.Series, months: int) -> bool | None:
    """Whether the last value of a monthly series (covered, whole months; NaN elsewhere) is the
    highest of the last ``months`` months, as HDX Signals flags a month; None when the series
    does not cover all those months."""
    window = series.iloc[-months:]
    if len(window) < months or window.isna().any():
        return None
    return bool(window.iloc[-1] >= window.max() and window.iloc[-1] > 0)


def last_month_flags(monthly: pd.DataFrame, minimum: int = 100) -> list[str]:
    """Whether the last whole month of a monthly ``per_period`` table is the deadliest in one
    and in three years (against covered months only), and whether it reaches HDX Signals'
    minimum of ``minimum`` deaths for a signal, in one sentence; [] without deaths."""
    whole = monthly[monthly["covered_share"] >= 1.0]
    # a table without deaths (ACLED's demonstrations) has missing deaths, not zero: no flag
    if not len(whole) or whole["deaths_best"].isna().all():
        return []
    month = whole.index[-1]
    series = monthly["deaths_best"].where(monthly["covered_share"] >= 1.0)[:month]
    flags = []
    for months, words in ((12, "one year"), (36, "three years")):
        highest = highest_in(series, months)
        if highest is None:
            flags.append(f"the data does not cover the whole {words} before it")
        else:
            flags.append(f"{'the' if highest else 'not the'} highest in {words}")
    deaths = int(series.iloc[-1])
    flagged = deaths >= minimum and any(f.startswith("the highest") for f in flags)
    verdict = (
        "a signal by HDX Signals' rule"
        if flagged
        else f"below HDX Signals' minimum of {minimum} deaths: no signal"
        if deaths < minimum
        else "no signal by HDX Signals' rule"
    )
    return [
        f"{month:%B %Y}, the last whole month the data covers, had {deaths:,} deaths: "
        + "; ".join(flags)
        + f"; {verdict}."
    ]


def window_words(row: pd.Series, windows: dict[str, tuple[date, date]], window: str) -> str:
    """One 'Latest' window of a ``latest_table`` row in words: its events and deaths and its
    days, or that the data does not cover it whole (deaths missing: 'no death figure')."""
    first, last = windows[window]
    span = period_text(first, last)
    events = row.get(f"events {window}", float("nan"))
    if pd.isna(events):
        return f"the data does not cover all of {span}"
    deaths = row.get(f"deaths {window}", float("nan"))
    deaths_words = "no death figure" if pd.isna(deaths) else f"{int(deaths):,} deaths"
    return f"{int(events):,} event{'' if events == 1 else 's'} and {deaths_words} from {span}"
