"""Series from an aggregated table (ACLED's weekly or HDX's monthly counts per area), in the
shapes the event-level analyses return, so that the same figures and tests read them.

* ``per_period``: events and deaths per month, quarter or year, like trends.per_period: a
  period the data does not cover is missing (NaN), never 0; ``covered_share`` from the
  coverage. A week is counted in the period its first day (the Saturday) falls in; weekly and
  monthly files are never mixed (a table comes from one file). A product without deaths
  (demonstrations) has no deaths, not zero deaths.
* ``geographic_shift``: events and deaths per zone and year, like geoshift.geographic_shift,
  summing each row's counts; the deaths-weighted latitude uses each row's centroid (ACLED's
  for weekly rows, the boundaries' area centroid for monthly rows, ``with_centroids``).
* ``latest_table``: the last period the data covers against the one before and the same
  period a year earlier (weekly files: 4 weeks, as for events, ending on the last whole
  week; monthly files: the last whole month), in total or by region; a window the data does
  not cover whole is missing.
* ``exposure_table``: ACLED's population exposure of the last week, per row as given: it is
  never summed (the same people live in overlapping areas and weeks).

No actor is known in an aggregated table: nothing here splits by group.

``series_per_period``, ``shift_per_year`` and ``events_counted`` take an event selection
(analysis.tables.coverage.EventSelection) and ask its declaration whether it gives event rows:
they count those rows where it does, else its totals per area and period, so that a report
reads every source the same way.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.analyses import geoshift, trends
from analysis.core import regions
from analysis.tables.events import Coverage

if TYPE_CHECKING:  # annotations only; geopandas is imported by the boundaries' reader
    import geopandas as gpd

    from analysis.tables.coverage import EventSelection


def _deaths(table: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(table["deaths_best"], errors="coerce").astype("float64")


def per_period(
    table: pd.DataFrame,
    period: str = "month",
    start: object = None,
    end: object = None,
    coverage: Coverage | None = None,
) -> pd.DataFrame:
    """Events and deaths per period from an aggregated table (trends.per_period's columns)."""
    coverage = coverage if coverage is not None else table.attrs.get("coverage")
    labels = trends.period_start(table["period_start"], period)
    deaths = _deaths(table)
    frame = pd.DataFrame(
        {
            "period": labels,
            "events": pd.to_numeric(table["events"]).astype("int64"),
            "deaths": deaths.fillna(0.0),
            "without": np.where(deaths.isna(), table["events"], 0),
        }
    )
    grouped = frame.groupby("period")
    result = pd.DataFrame(
        {
            "events": grouped["events"].sum(),
            "deaths_best": grouped["deaths"].sum(),
            "events_without_deaths": grouped["without"].sum(),
        }
    )
    if coverage is not None and start is None and end is None and coverage.spans:
        start, end = coverage.first, coverage.last
    first = start if start is not None else frame["period"].min()
    last = end if end is not None else frame["period"].max()
    index = (
        pd.DatetimeIndex(trends.period_range(first, last, period), name="period")
        if len(frame) or (start is not None and end is not None)
        else pd.DatetimeIndex([], name="period")
    )
    result = result.reindex(index, fill_value=0)
    result.index.name = "period"
    result["deaths_low"] = float("nan")
    result["deaths_high"] = float("nan")
    result["band_events"] = 0
    result = result[
        [
            "events",
            "deaths_best",
            "deaths_low",
            "deaths_high",
            "band_events",
            "events_without_deaths",
        ]
    ].astype("float64")
    if len(table) and deaths.isna().all():
        result["deaths_best"] = float("nan")  # no deaths column: missing, not zero
    result["covered_share"] = trends.covered_share(index, period, coverage, start, end)
    uncovered = result["covered_share"] == 0
    measures = [c for c in result.columns if c != "covered_share"]
    result.loc[uncovered, measures] = float("nan")
    return result


def with_centroids(table: pd.DataFrame, areas: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    """The table with each row's latitude and longitude, where missing, taken from the centroid
    of its area in the boundaries (matched by P-code, then by name); other rows keep none."""
    code, name = f"admin{level[-1]}_pcode", f"admin{level[-1]}"
    # centroids in a metric projection, then back to degrees (centroids in degrees are off)
    projected = areas.to_crs(areas.estimate_utm_crs())
    points = projected.geometry.centroid.to_crs("EPSG:4326")
    latitude = pd.Series(points.y.to_numpy(), index=areas.index)
    longitude = pd.Series(points.x.to_numpy(), index=areas.index)
    result = table.copy()
    found_lat = pd.Series(np.nan, index=table.index)
    found_lon = pd.Series(np.nan, index=table.index)
    for key in (code, name):
        if key not in areas or key not in table or areas[key].isna().all():
            continue
        lookup = pd.DataFrame({"key": areas[key], "lat": latitude, "lon": longitude})
        lookup = lookup.dropna(subset=["key"]).drop_duplicates("key").set_index("key")
        keys = table[key]
        if key == name:
            harmonise = regions.harmonise_admin2 if level == "adm2" else regions.harmonise_admin1
            keys = keys.map(harmonise)
        found_lat = found_lat.fillna(keys.map(lookup["lat"]))
        found_lon = found_lon.fillna(keys.map(lookup["lon"]))
    result["latitude"] = result["latitude"].fillna(found_lat)
    result["longitude"] = result["longitude"].fillna(found_lon)
    return result


def geographic_shift(table: pd.DataFrame, coverage: Coverage | None = None) -> pd.DataFrame:
    """Per year: events and deaths per zone, shares, deaths-weighted latitude and the share
    of the year covered (geoshift.geographic_shift's columns), from the rows' counts."""
    frame = pd.DataFrame(
        {
            "year": pd.to_datetime(table["period_start"]).dt.year,
            "zone": regions.zones_of(table),
            "events": pd.to_numeric(table["events"]).astype("int64"),
            "deaths": _deaths(table).fillna(0.0),
            "latitude": pd.to_numeric(table["latitude"], errors="coerce"),
        }
    )
    return geoshift.shift_table(frame, coverage)


def latest_windows(last: date, frequency: str) -> dict[str, tuple[date, date]]:
    """The three windows ending on ``last``: weekly data, 4 weeks (trends.latest_windows)
    ending on the last Friday on or before ``last``; monthly data, the month ending on ``last``
    (or the last whole month before it), the month before and the same month a year earlier."""
    if frequency == "week":
        # a week (Saturday to Friday) cut by a period ending mid-week is not compared as whole
        return trends.latest_windows(last - timedelta(days=(last.weekday() - 4) % 7))
    month_end = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
    if month_end != last:  # a partly covered month is not compared as if whole
        month_end = pd.Timestamp(last).replace(day=1).date() - timedelta(days=1)
    first = month_end.replace(day=1)

    def month(offset: int) -> tuple[date, date]:
        start = (pd.Timestamp(first) - pd.DateOffset(months=offset)).date()
        return start, (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()

    return {"latest": month(0), "previous": month(1), "year before": month(12)}


def latest_table(
    table: pd.DataFrame, coverage: Coverage, frequency: str, by: str | None = None
) -> pd.DataFrame:
    """Events and deaths in each window (``latest_windows``), in total or per value of ``by``
    (admin1); a window the data does not cover whole is missing (NaN), never 0."""
    if coverage.last is None:
        return pd.DataFrame()
    windows = latest_windows(coverage.last, frequency)
    keys = (
        pd.Series("all", index=table.index)
        if by is None
        else table[by].fillna("unknown").astype(str)
    )
    frame = pd.DataFrame(
        {
            "key": keys,
            "start": pd.to_datetime(table["period_start"]).dt.date,
            "end": pd.to_datetime(table["period_end"]).dt.date,
            "events": pd.to_numeric(table["events"]),
            "deaths": _deaths(table),
        }
    )
    result = pd.DataFrame(index=pd.Index(sorted(frame["key"].unique()), name=by or "all"))
    for name, (first, last) in windows.items():
        # a row counts in a window when its period lies inside it (periods never straddle the
        # windows of their own frequency)
        inside = frame[(frame["start"] >= first) & (frame["end"] <= last)].groupby("key")
        days = (last - first).days + 1
        whole = coverage.days_covered(first, last) == days
        events = inside["events"].sum().reindex(result.index, fill_value=0).astype("float64")
        deaths = inside["deaths"].sum(min_count=1).reindex(result.index).astype("float64")
        if frame["deaths"].notna().any():
            deaths = deaths.fillna(0.0)
        result[f"events {name}"] = events if whole else float("nan")
        result[f"deaths {name}"] = deaths if whole else float("nan")
    return result.sort_values("events latest", ascending=False, kind="stable")


def exposure_table(table: pd.DataFrame) -> pd.DataFrame:
    """ACLED's population exposure in the last week of a weekly table, one row per area and
    event type as published (never summed); empty when the table has none."""
    if "population_exposure" not in table or table["population_exposure"].isna().all():
        return pd.DataFrame()
    last = table["period_start"].max()
    rows = table[(table["period_start"] == last) & table["population_exposure"].notna()]
    shown = rows[["period_start", "admin1", "event_type", "events", "population_exposure"]]
    shown = shown.assign(
        week=pd.to_datetime(shown["period_start"]).dt.date.astype(str),
        population_exposure=shown["population_exposure"].astype("int64"),
    )
    return shown[["week", "admin1", "event_type", "events", "population_exposure"]].sort_values(
        "population_exposure", ascending=False
    )


def series_per_period(
    selection: EventSelection, period: str, start: object, end: object, coverage: Coverage
) -> pd.DataFrame:
    """Events and deaths per period of a selection (trends.per_period's columns): from its
    event rows where it gives them, else from its totals per area and period."""
    if selection.declaration.event_rows:
        return trends.per_period(selection.events, period, start, end, coverage)
    return per_period(selection.totals, period, start, end, coverage)


def shift_per_year(selection: EventSelection, coverage: Coverage) -> pd.DataFrame:
    """Events and deaths per zone and year of a selection (geoshift.geographic_shift's
    columns), from its event rows or its totals."""
    if selection.declaration.event_rows:
        return geoshift.geographic_shift(selection.events, coverage)
    return geographic_shift(selection.totals, coverage)


def events_counted(selection: EventSelection) -> int:
    """How many events a selection counts: its event rows, or the sum of its totals."""
    if selection.declaration.event_rows:
        return len(selection.events)
    return int(selection.totals["events"].sum())
