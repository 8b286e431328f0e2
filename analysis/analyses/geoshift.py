"""Did the epicentre of violence in Mali move from the north to the centre and south?

Zones (analysis.core.regions): north = Tombouctou, Gao, Kidal, Ménaka, Taoudénit; centre = Mopti,
Ségou; south = the rest, with Bamako. For each year, ``geographic_shift`` gives the events
and deaths in each zone, their shares (of the events placed in a zone), and the
deaths-weighted mean latitude of the events with coordinates: a single number that moves
south when the killing does (Kidal is near 18°N, Mopti 14.5°N, Bamako 12.6°N).

``shift_verdict`` tests the claim part by part on two windows (by default the first and last
three years with data): the north's share of deaths fell, the centre's rose, the south's rose,
each by at least ``MIN_SHARE_CHANGE`` (5 percentage points); the evidence base is the share of
the deaths that could be placed in a zone. The verdict:

* **supported**: every part holds;
* **partly supported**: some parts hold, not all;
* **not supported**: none holds;
* **cannot be tested with this data**: fewer than ``min_events`` placed events in either
  window, under half of either window's deaths placed in a zone (``MIN_PLACED_SHARE``), or too
  few covered years for two windows. A selection of events (not a census) is never tested: the
  report says so without calling this module.

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
    unplaced = frame[frame["zone"].isna()].groupby("year")
    table["events_unplaced"] = unplaced["events"].sum().reindex(years, fill_value=0)
    table["deaths_unplaced"] = unplaced["deaths"].sum().reindex(years, fill_value=0.0)
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


#: The claim in parts: each zone's share of deaths and the way the claim says it moved.
CLAIM_PARTS: tuple[tuple[str, str], ...] = (
    ("north", "fell"),
    ("centre", "rose"),
    ("south", "rose"),
)
#: A share moves (falls or rises) only by at least this many percentage points (this project's
#: rule; no published reference): a smaller change is no clear change, and the part fails.
MIN_SHARE_CHANGE = 0.05
#: Below this share of the deaths placed in a zone in either window, the claim cannot be
#: tested: the zones would describe a minority of the deaths.
MIN_PLACED_SHARE = 0.5
VERDICTS = ("supported", "partly supported", "not supported", "cannot be tested with this data")


@dataclass(frozen=True)
class ClaimPart:
    """One part of the claim: a zone's share of deaths in the two windows, and whether it moved
    the way the claim says (by at least MIN_SHARE_CHANGE)."""

    zone: str
    claimed: str  # "fell" or "rose"
    early: float
    late: float

    @property
    def moved(self) -> str:
        """'fell', 'rose' or 'did not change clearly' (less than MIN_SHARE_CHANGE either way)."""
        change = self.late - self.early
        if abs(change) < MIN_SHARE_CHANGE - 1e-12:
            return "did not change clearly"
        return "rose" if change > 0 else "fell"

    @property
    def holds(self) -> bool:
        """Whether the share moved as the claim says."""
        return self.moved == self.claimed

    def words(self) -> str:
        """ "the north's share fell from 78% to 38% (as claimed)"."""
        verb = (
            f"{self.moved} from {self.early:.0%} to {self.late:.0%}"
            if self.moved != "did not change clearly"
            else f"went from {self.early:.0%} to {self.late:.0%}, no clear change"
        )
        tail = "as claimed" if self.holds else f"the claim says it {self.claimed}"
        return f"the {self.zone}'s share {verb} ({tail})"


@dataclass(frozen=True)
class ShiftVerdict:
    """The claim tested on two windows, part by part, with the numbers behind the verdict."""

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
    #: rests on
    located: tuple[tuple[float, float], tuple[float, float]] | None = None
    #: the claim's parts (north falls, centre rises, south rises); () when it was not tested
    parts: tuple[ClaimPart, ...] = ()
    #: per window, the share of all deaths that could be placed in a zone (the evidence base)
    placed_share: tuple[float, float] | None = None
    #: why the claim cannot be tested, when it cannot
    reason: str = ""

    def sentence(self, claim: str = "The claim") -> str:
        """The verdict in one or two sentences with each part's figures; ``claim`` names the
        claim ('The claim (defenceweb-2019: "...")')."""
        note = f" {self.note}" if self.note else ""
        if self.verdict == VERDICTS[3]:
            return f"{claim} cannot be tested with this data: {self.reason}.{note}"
        early, late = _span(self.early_years), _span(self.late_years)
        parts = ", ".join(part.words() for part in self.parts)
        base = ""
        if self.placed_share is not None:
            base = (
                f" Evidence base: {self.placed_share[0]:.0%} of the deaths in {early} and "
                f"{self.placed_share[1]:.0%} in {late} could be placed in a zone "
                f"({self.early_events:,} and {self.late_events:,} events placed)."
            )
        return f"{claim} is {self.verdict}, from {early} to {late}: {parts}.{base}{note}"


def not_testable(reason: str, note: str = "") -> ShiftVerdict:
    """A verdict that the claim cannot be tested, with the reason in words."""
    empty = {z: float("nan") for z in ZONES}
    return ShiftVerdict(
        VERDICTS[3], (0, 0), (0, 0), empty, empty, float("nan"), float("nan"), 0, 0, note,
        reason=reason,
    )  # fmt: skip


def shift_verdict(
    shift: pd.DataFrame,
    early_years: tuple[int, int] | None = None,
    late_years: tuple[int, int] | None = None,
    window: int = 3,
    min_events: int = 10,
) -> ShiftVerdict:
    """Test 'the epicentre moved from the north to the centre and south' part by part on two
    windows (of whole covered years when the table has ``covered_share``, see the module
    docstring)."""
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
        return not_testable("the data covers too few whole years for two windows", note)
    early_years = early_years or (years[0], years[min(window, len(years)) - 1])
    late_years = late_years or (years[max(len(years) - window, 0)], years[-1])
    usable = shift[shift.index.isin(years)] if "covered_share" in shift else shift
    early, late = _window(usable, early_years), _window(usable, late_years)
    early_share, late_share = _shares(early), _shares(late)
    early_events = int(early[[f"events_{z}" for z in ZONES]].to_numpy().sum())
    late_events = int(late[[f"events_{z}" for z in ZONES]].to_numpy().sum())
    shares = (_placed_share(early), _placed_share(late))
    verdict = _verdict(early_events, late_events, min_events, shares, early_years == late_years)
    parts = tuple(
        ClaimPart(zone, way, early_share[zone], late_share[zone]) for zone, way in CLAIM_PARTS
    )
    reason = ""
    if verdict is None:
        held = sum(part.holds for part in parts)
        verdict = VERDICTS[0] if held == len(parts) else VERDICTS[1] if held else VERDICTS[2]
    else:
        reason = _why_not(early_years, late_years, early_events, late_events, min_events, shares)
    return ShiftVerdict(
        verdict,
        early_years,
        late_years,
        early_share,
        late_share,
        _latitude(early),
        _latitude(late),
        early_events,
        late_events,
        note,
        (_located(early), _located(late)),
        parts if not reason else (),
        shares,
        reason,
    )


def _verdict(
    early_events: int,
    late_events: int,
    min_events: int,
    shares: tuple[float, float],
    same_windows: bool,
) -> str | None:
    """'cannot be tested with this data' when the windows hold too few placed events or too
    small a share of placed deaths; None when the parts decide."""
    if same_windows or min(early_events, late_events) < min_events:
        return VERDICTS[3]
    if any(np.isnan(share) or share < MIN_PLACED_SHARE for share in shares):
        return VERDICTS[3]
    return None


def _why_not(
    early_years: tuple[int, int],
    late_years: tuple[int, int],
    early_events: int,
    late_events: int,
    min_events: int,
    shares: tuple[float, float],
) -> str:
    early, late = _span(early_years), _span(late_years)
    if early_years == late_years:
        return f"the data covers one window only ({early})"
    if min(early_events, late_events) < min_events:
        return (
            f"too few events placed in a zone ({early_events} in {early}, {late_events} in "
            f"{late}; at least {min_events} in each window are needed)"
        )
    return (
        f"under half of the deaths could be placed in a zone ({shares[0]:.0%} in {early}, "
        f"{shares[1]:.0%} in {late})"
    )


def _placed_share(window: pd.DataFrame) -> float:
    """The share of the window's deaths placed in a zone (NaN without deaths)."""
    placed = sum(float(window[f"deaths_{z}"].sum()) for z in ZONES)
    unplaced = float(window["deaths_unplaced"].sum()) if "deaths_unplaced" in window else 0.0
    total = placed + unplaced
    return placed / total if total else float("nan")


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
