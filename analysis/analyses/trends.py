"""Counts and deaths over time from the canonical event table: totals, splits, lethality.

Conventions, shared by every function here:

* **Periods** are calendar months, quarters or years, labelled by their first day; a period
  with no events is present with zeros, so series have no gaps.
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

import numpy as np
import pandas as pd

from analysis.core import regions

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
) -> pd.DataFrame:
    """Events and deaths (best, with low/high where the data has bands) per period."""
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
    index = _full_index(frame, period, start, end)
    table = table.reindex(index, fill_value=0)
    table.index.name = "period"
    if not frame["has_band"].any():
        table["deaths_low"] = float("nan")
        table["deaths_high"] = float("nan")
    return table.astype(
        {
            "events": "int64",
            "deaths_best": "int64",
            "band_events": "int64",
            "events_without_deaths": "int64",
        }
    )


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
        values = values.map(lambda items: list(items) if items is not None else [])
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
    """An annual table as years x ``by`` (country, side_b) of best-estimate deaths."""
    table = annual.pivot_table(
        index="year", columns=by, values="deaths_best", aggfunc="sum", fill_value=0
    )
    return table.astype("int64")


def first_year_above(wide_table: pd.DataFrame, country: str, other: str) -> int | None:
    """The first year in which ``country`` had more deaths than ``other`` (None if never)."""
    if country not in wide_table or other not in wide_table:
        return None
    above = wide_table.index[wide_table[country] > wide_table[other]]
    return int(above[0]) if len(above) else None


def groups_per_year(brd: pd.DataFrame) -> pd.Series:
    """How many distinct armed groups (side_b) UCDP records fighting in each year."""
    fought = brd[pd.to_numeric(brd["deaths_best"], errors="coerce").fillna(0) > 0]
    return fought.groupby("year")["side_b"].nunique().rename("groups")
