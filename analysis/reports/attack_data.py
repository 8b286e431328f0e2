"""What the attack-trends report's sections share, read and computed once per run.

``load(ctx, params)`` reads the datasets through the run context (the event source chosen with
its declaration, OWID, UCDP BRD, the boundaries, the milestones of the country) into
``AttackInputs``; ``analyse(inputs, params)`` computes the series several sections show
(events per period, the geographic shift and its verdict, the change points, the Sahel
comparison, the "Latest" sentences) into ``AttackSeries``. The sections
(analysis.reports.attack_sections) are functions of these two and the parameters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.analyses import aggregates, changepoints, geoshift, trends
from analysis.analyses.areas import AreaCounts, count_by_area
from analysis.analyses.changepoints import ChangePoint
from analysis.analyses.geoshift import ShiftVerdict
from analysis.analyses.milestones import milestones_in
from analysis.core.vocab import COVERAGE_NAMES
from analysis.reports import aggregated_trends
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.attack_sentences import latest_sentences, partial_years_note
from analysis.reports.context import RunContext
from analysis.sources import boundaries as boundary_files
from analysis.sources.declaration import Declaration
from analysis.tables.coverage import (
    EventSelection,
    ReportEnd,
    dataset_status,
    provisional_sentences,
    report_end,
    select_events,
)
from analysis.tables.events import Coverage, DatasetMissingError, unresolved_actors

if TYPE_CHECKING:  # annotations only; geopandas is imported where boundaries are read
    import geopandas as gpd


@dataclass(frozen=True)
class Sources:
    """The source lines of what the report read, with the versions read."""

    events: str
    owid: str
    brd: str
    curated: str
    adm1: str
    adm2: str


@dataclass(frozen=True)
class AttackInputs:
    """What the attack report read for one run, for the country and period.

    ``selection`` is the event source with its declaration: its event rows limited to the
    focus groups (where it names actors) and both its rows and totals cut at ``end``, the
    report's last day after the rule of a period that follows the run (``period_end``).
    """

    country: str
    start: date
    end: date
    period_end: ReportEnd
    selection: EventSelection
    #: what the event data covers for the country, and within the report's period
    coverage: Coverage
    covered: Coverage
    owid_all: pd.DataFrame | None
    owid: pd.DataFrame | None
    brd: pd.DataFrame | None
    sahel_brd: Mapping[str, pd.DataFrame | None]
    boundaries: Mapping[str, gpd.GeoDataFrame]
    milestones: pd.DataFrame
    groups: pd.DataFrame
    group_label: Mapping[str, str]
    unresolved: pd.DataFrame
    status: pd.DataFrame
    sources: Sources
    run_date: date | None

    @property
    def events(self) -> pd.DataFrame:
        """The event rows (empty for a source that gives only totals)."""
        return self.selection.events

    @property
    def declared(self) -> Declaration:
        """What the event source declares it gives."""
        return self.selection.declaration

    @property
    def name(self) -> str:
        """The event data's short name in sentences ('ACLED export')."""
        return COVERAGE_NAMES.get(self.selection.dataset, self.selection.dataset)


@dataclass(frozen=True)
class AttackSeries:
    """The series several sections show, computed once from the inputs."""

    monthly: pd.DataFrame
    shift: pd.DataFrame
    verdict: ShiftVerdict
    n_events: int
    whole_events: pd.Series
    event_breaks: tuple[ChangePoint, ...]
    owid_series: pd.Series | None
    owid_breaks: tuple[ChangePoint, ...]
    sahel: pd.DataFrame | None
    sahel_wide: pd.DataFrame | None
    sahel_common: pd.DataFrame | None
    coverage_caption: str
    provisional: tuple[str, ...]
    latest: tuple[str, ...]
    partial_years: str
    #: events and deaths per region and per cercle (Mali, with boundaries and events; cercles
    #: where the source names them), or None
    region_counts: AreaCounts | None
    cercle_counts: AreaCounts | None


def involving(frame: pd.DataFrame, focus: Sequence[str]) -> pd.DataFrame:
    """The rows whose groups include one of the focus groups (all rows when there are none)."""
    wanted = set(focus)
    if not wanted:
        return frame
    # a boolean mask, also when the frame is empty (an empty object Series would select columns)
    mask = frame["group_ids"].map(lambda ids: bool(wanted & set(ids))).astype(bool)
    return frame.loc[mask]


def of_country(milestones: pd.DataFrame, country: str) -> pd.DataFrame:
    """The milestones that concern the country (``countries``; an empty list means Mali, as
    the table's rows were Mali's before the column existed)."""
    if "countries" not in milestones:
        return milestones if country == "Mali" else milestones.iloc[0:0]

    def concerns(countries: object) -> bool:
        listed = list(countries) if isinstance(countries, list | tuple) else []
        return country in listed if listed else country == "Mali"

    return milestones[milestones["countries"].map(concerns).astype(bool)]


def _optional(ctx: RunContext, dataset: str, country: str | None = None) -> pd.DataFrame | None:
    """A dataset, or None when it is not on this machine (the report then says so)."""
    try:
        return ctx.load_events(dataset, country=country)
    except DatasetMissingError:
        return None


def _boundaries() -> dict[str, gpd.GeoDataFrame]:
    found: dict[str, gpd.GeoDataFrame] = {}
    for level in boundary_files.LEVELS:
        try:
            found[level] = boundary_files.load_boundaries(level)
        except (FileNotFoundError, boundary_files.BoundaryFileError):
            continue  # the map says it has no data; the datasets table says why
    return found


def cut_selection(
    selection: EventSelection,
    end: date,
    focus: Sequence[str],
    boundaries: Mapping[str, Any],
) -> EventSelection:
    """The selection for the report: event rows of the focus groups (where the source names
    actors) up to ``end``; totals up to ``end``, placed at their cercle's centroid where the
    source gives no coordinates (by P-code, then name)."""
    declared = selection.declaration
    events = involving(selection.events, focus) if declared.actors else selection.events
    events = events[events["date"] <= pd.Timestamp(end)] if len(events) else events
    totals = selection.totals
    if totals is not None:
        totals = totals[totals["period_start"] <= pd.Timestamp(end)]
        if declared.coordinates == "none" and "adm2" in boundaries:
            totals = aggregates.with_centroids(totals, boundaries["adm2"], "adm2")
    return dataclasses.replace(selection, events=events, totals=totals)


def load(ctx: RunContext, params: AttackTrendsParameters) -> AttackInputs:
    """Read what the report's sections share: the event source (with its declaration) and the
    annual series for the country, the boundaries (Mali only) and the milestones."""
    country, start = params.country, ctx.period.start
    resolve = ctx.curated.resolver.get
    chosen = select_events(params.data_source, country, start, ctx.period.end, resolve=resolve)
    # The period follows the run: an end given relative to it stops where the event data does.
    period_end = report_end(
        ctx.period.end,
        params.common.end_follows_run,
        params.common.run_date or ctx.period.end,
        chosen.coverage,
        COVERAGE_NAMES.get(chosen.dataset, chosen.dataset),
        start,
    )
    end = max(period_end.end, start)
    owid_all = _optional(ctx, "owid")
    brd = _optional(ctx, "ucdp-brd", country)
    if brd is not None:
        brd = involving(brd, params.focus_groups)
    boundaries = _boundaries() if country == "Mali" else {}
    selection = cut_selection(chosen, end, params.focus_groups, boundaries)
    sahel_brd = {c: _optional(ctx, "ucdp-brd", c) for c in params.sahel_countries}
    groups = ctx.curated.groups.set_index("group_id")
    frames = [f for f in (selection.events, brd) if f is not None and len(f)]
    unresolved = (
        pd.concat([unresolved_actors(f, resolve) for f in frames]) if frames else pd.DataFrame()
    )
    return AttackInputs(
        country=country,
        start=start,
        end=end,
        period_end=period_end,
        selection=selection,
        coverage=chosen.coverage,
        covered=chosen.coverage.within(start, end),
        owid_all=owid_all,
        owid=owid_all[owid_all["country"] == country] if owid_all is not None else None,
        brd=brd,
        sahel_brd=sahel_brd,
        boundaries=boundaries,
        # milestones are reading aids on charts that run past the event data (annual series)
        milestones=of_country(
            milestones_in(ctx.curated.milestones, start, ctx.period.end, params.milestone_kinds),
            country,
        ),
        groups=groups,
        group_label={
            gid: row["acronym"]
            if isinstance(row["acronym"], str) and row["acronym"]
            else row["name"]
            for gid, row in groups.iterrows()
        },
        unresolved=unresolved,
        status=dataset_status(country),
        sources=_sources(ctx, selection.declaration),
        run_date=params.common.run_date,
    )


def _sources(ctx: RunContext, declared: Declaration) -> Sources:
    """The source lines of the datasets read; the event data's names the datasets whose rows
    it added (UCDP's candidate months after a GED release) where the run read them."""
    events = "; ".join(
        [ctx.event_source_line(declared.dataset)]
        + [ctx.source_line(d) for d in declared.supplements if ctx.version_read(d)]
    )
    return Sources(
        events=events,
        owid=ctx.source_line("owid"),
        brd=ctx.source_line("ucdp-brd"),
        curated=ctx.source_line("curated"),
        adm1=ctx.source_line("geoboundaries-adm1"),
        adm2=ctx.source_line("geoboundaries-adm2"),
    )


def analyse(inputs: AttackInputs, params: AttackTrendsParameters) -> AttackSeries:
    """The series several sections show: events per period and per zone and year, the shift
    verdict, the change points, the Sahel comparison and the 'Latest' sentences."""
    selection, covered = inputs.selection, inputs.covered
    start, end, period = inputs.start, inputs.end, params.period
    monthly = aggregates.series_per_period(selection, period, start, end, covered)
    shift = aggregates.shift_per_year(selection, covered)
    # change points on the periods the data covers whole (missing and partial ones left out)
    whole_events = monthly["events"].where(monthly["covered_share"] >= 1.0)
    method = params.change_point_method
    owid = inputs.owid
    owid_series = (
        owid.set_index(pd.to_datetime(owid["year"].astype(str)))["deaths_best"].astype(float)
        if owid is not None and len(owid)
        else None
    )
    sahel = (
        inputs.owid_all[inputs.owid_all["country"].isin(params.sahel_countries)]
        if inputs.owid_all is not None
        else None
    )
    sahel_wide = trends.annual_wide(sahel) if sahel is not None and len(sahel) else None
    # the comparison's sentences use the years every country's series covers
    sahel_common = sahel_wide.dropna().astype("int64") if sahel_wide is not None else None
    # UCDP's candidate months are provisional: captions and coverage notes say which they are
    provisional = tuple(provisional_sentences(inputs.events))
    caption = trends.coverage_caption(monthly, period, inputs.name)
    by_month = (
        monthly
        if period == "month"
        else aggregates.series_per_period(selection, "month", start, end, covered)
    )
    return AttackSeries(
        monthly=monthly,
        shift=shift,
        verdict=geoshift.shift_verdict(shift, window=params.shift_window),
        n_events=aggregates.events_counted(selection),
        whole_events=whole_events,
        event_breaks=tuple(changepoints.detect_change_points(whole_events, method=method)),
        owid_series=owid_series,
        owid_breaks=tuple(
            changepoints.detect_change_points(owid_series, method=method, min_size=2)
            if owid_series is not None
            else []
        ),
        sahel=sahel,
        sahel_wide=sahel_wide,
        sahel_common=sahel_common if sahel_common is not None and len(sahel_common) else None,
        coverage_caption=" ".join([caption, *provisional]).strip(),
        provisional=provisional,
        latest=_latest(inputs, by_month),
        partial_years=partial_years_note(shift),
        region_counts=_area_counts(inputs, "adm1"),
        cercle_counts=_area_counts(inputs, "adm2") if inputs.declared.gives("admin2") else None,
    )


def _area_counts(inputs: AttackInputs, level: str) -> AreaCounts | None:
    """Events and deaths per area of a level (boundaries are read for Mali only)."""
    counted = inputs.selection.counted
    if level not in inputs.boundaries or not aggregates.events_counted(inputs.selection):
        return None
    # totals are placed by P-code first, then by name (analysis.analyses.areas)
    return count_by_area(counted, inputs.boundaries[level], level)


def _latest(inputs: AttackInputs, by_month: pd.DataFrame) -> tuple[str, ...]:
    """The 'Latest' section in words: from the event rows, or from the totals' own windows
    (the last whole month of a monthly file) where the source gives only totals."""
    if inputs.declared.event_rows:
        return latest_sentences(
            inputs.events, inputs.covered, inputs.name, inputs.run_date, by_month
        )
    totals = aggregated_trends.latest_sentences(
        inputs.selection.totals, inputs.covered, inputs.name, inputs.run_date
    )
    return totals + tuple(trends.last_month_flags(by_month))
