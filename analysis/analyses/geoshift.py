"""Did the epicentre of violence in Mali move from the north to the centre and south?

Zones (analysis.core.regions): north = Tombouctou, Gao, Kidal, Ménaka, Taoudénit; centre = Mopti,
Ségou; south = the rest, with Bamako. For each year, ``geographic_shift`` gives the events
and deaths in each zone, their shares (of the events placed in a zone), and the
deaths-weighted mean latitude of the events with coordinates: a single number that moves
south when the killing does (Kidal is near 18°N, Mopti 14.5°N, Bamako 12.6°N).

``shift_verdict`` tests the claim on two windows (by default the first and last three years
with data) and returns the verdict with its numbers:

* **supported**: the north had the largest share of deaths in the early window, and the centre
  and south together had more than the north in the late window;
* **partly supported**: only one of the two holds, while the deaths-weighted latitude moved
  south by at least half a degree;
* **not supported**: otherwise;
* **not enough data**: fewer than ``min_events`` placed events in either window.

**Covered years only.** Given the data's coverage (``Coverage``), ``geographic_shift`` lists
every year the data covers (a covered year without events has zeros; a year it does not cover
is left out) with ``covered_share``, the share of the year's days covered. The windows are
drawn from the years covered whole: a partial year (an export that stops in June) is not
compared as if whole. When there are fewer than two windows' worth of whole years, the windows
are shortened, and ``ShiftVerdict.note`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.core import regions
from analysis.tables.events import Coverage

ZONES = regions.ZONES
LATITUDE_SHIFT_DEGREES = 0.5


def geographic_shift(events: pd.DataFrame, coverage: Coverage | None = None) -> pd.DataFrame:
    """Per year: events and deaths per zone, their shares, the deaths-weighted latitude, and
    (given the data's coverage) the share of the year covered; uncovered years left out."""
    frame = pd.DataFrame(
        {
            "year": pd.to_datetime(events["date"]).dt.year,
            "zone": regions.zones_of(events),
            "events": np.ones(len(events), dtype="int64"),
            "deaths": pd.to_numeric(events["deaths_best"], errors="coerce").fillna(0.0),
            "latitude": pd.to_numeric(events["latitude"], errors="coerce"),
        }
    )
    return shift_table(frame, coverage)


def shift_table(frame: pd.DataFrame, coverage: Coverage | None = None) -> pd.DataFrame:
    """``geographic_shift``'s table from rows of year, zone, events (a count per row: 1 for an
    event, an area-period's count for aggregates), deaths and latitude."""
    years = sorted(int(y) for y in frame["year"].unique())
    if coverage is not None:
        years = sorted(
            {y for first, last in coverage.spans for y in range(first.year, last.year + 1)}
        )
        frame = frame[frame["year"].isin(years)]
    table = pd.DataFrame(index=pd.Index(years, name="year"))
    placed = frame[frame["zone"].notna()]
    for zone in ZONES:
        in_zone = placed[placed["zone"] == zone].groupby("year")
        table[f"events_{zone}"] = in_zone["events"].sum().reindex(years, fill_value=0)
        table[f"deaths_{zone}"] = in_zone["deaths"].sum().reindex(years, fill_value=0.0)
    table["events_unplaced"] = (
        frame[frame["zone"].isna()].groupby("year")["events"].sum().reindex(years, fill_value=0)
    )
    events_placed = table[[f"events_{z}" for z in ZONES]].sum(axis=1)
    deaths_placed = table[[f"deaths_{z}" for z in ZONES]].sum(axis=1)
    for zone in ZONES:
        table[f"share_events_{zone}"] = table[f"events_{zone}"] / events_placed.replace(0, np.nan)
        table[f"share_deaths_{zone}"] = table[f"deaths_{zone}"] / deaths_placed.replace(0, np.nan)
    weighted = frame[frame["latitude"].notna() & (frame["deaths"] > 0)]
    sums = weighted.assign(product=weighted["latitude"] * weighted["deaths"]).groupby("year")
    table["deaths_weighted_latitude"] = (sums["product"].sum() / sums["deaths"].sum()).reindex(
        years
    )
    table["deaths_with_coordinates"] = sums["deaths"].sum().reindex(years, fill_value=0.0)
    if coverage is not None:
        table["covered_share"] = [
            coverage.days_covered(date(y, 1, 1), date(y, 12, 31))
            / ((date(y, 12, 31) - date(y, 1, 1)).days + 1)
            for y in years
        ]
    return table


@dataclass(frozen=True)
class ShiftVerdict:
    """The claim tested on two windows, with the numbers behind the verdict."""

    verdict: str
    early_years: tuple[int, int]
    late_years: tuple[int, int]
    early_deaths_share: dict[str, float]
    late_deaths_share: dict[str, float]
    early_latitude: float
    late_latitude: float
    early_events: int
    late_events: int
    #: why the windows are shorter than asked, or which years were left out ("" if none)
    note: str = ""
    #: per window, (deaths with coordinates, deaths placed in a zone): what each latitude
    #: rests on (a curated chronology gives coordinates for few of its deaths)
    located: tuple[tuple[float, float], tuple[float, float]] | None = None

    def _latitude_words(self) -> str:
        early, late = _span(self.early_years), _span(self.late_years)
        unlocated = [
            span
            for span, latitude in ((early, self.early_latitude), (late, self.late_latitude))
            if np.isnan(latitude)
        ]
        if unlocated:
            return (
                f"no death in {' or '.join(unlocated)} has coordinates, so no mean latitude is "
                "compared."
            )
        basis = ""
        if self.located and any(with_xy < placed for with_xy, placed in self.located):
            (early_xy, early_all), (late_xy, late_all) = self.located
            basis = (
                f" of the deaths with coordinates ({early_xy:,.0f} of {early_all:,.0f} in "
                f"{early}, {late_xy:,.0f} of {late_all:,.0f} in {late})"
            )
        return (
            f"the deaths-weighted mean latitude{basis} moved from {self.early_latitude:.1f}°N "
            f"to {self.late_latitude:.1f}°N."
        )

    def sentence(self) -> str:
        """The verdict in one sentence with its figures (for report prose)."""
        note = f" {self.note}" if self.note else ""
        if self.verdict == "not enough data":
            if self.early_years == (0, 0):
                return f"Not enough covered years to test the claim.{note}"
            return (
                f"Not enough placed events to test the claim ({self.early_events} in "
                f"{_span(self.early_years)}, {self.late_events} in {_span(self.late_years)})."
                + note
            )
        early, late = self.early_deaths_share, self.late_deaths_share
        return (
            f"The claim is {self.verdict}: the north's share of deaths went from "
            f"{early['north']:.0%} in {_span(self.early_years)} to {late['north']:.0%} in "
            f"{_span(self.late_years)}, the centre's from {early['centre']:.0%} to "
            f"{late['centre']:.0%} and the south's from {early['south']:.0%} to "
            f"{late['south']:.0%}; {self._latitude_words()}" + note
        )


def shift_verdict(
    shift: pd.DataFrame,
    early_years: tuple[int, int] | None = None,
    late_years: tuple[int, int] | None = None,
    window: int = 3,
    min_events: int = 10,
) -> ShiftVerdict:
    """Test 'the epicentre moved from the north to the centre and south' on two windows (of
    whole covered years when the table has ``covered_share``, see the module docstring)."""
    placed = shift[[f"events_{z}" for z in ZONES]].sum(axis=1)
    note = ""
    if "covered_share" in shift:
        whole = shift["covered_share"] >= 1.0
        years = [int(y) for y in shift.index[whole]]
        partial = [int(y) for y in shift.index[~whole]]
        if partial:
            note = (
                f"{_list(partial)} {'is' if len(partial) == 1 else 'are'} only partly covered "
                "by the data and left out of the windows."
            )
        if years and not (early_years or late_years) and len(years) < 2 * window:
            shorter = len(years) // 2
            note = (note + " " if note else "") + (
                f"The windows are shortened to {shorter} year{'s' if shorter != 1 else ''} each: "
                f"the data covers {len(years)} whole year{'s' if len(years) != 1 else ''}, "
                f"fewer than two windows of {window}."
                if shorter
                else f"The data covers only {len(years)} whole year, too few for two windows."
            )
            if not shorter:
                years = []
            window = max(shorter, 1)
    else:
        years = [int(y) for y in shift.index[placed > 0]]
    if not years:
        empty = {z: float("nan") for z in ZONES}
        return ShiftVerdict(
            "not enough data", (0, 0), (0, 0), empty, empty, float("nan"), float("nan"), 0, 0,
            note,
        )  # fmt: skip
    early_years = early_years or (years[0], years[min(window, len(years)) - 1])
    late_years = late_years or (years[max(len(years) - window, 0)], years[-1])
    usable = shift[shift.index.isin(years)] if "covered_share" in shift else shift
    early, late = _window(usable, early_years), _window(usable, late_years)
    early_share, late_share = _shares(early), _shares(late)
    early_lat, late_lat = _latitude(early), _latitude(late)
    early_events = int(early[[f"events_{z}" for z in ZONES]].to_numpy().sum())
    late_events = int(late[[f"events_{z}" for z in ZONES]].to_numpy().sum())
    if min(early_events, late_events) < min_events or early_years == late_years:
        verdict = "not enough data"
    else:
        north_led_early = early_share["north"] > max(early_share["centre"], early_share["south"])
        south_led_late = late_share["centre"] + late_share["south"] > late_share["north"]
        moved_south = late_lat <= early_lat - LATITUDE_SHIFT_DEGREES
        if north_led_early and south_led_late:
            verdict = "supported"
        elif (north_led_early or south_led_late) and moved_south:
            verdict = "partly supported"
        else:
            verdict = "not supported"
    return ShiftVerdict(
        verdict,
        early_years,
        late_years,
        early_share,
        late_share,
        early_lat,
        late_lat,
        early_events,
        late_events,
        note,
        (_located(early), _located(late)),
    )


def _located(window: pd.DataFrame) -> tuple[float, float]:
    placed = sum(float(window[f"deaths_{z}"].sum()) for z in ZONES)
    return float(window["deaths_with_coordinates"].sum()), placed


def _window(shift: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    return shift[(shift.index >= years[0]) & (shift.index <= years[1])]


def _shares(window: pd.DataFrame) -> dict[str, float]:
    deaths = {z: float(window[f"deaths_{z}"].sum()) for z in ZONES}
    total = sum(deaths.values())
    return {z: (d / total if total else float("nan")) for z, d in deaths.items()}


def _latitude(window: pd.DataFrame) -> float:
    weights = window["deaths_with_coordinates"]
    latitude = window["deaths_weighted_latitude"]
    known = latitude.notna() & (weights > 0)
    if not known.any():
        return float("nan")
    return float((latitude[known] * weights[known]).sum() / weights[known].sum())


def _list(years: list[int]) -> str:
    return (
        ", ".join(str(y) for y in years[:-1]) + (" and " if len(years) > 1 else "") + str(years[-1])
    )


def _span(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
