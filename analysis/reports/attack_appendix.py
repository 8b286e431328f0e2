"""The appendix of the attack-trends report, one function per section: what the brief leaves
out (the datasets, the names that match nothing, the zones per year, the method, the tables in
full). Each is a function of the run's inputs, its series and the parameters, like the brief's
sections (analysis.reports.attack_sections)."""

from __future__ import annotations

from analysis.analyses import geoshift
from analysis.analyses.milestones import milestone_table
from analysis.reports import attack_sentences as say
from analysis.reports.attack_context import milestones_missing, sahel_missing
from analysis.reports.attack_data import AttackInputs, AttackSeries
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.attack_sections import UNRESOLVED_LISTED, deadliest_table, latest_caveat
from analysis.reports.attack_tables import latest_by, renamed, report_table
from analysis.reports.attack_where import shift_missing
from analysis.reports.parts import NoData, Section, Text, section
from analysis.tables.coverage import coverage_table

DATASETS_PARAGRAPH = (
    "Event data (ACLED, UCDP GED) lists individual incidents; UCDP's Battle-Related Deaths "
    "(BRD) counts deaths per government-versus-group pair and year in state-based conflict "
    "only; Our World in Data's series (from UCDP GED) counts all organised violence per "
    "country and year. Files are read from `data/raw/` first (`make data`), then, on "
    "development machines, from `../shared/data`."
)
METHOD_LATEST = (
    "**Latest.** The last 4 weeks the event data covers are set against the 4 weeks before and "
    "the same weeks a year earlier (52 weeks, so the same weekdays); the last whole month is "
    "flagged when it is the deadliest in one or three years. The weeks end where the data ends, "
    "which the section's sentences state."
)
METHOD_CHANGE_POINTS = (
    "**Change points.** Found by penalised segmentation (PELT): the series is cut into segments "
    "of constant rate, with a quasi-Poisson cost (Poisson deviance divided by the series' "
    "over-dispersion) and a penalty of 2·ln(n) per break (`analysis/analyses/changepoints.py`). "
    "The monthly event series comes from the event data; the annual series from UCDP via OWID."
)


def coverage_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Data coverage in full: the kinds of data, the sources not used and why, the datasets
    the report can use and what each covers."""
    loaded = {d.selection.dataset: d.selection.counted}
    if d.owid is not None:
        loaded["owid"] = d.owid
    if d.brd is not None:
        loaded["ucdp-brd"] = d.brd
    sources = [d.sources.events]
    sources += [d.sources.owid] * (d.owid is not None) + [d.sources.brd] * (d.brd is not None)
    return section(
        "appendix-coverage",
        Text(DATASETS_PARAGRAPH),
        *(Text("Not used: {note}", {"note": note}) for note in d.selection.notes),
        # the register's entries and the files on the machine: every dataset read is named
        report_table(
            "datasets",
            d.status,
            "Datasets the report can use, and how to get the missing ones",
            None,
        ),
        report_table(
            "coverage",
            coverage_table(loaded),
            f"What each dataset covers for {d.country} in the period",
            "; ".join(sources),
        ),
    )


def latest_groups(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The latest weeks by group, where the source names actors."""
    if not s.latest or (d.declared.event_rows and not len(d.events)):
        return section("appendix-latest-groups")
    if not d.declared.actors:
        return section(
            "appendix-latest-groups",
            NoData(say.no_actors_latest(d.declared), say.GET_EVENTS, slug="latest-groups"),
        )
    return section(
        "appendix-latest-groups",
        report_table(
            "latest-groups",
            latest_by(d.events, d.covered, "group", d.group_label),
            "Events and deaths by group (an event with two groups counts for both): the last 4 "
            "weeks, the 4 before, a year before" + latest_caveat(d),
            (d.sources.events, d.sources.curated),
        ),
    )


def deadliest_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The deadliest events with what happened."""
    return section("appendix-deadliest", deadliest_table(d, p))


def sahel_per_year(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The Sahel comparison's deaths per year and country."""
    if s.sahel is None or not len(s.sahel):
        return section("appendix-sahel", renamed(sahel_missing(d, p), "sahel"))
    shown = s.sahel_wide.reset_index()
    shown["year"] = shown["year"].astype(str)
    return section(
        "appendix-sahel",
        report_table("sahel", shown, "Deaths per year by country (OWID from UCDP)", d.sources.owid),
    )


def unmatched(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The actor names that resolve to no group, and the area names that match no area."""
    names = d.unresolved
    if d.brd is not None and len(d.brd):
        # a BRD row is a dyad-year: 'Government of Mali: 32 events' was 32 dyad-years
        names = names.rename(columns={"events": "events (dyad-years in UCDP BRD)"})
    areas = [
        report_table(
            f"unmatched-{level}",
            counts.unmatched,
            f"{unit} names that match no area (placed by coordinates where possible)",
            (d.sources.events, source),
        )
        for level, unit, counts, source in (
            ("adm1", "Region", s.region_counts, d.sources.adm1),
            ("adm2", "Cercle", s.cercle_counts, d.sources.adm2),
        )
        if counts is not None and len(counts.unmatched)
    ]
    return section(
        "appendix-unmatched",
        report_table(
            "unresolved",
            names.head(UNRESOLVED_LISTED),
            "Actor names that resolve to no group in groups.csv (kept in the data, listed here)",
            (d.sources.events, d.sources.curated),
        ),
        *areas,
    )


def zones_per_year(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Events and deaths per zone and year, with the latitude the shift test reads."""
    missing = shift_missing(d, s)
    if missing is not None:
        return section("appendix-zones", renamed(missing, "shift"))
    zones = geoshift.ZONES
    shown = s.shift[
        [f"events_{z}" for z in zones]
        + [f"deaths_{z}" for z in zones]
        + ["deaths_weighted_latitude", "deaths_with_coordinates"]
    ].reset_index()
    shown["year"] = shown["year"].astype(str)
    return section(
        "appendix-zones",
        report_table(
            "shift",
            shown,
            "Events and deaths per zone, and the deaths-weighted latitude with the deaths it "
            "rests on (those with coordinates), per year",
            d.sources.events,
            {"deaths_weighted_latitude": 2},
        ),
    )


def method(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Method notes: how the latest windows and the change points are found."""
    return section("appendix-method", Text(METHOD_LATEST), Text(METHOD_CHANGE_POINTS))


def milestones_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The milestones with what happened and their sources."""
    if not len(d.milestones):
        return section("appendix-milestones", milestones_missing(d, "milestones"))
    return section(
        "appendix-milestones",
        report_table(
            "milestones",
            milestone_table(d.milestones),
            "Milestones in the period",
            d.sources.curated,
        ),
    )
