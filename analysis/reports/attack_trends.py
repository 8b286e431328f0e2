"""The attack-trends report: its parameters, checked once, and everything it shows, computed.

``check(...)`` turns the notebook's parameters into ``AttackTrendsParameters`` (one clear
sentence when a value is bad); ``build(ctx, params)`` reads the datasets through the run
context and returns ``AttackTrendsReport``: the key findings (sentences with their numbers),
the verdicts, the tables, and the data behind each figure with its source line. Nothing here
draws: the notebook draws each figure from ``report.figures`` with the ``draw_*`` functions of
analysis.figures and shows it with analysis.reports.page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from analysis.analyses import aggregates, changepoints, geoshift, trends
from analysis.analyses.areas import AreaCounts, count_by_area
from analysis.analyses.changepoints import METHODS, ChangePoint
from analysis.analyses.geoshift import ShiftVerdict
from analysis.analyses.milestones import (
    label_with_date,
    milestone_table,
    milestones_before,
    milestones_in,
)
from analysis.analyses.trends import PERIOD_FREQUENCIES
from analysis.reports import aggregated_trends
from analysis.reports.brief import (
    MILESTONE_BRIEF_CAPTION,
    milestone_brief,
    readable_headers,
    without_columns,
)
from analysis.reports.context import RunContext
from analysis.reports.params import (
    CommonParameters,
    ParameterError,
    ReportParameters,
    check_countries,
    check_parameters,
)
from analysis.sources import boundaries as boundary_files
from analysis.tables.coverage import (
    AGGREGATED_SOURCES,
    COVERAGE_NAMES,
    EVENT_SOURCES,
    HOW_TO_GET,
    coverage_sentences,
    coverage_table,
    dataset_status,
    provisional_sentences,
    report_end,
    select_events,
)
from analysis.tables.events import (
    Coverage,
    DatasetMissingError,
    annual_coverage,
    unresolved_actors,
)

if TYPE_CHECKING:  # annotations only; geopandas is imported where boundaries are read
    import geopandas as gpd

#: The notebook's parameters, in the order of its parameters cell.
PARAMETERS: tuple[str, ...] = (
    "start_date",
    "end_date",
    "country",
    "focus_groups",
    "data_source",
    "milestone_kinds",
    "period",
    "top_n",
    "sahel_countries",
    "change_point_method",
    "shift_window",
)
GEOGRAPHIC_CLAIM = (
    "The centre of gravity of the jihadist threat moved from northern Mali to the centre and "
    "the south."
)
#: How to get data that is on this machine but has nothing for the chosen parameters.
IN_FILES_NOT_PERIOD = "the files on this machine have no rows for it: choose other dates"
MALI_ZONES = (
    "The sources say the epicentre of the violence moved from the north (Tombouctou, Gao, "
    "Kidal, Ménaka, Taoudénit) to the centre (Mopti, Ségou) and the south (the rest, with "
    "Bamako). The maps use the boundaries of 2015, before Ménaka and Taoudénit became regions, "
    "so events in Ménaka count in Gao and those in Taoudénit in Tombouctou; every name that "
    "matches no area is listed below the maps."
)
CURATED_CAVEAT = (
    "The curated chronology lists major incidents chosen from the sources, not every attack: its "
    "counts show what the sources reported. Trends, the geographic shift and change points "
    "drawn from it are indicative."
)


# --- parameters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttackTrendsParameters(CommonParameters):
    """The report's parameters, checked and typed."""

    common: ReportParameters
    period: str = "month"
    top_n: int = 10
    sahel_countries: tuple[str, ...] = ("Mali", "Burkina Faso", "Niger")
    change_point_method: str = "poisson"
    shift_window: int = 3


def check_report_options(
    period: str, top_n: int, method: str, window: int, countries: list[str]
) -> None:
    """Check the attack report's own parameters; a bad value raises one clear sentence."""
    if period not in PERIOD_FREQUENCIES:
        raise ParameterError(
            f"period must be one of {', '.join(PERIOD_FREQUENCIES)}, not {period!r}."
        )
    if not isinstance(top_n, int) or top_n < 1:
        raise ParameterError(f"top_n must be a whole number of 1 or more, not {top_n!r}.")
    if method not in METHODS:
        raise ParameterError(
            f"change_point_method must be one of {', '.join(METHODS)}, not {method!r}."
        )
    if not isinstance(window, int) or window < 1:
        raise ParameterError(f"shift_window must be a whole number of years, not {window!r}.")
    if not countries:
        raise ParameterError("sahel_countries must name at least one country.")


def check(
    start_date: object = "2012-01-01",
    end_date: object = "today",
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "auto",
    milestone_kinds: object = (),
    period: str = "month",
    top_n: int = 10,
    sahel_countries: Sequence[str] = ("Mali", "Burkina Faso", "Niger"),
    change_point_method: str = "poisson",
    shift_window: int = 3,
) -> AttackTrendsParameters:
    """The notebook's parameters, checked once; empty milestone_kinds means every kind."""
    common = check_parameters(
        start_date,
        end_date,
        country,
        focus_groups,
        data_source,
        allowed_sources=EVENT_SOURCES,
        milestone_kinds=milestone_kinds or None,
    )
    countries = list(check_countries(sahel_countries))
    check_report_options(period, top_n, change_point_method, shift_window, countries)
    return AttackTrendsParameters(
        common, period, top_n, tuple(countries), change_point_method, shift_window
    )


# --- the report object ----------------------------------------------------------------------

#: Headers a reader sees instead of a table's own column names (else spaces for underscores).
HEADERS = {"deaths_best": "deaths (best)"}


class TableData(NamedTuple):
    """A table as display.show_table takes it, with the source line of the datasets it is
    computed from (None: every dataset the run read)."""

    frame: pd.DataFrame
    caption: str
    decimals: Mapping[str, int] | None = None
    source: str | tuple[str, ...] | None = None


@dataclass(frozen=True)
class FigureData:
    """What one figure shows: the data, the title(s), the keyword options of its draw_*
    function, the caption, and the source line (one per panel where panels differ)."""

    slug: str
    title: str | tuple[str, ...]
    caption: str
    source: str | tuple[str, ...]
    data: Any
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AttackTrendsReport:
    """Everything the attack-trends notebook shows, computed from one run."""

    params: AttackTrendsParameters
    findings: tuple[str, ...]
    #: the headline lines the notebook prints for its checked output
    headline: tuple[str, ...]
    shift_headline: tuple[str, ...]
    event_dataset: str
    event_source: str
    events: pd.DataFrame
    selection_notes: tuple[str, ...]
    #: values of the "Event data in this report" sentence: source, n, first, last
    event_summary: Mapping[str, str]
    #: why better event sources were not used, and what the curated chronology can tell
    coverage_notes: tuple[str, ...]
    #: "Boundaries: 9 regions and 50 cercles (files)." or None
    boundaries_sentence: str | None
    #: "x% of the events (n of N) targeted civilians; ..." or None
    civilian_sentence: str | None
    area_notes: tuple[str, ...]
    verdict: ShiftVerdict
    event_breaks: tuple[ChangePoint, ...]
    annual_breaks: tuple[ChangePoint, ...]
    no_break_sentence: str | None
    milestones: pd.DataFrame
    tables: Mapping[str, TableData]
    figures: Mapping[str, FigureData]
    #: for each section or figure without data: (what is missing, how to get it)
    missing: Mapping[str, tuple[str, str]]
    #: the title and lede, about the report's country
    title: str = ""
    lede: str = ""
    #: the paragraph that opens the "Where" section (Mali's zones, or why there is no map)
    where_intro: str = ""
    #: the period the report covers: the start asked for, and the end after the rule of a
    #: period that follows the run (analysis.tables.coverage.report_end)
    period: tuple[date, date] | None = None
    #: the "Latest" section in words (the last 4 weeks, the month flags), () without data
    latest: tuple[str, ...] = ()

    @property
    def unresolved_sentence(self) -> str:
        """Whether every actor name resolved to a group (the names that did not: appendix)."""
        unresolved = len(self.tables["unresolved"].frame)
        if not unresolved:
            return "Every actor name in the data resolves to a group in groups.csv."
        return (
            f"{unresolved} actor names resolve to no group in groups.csv; they stay in the data "
            "and are listed in the appendix."
        )

    @property
    def front(self) -> dict[str, str]:
        """What the build shows at the top of the page: title, lede and period (ISO dates)."""
        front = {"title": self.title, "lede": self.lede}
        if self.period:
            front.update(start_date=self.period[0].isoformat(), end_date=self.period[1].isoformat())
        return front


# --- findings, each a pure function of small frames -----------------------------------------


def owid_finding(owid: pd.DataFrame | None, country: str) -> str:
    """The national death toll: last year against first, and the deadliest year."""
    if owid is None:
        return "The UCDP-based national series (OWID) is missing on this machine; run make data."
    if not len(owid):
        return f"The UCDP-based national series (OWID) has no year for {country} in the period."
    by_year = owid.set_index("year")["deaths_best"]
    return (
        f"UCDP counts {by_year.iloc[-1]:,} deaths from organised violence in {country} in "
        f"{by_year.index[-1]}, against {by_year.iloc[0]:,} in {by_year.index[0]}; the deadliest "
        f"year was {by_year.idxmax()} with {by_year.max():,} (Our World in Data from UCDP)."
    )


def battle_deaths_by_group(brd: pd.DataFrame | None) -> pd.Series | None:
    """State-based battle deaths per group (side_b) over the period, largest first."""
    if brd is None or not len(brd):
        return None
    return brd.groupby("side_b")["deaths_best"].sum().sort_values(ascending=False)


def brd_finding(brd: pd.DataFrame | None, country: str) -> str | None:
    """The top group's share of UCDP's state-based battle deaths."""
    by_group = battle_deaths_by_group(brd)
    if by_group is None:
        return None
    top_group, total = by_group.index[0], int(by_group.sum())
    return (
        f"{top_group} accounts for {by_group.iloc[0] / total:.0%} of the {total:,} "
        f"state-based battle deaths UCDP recorded in {country} from {brd['year'].min()} to "
        f"{brd['year'].max()} ({by_group.iloc[0]:,})."
    )


def shift_finding(verdict: ShiftVerdict, events: int, event_source: str) -> str:
    """The geographic-shift verdict with the number of events it was tested on."""
    if not events:
        return (
            f"The geographic-shift claim cannot be tested: the {event_source} has no events "
            "in the period."
        )
    return f"{verdict.sentence()} (Tested on {events:,} events of the {event_source}.)"


def annual_break_finding(breaks: Sequence[ChangePoint], country: str, method: str) -> str | None:
    """The first break of the annual death series, or None when it has none."""
    if not breaks:
        return None
    first = breaks[0]
    return (
        f"UCDP's annual death series for {country} breaks {first.direction} in "
        f"{first.date.year}: from {first.mean_before:,.0f} to {first.mean_after:,.0f} deaths a "
        f"year on average ({method} change-point method)."
    )


def overtook_finding(sahel_wide: pd.DataFrame | None, country: str) -> str | None:
    """The first year Burkina Faso's conflict deaths exceeded the country's, with the last
    year's levels; None when it never did or a series is missing."""
    if sahel_wide is None or "Burkina Faso" not in sahel_wide or country not in sahel_wide:
        return None
    overtook = trends.first_year_above(sahel_wide, "Burkina Faso", country)
    if not overtook:
        return None
    last = sahel_wide.index[-1]
    levels = ", ".join(f"{c} {sahel_wide.loc[last, c]:,}" for c in sahel_wide.columns)
    return (
        f"Burkina Faso's conflict deaths first exceeded {country}'s in {overtook}; in {last} "
        f"UCDP counts {levels}."
    )


def headline_lines(
    owid: pd.DataFrame | None,
    brd: pd.DataFrame | None,
    annual_breaks: Sequence[ChangePoint],
    country: str,
) -> tuple[str, ...]:
    """The headline figures of the UCDP series, as the notebook's checked cell prints them."""
    lines = []
    if owid is not None and not len(owid):
        lines.append(f"OWID {country} deaths: no year in the period")
    elif owid is not None:
        lines.append(
            f"OWID {country} deaths {owid['year'].min()}-{owid['year'].max()}: "
            f"{int(owid['deaths_best'].sum()):,}; "
            f"peak {owid.loc[owid['deaths_best'].idxmax(), 'year']}"
        )
    if brd is not None and not len(brd):
        lines.append(f"UCDP BRD {country}: no dyad-year in the period")
    elif brd is not None:
        totals = trends.annual_totals(brd)
        lines.append(
            f"UCDP BRD {country} {totals['year'].min()}-{totals['year'].max()}: best "
            f"{int(totals['deaths_best'].sum()):,} (low {int(totals['deaths_low'].sum()):,}, "
            f"high {int(totals['deaths_high'].sum()):,})"
        )
        by_group = battle_deaths_by_group(brd)
        top = by_group.head(3).items() if by_group is not None else []
        lines.append("top groups: " + ", ".join(f"{g} {int(d):,}" for g, d in top))
    lines.append(
        "annual breaks: "
        + (", ".join(f"{p.date.year} {p.direction}" for p in annual_breaks) or "none")
    )
    return tuple(lines)


def shift_headline_lines(verdict: ShiftVerdict, dataset: str, events: int) -> tuple[str, ...]:
    """The geographic-shift test as the notebook's checked cell prints it."""
    lines = [
        f"event source: {dataset}, {events} events",
        f"verdict: {verdict.verdict}; windows {verdict.early_years} and {verdict.late_years}",
    ]
    for zone in geoshift.ZONES:
        lines.append(
            f"  {zone}: {verdict.early_deaths_share[zone]:.0%} -> "
            f"{verdict.late_deaths_share[zone]:.0%} of deaths"
        )
    lines.append(
        f"  weighted latitude: {verdict.early_latitude:.2f} -> {verdict.late_latitude:.2f}"
    )
    return tuple(lines)


def groups_claim(brd: pd.DataFrame) -> str:
    """What UCDP shows on 'the number of armed groups has grown since 2012'."""
    per_year = trends.groups_per_year(brd)
    return (
        f"UCDP records {per_year.get(per_year.index.min(), 0)} group(s) in state-based fighting "
        f"in {per_year.index.min()}, {per_year.max()} at most ({per_year.idxmax()}) and "
        f"{per_year.iloc[-1]} in {per_year.index[-1]}; it counts only groups fighting the state "
        "with 25 or more battle deaths a year."
    )


def spillover_claim(sahel_wide: pd.DataFrame, country: str) -> str:
    """What UCDP shows on 'the conflict spilled over into Burkina Faso and Niger'."""
    first, last = sahel_wide.index[0], sahel_wide.index[-1]
    return (
        f"Burkina Faso went from {sahel_wide.loc[first, 'Burkina Faso']:,} deaths in {first} to "
        f"{sahel_wide.loc[last, 'Burkina Faso']:,} in {last}, Niger from "
        f"{sahel_wide.loc[first, 'Niger']:,} to {sahel_wide.loc[last, 'Niger']:,}; Burkina Faso "
        f"first exceeded {country} in {trends.first_year_above(sahel_wide, 'Burkina Faso', country)}."
    )


def curated_against_ucdp(events: pd.DataFrame, owid: pd.DataFrame) -> str:
    """The curated chronology's deaths as a share of UCDP's, over the years both cover."""
    same_years = events[events["year"].isin(owid["year"])]
    curated_deaths = same_years["deaths_best"].fillna(0).sum()
    ucdp_deaths = owid["deaths_best"].sum()
    return (
        f"For {owid['year'].min()}-{owid['year'].max()}, its {int(curated_deaths):,} deaths are "
        f"{curated_deaths / ucdp_deaths:.0%} of the {int(ucdp_deaths):,} that UCDP counts."
    )


def type_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per event type: events, those with a death figure, deaths and deaths per event among
    them; an event without a figure is not an event without deaths (kidnappings read 1.4 per
    event with 25 deaths over 18 events, most of which give no figure)."""
    deaths = pd.to_numeric(events["deaths_best"], errors="coerce")
    grouped = deaths.groupby(events["event_type"])
    summary = pd.DataFrame(
        {
            "events": grouped.size(),
            "with a death figure": grouped.count(),
            "deaths_best": grouped.sum(min_count=1),
        }
    ).sort_values("events", ascending=False, kind="stable")
    known = summary["with a death figure"].where(summary["with a death figure"] > 0)
    summary["deaths per event"] = (summary["deaths_best"] / known).round(1)
    return summary.reset_index()


def unknown_deaths_clause(table: pd.DataFrame, period: str) -> str:
    """' (24 months whose events give no death figure show 0 deaths)' for a per_period table,
    or '': such a 0 is unknown, not a period without deaths."""
    if "events_without_deaths" not in table:
        return ""
    events = table["events"]
    unknown = int(((events > 0) & (table["events_without_deaths"] == events)).sum())
    if not unknown:
        return ""
    if unknown == 1:
        return f" (1 {period} whose events give no death figure shows 0 deaths)"
    return f" ({unknown} {period}s whose events give no death figure show 0 deaths)"


def partial_years_note(shift: pd.DataFrame) -> str:
    """' Partly covered: 2025 (85% of the year); its bar counts only the days covered.' for
    the years of ``shift`` (with its ``covered_share``) the data covers in part, else ''."""
    if "covered_share" not in shift:
        return ""
    share = shift["covered_share"]
    partial = share[(share > 0) & (share < 1)]
    if not len(partial):
        return ""
    years = ", ".join(f"{year} ({part:.0%} of the year)" for year, part in partial.items())
    bars = "its bar counts" if len(partial) == 1 else "their bars count"
    return f" Partly covered: {years}; {bars} only the days covered."


def civilian_sentence(events: pd.DataFrame) -> str:
    """The share of events that targeted civilians and their share of the deaths."""
    civilian = events["civilian_targeted"].fillna(False).astype(bool)
    deaths = events["deaths_best"].fillna(0)
    sentence = (
        f"{civilian.mean():.0%} of the events ({int(civilian.sum())} of {len(events)}) targeted "
        f"civilians; they account for {deaths[civilian].sum() / max(deaths.sum(), 1):.0%} of "
        "the deaths."
    )
    if "target" not in events:
        return sentence
    # The flag is wider than the target list (the chronology's 55 against the target table's
    # 54 civilians): say how many name civilians, so the two numbers read together.
    named = events["target"].map(lambda targets: "civilians" in list(targets))
    named_flagged, others = int((named & civilian).sum()), int((civilian & ~named).sum())
    if not others:
        return sentence
    return (
        f"{sentence} {named_flagged} of them {'names' if named_flagged == 1 else 'name'} "
        f"civilians among {'its' if named_flagged == 1 else 'their'} targets, as the target "
        f"table counts them; the {'other is' if others == 1 else f'other {others} are'} "
        f"flagged by {'its' if others == 1 else 'their'} event type or the publisher's "
        "civilian-targeting code."
    )


def with_milestones(
    table: pd.DataFrame, breaks: Sequence[ChangePoint], milestones: pd.DataFrame
) -> pd.DataFrame:
    """Add the latest milestone on or before each break (a reading aid, not a cause)."""
    nearest = milestones_before([p.date for p in breaks], milestones)
    return table.assign(**{"nearest milestone before": [label_with_date(m) for m in nearest]})


def _count(value: float) -> str:
    return "not covered" if pd.isna(value) else f"{int(value):,}"


def latest_sentences(
    events: pd.DataFrame,
    covered: Coverage,
    name: str,
    run_date: date | None,
    monthly: pd.DataFrame,
) -> tuple[str, ...]:
    """The 'Latest' section in words: the last 4 weeks the data covers against the 4 before
    and the same weeks a year earlier, and whether the last whole month is the highest in one
    or three years (as HDX Signals flags a month); () when the data covers no day."""
    if covered.last is None:
        return ()
    windows = trends.latest_windows(covered.last)
    total = trends.latest_table(events, covered)
    row = total.iloc[0] if len(total) else pd.Series(dtype="float64")

    def part(window: str) -> str:
        return trends.window_words(row, windows, window)

    first, last = windows["latest"]
    sentences = [
        f"In the last 4 weeks the {name} covers ({first.isoformat()} to {last.isoformat()}) it "
        f"records {part('latest').split(' from ')[0]}, against {part('previous')} (the 4 weeks "
        f"before) and {part('year before')} (the same weeks a year earlier)."
        if not pd.isna(row.get("events latest", float("nan")))
        else f"The {name} does not cover 4 whole weeks up to {last.isoformat()}."
    ]
    if run_date is not None and last < run_date:
        sentences.append(
            f"These weeks end on {last.isoformat()}, the last day the data covers, not on the "
            f"run date ({run_date.isoformat()}): events since then are not in the data."
        )
    sentences += trends.last_month_flags(monthly)
    return tuple(sentences)


def latest_by(
    events: pd.DataFrame, covered: Coverage, by: str, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The latest, previous and year-before windows per region or group, for a table."""
    counts = trends.latest_table(events, covered, by).head(10)
    table = counts.apply(lambda column: column.map(_count))
    for column in [c for c in counts if c.startswith("deaths ")]:
        # a covered window whose events give no death figure: 'not given', not 'not covered'
        given = counts[column].isna() & counts[column.replace("deaths", "events", 1)].notna()
        table.loc[given, column] = "not given"
    table = table.reset_index()
    if labels:
        table[by] = table[by].map(lambda key: labels.get(key, key))
    return table.rename(columns={"admin1": "region"})


def of_country(milestones: pd.DataFrame, country: str) -> pd.DataFrame:
    """The milestones that concern the country (``countries``; an empty list means Mali, as
    the table's rows were Mali's before the column existed)."""
    if "countries" not in milestones:
        return milestones if country == "Mali" else milestones.iloc[0:0]

    def concerns(countries: object) -> bool:
        listed = list(countries) if isinstance(countries, list | tuple) else []
        return country in listed if listed else country == "Mali"

    return milestones[milestones["countries"].map(concerns).astype(bool)]


def no_map_sentence(country: str) -> str:
    """Why a report on another country than Mali has no map and no north/centre/south test."""
    return (
        "Maps and the north/centre/south test are drawn for Mali only: the boundaries here are "
        f"Mali's and the test is about Mali's regions, so this report on {country} has neither."
    )


def report_title(country: str, sahel_countries: Sequence[str]) -> str:
    """The report's title, about its country."""
    if country in sahel_countries:
        return f"Attack trends in {country} and the Sahel"
    return f"Attack trends in {country}"


def report_lede(country: str, sahel_countries: Sequence[str]) -> str:
    """The paragraph under the title, about the report's country."""
    others = [c for c in sahel_countries if c != country]
    maps = " and Mali's administrative boundaries" if country == "Mali" else ""
    sentences = [
        f"How much armed violence has {country} seen, by whom, of what kind, where, and when "
        "did the pattern change?",
        "This report reads UCDP's conflict-death and battle-death series and event data (ACLED "
        "or UCDP GED when they are on this machine, otherwise the curated chronology of major "
        f"incidents){maps}.",
        "It shows the low-high uncertainty band wherever a dataset gives one and says where "
        "each dataset's coverage ends.",
    ]
    if others:
        sentences.append(f"It compares {country} with {' and '.join(others)}.")
    if country == "Mali":
        sentences.append("It tests what the sources claimed against what the data shows.")
    return " ".join(sentences)


# --- build ----------------------------------------------------------------------------------


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


def build(ctx: RunContext, params: AttackTrendsParameters) -> AttackTrendsReport:
    """Read the datasets of the run and compute every finding, table and figure's data."""
    country, period, method = params.country, params.period, params.change_point_method
    start, end = ctx.period.start, ctx.period.end
    resolve = ctx.curated.resolver.get
    selection = select_events(params.data_source, country, start, end, resolve=resolve)
    # ACLED's aggregated data counts events per area and period (no actors, no single events):
    # its aggregate feeds the trend, maps, shift test, change points and "Latest"; the sections
    # that need single events say what aggregates cannot show (analysis.reports.aggregated_trends)
    aggregated = selection.dataset in AGGREGATED_SOURCES
    aggregate = selection.events if aggregated else None
    events = (
        aggregated_trends.no_events()
        if aggregated
        else involving(selection.events, params.focus_groups)
    )
    # The period follows the run: an end given relative to it stops where the event data does.
    event_coverage = selection.coverage
    period_end = report_end(
        end,
        params.common.end_follows_run,
        params.common.run_date or end,
        event_coverage,
        COVERAGE_NAMES.get(selection.dataset, selection.dataset),
        start,
    )
    end = max(period_end.end, start)
    events = events[events["date"] <= pd.Timestamp(end)] if len(events) else events
    if aggregated:
        aggregate = aggregate[aggregate["period_start"] <= pd.Timestamp(end)]
        aggregate = aggregated_trends.political_violence(aggregate)
    covered = event_coverage.within(start, end)
    event_source = ctx.event_source_line(selection.dataset)
    if selection.dataset == "ucdp-ged" and ctx.version_read("ucdp-candidate"):
        event_source += "; " + ctx.source_line("ucdp-candidate")  # the provisional months
    owid_all = _optional(ctx, "owid")
    owid = owid_all[owid_all["country"] == country] if owid_all is not None else None
    owid_source = ctx.source_line("owid")
    brd = _optional(ctx, "ucdp-brd", country)
    if brd is not None:
        brd = involving(brd, params.focus_groups)
    brd_source = ctx.source_line("ucdp-brd")
    boundaries = _boundaries() if country == "Mali" else {}
    groups = ctx.curated.groups.set_index("group_id")
    group_label = {
        gid: (row["acronym"] if isinstance(row["acronym"], str) and row["acronym"] else row["name"])
        for gid, row in groups.iterrows()
    }
    # milestones are reading aids on charts that run past the event data (the annual series)
    milestones = of_country(
        milestones_in(ctx.curated.milestones, start, ctx.period.end, params.milestone_kinds),
        country,
    )

    if aggregated:
        # monthly rows have no coordinates: the deaths-weighted latitude places them at the
        # centroid of their cercle (by P-code, then name); weekly rows carry ACLED's centroid
        if aggregate.attrs.get("frequency") == "month" and "adm2" in boundaries:
            aggregate = aggregates.with_centroids(aggregate, boundaries["adm2"], "adm2")
        monthly = aggregates.per_period(aggregate, period, start, end, covered)
        shift = aggregates.geographic_shift(aggregate, covered)
    else:
        monthly = trends.per_period(events, period, start, end, covered)
        shift = geoshift.geographic_shift(events, covered)
    partial_years = partial_years_note(shift)
    # events counted: an aggregated aggregate's counts, an event aggregate's rows
    n_events = int(aggregate["events"].sum()) if aggregated else len(events)
    verdict = geoshift.shift_verdict(shift, window=params.shift_window)
    # change points on the periods the data covers whole (missing and partial ones left out)
    whole_events = monthly["events"].where(monthly["covered_share"] >= 1.0)
    event_breaks = changepoints.detect_change_points(whole_events, method=method)
    owid_series = (
        owid.set_index(pd.to_datetime(owid["year"].astype(str)))["deaths_best"].astype(float)
        if owid is not None and len(owid)
        else None
    )
    owid_breaks = (
        changepoints.detect_change_points(owid_series, method=method, min_size=2)
        if owid_series is not None
        else []
    )
    brd_by_group = battle_deaths_by_group(brd)
    sahel = (
        owid_all[owid_all["country"].isin(params.sahel_countries)] if owid_all is not None else None
    )
    sahel_wide = trends.annual_wide(sahel) if sahel is not None and len(sahel) else None
    # the comparison's sentences use the years every country's series covers
    sahel_common = sahel_wide.dropna().astype("int64") if sahel_wide is not None else None
    if sahel_common is not None and not len(sahel_common):
        sahel_common = None

    coverage_caption = trends.coverage_caption(
        monthly, period, COVERAGE_NAMES.get(selection.dataset, selection.dataset)
    )
    # UCDP's candidate months are provisional: captions and coverage notes say which they are
    provisional = provisional_sentences(events)
    coverage_caption = " ".join([coverage_caption, *provisional]).strip()
    if aggregated:
        by_month = (
            monthly
            if period == "month"
            else aggregates.per_period(aggregate, "month", start, end, covered)
        )
        latest_text = aggregated_trends.latest_sentences(
            aggregate, covered, COVERAGE_NAMES[selection.dataset], params.common.run_date
        ) + tuple(trends.last_month_flags(by_month))
    else:
        by_month = (
            monthly
            if period == "month"
            else trends.per_period(events, "month", start, end, covered)
        )
        latest_text = latest_sentences(
            events,
            covered,
            COVERAGE_NAMES.get(selection.dataset, selection.dataset),
            params.common.run_date,
            by_month,
        )

    findings = [owid_finding(owid, country), brd_finding(brd, country)]
    if country == "Mali":
        findings.append(shift_finding(verdict, n_events, event_source))
    findings += [
        annual_break_finding(owid_breaks, country, method),
        overtook_finding(sahel_common, country),
    ]

    tables: dict[str, TableData] = {}
    figures: dict[str, FigureData] = {}
    missing: dict[str, tuple[str, str]] = {}
    events_missing = (f"events for {country} in the period", HOW_TO_GET["ucdp-ged"])

    # Data coverage
    tables["datasets"] = TableData(
        dataset_status(country), "Datasets the report can use, and how to get the missing ones"
    )
    coverage_notes = [period_end.sentence]
    coverages = {COVERAGE_NAMES.get(selection.dataset, selection.dataset): event_coverage}
    if owid is not None:
        coverages[COVERAGE_NAMES["owid"]] = annual_coverage("owid", owid, country)
    if brd is not None:
        coverages[COVERAGE_NAMES["ucdp-brd"]] = brd.attrs.get(
            "coverage", annual_coverage("ucdp-brd", brd, country)
        )
    coverage_notes += coverage_sentences(coverages, end) + provisional
    if selection.dataset == "curated":
        coverage_notes.append(CURATED_CAVEAT)
        if owid is not None and len(owid) and len(events):
            coverage_notes.append(curated_against_ucdp(events, owid))
    if aggregated:
        coverage_notes += [n for n in aggregated_trends.notes(aggregate, params.focus_groups) if n]
    loaded = {selection.dataset: aggregate if aggregated else events}
    if owid is not None:
        loaded["owid"] = owid
    if brd is not None:
        loaded["ucdp-brd"] = brd
    tables["coverage"] = TableData(
        coverage_table(loaded), f"What each dataset covers for {country} in the period"
    )

    # National trend
    if (owid is not None and len(owid)) or (brd is not None and len(brd)):
        series, sources = {}, []
        if owid is not None and len(owid):
            series["all organised violence (OWID from UCDP GED)"] = owid
            sources.append(owid_source)
        if brd is not None and len(brd):
            series["state-based battle deaths (UCDP BRD, low-high band)"] = trends.annual_totals(
                brd
            )
            sources.append(brd_source)
        figures["national-trend-ucdp"] = FigureData(
            "national-trend-ucdp",
            f"Conflict deaths in {country} per year",
            "Deaths per year; the shaded band spans UCDP's low and high estimates. Dashed lines "
            "mark the milestones of the timeline below.",
            tuple(sources),
            series,
            {"legend_loc": "center left"},
        )
    elif owid is not None or brd is not None:
        missing["national-trend-ucdp"] = (
            f"UCDP-based national series (OWID, BRD) for {country} in the period",
            IN_FILES_NOT_PERIOD,
        )
    else:
        missing["national-trend-ucdp"] = (
            "UCDP-based national series (OWID, BRD)",
            HOW_TO_GET["owid"],
        )
    if n_events:
        band = "; the band spans the low and high estimates."
        figures["national-trend-events"] = FigureData(
            "national-trend-events",
            (f"Events per {period}", f"Deaths per {period}"),
            f"Events and deaths per {period} in the {event_source}"
            + unknown_deaths_clause(monthly, period)
            + (band if monthly["deaths_low"].notna().any() else ".")
            + (f" {coverage_caption}" if coverage_caption else ""),
            event_source,
            monthly,
            {"period": period},
        )
    else:
        missing["national-trend-events"] = events_missing

    # Who: groups
    if brd_by_group is not None:
        labels = {}
        for name, ids in zip(brd["side_b"], brd["group_ids"], strict=True):
            affiliation = groups.loc[ids[0], "affiliation"] if len(ids) else None
            labels[name] = (
                f"{name} ({affiliation})" if affiliation and affiliation != "none" else name
            )
        figures["group-battle-deaths"] = FigureData(
            "group-battle-deaths",
            f"Battle deaths in {country} by armed group",
            "State-based battle deaths per year by the group fighting the government (UCDP "
            "BRD); UCDP codes the Islamic State as one global actor, IS. A group with no bar "
            "in a year fought below UCDP's threshold of 25 battle deaths (its data reads 0).",
            brd_source,
            trends.annual_wide(brd, by="side_b"),
            {"ylabel": "Battle deaths (best estimate)", "top": 6, "labels": labels},
        )
        table = (
            brd_by_group.rename("battle deaths").reset_index().rename(columns={"side_b": "group"})
        )
        table["share"] = (table["battle deaths"] / table["battle deaths"].sum() * 100).round(1)
        tables["brd-by-group"] = TableData(
            table, "Battle deaths by group over the period (UCDP BRD), share in %"
        )
    elif brd is not None:
        missing["group-battle-deaths"] = (
            f"UCDP battle deaths by group for {country} in the period"
            + (" for the focus groups" if params.focus_groups else ""),
            IN_FILES_NOT_PERIOD,
        )
    else:
        missing["group-battle-deaths"] = ("UCDP battle deaths by group", HOW_TO_GET["ucdp-brd"])
    by_group = trends.split(events, "group", "year")
    if len(by_group):
        wide = trends.wide(by_group, "group", "events")
        figures["events-by-group"] = FigureData(
            "events-by-group",
            "Events by group",
            "Events per year by the group they are attributed to; "
            "an event with two groups counts for both." + partial_years,
            event_source,
            wide,
            {
                "ylabel": "Events",
                "top": 6,
                "labels": {g: group_label.get(g, g) for g in wide.columns},
            },
        )
    if aggregated:
        missing["events-by-group"] = (aggregated_trends.NO_ACTORS, aggregated_trends.GET_EVENTS)
    frames = [f for f in (events, brd) if f is not None and len(f)]
    unresolved = (
        pd.concat([unresolved_actors(f, resolve) for f in frames]) if frames else pd.DataFrame()
    )
    if brd is not None and len(brd):
        # a BRD row is a dyad-year: 'Government of Mali: 32 events' was 32 dyad-years
        unresolved = unresolved.rename(columns={"events": "events (dyad-years in UCDP BRD)"})
    tables["unresolved"] = TableData(
        unresolved.head(25),
        "Actor names that resolve to no group in groups.csv (kept in the data, listed here)",
    )

    # What: types and targets
    civilians = None
    if len(events):
        figures["events-by-type"] = FigureData(
            "events-by-type",
            "Events by type",
            "Events per year by harmonised event type." + partial_years,
            event_source,
            trends.wide(trends.split(events, "event_type", "year"), "event_type", "events"),
            {"ylabel": "Events", "top": 5},
        )
        tables["types"] = TableData(
            type_summary(events),
            "Events, deaths and lethality by type over the period (deaths per event among the "
            "events that give a death figure)",
        )
        targets = (
            trends.split(events, "target", "year")
            .groupby("target")[["events", "deaths_best"]]
            .sum()
        )
        tables["targets"] = TableData(
            targets.sort_values("events", ascending=False).reset_index(),
            "Events and deaths by target (an event with two targets counts for both)",
        )
        civilians = civilian_sentence(events)
    elif aggregated:
        missing["types"] = (aggregated_trends.NO_SINGLE_EVENTS, aggregated_trends.GET_EVENTS)
    else:
        missing["types"] = events_missing

    # Where: maps and the geographic shift
    boundaries_sentence, area_notes = None, ()
    if country != "Mali":
        missing["map-regions"] = (
            "maps for this country (the boundaries here are Mali's)",
            "choose country = 'Mali'",
        )
        missing["geographic-shift"] = (
            "the north/centre/south test, which is about Mali's regions",
            "choose country = 'Mali'",
        )
    # an aggregated aggregate is placed by P-code first, then by name (analysis.analyses.areas)
    placed_rows = aggregate if aggregated else events
    if country == "Mali" and "adm1" in boundaries and n_events:
        boundaries_sentence = (
            f"Boundaries: {len(boundaries['adm1'])} regions and "
            f"{len(boundaries['adm2']) if 'adm2' in boundaries else 'no'} cercles "
            f"({', '.join(Path(b.attrs['source']).name for b in boundaries.values())})."
        )
        counts1 = count_by_area(placed_rows, boundaries["adm1"], "adm1")
        figures["map-regions"] = _map_figure(
            "map-regions",
            counts1,
            "region",
            "Events and deaths per region (2015 boundaries, OCHA/DNCT via geoBoundaries); "
            "hatched: no event there gives a death figure.",
            (event_source, ctx.source_line("geoboundaries-adm1")),
        )
        area_notes = tuple(counts1.notes)
        if len(counts1.unmatched):
            tables["unmatched-adm1"] = TableData(
                counts1.unmatched,
                "Region names that match no area (placed by coordinates where possible)",
            )
    elif country == "Mali":
        missing["map-regions"] = (
            "Mali region boundaries or events",
            HOW_TO_GET["geoboundaries-adm1"],
        )
    # ACLED's weekly rows name a region, not a cercle: their centroid is the region's
    regions_only = aggregated and placed_rows["admin2"].isna().all()
    if country == "Mali" and "adm2" in boundaries and n_events and not regions_only:
        counts2 = count_by_area(placed_rows, boundaries["adm2"], "adm2")
        figures["map-cercles"] = _map_figure(
            "map-cercles",
            counts2,
            "cercle",
            "Events and deaths per cercle (2015 boundaries); hatched: no event there gives a "
            "death figure.",
            (event_source, ctx.source_line("geoboundaries-adm2")),
        )
        if len(counts2.unmatched):
            tables["unmatched-adm2"] = TableData(
                counts2.unmatched,
                "Cercle names that match no area (placed by coordinates where possible)",
            )
        level = "adm1" if "adm1" in boundaries else "adm2"
        figures["map-points"] = FigureData(
            "map-points",
            "Events, sized by deaths",
            "Each event at its coordinates; the circle's area grows with the deaths.",
            (event_source, ctx.source_line(f"geoboundaries-{level}")),
            events,
            {"boundaries": boundaries[level]},
        )
    elif country == "Mali" and regions_only:
        missing["map-cercles"] = (aggregated_trends.NO_CERCLES, aggregated_trends.GET_EVENTS)
    elif country == "Mali":
        missing["map-cercles"] = (
            "Mali cercle boundaries or events",
            HOW_TO_GET["geoboundaries-adm2"],
        )
    if aggregated and country == "Mali":
        figures.pop("map-points", None)
        missing["map-points"] = (aggregated_trends.NO_SINGLE_EVENTS, aggregated_trends.GET_EVENTS)
    placed = shift[[f"events_{z}" for z in geoshift.ZONES]].sum(axis=1)
    if country == "Mali" and placed.sum():
        figures["geographic-shift"] = FigureData(
            "geographic-shift",
            "Where the deaths were: north, centre, south",
            "Share of deaths per zone each year (bars) and the deaths-weighted mean latitude "
            "of the deaths with coordinates (line, right axis; how many each year: appendix, "
            "zones per year)." + partial_years,
            event_source,
            shift,
        )
        shown = shift[
            [f"events_{z}" for z in geoshift.ZONES]
            + [f"deaths_{z}" for z in geoshift.ZONES]
            + ["deaths_weighted_latitude", "deaths_with_coordinates"]
        ].reset_index()
        shown["year"] = shown["year"].astype(str)
        tables["shift"] = TableData(
            shown,
            "Events and deaths per zone, and the deaths-weighted latitude with the deaths it "
            "rests on (those with coordinates), per year",
            {"deaths_weighted_latitude": 2},
        )
    elif country == "Mali":
        missing["geographic-shift"] = (
            f"events placed in a zone of {country}",
            HOW_TO_GET["ucdp-ged"],
        )

    # When: change points
    if n_events:
        figures["change-points-events"] = FigureData(
            "change-points-events",
            f"Events per {period} and their breaks",
            f"Events per {period} over the {period}s the data covers whole; dashed lines mark "
            "change points, flat lines each segment's mean."
            + (f" {coverage_caption}" if coverage_caption else ""),
            event_source,
            whole_events,
            {"points": event_breaks, "ylabel": f"Events per {period}"},
        )
    else:
        missing["change-points-events"] = events_missing
    no_break = None
    if not n_events:
        pass  # the section says it has no events (missing above)
    elif event_breaks:
        tables["event-breaks"] = TableData(
            with_milestones(
                changepoints.change_point_table(event_breaks, period), event_breaks, milestones
            ),
            f"Breaks in the {period}ly event series, with the nearest milestone before each",
        )
    else:
        no_break = (
            f"The {period}ly event series of the {event_source} shows no change point: "
            f"{n_events} events are too few, or too evenly spread, for a break to beat the "
            "penalty."
        )
    if owid_series is not None:
        figures["change-points-annual"] = FigureData(
            "change-points-annual",
            f"Conflict deaths in {country} per year and their breaks",
            "UCDP-based deaths per year (OWID); dashed lines mark change points.",
            owid_source,
            owid_series,
            {"points": owid_breaks, "ylabel": "Deaths per year"},
        )
        tables["annual-breaks"] = TableData(
            with_milestones(
                changepoints.change_point_table(owid_breaks, "year"), owid_breaks, milestones
            ),
            "Breaks in the annual death series, with the nearest milestone before each",
        )
    else:
        missing["change-points-annual"] = (
            f"an annual death series (OWID) for {country} in the period",
            HOW_TO_GET["owid"] if owid is None else IN_FILES_NOT_PERIOD,
        )

    # Latest: the last 4 weeks the data covers, by region and by group
    if aggregated and latest_text:
        tables["latest-regions"] = TableData(
            aggregated_trends.latest_by_region(aggregate, covered),
            aggregated_trends.latest_caption(aggregate, covered),
        )
        missing["latest-groups"] = (
            aggregated_trends.NO_ACTORS_LATEST,
            aggregated_trends.GET_EVENTS,
        )
    elif latest_text and len(events):
        caveat = (
            f"; windows of 4 weeks ending on {covered.last.isoformat()}, the last day the data "
            "covers; 'not covered' where the data does not cover a whole window, 'not given' "
            "where no event of the window gives a death figure"
        )
        tables["latest-regions"] = TableData(
            latest_by(events, covered, "admin1"),
            "Events and deaths by region: the last 4 weeks, the 4 before, a year before" + caveat,
        )
        tables["latest-groups"] = TableData(
            latest_by(events, covered, "group", group_label),
            "Events and deaths by group (an event with two groups counts for both): the last 4 "
            "weeks, the 4 before, a year before" + caveat,
        )
    else:
        missing["latest-regions"] = (
            f"events for {country} in the last weeks the data covers",
            HOW_TO_GET["ucdp-ged"],
        )

    # Deadliest events
    top = trends.deadliest(events, params.top_n)
    if len(top):
        shown = pd.DataFrame(
            {
                "date": top["date"].dt.date.astype(str),
                "place": top["location"].fillna(top["admin1"]).fillna(""),
                "type": top["event_type"],
                "groups": top["group_ids"].map(
                    lambda ids: ", ".join(group_label.get(g, g) for g in ids) or "unattributed"
                ),
                "deaths": top["deaths_best"],
                "low": top["deaths_low"],
                "high": top["deaths_high"],
                "what happened": top["description"],
            }
        )
        tables["deadliest"] = TableData(
            shown, f"The {len(shown)} deadliest events in the {event_source}"
        )
    else:
        missing["deadliest"] = (
            (aggregated_trends.NO_SINGLE_EVENTS, aggregated_trends.GET_EVENTS)
            if aggregated
            else ("events with a death figure", HOW_TO_GET["ucdp-ged"])
        )

    # Sahel comparison
    if sahel is not None and len(sahel):
        figures["sahel-comparison"] = FigureData(
            "sahel-comparison",
            "Conflict deaths per year in the central Sahel",
            "Deaths from organised violence per year, by country where they occurred."
            + _sahel_coverage(sahel_wide),
            owid_source,
            sahel,
            {"countries": list(params.sahel_countries), "legend_loc": "center left"},
        )
        shown = sahel_wide.reset_index()
        shown["year"] = shown["year"].astype(str)
        tables["sahel"] = TableData(shown, "Deaths per year by country (OWID from UCDP)")
        sahel_brd = {c: _optional(ctx, "ucdp-brd", c) for c in params.sahel_countries}
        # A dyad counts in every country it fought in: Niger's total held the Government of
        # Nigeria's war on JAS and IS (6,209 of its 9,417 in BRD 24.1), so each country's own
        # government's dyads are shown beside it.
        rows = [
            {
                "country": c,
                "battle deaths (BRD)": int(f["deaths_best"].sum()),
                "of which its own government's dyads": int(
                    f.loc[f["side_a"] == f"Government of {c}", "deaths_best"].sum()
                ),
                "dyad-years": len(f),
            }
            for c, f in sahel_brd.items()
            if f is not None
        ]
        if rows:
            tables["sahel-brd"] = TableData(
                pd.DataFrame(rows),
                "State-based battle deaths over the period (UCDP BRD): every dyad that fought "
                "in the country, in full even where it also fought elsewhere, and of those the "
                "dyads of the country's own government",
            )
    elif owid_all is not None:
        missing["sahel-comparison"] = (
            f"the Sahel series (OWID) for {', '.join(params.sahel_countries)} in the period",
            IN_FILES_NOT_PERIOD,
        )
    else:
        missing["sahel-comparison"] = ("the Sahel series (OWID)", HOW_TO_GET["owid"])

    # Claims: the sources' claims are about Mali; another country's report does not borrow them
    claims = []
    if country == "Mali":
        claims.append(_claim("defenceweb-2019", GEOGRAPHIC_CLAIM, verdict.sentence(), event_source))
    if country == "Mali" and brd is not None and len(brd):
        claims.append(
            _claim(
                "defenceweb-2019",
                "The number of armed groups in Mali has grown since 2012.",
                groups_claim(brd),
                brd_source,
            )
        )
    if (
        country == "Mali"
        and sahel_common is not None
        and {"Burkina Faso", "Niger"} <= set(sahel_common.columns)
    ):
        claims.append(
            _claim(
                "ve-mali-overview",
                "Mali's conflict spilled over into Burkina Faso and Niger.",
                spillover_claim(sahel_common, country),
                owid_source,
            )
        )
    if country == "Mali" and len(events):
        target_counts = trends.split(events, "target", "year").groupby("target")["events"].sum()
        claims.append(
            _claim(
                "ve-mali-overview",
                "Attacks hit security forces, officials, civilians and peacekeepers.",
                "; ".join(
                    f"{t}: {n}" for t, n in target_counts.sort_values(ascending=False).items()
                )
                + " events.",
                event_source,
            )
        )
    if country == "Mali":
        tables["claims"] = TableData(
            pd.DataFrame(claims), "Claims in the sources, tested on the data"
        )
    else:
        missing["claims"] = (
            f"claims about {country} in the curated sources (the claims tested here are about "
            "Mali)",
            "choose country = 'Mali'",
        )

    # Timeline
    if len(milestones):
        tables["milestones"] = TableData(milestone_table(milestones), "Milestones in the period")
    else:
        missing["milestones"] = (
            "milestones of the chosen kinds in the period"
            + ("" if country == "Mali" else f" that concern {country}"),
            f"add them to data/curated/milestones.csv, with {country} in their countries",
        )

    # Each table names the datasets it is computed from (its CSV's comment line), and shows
    # headers a reader reads ('deaths (best)', not 'deaths_best').
    curated_source = ctx.source_line("curated")
    boundaries_source = {
        level: (event_source, ctx.source_line(f"geoboundaries-{level}"))
        for level in ("adm1", "adm2")
    }
    table_sources: dict[str, str | tuple[str, ...] | None] = {
        # The register's entries and the files on the machine: every dataset read is named.
        "datasets": None,
        "coverage": "; ".join(
            [event_source] + [owid_source] * (owid is not None) + [brd_source] * (brd is not None)
        ),
        "brd-by-group": brd_source,
        "unresolved": (event_source, curated_source),
        "types": event_source,
        "targets": event_source,
        "unmatched-adm1": boundaries_source["adm1"],
        "unmatched-adm2": boundaries_source["adm2"],
        "shift": event_source,
        "event-breaks": (event_source, curated_source),
        "annual-breaks": (owid_source, curated_source),
        "latest-regions": event_source,
        "latest-groups": (event_source, curated_source),
        "deadliest": event_source,
        "sahel": owid_source,
        "sahel-brd": brd_source,
        "claims": None,  # claims from the curated tables, each tested on the data it names
        "milestones": curated_source,
    }
    tables = {
        name: readable_headers(part._replace(source=table_sources.get(name)), HEADERS)
        for name, part in tables.items()
    }
    # The body's short versions; the full tables are the appendix's.
    if "deadliest" in tables:
        tables["deadliest-brief"] = without_columns(
            tables["deadliest"], ["what happened"], "what happened: appendix"
        )
    if "milestones" in tables:
        tables["milestones-brief"] = TableData(
            milestone_brief(milestones), MILESTONE_BRIEF_CAPTION, source=curated_source
        )
    for short, full in (("deadliest-brief", "deadliest"), ("milestones-brief", "milestones")):
        if full in missing:
            missing[short] = missing[full]
    if "sahel" not in tables:
        missing["sahel"] = missing.get("sahel-comparison", ("the Sahel series (OWID)", ""))
    if "shift" not in tables:
        missing["shift"] = missing.get(
            "geographic-shift",
            ("zones per year: the report's zones (north, centre, south) are Mali's", ""),
        )

    return AttackTrendsReport(
        params=params,
        findings=tuple(f for f in findings if f)[:6],
        headline=headline_lines(owid, brd, owid_breaks, country),
        shift_headline=shift_headline_lines(verdict, selection.dataset, n_events),
        event_dataset=selection.dataset,
        event_source=event_source,
        events=events,
        selection_notes=tuple(selection.notes),
        event_summary=aggregated_trends.summary(aggregate, event_source)
        if aggregated
        else {
            "source": event_source,
            "n": f"{len(events):,}",
            "first": str(events["date"].min().date()) if len(events) else "-",
            "last": str(events["date"].max().date()) if len(events) else "-",
        },
        coverage_notes=tuple(coverage_notes),
        boundaries_sentence=boundaries_sentence,
        civilian_sentence=civilians,
        area_notes=area_notes,
        verdict=verdict,
        event_breaks=tuple(event_breaks),
        annual_breaks=tuple(owid_breaks),
        no_break_sentence=no_break,
        milestones=milestones,
        tables=tables,
        figures=figures,
        missing=missing,
        title=report_title(country, params.sahel_countries),
        lede=report_lede(country, params.sahel_countries),
        where_intro=MALI_ZONES if country == "Mali" else no_map_sentence(country),
        period=(start, end),
        latest=latest_text,
    )


def _sahel_coverage(sahel_wide: pd.DataFrame | None) -> str:
    """Where a country's series stops before the others' (a year not covered is missing)."""
    if sahel_wide is None:
        return ""
    last = {c: int(sahel_wide[c].last_valid_index()) for c in sahel_wide.columns
            if sahel_wide[c].notna().any()}  # fmt: skip
    if len(set(last.values())) <= 1:
        return ""
    ends = ", ".join(f"{c} in {y}" for c, y in last.items())
    return (
        f" The series end in different years ({ends}); a year a series does not cover is "
        "left blank, and comparisons use the years all cover."
    )


def _map_figure(
    slug: str, counts: AreaCounts, unit: str, caption: str, source: tuple[str, ...]
) -> FigureData:
    return FigureData(slug, (f"Events by {unit}", f"Deaths by {unit}"), caption, source, counts)


def _claim(source: str, claim: str, shows: str, data: str) -> dict[str, str]:
    return {
        "source": source,
        "claim (paraphrased)": claim,
        "what the data shows": shows,
        "data": data,
    }
