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

from analysis.analyses import aggregates, changepoints, geoshift, thresholds, trends
from analysis.analyses.areas import AreaCounts, count_by_area
from analysis.analyses.changepoints import ChangePoint
from analysis.analyses.geoshift import ShiftVerdict
from analysis.analyses.milestones import milestones_in, of_country
from analysis.analyses.thresholds import Change
from analysis.core.vocab import COVERAGE_NAMES
from analysis.reports import aggregated_trends
from analysis.reports import attack_sentences as say
from analysis.reports.attack_params import AttackTrendsParameters
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
    #: the curated chronology's rows (perpetrators and attribution as recorded), by event id
    chronology: pd.DataFrame

    @property
    def events(self) -> pd.DataFrame:
        """The event rows (empty for a source that gives only totals): for a source that also
        holds events that are not attacks (ACLED's protests...), the attacks only."""
        return self.selection.events

    @property
    def census(self) -> bool:
        """Whether the event source lists every event within its coverage (else a selection:
        no count, share, trend, map or change point is drawn from it)."""
        return self.selection.declaration.census

    @property
    def left_out(self) -> pd.DataFrame | None:
        """The event rows that are not attacks (protests, riots, strategic developments), left
        out of every count; None for a source without such rows."""
        return self.selection.left_out

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
    #: each break of the event series and of the annual death series with its change level
    #: (ACLED Trendfinder's); only those at a level that says something changed are reported
    event_changes: tuple[Change, ...] = ()
    owid_changes: tuple[Change, ...] = ()
    #: the breaks the segmentation found that the rule does not report, with their levels
    unreported_breaks: tuple[tuple[str, ChangePoint, Change], ...] = ()
    #: the key finding of the 'Latest' section (census event rows only)
    latest_finding: str | None = None


def involving(frame: pd.DataFrame, focus: Sequence[str]) -> pd.DataFrame:
    """The rows whose groups include one of the focus groups (all rows when there are none)."""
    wanted = set(focus)
    if not wanted:
        return frame
    # a boolean mask, also when the frame is empty (an empty object Series would select columns)
    mask = frame["group_ids"].map(lambda ids: bool(wanted & set(ids))).astype(bool)
    return frame.loc[mask]


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
    left_out = selection.left_out
    if left_out is not None and len(left_out):
        left_out = left_out[left_out["date"] <= pd.Timestamp(end)]
    totals = selection.totals
    if totals is not None:
        totals = totals[totals["period_start"] <= pd.Timestamp(end)]
        if declared.coordinates == "none" and "adm2" in boundaries:
            totals = aggregates.with_centroids(totals, boundaries["adm2"], "adm2")
    return dataclasses.replace(selection, events=events, totals=totals, left_out=left_out)


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
        chronology=ctx.curated.events.set_index("event_id"),
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
    verdict, the change points (each with its change level), the Sahel comparison and the
    'Latest' sentences. From a selection (not a census) the claim is not tested and no break
    of its events is sought."""
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
    found = changepoints.detect_change_points(whole_events, method=method) if inputs.census else []
    event_breaks = _reported(found, period, True)
    annual = (
        changepoints.detect_change_points(owid_series, method=method, min_size=2)
        if owid_series is not None
        else []
    )
    owid_breaks = _reported(annual, "year", False)
    verdict = (
        geoshift.not_testable("the claim and its zones are about Mali's regions")
        if inputs.country != "Mali"
        else geoshift.shift_verdict(shift, window=params.shift_window)
        if inputs.census
        else geoshift.not_testable(
            f"the {inputs.name} lists {inputs.declared.selection}, not every attack, so the "
            "share of deaths in each zone would say where the sources looked, not where the "
            "violence was"
        )
    )
    return AttackSeries(
        monthly=monthly,
        shift=shift,
        verdict=verdict,
        n_events=aggregates.events_counted(selection),
        whole_events=whole_events,
        event_breaks=tuple(p for p, _ in event_breaks[0]),
        owid_series=owid_series,
        owid_breaks=tuple(p for p, _ in owid_breaks[0]),
        sahel=sahel,
        sahel_wide=sahel_wide,
        sahel_common=sahel_common if sahel_common is not None and len(sahel_common) else None,
        coverage_caption=" ".join([caption, *provisional]).strip(),
        provisional=provisional,
        latest=_latest(inputs, by_month),
        partial_years=say.partial_years_note(shift),
        region_counts=_area_counts(inputs, "adm1") if inputs.census else None,
        cercle_counts=_area_counts(inputs, "adm2")
        if inputs.census and inputs.declared.gives("admin2")
        else None,
        event_changes=tuple(c for _, c in event_breaks[0]),
        owid_changes=tuple(c for _, c in owid_breaks[0]),
        unreported_breaks=tuple(
            [(f"{period}ly event series", p, c) for p, c in event_breaks[1]]
            + [("annual death series", p, c) for p, c in owid_breaks[1]]
        ),
        latest_finding=say.latest_finding(inputs.events, inputs.covered, inputs.name)
        if inputs.census and inputs.declared.event_rows
        else None,
    )


Judged = list[tuple[ChangePoint, Change]]


def _reported(points: list[ChangePoint], period: str, events: bool) -> tuple[Judged, Judged]:
    """The breaks a report states (a change level that says something changed, ACLED
    Trendfinder's), and those it does not, each with its level."""
    judged = [
        (p, thresholds.break_change(p.mean_before, p.mean_after, period, events)) for p in points
    ]
    return (
        [(p, c) for p, c in judged if c.level in thresholds.CHANGED],
        [(p, c) for p, c in judged if c.level not in thresholds.CHANGED],
    )


def _area_counts(inputs: AttackInputs, level: str) -> AreaCounts | None:
    """Events and deaths per area of a level (boundaries are read for Mali only)."""
    counted = inputs.selection.counted
    if level not in inputs.boundaries or not aggregates.events_counted(inputs.selection):
        return None
    # totals are placed by P-code first, then by name (analysis.analyses.areas)
    return count_by_area(counted, inputs.boundaries[level], level)


def _latest(inputs: AttackInputs, by_month: pd.DataFrame) -> tuple[str, ...]:
    """The 'Latest' section in words: from a census's event rows, from the totals' own windows
    (the last whole month of a monthly file) where the source gives only totals, and from a
    selection only why it compares no weeks."""
    if not inputs.census:
        return say.selection_latest(inputs.name, inputs.declared, inputs.owid, inputs.country)
    if inputs.declared.event_rows:
        return say.latest_sentences(inputs.events, inputs.covered, inputs.name, inputs.run_date)
    totals = aggregated_trends.latest_sentences(
        inputs.selection.totals, inputs.covered, inputs.name, inputs.run_date
    )
    return totals + tuple(trends.last_month_flags(by_month))
