"""The attack-trends report: its parameters, checked against the run's snapshot, and its
sections, built from what the run read.

``check(ctx, **values)`` turns the notebook's parameters into ``AttackTrendsParameters`` (one
clear sentence when a value is bad; the country in the project's spelling, once);
``build(ctx, params)`` loads what the sections share (analysis.reports.attack_data) and returns
the ``parts.Report``: the title and lede about the country, the key findings, the lines the
notebook checks, and the sections of the brief (analysis.reports.attack_sections) and of the
appendix (analysis.reports.attack_appendix), in reading order. Nothing here draws: each figure's
Chart names its drawing function of analysis.figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from analysis.reports import attack_appendix as appendix
from analysis.reports import attack_context as context
from analysis.reports import attack_sections as brief
from analysis.reports import attack_sentences as say
from analysis.reports import attack_where as places
from analysis.reports.attack_data import AttackInputs, AttackSeries, analyse, load
from analysis.reports.attack_params import AttackTrendsParameters, check_report_options
from analysis.reports.context import RunContext
from analysis.reports.params import check_countries, check_parameters
from analysis.reports.parts import Report, Section
from analysis.tables.coverage import EVENT_SOURCES

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

Builder = Callable[[AttackInputs, AttackSeries, "AttackTrendsParameters"], Section]
#: The sections of the report in reading order: the brief, then the appendix (each key is the
#: notebook's ``page.show(report, key)``).
SECTIONS: tuple[Builder, ...] = (
    brief.coverage,
    brief.latest,
    brief.national_trend,
    brief.groups,
    brief.types,
    places.where,
    brief.change_points,
    brief.deadliest,
    context.sahel,
    context.claims,
    context.timeline,
    appendix.latest_groups,
    appendix.deadliest_in_full,
    appendix.incidents_in_full,
    appendix.sahel_per_year,
    appendix.unmatched,
    appendix.zones_per_year,
    appendix.method,
    appendix.milestones_in_full,
    appendix.coverage_in_full,
    appendix.words,
)


def check(
    ctx: RunContext,
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
    """The notebook's parameters, checked once against the run's snapshot (its group names);
    empty milestone_kinds means every kind."""
    common = check_parameters(
        start_date,
        end_date,
        country,
        focus_groups,
        data_source,
        allowed_sources=EVENT_SOURCES,
        milestone_kinds=milestone_kinds or None,
        names=ctx.curated.resolver,
    )
    countries = list(check_countries(sahel_countries))
    check_report_options(period, top_n, change_point_method, shift_window, countries)
    return AttackTrendsParameters(
        common, period, top_n, tuple(countries), change_point_method, shift_window
    )


def build(ctx: RunContext, params: AttackTrendsParameters) -> Report:
    """The report of one run: what the sections share is read and computed once, then each
    section is made from it."""
    inputs = load(ctx, params)
    return assemble(inputs, analyse(inputs, params), params)


def assemble(inputs: AttackInputs, series: AttackSeries, params: AttackTrendsParameters) -> Report:
    """The report from the run's inputs and series: its front, key findings, checked lines and
    sections."""
    country = inputs.country
    sections = [make(inputs, series, params) for make in SECTIONS]
    title = say.report_title(country, params.sahel_countries)
    lede = say.report_lede(country, params.sahel_countries)
    return Report(
        name="attack_trends",
        key_findings=key_findings(inputs, series, params),
        sections={s.key: s for s in sections},
        checks={
            "headline": say.headline_lines(inputs.owid, inputs.brd, series.owid_breaks, country),
            "shift": say.shift_headline_lines(
                series.verdict, inputs.selection.dataset, series.n_events, inputs.census
            ),
        },
        title=title,
        lede=lede,
        data_through=data_through(inputs),
        # what the build shows at the top of the page: title, lede and period (ISO dates)
        front={
            "title": title,
            "lede": lede,
            "start_date": inputs.start.isoformat(),
            "end_date": inputs.end.isoformat(),
        },
    )


def key_findings(
    inputs: AttackInputs, series: AttackSeries, params: AttackTrendsParameters
) -> tuple[str, ...]:
    """Up to six sentences with the report's main numbers, computed from the data: first, when
    no census of events is present, that the brief leans on UCDP's annual series."""
    country = inputs.country
    findings: list[str | None] = []
    if not inputs.census:
        annual = [f for f in (inputs.owid, inputs.brd) if _has_rows(f)]
        last_year = int(annual[0]["year"].max()) if annual else None
        findings.append(say.no_census_finding(country, inputs.name, len(inputs.events), last_year))
    findings += [say.owid_finding(inputs.owid, country), say.brd_finding(inputs.brd, country)]
    findings.append(series.latest_finding)
    if country == "Mali" and inputs.census:
        findings.append(say.shift_finding(series.verdict, series.n_events, inputs.sources.events))
    findings += [
        say.annual_break_finding(series.owid_breaks, country),
        say.overtook_finding(series.sahel_common, country),
    ]
    return tuple(f for f in findings if f)[:6]


def data_through(inputs: AttackInputs) -> date | None:
    """The newest day the brief's counts and series rest on: the last day a census of events
    covers in the period, or the last day of the newest year of UCDP's annual series (OWID,
    BRD); a selection does not date the brief (method notes)."""
    days = []
    if inputs.census and inputs.covered.last is not None:
        days.append(inputs.covered.last)
    for annual in (inputs.owid, inputs.brd):
        if _has_rows(annual):
            days.append(date(int(annual["year"].max()), 12, 31))
    return max(days) if days else None


def _has_rows(frame: object) -> bool:
    return frame is not None and bool(len(frame))
